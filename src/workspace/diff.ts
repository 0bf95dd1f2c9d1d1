/**
 * What re-extracting an overlay would change in its Pipfile.
 */
import type { IRequirement } from '../imports/resolve';
import type { IPipfileEntry } from '../overlay/pipfile';

/**
 * One change of a package's specifier.
 */
export interface IPackageChange {
  entry: IPipfileEntry;
  requirement: IRequirement;
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
    } else if (
      requirement.specifier !== '*' &&
      requirement.specifier !== entry.specifier
    ) {
      diff.changed.push({ entry, requirement });
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
 * Whether a diff changes anything.
 */
export function isEmptyDiff(diff: IPackageDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length;
}
