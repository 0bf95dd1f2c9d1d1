/**
 * Overlay names: one name used in four places (the overlay folder, the
 * `.thoth.yaml` runtime environment, the `.aicoe-ci.yaml` overlay, the
 * notebook tag), so it must be valid for all of them.
 */

/** Longest name accepted (a DNS label, so image names stay valid). */
export const MAX_NAME_LENGTH = 63;

const NAME = /^[a-zA-Z0-9_-]+$/;

/**
 * Why a name is refused.
 */
export type NameProblem =
  'empty' | 'too-long' | 'characters' | 'reserved' | 'taken';

/**
 * The problem with an overlay name, or null when it is valid. `existing`
 * lists the names already in use (compared case-insensitively, since image
 * names are lower-cased).
 */
export function nameProblem(
  name: string,
  existing: Iterable<string> = []
): NameProblem | null {
  if (typeof name !== 'string' || name.length === 0) {
    return 'empty';
  }
  if (name === '.' || name === '..') {
    return 'reserved';
  }
  if (!NAME.test(name)) {
    return 'characters';
  }
  if (name.length > MAX_NAME_LENGTH) {
    return 'too-long';
  }
  const lower = name.toLowerCase();
  for (const other of existing) {
    if (other.toLowerCase() === lower) {
      return 'taken';
    }
  }
  return null;
}

/**
 * Whether a name is a valid overlay name (not checking whether it is taken).
 */
export function isValidName(name: unknown): name is string {
  return typeof name === 'string' && nameProblem(name) === null;
}

/**
 * An overlay name proposed from a notebook path:
 * `notebooks/Download Dataset.ipynb` → `download-dataset`; made unique among
 * `existing` with a numeric suffix.
 */
export function proposeName(
  notebookPath: string,
  existing: Iterable<string> = []
): string {
  const file = notebookPath.split('/').pop() ?? '';
  const stem = file.replace(/\.ipynb$/i, '');
  let base = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!base) {
    base = 'overlay';
  }
  base = base.slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
  const taken = new Set([...existing].map(name => name.toLowerCase()));
  let candidate = base;
  for (let n = 2; taken.has(candidate); n++) {
    const suffix = `-${n}`;
    candidate = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
  }
  return candidate;
}

/**
 * The workspace path of an overlay's folder. Throws on an invalid name, so
 * nothing can be written outside the overlays folder.
 */
export function overlayPath(
  overlaysFolder: string,
  name: string,
  file?: string
): string {
  if (!isValidName(name)) {
    throw new Error(`Invalid overlay name: ${JSON.stringify(name)}`);
  }
  const folder = overlaysFolder.split('/').filter(part => part && part !== '.');
  if (folder.includes('..')) {
    throw new Error(
      `Invalid overlays folder: ${JSON.stringify(overlaysFolder)}`
    );
  }
  return [...folder, name, ...(file ? [file] : [])].join('/');
}
