import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { diffLines, IFileChange } from '../workspace/fileChanges';

/**
 * The changes an action would write, file by file, as unified diffs: what
 * jupyterlab-git shows before a commit, here before the files are written.
 */
export function FileChangesView(props: {
  changes: readonly IFileChange[];
  trans: TranslationBundle;
}): JSX.Element {
  const { changes, trans } = props;
  return (
    <div className="jp-OverlaysFileChanges" data-dialog="file-changes">
      {changes.map(change => {
        const lines = diffLines(change);
        const added = lines.filter(line => line.kind === 'add').length;
        const removed = lines.filter(line => line.kind === 'remove').length;
        const what =
          change.before === null
            ? trans.__('new file')
            : change.after === null
              ? trans.__('removed')
              : trans.__('+%1 −%2', added, removed);
        return (
          <details
            key={change.path}
            open={change.after !== null}
            data-file={change.path}
          >
            <summary>
              <code>{change.path}</code>{' '}
              <span className="jp-OverlaysFileChanges-count">{what}</span>
            </summary>
            <pre
              className="jp-OverlaysFileChanges-diff"
              aria-label={trans.__('Changes to %1', change.path)}
            >
              {lines.map((line, index) => (
                <div
                  key={index}
                  className={`jp-OverlaysFileChanges-line jp-mod-${line.kind}`}
                >
                  {line.kind === 'add'
                    ? '+'
                    : line.kind === 'remove'
                      ? '-'
                      : line.kind === 'context'
                        ? ' '
                        : ''}
                  {line.text}
                </div>
              ))}
            </pre>
          </details>
        );
      })}
    </div>
  );
}
