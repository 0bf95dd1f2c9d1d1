import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { FileChangesView } from '../components/FileChangesView';
import type { IFileChange } from '../workspace/fileChanges';

/**
 * Ask before an action writes: what it does in words, and the diff of every
 * file it changes. True when the user agrees.
 */
export async function askWriteChanges(options: {
  title: string;
  message: string;
  changes: readonly IFileChange[];
  /** The accept button's label. */
  accept: string;
  /** A destructive action: the accept button warns. */
  warn?: boolean;
  trans: TranslationBundle;
}): Promise<boolean> {
  const { changes, trans } = options;
  const body = ReactWidget.create(
    <div className="jp-OverlaysDialog-changes">
      <p>{options.message}</p>
      {changes.length > 0 && (
        <FileChangesView changes={changes} trans={trans} />
      )}
    </div>
  );
  const result = await showDialog({
    title: options.title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      (options.warn ? Dialog.warnButton : Dialog.okButton)({
        label: options.accept
      })
    ]
  });
  return result.button.accept;
}
