/**
 * What imported modules need (`module_check.py` on the server): the import
 * paths asked of each package, and what the answers make of it.
 */
import { distributionOf } from '../imports/resolve';
import type { OverlaysAPI } from '../tokens';
import type { IOverlayPackage } from './types';

/** Import paths asked per package (a module check reads the package's files). */
const USES_PER_PACKAGE = 8;

/**
 * The import paths of a package to ask what they need (`module_check.py`):
 * `colorcet:colorcet.plotting`, `empyrical:empyrical`.
 */
export function useQueries(
  pkg: Pick<IOverlayPackage, 'name' | 'modules' | 'paths'>
): string[] {
  const paths = new Set([...pkg.modules, ...(pkg.paths ?? [])]);
  return [...paths]
    .slice(0, USES_PER_PACKAGE)
    .map(path => `${pkg.name}:${path}`);
}

/**
 * The verdict a package's uses make (null when none says anything): `gone`
 * when a path is not in its release, else `needs` with the packages the
 * imports need that the overlay does not have (`{ six: '*' }`), found by
 * the same table as the notebooks' imports; else `network` when importing
 * fetches a URL.
 */
export function usesVerdict(
  name: string,
  uses: readonly OverlaysAPI.IModuleUse[],
  has: (distribution: string) => boolean
): OverlaysAPI.IIndexVerdict | null {
  const gone = uses.find(use => use.status === 'gone');
  if (gone) {
    return { name, status: 'gone', use: gone.module, detail: gone.detail };
  }
  const wanting = uses.filter(use => use.status === 'undeclared');
  const pins: Record<string, string> = {};
  for (const distribution of neededNames(wanting)) {
    if (!has(distribution)) {
      pins[distribution] = '*';
    }
  }
  if (!wanting.length) {
    const network = uses.find(use => use.status === 'network');
    return network
      ? { name, status: 'network', use: null, detail: network.detail }
      : null;
  }
  return {
    name,
    status: 'needs',
    use: Object.keys(pins).join(', '),
    detail: wanting.map(use => use.detail).join('\n'),
    pins
  };
}

/**
 * The packages the imports of `undeclared` uses need, by the same table as
 * the notebooks' imports (`matplotlib` for `colorcet.plotting`).
 */
export function neededNames(uses: readonly OverlaysAPI.IModuleUse[]): string[] {
  const names = uses.flatMap(use =>
    use.status === 'undeclared' ? use.needs.map(distributionOf) : []
  );
  return [...new Set(names)];
}
