import { checkQuery, importQueries, IndexChecks } from '../indexChecks';
import type { IOverlay } from '../types';

function overlay(
  name: string,
  packages: string[],
  python: string | null = null
): IOverlay {
  return {
    name,
    nameProblem: null,
    folder: `overlays/${name}`,
    hasPipfile: true,
    pipfileError: null,
    pythonVersion: python,
    packages: packages.map(key => ({
      name: key.toLowerCase(),
      key,
      specifier: '*',
      source: 'identity',
      modules: [],
      optional: false,
      ambiguous: false
    })),
    members: [],
    inThoth: true,
    inAicoe: true,
    overrides: {},
    outOfDate: false
  };
}

function fakeClient(statuses: Record<string, string>, fail = false) {
  const calls: [string[], string][] = [];
  return {
    calls,
    indexCheck: jest.fn(async (names: string[], python: string) => {
      calls.push([names, python]);
      if (fail) {
        throw new Error('no server');
      }
      return {
        index: 'https://pypi.org/simple/',
        results: names.map(name => ({
          name,
          status: (statuses[name] ?? 'ok') as any,
          use: statuses[name] === 'renamed' ? 'prophet' : null,
          detail:
            statuses[name] === 'unknown'
              ? 'the package index is not reachable'
              : null
        }))
      };
    })
  };
}

