/**
 * What the package index advises new packages: Create, Add to Overlay and a
 * re-extract's additions write the caps a `held-back` verdict names
 * (`holds.ts`) with a comment saying why; Create records the packages dotted
 * imports nothing else resolved are in (`zc.lockfile`: zc-lockfile). Both
 * when the index answers in time.
 */
import {
  distributionOf,
  IRequirement,
  normalizeName
} from '../imports/resolve';
import { PackageValue, specifierOf } from '../overlay';
import type { OverlaysAPI } from '../tokens';
import { applyHolds, holdsOf, IHold, valueWithCap } from './holds';
import { checkQuery, importQueries } from './indexChecks';
import { useQueries } from './moduleUses';

/**
 * The package index as new packages ask it (`IndexChecks`): what it answers
 * in the time the source waits for it.
 */
export interface IPackageIndex {
  /** The verdicts of names (`checkQuery`). */
  verdicts(
    queries: readonly string[],
    python: string
  ): Promise<OverlaysAPI.IIndexVerdict[]>;
  /** The project each dotted import path is in (null: none proven). */
  providers?(
    modules: readonly string[],
    python: string
  ): Promise<Record<string, string | null>>;
  /** What importing each use (`useQueries`) needs. */
  uses?(
    queries: readonly string[],
    python: string
  ): Promise<OverlaysAPI.IModuleUse[]>;
}

/**
 * New packages with those their imports need but nothing they require
 * installs (`colorcet.plotting` → matplotlib; `empyrical` → six), with the
 * caps that bring back what a release removed, and the Pipfile comment of
 * each added. What the packages or the Pipfile's `existing` entries have is
 * not added again; the packages as they are when there is no index.
 */
export async function withNeeds(
  index: IPackageIndex | null,
  requirements: readonly IRequirement[],
  packages: Record<string, PackageValue>,
  python: string,
  existing: Record<string, PackageValue> = {}
): Promise<{
  packages: Record<string, PackageValue>;
  comments: Record<string, string>;
}> {
  const queries = requirements.flatMap(useQueries);
  if (!index?.uses || !queries.length) {
    return { packages, comments: {} };
  }
  const result = { ...packages };
  const comments: Record<string, string> = {};
  const has = (name: string) =>
    [...Object.keys(existing), ...Object.keys(result)].some(
      key => normalizeName(key) === normalizeName(name)
    );
  for (const use of await index.uses(queries, python)) {
    if (use.status !== 'undeclared') {
      continue;
    }
    for (const module of use.needs) {
      const name = distributionOf(module);
      if (!has(name)) {
        result[name] = '*';
        comments[name] = needComment(use);
      }
    }
    // A cap that brings back what a release removed (setuptools <82.0.0,
    // for pkg_resources): on a new package, or an existing one of any version.
    for (const [name, cap] of Object.entries(use.caps ?? {})) {
      const key = keyOf(name, result) ?? keyOf(name, existing) ?? name;
      const value = result[key] ?? existing[key] ?? '*';
      if (key in result || specifierOf(value) === '*') {
        result[key] = valueWithCap(value, cap);
        comments[key] = needComment(use);
      }
    }
  }
  return { packages: result, comments };
}

/** The key of `name` in `packages` (`Setuptools` for setuptools), if there. */
function keyOf(
  name: string,
  packages: Record<string, PackageValue>
): string | undefined {
  return Object.keys(packages).find(
    key => normalizeName(key) === normalizeName(name)
  );
}

/** Why a package was added: `imported by colorcet.plotting; colorcet does not require it`. */
export function needComment(use: OverlaysAPI.IModuleUse): string {
  return use.by
    ? `imported by ${use.by} (needed by ${use.package}), which does not require it`
    : `imported by ${use.module}; ${use.package} does not require it`;
}

/**
 * The overrides (`overlay.json`) that put dotted imports in the projects the
 * index says they are in, for requirements nothing resolved but their import
 * name (`importQueries`): `{ 'zc.lockfile': 'zc-lockfile' }`.
 */
export async function indexOverrides(
  index: IPackageIndex | null,
  requirements: readonly IRequirement[],
  python: string
): Promise<Record<string, string>> {
  const asked = [...new Set(requirements.flatMap(importQueries))];
  if (!index?.providers || !asked.length) {
    return {};
  }
  const found = await index.providers(asked, python);
  const overrides: Record<string, string> = {};
  for (const requirement of requirements) {
    for (const module of importQueries(requirement)) {
      const provider = found[module];
      if (provider && provider !== requirement.name) {
        overrides[module] = provider;
      }
    }
  }
  return overrides;
}

/**
 * New packages with the holds the index asks for, and the Pipfile comment
 * of each dependency held back. `existing` is what the Pipfile has already:
 * a dependency there with a version is left as written, one there with any
 * version gets its cap. The packages as they are when there is no index.
 */
export async function withHolds(
  index: IPackageIndex | null,
  packages: Record<string, PackageValue>,
  python: string,
  existing: Record<string, PackageValue> = {}
): Promise<{
  packages: Record<string, PackageValue>;
  comments: Record<string, string>;
  /** The hold behind each entry it caps, by key. */
  holds: Record<string, IHold>;
}> {
  if (!index || !Object.keys(packages).length) {
    return { packages, comments: {}, holds: {} };
  }
  const queries = Object.entries(packages).map(([name, value]) =>
    checkQuery({ name, specifier: specifierOf(value) })
  );
  const holds = holdsOf(await index.verdicts(queries, python));
  const { packages: all, applied } = applyHolds(
    { ...existing, ...packages },
    holds
  );
  const result = { ...packages };
  const comments: Record<string, string> = {};
  const byKey: Record<string, IHold> = {};
  const keys = new Map(Object.keys(all).map(key => [normalizeName(key), key]));
  for (const hold of applied) {
    const key = keys.get(normalizeName(hold.name)) ?? hold.name;
    result[key] = all[key];
    comments[key] = holdComment(hold, python);
    byKey[key] = hold;
  }
  return { packages: result, comments, holds: byKey };
}

/** Why a dependency is capped, for the Pipfile: `held back: bambi has no newer release for Python 3.11`. */
export function holdComment(hold: IHold, python: string): string {
  return `held back: ${hold.for.join(', ')} ${
    hold.for.length > 1 ? 'have' : 'has'
  } no newer release for Python ${python}`;
}

/**
 * New packages with what their imports need (`withNeeds`), then the holds of
 * all (`withHolds`); the index is asked about the packages meanwhile, so the
 * two waits overlap. `needed` is the comment of each package added for an
 * import, by key (one also held back is told of as held back).
 */
export async function advised(
  index: IPackageIndex | null,
  requirements: readonly IRequirement[],
  packages: Record<string, PackageValue>,
  python: string,
  existing: Record<string, PackageValue> = {}
): Promise<
  Awaited<ReturnType<typeof withHolds>> & { needed: Record<string, string> }
> {
  void index?.verdicts(
    Object.entries(packages).map(([name, value]) =>
      checkQuery({ name, specifier: specifierOf(value) })
    ),
    python
  );
  const needs = await withNeeds(
    index,
    requirements,
    packages,
    python,
    existing
  );
  const held = await withHolds(index, needs.packages, python, existing);
  return {
    ...held,
    comments: { ...needs.comments, ...held.comments },
    needed: Object.fromEntries(
      Object.entries(needs.comments).filter(([key]) => !(key in held.holds))
    )
  };
}
