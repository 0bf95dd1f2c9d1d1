/**
 * New packages with the holds the package index asks for: Create, Add to
 * Overlay and a re-extract's additions write the caps a `held-back` verdict
 * names (`holds.ts`) with a comment saying why, when the index answers in
 * time.
 */
import { normalizeName } from '../imports/resolve';
import { PackageValue, specifierOf } from '../overlay';
import type { OverlaysAPI } from '../tokens';
import { applyHolds, holdsOf, IHold } from './holds';
import { checkQuery } from './indexChecks';

/**
 * Where verdicts come from (`IndexChecks.verdicts`): those the index gives
 * in the time the source waits for it.
 */
export interface IIndexVerdicts {
  verdicts(
    queries: readonly string[],
    python: string
  ): Promise<OverlaysAPI.IIndexVerdict[]>;
}

/**
 * New packages with the holds the index asks for, and the Pipfile comment
 * of each dependency held back. `existing` is what the Pipfile has already:
 * a dependency there with a version is left as written, one there with any
 * version gets its cap. The packages as they are when there is no index.
 */
export async function withHolds(
  index: IIndexVerdicts | null,
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
