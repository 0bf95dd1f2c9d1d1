import { resolveRequirements } from '../../imports/resolve';
import { needComment, withNeeds } from '../indexAdvice';
import { IndexChecks } from '../indexChecks';
import { useQueries, usesVerdict } from '../moduleUses';
import type { OverlaysAPI } from '../../tokens';
import type { IOverlay } from '../types';

const use = (
  pkg: string,
  module: string,
  status: OverlaysAPI.IModuleUse['status'],
  needs: string[] = [],
  by: string | null = null,
  caps: Record<string, string> = {}
) => ({
  package: pkg,
  module,
  status,
  needs,
  by,
  detail: status === 'ok' ? null : `${module}: ${status}`,
  caps
});
/** An overlay's specifiers, by normalized name. */
const has = (specifiers: Record<string, string> = {}) =>
  new Map(Object.entries(specifiers));

describe('module uses', () => {
  it('keeps every dotted import path behind a requirement, three parts at most', () => {
    const [colorcet, sklearn] = resolveRequirements(
      [
        { module: 'colorcet.plotting', names: ['swatches'], optional: false },
        { module: 'colorcet', names: [], optional: false },
        {
          module: 'sklearn.datasets.base.deep',
          names: ['x'],
          optional: false
        }
      ],
      []
    );
    // colorcet resolves to itself: its modules keep the path too.
    expect(colorcet.modules).toEqual(['colorcet.plotting', 'colorcet']);
    expect(colorcet.paths).toEqual(['colorcet.plotting']);
    expect(sklearn.name).toBe('scikit-learn');
    expect(sklearn.modules).toEqual(['sklearn']);
    expect(sklearn.paths).toEqual(['sklearn.datasets.base']);
    expect(useQueries(colorcet)).toEqual([
      'colorcet:colorcet.plotting',
      'colorcet:colorcet'
    ]);
    expect(useQueries(sklearn)).toEqual([
      'scikit-learn:sklearn',
      'scikit-learn:sklearn.datasets.base'
    ]);
  });

  it('makes a flag of what the uses say: gone first, then what the overlay lacks', () => {
    expect(usesVerdict('x', [use('x', 'x', 'ok')], has())).toBeNull();
    const gone = usesVerdict(
      'scikit-learn',
      [
        use('scikit-learn', 'sklearn.datasets.base', 'gone'),
        use('scikit-learn', 'sklearn', 'undeclared', ['six'])
      ],
      has()
    );
    expect(gone).toMatchObject({
      status: 'gone',
      use: 'sklearn.datasets.base'
    });
    // Import names become distributions by the notebooks' table (PIL →
    // pillow); what the overlay has is not asked for again.
    const needs = usesVerdict(
      'mesa',
      [use('mesa', 'mesa.visualization', 'undeclared', ['PIL', 'networkx'])],
      has({ networkx: '*' })
    );
    expect(needs).toMatchObject({
      status: 'needs',
      use: 'pillow',
      pins: { pillow: '*' },
      detail: 'mesa.visualization: undeclared'
    });
    expect(
      usesVerdict(
        'mesa',
        [use('mesa', 'mesa.visualization', 'undeclared', ['networkx'])],
        has({ networkx: '>=3' })
      )
    ).toMatchObject({ status: 'needs', use: '', pins: {} });
    // A module that fetches a URL when imported: told of, after the rest.
    const reach = use('cenpy', 'cenpy', 'network');
    expect(usesVerdict('cenpy', [reach], has())).toEqual({
      name: 'cenpy',
      status: 'network',
      use: null,
      detail: 'cenpy: network'
    });
    expect(
      usesVerdict(
        'cenpy',
        [reach, use('cenpy', 'cenpy.x', 'undeclared', ['six'])],
        has()
      )?.status
    ).toBe('needs');
  });

  it('offers the caps that bring back what a release removed, until the overlay has them', () => {
    // fbprophet imports pkg_resources, which setuptools 82 removed.
    const resources = use(
      'kats',
      'kats.consts',
      'undeclared',
      ['pkg_resources'],
      'fbprophet',
      { setuptools: '<82.0.0' }
    );
    expect(usesVerdict('kats', [resources], has())).toMatchObject({
      status: 'needs',
      use: 'setuptools',
      pins: { setuptools: '<82.0.0' }
    });
    // Already there with any version: the cap is still offered.
    expect(
      usesVerdict('kats', [resources], has({ setuptools: '*' }))?.pins
    ).toEqual({ setuptools: '<82.0.0' });
    // With the cap: nothing left to add (a settled flag).
    expect(
      usesVerdict('kats', [resources], has({ setuptools: '>=40,<82.0.0' }))
        ?.pins
    ).toEqual({});
    // A module gone from the newest release: its cap, then no flag.
    const base = use(
      'scikit-learn',
      'sklearn.datasets.base',
      'gone',
      [],
      null,
      { 'scikit-learn': '<0.24' }
    );
    expect(usesVerdict('scikit-learn', [base], has())).toMatchObject({
      status: 'gone',
      pins: { 'scikit-learn': '<0.24' }
    });
    expect(
      usesVerdict('scikit-learn', [base], has({ 'scikit-learn': '<0.24' }))
    ).toBeNull();
  });

  it('adds what the imports need to new packages, with why, once', async () => {
    const index = {
      verdicts: jest.fn(async () => []),
      uses: jest.fn(async () => [
        use('colorcet', 'colorcet.plotting', 'undeclared', [
          'matplotlib',
          'holoviews'
        ]),
        use('alphalens', 'alphalens', 'undeclared', ['six'], 'empyrical')
      ])
    };
    const requirements = resolveRequirements(
      [
        { module: 'colorcet.plotting', names: ['x'], optional: false },
        { module: 'holoviews', names: [], optional: false },
        { module: 'alphalens', names: [], optional: false }
      ],
      []
    );
    const result = await withNeeds(
      index,
      requirements,
      { alphalens: '*', colorcet: '*', holoviews: '*' },
      '3.11'
    );
    expect(index.uses).toHaveBeenCalledWith(
      [
        'alphalens:alphalens',
        'colorcet:colorcet.plotting',
        'holoviews:holoviews'
      ],
      '3.11'
    );
    expect(result.packages).toEqual({
      alphalens: '*',
      colorcet: '*',
      holoviews: '*',
      matplotlib: '*',
      six: '*'
    });
    expect(result.comments).toEqual({
      matplotlib: 'imported by colorcet.plotting; colorcet does not require it',
      six: 'imported by empyrical (needed by alphalens), which does not require it'
    });
    // A removed name's cap: on a new package, and on an existing one of any
    // version; one with a version is left as written.
    const kats = {
      verdicts: jest.fn(async () => []),
      uses: jest.fn(async () => [
        use('kats', 'kats', 'undeclared', ['pkg_resources'], 'fbprophet', {
          setuptools: '<82.0.0'
        })
      ])
    };
    const katsNeeds = resolveRequirements(
      [{ module: 'kats', names: [], optional: false }],
      []
    );
    const capped = await withNeeds(kats, katsNeeds, { kats: '*' }, '3.11');
    expect(capped.packages).toEqual({ kats: '*', setuptools: '<82.0.0' });
    expect(capped.comments.setuptools).toBe(
      'imported by fbprophet (needed by kats), which does not require it'
    );
    expect(
      (
        await withNeeds(kats, katsNeeds, { kats: '*' }, '3.11', {
          Setuptools: '*'
        })
      ).packages
    ).toEqual({ kats: '*', Setuptools: '<82.0.0' });
    expect(
      (
        await withNeeds(kats, katsNeeds, { kats: '*' }, '3.11', {
          setuptools: '==80.0'
        })
      ).packages
    ).toEqual({ kats: '*' });
    expect(needComment(use('a', 'a.b', 'undeclared', ['c']))).toBe(
      'imported by a.b; a does not require it'
    );
    // No index, or one that does not read modules: the packages as they are.
    const packages = { colorcet: '*' };
    expect(await withNeeds(null, requirements, packages, '3.11')).toEqual({
      packages,
      comments: {}
    });
  });

  it('asks the uses of each package once and flags what they need', async () => {
    const calls: string[][] = [];
    const client = {
      indexCheck: jest.fn(
        async (
          names: string[],
          python: string,
          imports: string[] = [],
          uses: string[] = []
        ) => {
          calls.push([...names, ...uses]);
          return {
            index: 'https://pypi.org/simple/',
            results: names.map(name => ({
              name,
              status: 'ok' as const,
              use: null,
              detail: null
            })),
            // colorcet.plotting answered; colorcet left out (an older server).
            uses: uses
              .filter(query => query === 'colorcet:colorcet.plotting')
              .map(() =>
                use('colorcet', 'colorcet.plotting', 'undeclared', [
                  'matplotlib'
                ])
              )
          };
        }
      )
    };
    const checks = new IndexChecks({ client, delay: 0 });
    const overlay: IOverlay = {
      name: 'plots',
      nameProblem: null,
      folder: 'overlays/plots',
      hasPipfile: true,
      pipfileError: null,
      pythonVersion: '3.11',
      packages: [
        {
          name: 'colorcet',
          key: 'colorcet',
          specifier: '*',
          source: 'table',
          modules: ['colorcet'],
          paths: ['colorcet.plotting'],
          optional: false,
          ambiguous: false
        }
      ],
      members: [],
      inThoth: true,
      inAicoe: true,
      overrides: {},
      outOfDate: false
    };
    checks.request([overlay]);
    await checks.flush();
    await checks.flush();
    // Names and uses in requests of their own: names' flags never wait for
    // modules to be read.
    expect(calls).toEqual([
      ['colorcet'],
      ['colorcet:colorcet', 'colorcet:colorcet.plotting']
    ]);
    expect(checks.forOverlay(overlay).verdicts.colorcet).toMatchObject({
      status: 'needs',
      use: 'matplotlib',
      pins: { matplotlib: '*' }
    });
    expect(
      await checks.uses(['colorcet:colorcet.plotting'], '3.11', 0)
    ).toHaveLength(1);
    // With matplotlib in the Pipfile, it says what it is there for.
    const added: IOverlay = {
      ...overlay,
      packages: [
        ...overlay.packages,
        {
          name: 'matplotlib',
          key: 'Matplotlib',
          specifier: '*',
          source: 'identity',
          modules: [],
          optional: false,
          ambiguous: false
        }
      ]
    };
    checks.request([added]);
    await checks.flush();
    await checks.flush();
    expect(checks.forOverlay(added).neededBy).toEqual({
      Matplotlib: ['colorcet']
    });
    expect(checks.forOverlay(overlay).neededBy).toEqual({});
    checks.dispose();
  });
});
