import { PathExt } from '@jupyterlab/coreutils';

import { PIPFILE } from '../workspace/types';

/**
 * The overlay whose own file `path` is (its Pipfile or Pipfile.lock in the
 * overlays folder), with the file's name; null for any other file. Tabs of
 * these files are named after their overlay: every overlay has a Pipfile.
 */
export function overlayFileOf(
  path: string,
  overlaysFolder: string
): { overlay: string; file: string } | null {
  const folder = PathExt.dirname(path);
  const file = PathExt.basename(path);
  if (
    !OVERLAY_FILES.has(file) ||
    PathExt.dirname(folder) !==
      PathExt.normalize(overlaysFolder).replace(/\/+$/, '')
  ) {
    return null;
  }
  return { overlay: PathExt.basename(folder), file };
}

const OVERLAY_FILES = new Set([PIPFILE, `${PIPFILE}.lock`]);
