/**
 * The identity of an overlay: its name, used as the overlay's folder, its
 * `.thoth.yaml` and `.aicoe-ci.yaml` entries, the notebook tag, part of its
 * image's name, its Elyra runtime image's name and a Kubernetes label value.
 * The rule is `identity.json`, which the server reads too
 * (`jupyterlab_overlays/workspace.py`).
 */
import identity from './identity.json';

/** Longest name accepted (a DNS label, so image names stay valid). */
export const MAX_NAME_LENGTH: number = identity.maxNameLength;

/** The overlays folder when neither `.thoth.yaml` nor the settings name one. */
export const DEFAULT_OVERLAYS_FOLDER: string = identity.defaultOverlaysFolder;

/** The Python version of new overlays when nothing else says. */
export const DEFAULT_PYTHON_VERSION: string = identity.defaultPythonVersion;

/** The project part of image names when the server names none. */
export const DEFAULT_PROJECT: string = identity.defaultProject;

const NAME = new RegExp(identity.namePattern);
const LEGACY_NAME = new RegExp(identity.legacyNamePattern);

/**
 * Why a name is refused.
 */
export type NameProblem =
  'empty' | 'too-long' | 'characters' | 'separators' | 'reserved' | 'taken';

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
    return LEGACY_NAME.test(name) ? 'separators' : 'characters';
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
 * Whether a name found in the workspace (a folder, a `.thoth.yaml` entry, a
 * notebook tag) is listed as an overlay: valid names, and the names earlier
 * versions and thamos accept (`train_`, `a_-b`), which are shown with a
 * request to rename them rather than dropped.
 */
export function isListedName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length <= MAX_NAME_LENGTH &&
    LEGACY_NAME.test(name)
  );
}

/**
 * The Elyra runtime image of an overlay: `overlay-<name>`, lower-cased (Elyra
 * wants lower-case names); distinct for two overlays of one workspace, whose
 * names differ by more than case.
 */
export function runtimeImageName(overlay: string): string {
  if (!isValidName(overlay)) {
    throw new Error(`Invalid overlay name: ${JSON.stringify(overlay)}`);
  }
  return `${identity.runtimeImagePrefix}${overlay.toLowerCase()}`;
}

/**
 * The image repository name of an overlay, `<project>-<overlay>`, lower-cased:
 * the same as the server's image names and `.aicoe-ci.yaml`'s
 * `registry-project`.
 */
export function imageRepository(project: string, overlay: string): string {
  if (!isValidName(overlay)) {
    throw new Error(`Invalid overlay name: ${JSON.stringify(overlay)}`);
  }
  return `${project}-${overlay}`.toLowerCase();
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
  // Listed names too: an overlay named by an earlier rule is renamed or
  // deleted through its folder.
  if (!isListedName(name)) {
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
