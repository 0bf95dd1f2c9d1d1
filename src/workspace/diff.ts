/**
 * What re-extracting an overlay would change in its Pipfile.
 */
import type { IRequirement } from '../imports/resolve';
import {
  extrasOf,
  IPipfileEntry,
  isTable,
  PackageValue
} from '../overlay/pipfile';

/**
 * One change of a package: another pin, or extras the notebooks now need
 * (`import dask.dataframe`: `dask[dataframe]`).
 */
export interface IPackageChange {
  entry: IPipfileEntry;
  requirement: IRequirement;
  /** The extras the requirement asks for that the entry lacks. */
  extras: string[];
}

/**
 * A dependency an addition holds back (`indexAdvice.ts`): its entry, and why.
 */
export interface IHeldEntry {
  key: string;
  value: PackageValue;
  /** The Pipfile comment saying why. */
  comment: string;
  /** The packages it is held back for. */
  for: string[];
}

/**
 * The difference between a Pipfile and the overlay's extracted requirements.
 */
export interface IPackageDiff {
  /** Imported but not in the Pipfile. */
  added: IRequirement[];
  /** In the Pipfile but no longer imported: proposals only, the user confirms. */
  removed: IPipfileEntry[];
  /** Imported with another pin than the Pipfile's. */
  changed: IPackageChange[];
  /** Dependencies to hold back for packages `added` (asked of the index). */
  held?: IHeldEntry[];
  /**
   * Packages the modules `added` imports need that nothing they require
   * installs (`colorcet.plotting` → matplotlib; asked of the index).
   */
  needed?: INeededEntry[];
}

/** A package an imported module needs, as the Pipfile gets it. */
export interface INeededEntry {
  key: string;
  value: PackageValue;
  /** The Pipfile comment saying why. */
  comment: string;
}

/**
 * Compare a Pipfile's packages with extracted requirements.
 */
export function diffPackages(
  entries: IPipfileEntry[],
  requirements: IRequirement[]
): IPackageDiff {
  const byName = new Map(entries.map(entry => [entry.name, entry]));
  const wanted = new Set(requirements.map(requirement => requirement.name));
  const diff: IPackageDiff = { added: [], removed: [], changed: [] };
  for (const requirement of requirements) {
    const entry = byName.get(requirement.name);
    if (!entry) {
      diff.added.push(requirement);
      continue;
    }
    const had = extrasOf(entry.value);
    const extras = (requirement.extras ?? []).filter(
      extra => !had.includes(extra)
    );
    if (
      (requirement.specifier !== '*' &&
        requirement.specifier !== entry.specifier) ||
      extras.length
    ) {
      diff.changed.push({ entry, requirement, extras });
    }
  }
  for (const entry of entries) {
    if (!wanted.has(entry.name)) {
      diff.removed.push(entry);
    }
  }
  return diff;
}

/**
 * Whether the Pipfile lacks something the notebooks import: a package, or
 * extras of one it has.
 */
export function lacksImports(diff: IPackageDiff): boolean {
  return (
    diff.added.length > 0 || diff.changed.some(change => change.extras.length)
  );
}

/**
 * A Pipfile entry after a change: the requirement's pin when it has one,
 * else the entry's; the extras of both; the entry's other keys kept.
 */
export function changedValue(change: IPackageChange): PackageValue {
  const { entry, requirement } = change;
  const version =
    requirement.specifier !== '*' ? requirement.specifier : entry.specifier;
  const extras = [...extrasOf(entry.value), ...change.extras];
  const table = isTable(entry.value) ? entry.value : {};
  if (!extras.length && !Object.keys(table).length && !requirement.marker) {
    return version;
  }
  return {
    ...table,
    version,
    ...(extras.length ? { extras } : {}),
    ...(requirement.marker && !('markers' in table)
      ? { markers: requirement.marker }
      : {})
  };
}

/**
 * Whether a diff changes anything.
 */
export function isEmptyDiff(diff: IPackageDiff): boolean {
  return (
    !diff.added.length &&
    !diff.removed.length &&
    !diff.changed.length &&
    !diff.held?.length &&
    !diff.needed?.length
  );
}