describe('IndexChecks', () => {
  it('asks once per name and Python, after a pause, and flags what will not install', async () => {
    const client = fakeClient({ sksurv: 'missing', fbprophet: 'renamed' });
    const checks = new IndexChecks({ client, delay: 10 });
    const a = overlay('a', ['pandas', 'sksurv']);
    const b = overlay('b', ['pandas', 'fbprophet'], '3.12');
    const changed = jest.fn();
    checks.changed.connect(changed);
    checks.request([a, b]);
    checks.request([a, b]); // a second change before the pause: one round only
    expect(client.calls).toEqual([]);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(client.calls).toEqual([
      [['pandas', 'sksurv'], '3.11'],
      [['pandas', 'fbprophet'], '3.12']
    ]);
    expect(changed).toHaveBeenCalled();
    const forA = checks.forOverlay(a);
    expect(Object.keys(forA.verdicts)).toEqual(['sksurv']);
    expect(forA.verdicts.sksurv.status).toBe('missing');
    expect(checks.forOverlay(a)).toBe(forA); // the same object until it changes
    expect(checks.forOverlay(b).verdicts.fbprophet.use).toBe('prophet');
    await checks.flush();
    expect(client.calls).toHaveLength(2); // nothing new to ask
  });

  it('asks about a pinned version with its specifier, and flags it by package', async () => {
    const client = fakeClient({ 'scikit-learn==0.20.3': 'pinned' });
    const checks = new IndexChecks({ client, delay: 0 });
    const a = overlay('a', ['scikit-learn', 'pandas']);
    a.packages[0].specifier = '== 0.20.3';
    a.packages[1].specifier = '>=2 ; python_version > "3"';
    checks.request([a]);
    await checks.flush();
    expect(client.calls).toEqual([
      [['scikit-learn==0.20.3', 'pandas'], '3.11']
    ]);
    expect(checks.forOverlay(a).verdicts['scikit-learn'].status).toBe('pinned');
  });

  it('writes the query of a package as the server reads it', () => {
    const query = (name: string, specifier: string) =>
      checkQuery({ name, specifier });
    expect(query('six', '*')).toBe('six');
    expect(query('six', '')).toBe('six');
    expect(query('numpy', '>=1.0, <2')).toBe('numpy>=1.0,<2');
    expect(query('numpy', 'not a version')).toBe('numpy');
  });

  it('flags nothing when the index cannot be reached, and says so', async () => {
    const client = fakeClient({ pandas: 'unknown', sksurv: 'unknown' });
    const checks = new IndexChecks({ client, delay: 0 });
    const a = overlay('a', ['pandas', 'sksurv']);
    checks.request([a]);
    await checks.flush();
    expect(checks.forOverlay(a)).toEqual({
      verdicts: {},
      heldFor: {},
      neededBy: {},
      unreachable: 'the package index is not reachable'
    });
    // Asked again next time.
    await checks.flush();
    expect(client.calls.length).toBe(2);
  });

  it('flags nothing without a server that checks', async () => {
    const checks = new IndexChecks({ client: fakeClient({}, true), delay: 0 });
    const a = overlay('a', ['pandas']);
    checks.request([a]);
    await checks.flush();
    expect(checks.forOverlay(a)).toEqual({
      verdicts: {},
      heldFor: {},
      neededBy: {},
      unreachable: null
    });
    checks.dispose();
  });

  it('asks which package dotted imports of a name nothing resolved are in', async () => {
    const asked: [string[], string, string[]][] = [];
    let reachable = false;
    const client = {
      indexCheck: jest.fn(
        async (names: string[], python: string, imports: string[] = []) => {
          // Uses go in requests of their own (needs.spec.ts).
          if (names.length || imports.length) {
            asked.push([names, python, imports]);
          }
          return {
            index: 'https://pypi.org/simple/',
            results: names.map(name => ({
              name,
              status: 'ok' as const,
              use: null,
              detail: null
            })),
            imports: imports.map(module => ({
              module,
              provider: !reachable
                ? null
                : module === 'zc.lockfile'
                  ? 'zc.lockfile'
                  : module === 'pandas.io.json'
                    ? 'pandas'
                    : null,
              detail: reachable ? null : 'the package index is not reachable',
              unknown: !reachable
            }))
          };
        }
      )
    };
    const checks = new IndexChecks({ client, delay: 0 });
    const a = overlay('a', ['zc', 'pandas', 'six']);
    a.packages[0].modules = ['zc.lockfile', 'zc.buildout'];
    a.packages[1].modules = ['pandas.io.json'];
    a.packages[2].modules = ['six.moves'];
    a.packages[2].source = 'table'; // resolved: nothing to ask
    checks.request([a]);
    await checks.flush();
    expect(asked).toEqual([
      [
        ['zc', 'pandas', 'six'],
        '3.11',
        ['zc.lockfile', 'zc.buildout', 'pandas.io.json']
      ]
    ]);
    expect(checks.forOverlay(a).verdicts).toEqual({});
    // The index was not reachable: asked again, and answered this time.
    reachable = true;
    await checks.flush();
    expect(asked[1]).toEqual([
      [],
      '3.11',
      ['zc.lockfile', 'zc.buildout', 'pandas.io.json']
    ]);
    expect(checks.forOverlay(a).verdicts).toEqual({
      zc: {
        name: 'zc',
        status: 'provided',
        use: 'zc-lockfile',
        detail: null,
        providers: { 'zc.lockfile': 'zc-lockfile' }
      }
    });
    await checks.flush();
    expect(asked).toHaveLength(2); // answers are kept, found or not
  });

  it('asks about the dotted imports of an unresolved name only', () => {
    const pkg = (source: any, modules: string[]) =>
      importQueries({ name: 'x', source, modules });
    expect(pkg('identity', ['x', 'x.a', 'x.b.c'])).toEqual(['x.a', 'x.b.c']);
    expect(pkg('table', ['x.a'])).toEqual([]);
    expect(pkg('pipfile', [])).toEqual([]);
  });

  it('gives the verdicts of queries it is asked for, asking once, within a wait', async () => {
    const client = fakeClient({ bambi: 'held-back' });
    const checks = new IndexChecks({ client, delay: 0 });
    const [first, second] = await Promise.all([
      checks.verdicts(['bambi', 'numpy'], '3.11', 5000),
      checks.verdicts(['numpy'], '3.11', 5000)
    ]);
    expect(first.map(verdict => verdict.status)).toEqual(['held-back', 'ok']);
    expect(second.map(verdict => verdict.name)).toEqual(['numpy']);
    expect(client.calls).toEqual([[['bambi', 'numpy'], '3.11']]);
    // Known now: nothing is asked again, and the sidebar's flush has nothing to ask.
    await checks.verdicts(['bambi'], '3.11', 5000);
    checks.request([overlay('a', ['bambi', 'numpy'])]);
    await checks.flush();
    expect(client.calls).toHaveLength(1);
  });

  it('gives what it has when the index does not answer in time, or at all', async () => {
    let answer: () => void = () => undefined;
    const slow = {
      indexCheck: jest.fn(
        (names: string[]) =>
          new Promise<any>(resolve => {
            answer = () =>
              resolve({
                index: 'https://pypi.org/simple/',
                results: names.map(name => ({
                  name,
                  status: 'ok',
                  use: null,
                  detail: null
                }))
              });
          })
      )
    };
    const checks = new IndexChecks({ client: slow, delay: 0 });
    expect(await checks.verdicts(['six'], '3.11', 20)).toEqual([]);
    answer();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(await checks.verdicts(['six'], '3.11', 20)).toHaveLength(1);
    expect(slow.indexCheck).toHaveBeenCalledTimes(1);
    const failing = new IndexChecks({ client: fakeClient({}, true) });
    expect(await failing.verdicts(['six'], '3.11', 5000)).toEqual([]);
  });

  it('offers the caps of a held-back package the Pipfile lacks, and names what it holds back', async () => {
    const pins = { matplotlib: '<3.11', sparse: '<0.18' };
    const client = {
      indexCheck: jest.fn(async (names: string[]) => ({
        index: 'https://pypi.org/simple/',
        results: names.map(name => ({
          name,
          status: (name === 'bambi' ? 'held-back' : 'ok') as any,
          use: null,
          detail: null,
          pins: name === 'bambi' ? pins : null
        }))
      }))
    };
    const checks = new IndexChecks({ client, delay: 0 });
    const a = overlay('a', ['bambi', 'Matplotlib', 'sparse']);
    a.packages[1].specifier = '<3.11';
    a.packages[2].specifier = '>=0.15';
    checks.request([a]);
    await checks.flush();
    const held = checks.forOverlay(a);
    expect(held.verdicts.bambi.pins).toEqual({ sparse: '<0.18' });
    expect(held.heldFor).toEqual({ Matplotlib: ['bambi'] });
    // Every cap in the Pipfile: nothing left to offer.
    const b = overlay('b', ['bambi', 'matplotlib', 'sparse']);
    b.packages[1].specifier = '>=3,<3.11';
    b.packages[2].specifier = '<0.18';
    expect(checks.forOverlay(b).verdicts.bambi.pins).toEqual({});
    expect(checks.forOverlay(b).heldFor).toEqual({
      matplotlib: ['bambi'],
      sparse: ['bambi']
    });
  });

  it('gives the projects dotted imports are in, asking once, within a wait', async () => {
    const asked: string[][] = [];
    let reachable = false;
    const client = {
      indexCheck: jest.fn(
        async (names: string[], python: string, imports: string[] = []) => {
          asked.push(imports);
          return {
            index: 'https://pypi.org/simple/',
            results: [],
            imports: imports.map(module => ({
              module,
              provider:
                reachable && module === 'zc.lockfile' ? 'zc.lockfile' : null,
              detail: null,
              unknown: !reachable
            }))
          };
        }
      )
    };
    const checks = new IndexChecks({ client });
    // Unreachable: nothing known, asked again next time.
    expect(await checks.providers(['zc.lockfile'], '3.11', 5000)).toEqual({});
    reachable = true;
    expect(
      await checks.providers(['zc.lockfile', 'a.b'], '3.11', 5000)
    ).toEqual({ 'zc.lockfile': 'zc-lockfile', 'a.b': null });
    expect(await checks.providers(['a.b'], '3.11', 5000)).toEqual({
      'a.b': null
    });
    expect(asked).toEqual([['zc.lockfile'], ['zc.lockfile', 'a.b']]);
  });
});
