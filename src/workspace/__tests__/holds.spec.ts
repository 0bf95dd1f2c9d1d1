import {
  applyHolds,
  holdsOf,
  pendingPins,
  valueWithCap,
  withCap
} from '../holds';
import { holdComment, withHolds } from '../indexAdvice';

const heldBack = (name: string, pins: Record<string, string>) => ({
  name,
  status: 'held-back' as const,
  use: null,
  detail: `${name} is held back`,
  pins
});

describe('holds', () => {
  it('gathers the caps held-back verdicts ask for, one per dependency', () => {
    expect(
      holdsOf([
        heldBack('bambi', { matplotlib: '<3.11', sparse: '<0.18' }),
        { name: 'numpy', status: 'ok', use: null, detail: null },
        heldBack('arviz', { Matplotlib: '<3.11', setuptools: '<82.1' }),
        heldBack('other', { matplotlib: '<3.10' })
      ])
    ).toEqual([
      {
        name: 'matplotlib',
        cap: '<3.11,<3.10',
        for: ['bambi', 'arviz', 'other']
      },
      { name: 'sparse', cap: '<0.18', for: ['bambi'] },
      { name: 'setuptools', cap: '<82.1', for: ['arviz'] }
    ]);
  });

  it('caps a dependency that is new or takes any version, never one written with a version', () => {
    const holds = holdsOf([
      heldBack('bambi', {
        matplotlib: '<3.11',
        sparse: '<0.18',
        xarray: '<2026.3',
        dask: '<2026'
      })
    ]);
    const { packages, applied } = applyHolds(
      {
        bambi: '*',
        Matplotlib: '==3.11.1',
        sparse: '',
        dask: { version: '*', extras: ['dataframe'] }
      },
      holds
    );
    expect(packages).toEqual({
      bambi: '*',
      Matplotlib: '==3.11.1',
      sparse: '<0.18',
      dask: { version: '<2026', extras: ['dataframe'] },
      xarray: '<2026.3'
    });
    expect(applied.map(hold => hold.name)).toEqual([
      'sparse',
      'xarray',
      'dask'
    ]);
  });

  it('adds a cap to a specifier once', () => {
    expect(withCap('*', '<3.11')).toBe('<3.11');
    expect(withCap('>=3.8', '<3.11')).toBe('>=3.8,<3.11');
    expect(withCap('>=3.8, <3.11', '< 3.11')).toBe('>=3.8, <3.11');
    expect(valueWithCap({ extras: ['x'] }, '<2')).toEqual({
      extras: ['x'],
      version: '<2'
    });
  });

  it('tells which caps a Pipfile lacks', () => {
    const specifiers = new Map([
      ['matplotlib', '>=3,<3.11'],
      ['sparse', '*']
    ]);
    expect(
      pendingPins(
        { Matplotlib: '<3.11', sparse: '<0.18', xarray: '<1' },
        specifiers
      )
    ).toEqual({ sparse: '<0.18', xarray: '<1' });
  });
});

describe('withHolds', () => {
  const index = (verdicts: any[]) => ({
    verdicts: jest.fn(async () => verdicts)
  });

  it('writes the caps the index asks for, with why, for the Python asked', async () => {
    const asked = index([heldBack('bambi', { matplotlib: '<3.11' })]);
    const held = await withHolds(
      asked,
      { bambi: '*', 'scikit-learn': '==1.5.0' },
      '3.11'
    );
    expect(asked.verdicts).toHaveBeenCalledWith(
      ['bambi', 'scikit-learn==1.5.0'],
      '3.11'
    );
    expect(held).toEqual({
      packages: {
        bambi: '*',
        'scikit-learn': '==1.5.0',
        matplotlib: '<3.11'
      },
      comments: {
        matplotlib: 'held back: bambi has no newer release for Python 3.11'
      },
      holds: {
        matplotlib: { name: 'matplotlib', cap: '<3.11', for: ['bambi'] }
      }
    });
  });

  it('caps an entry the Pipfile has with any version, leaves one with a version', async () => {
    const asked = index([
      heldBack('bambi', { matplotlib: '<3.11', sparse: '<0.18' })
    ]);
    const held = await withHolds(asked, { bambi: '*' }, '3.11', {
      Matplotlib: '*',
      sparse: '==0.19.0'
    });
    expect(held.packages).toEqual({ bambi: '*', Matplotlib: '<3.11' });
    expect(Object.keys(held.comments)).toEqual(['Matplotlib']);
  });

  it('writes the packages as they are without an index, or with nothing held back', async () => {
    const packages = { six: '*' };
    expect(await withHolds(null, packages, '3.11')).toEqual({
      packages,
      comments: {},
      holds: {}
    });
    const asked = index([]);
    expect(await withHolds(asked, {}, '3.11')).toEqual({
      packages: {},
      comments: {},
      holds: {}
    });
    expect(asked.verdicts).not.toHaveBeenCalled();
    expect(await withHolds(index([]), packages, '3.11')).toEqual({
      packages,
      comments: {},
      holds: {}
    });
  });

  it('says why a dependency is held back, for one package or several', () => {
    expect(
      holdComment({ name: 'm', cap: '<1', for: ['bambi', 'arviz'] }, '3.11')
    ).toBe('held back: bambi, arviz have no newer release for Python 3.11');
  });
});
