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

/**
 * The key of a tab's dataset naming the overlay of its file (the tab gets
 * `data-overlay-file="train"`). The tab's label stays the file's name: a
 * document widget renames its file to whatever its label is set to.
 */
export const OVERLAY_TAB_KEY = 'overlay-file';

/**
 * A CSS rule showing `suffix` (" (train)") after the label of the tabs of
 * `overlay`'s files.
 */
export function overlayTabRule(overlay: string, suffix: string): string {
  return (
    `.lm-TabBar-tab[data-${OVERLAY_TAB_KEY}=${cssString(overlay)}] ` +
    `> .lm-TabBar-tabLabel::after { content: ${cssString(suffix)}; }`
  );
}

/** `text` as a quoted CSS string. */
function cssString(text: string): string {
  return `"${text.replace(/["\\]/g, c => `\\${c}`).replace(/\n/g, '\\a ')}"`;
}
