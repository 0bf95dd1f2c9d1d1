/**
 * Holding dependencies back: when the package index says a package's last
 * release for the overlay's Python is older than some of its dependencies'
 * newest releases (`held-back`: bambi 0.17.2 on Python 3.11, where
 * matplotlib 3.11 breaks it), the Pipfile caps those dependencies
 * (`matplotlib = "<3.11"`). Pure: what the caps are, and what a Pipfile entry
 * becomes with one.
 */
import { normalizeName } from '../imports/resolve';
import { PackageValue, specifierOf } from '../overlay';
import type { OverlaysAPI } from '../tokens';

/** One dependency held back, and the packages that ask for it. */
export interface IHold {
  /** The dependency, as the index names it (`matplotlib`). */
  name: string;
  /** Its cap; several joined by commas (`<3.11`). */
  cap: string;
  /** The held-back packages whose verdicts ask for it (`['bambi', 'arviz']`). */
  for: string[];
}

/**
 * The caps the `held-back` verdicts of `verdicts` ask for, one per
 * dependency, in the order first asked.
 */
export function holdsOf(
  verdicts: readonly OverlaysAPI.IIndexVerdict[]
): IHold[] {
  const holds = new Map<string, IHold>();
  for (const verdict of verdicts) {
    if (verdict.status !== 'held-back') {
      continue;
    }
    for (const [name, cap] of Object.entries(verdict.pins ?? {})) {
      const key = normalizeName(name);
      const hold = holds.get(key);
      if (!hold) {
        holds.set(key, { name, cap, for: [verdict.name] });
      } else {
        hold.cap = withCap(hold.cap, cap);
        hold.for.push(verdict.name);
      }
    }
  }
  return [...holds.values()];
}

/**
 * New packages with their holds: a dependency gets its cap when it is not in
 * `packages` or is there with any version (`*`); one the notebooks pin or
 * constrain (`==3.11.1`) is left as written, so a hold never makes a
 * specifier nobody can satisfy. Returns the packages and the holds applied.
 */
export function applyHolds(
  packages: Record<string, PackageValue>,
  holds: readonly IHold[]
): { packages: Record<string, PackageValue>; applied: IHold[] } {
  const result = { ...packages };
  const keys = new Map(
    Object.keys(result).map(key => [normalizeName(key), key])
  );
  const applied: IHold[] = [];
  for (const hold of holds) {
    const key = keys.get(normalizeName(hold.name));
    const value = key === undefined ? undefined : result[key];
    const specifier = value === undefined ? '*' : specifierOf(value).trim();
    if (specifier && specifier !== '*') {
      continue;
    }
    result[key ?? hold.name] = valueWithCap(value ?? '*', hold.cap);
    applied.push(hold);
  }
  return { packages: result, applied };
}

/**
 * A Pipfile entry with a cap added; a table keeps its other keys
 * (`{version = "<3.11", extras = ["x"]}`).
 */
export function valueWithCap(value: PackageValue, cap: string): PackageValue {
  if (typeof value === 'string') {
    return withCap(value, cap);
  }
  return { ...value, version: withCap(specifierOf(value), cap) };
}

/**
 * A specifier with a cap added: `*` becomes the cap, a specifier that has it
 * stays, any other gets it after a comma (`>=3.8,<3.11`).
 */
export function withCap(specifier: string, cap: string): string {
  const current = specifier.trim();
  if (!current || current === '*') {
    return cap;
  }
  const parts = current.split(',').map(part => part.replace(/\s+/g, ''));
  return parts.includes(cap.replace(/\s+/g, ''))
    ? current
    : `${current},${cap}`;
}

/**
 * The caps of a held-back verdict not yet in the overlay's specifiers: the
 * flag offers those; none left means the user (or Create) held them back.
 */
export function pendingPins(
  pins: Record<string, string>,
  specifiers: ReadonlyMap<string, string>
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(pins).filter(([name, cap]) => {
      const current = specifiers.get(normalizeName(name));
      return current === undefined || withCap(current, cap) !== current;
    })
  );
}
