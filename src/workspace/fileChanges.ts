/**
 * The changes an action would make to the workspace's files, shown before
 * they are written: per file its text before and after, as unified diff
 * lines (jsdiff).
 */
import { structuredPatch } from 'diff';

/**
 * One file an action would write (`after`), create (`before` null) or remove
 * (`after` null).
 */
export interface IFileChange {
  path: string;
  before: string | null;
  after: string | null;
}

/**
 * One line of a unified diff: a hunk header, a line kept for context, or a
 * line removed or added.
 */
export interface IDiffLine {
  kind: 'hunk' | 'context' | 'remove' | 'add';
  text: string;
}

/**
 * A change as unified diff lines, with `context` lines around each edit.
 */
export function diffLines(change: IFileChange, context = 2): IDiffLine[] {
  const patch = structuredPatch(
    change.path,
    change.path,
    change.before ?? '',
    change.after ?? '',
    '',
    '',
    { context }
  );
  const lines: IDiffLine[] = [];
  // As diff writes it: an empty side starts at the line before.
  const start = (line: number, count: number) =>
    count === 0 ? Math.max(0, line - 1) : line;
  for (const hunk of patch.hunks) {
    const old = start(hunk.oldStart, hunk.oldLines);
    const now = start(hunk.newStart, hunk.newLines);
    lines.push({
      kind: 'hunk',
      text: `@@ -${old},${hunk.oldLines} +${now},${hunk.newLines} @@`
    });
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) {
        continue; // "\ No newline at end of file"
      }
      const kind =
        line[0] === '+' ? 'add' : line[0] === '-' ? 'remove' : 'context';
      lines.push({ kind, text: line.slice(1) });
    }
  }
  return lines;
}
