/**
 * What imported modules need (`module_check.py` on the server): the import
 * paths asked of each package, and what the answers make of it.
 */
import { distributionOf, normalizeName } from '../imports/resolve';
import type { OverlaysAPI } from '../tokens';
import { pendingPins } from './holds';
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
 * when a path is not in its release (with the cap that brings it back as
 * `pins`, until the overlay has it), else `needs` with the packages the
 * imports need that the overlay does not have (`{ six: '*' }`), found by
 * the same table as the notebooks' imports, and the caps that bring back
 * what a project removed (`{ setuptools: '<82.0.0' }`, for `pkg_resources`);
 * else `network` when importing fetches a URL. `specifiers` are the
 * overlay's, by normalized name.
 */
export function usesVerdict(
  name: string,
  uses: readonly OverlaysAPI.IModuleUse[],
  specifiers: ReadonlyMap<string, string>
): OverlaysAPI.IIndexVerdict | null {
  const gone = uses.find(
    use =>
      use.status === 'gone' &&
      (!Object.keys(use.caps ?? {}).length ||
        Object.keys(pendingPins(use.caps ?? {}, specifiers)).length)
  );
  if (gone) {
    return {
      name,
      status: 'gone',
      use: gone.module,
      detail: gone.detail,
      pins: pendingPins(gone.caps ?? {}, specifiers)
    };
  }
  const wanting = uses.filter(use => use.status === 'undeclared');
  const pins: Record<string, string> = {};
  for (const distribution of neededNames(wanting)) {
    if (!specifiers.has(normalizeName(distribution))) {
      pins[distribution] = '*';
    }
  }
  const caps = Object.assign({}, ...wanting.map(use => use.caps ?? {}));
  Object.assign(pins, pendingPins(caps, specifiers));
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
