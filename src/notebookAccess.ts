import type * as nbformat from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { METADATA_KEY, overlayTag } from './overlay/tag';
import type { INotebookAccess } from './workspace/model';

/**
 * Open notebooks, through the notebook tracker: tags go through the
 * notebook's model, so the user sees them and nothing is written behind the
 * editor's back.
 */
export class TrackerNotebookAccess implements INotebookAccess {
  constructor(private readonly _tracker: INotebookTracker) {}

  openContent(path: string): nbformat.INotebookContent | null {
    const model = this._find(path)?.model;
    return model ? (model.toJSON() as nbformat.INotebookContent) : null;
  }

  async tagOpen(path: string, name: string | null): Promise<boolean> {
    const panel = this._find(path);
    const model = panel?.model;
    if (!panel || !model) {
      return false;
    }
    const hadUnsavedChanges = model.dirty;
    if (name) {
      model.setMetadata(
        METADATA_KEY,
        overlayTag(model.getMetadata(METADATA_KEY), name)
      );
    } else {
      model.deleteMetadata(METADATA_KEY);
    }
    // A notebook without other unsaved changes is saved through its editor;
    // one with unsaved changes stays for the user to save (or revert).
    if (!hadUnsavedChanges) {
      await panel.context.save();
    }
    return true;
  }

  private _find(path: string): NotebookPanel | null {
    return this._tracker.find(panel => panel.context.path === path) ?? null;
  }
}
