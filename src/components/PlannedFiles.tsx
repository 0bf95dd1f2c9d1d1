import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IPlanState } from '../widgets/planner';
import { FileChangesView } from './FileChangesView';

/**
 * The files an action would write, folded under one line inside its dialog:
 * each file's diff, before anything is written.
 */
export function PlannedFiles(props: {
  state: IPlanState;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  const { changes, error } = state;
  let summary: string;
  if (error !== null) {
    summary = trans.__('Files it writes: cannot tell (%1)', error);
  } else if (changes === null) {
    summary = trans.__('Files it writes: working them out…');
  } else if (!changes.length) {
    summary = trans.__('Files it writes: none');
  } else {
    summary = trans._n(
      'Files it writes: %2',
      'Files it writes (%1): %2',
      changes.length,
      changes.map(change => change.path).join(', ')
    );
  }
  return (
    <details
      className="jp-OverlaysDialog-files"
      data-dialog="planned-files"
      data-state={
        error !== null ? 'error' : changes === null ? 'busy' : 'ready'
      }
    >
      <summary>{summary}</summary>
      {changes !== null && changes.length > 0 && (
        <FileChangesView changes={changes} trans={trans} />
      )}
    </details>
  );
}
