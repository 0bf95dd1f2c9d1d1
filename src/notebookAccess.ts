import type * as nbformat from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { METADATA_KEY, overlayTag } from './overlay/tag';
import type { INotebookAccess } from './workspace/types';

/**
 * Open notebooks, through the notebook tracker: tags go through the
 * notebook's model, so the user sees them and nothing is written behind the
 * editor's back. A notebook with unsaved changes is tagged and left unsaved
 * (`isDirty`); the action's one notification says so and offers its Undo.
 */
export class TrackerNotebookAccess implements INotebookAccess {
  constructor(options: TrackerNotebookAccess.IOptions) {
    this._tracker = options.tracker;
  }

  openContent(path: string): nbformat.INotebookContent | null {
    const model = this._find(path)?.model;
    return model ? (model.toJSON() as nbformat.INotebookContent) : null;
  }

  async tagOpen(path: string, name: string | null): Promise<boolean> {
    const panel = this._find(path);
    if (!panel?.model) {
      return false;
    }
    const previous = panel.model.getMetadata(METADATA_KEY);
    const hadUnsavedChanges = panel.model.dirty;
    await this._setTag(
      panel,
      name ? overlayTag(previous, name) : undefined,
      !hadUnsavedChanges
    );
    return true;
  }

  isDirty(path: string): boolean {
    return this._find(path)?.model?.dirty ?? false;
  }

  /**
   * Set (or with undefined, remove) the tag through the model; save through
   * the editor only when the notebook had no other unsaved changes.
   */
  private async _setTag(
    panel: NotebookPanel,
    tag: unknown,
    save: boolean
  ): Promise<void> {
    const model = panel.model;
    if (!model) {
      return;
    }
    if (tag === undefined) {
      model.deleteMetadata(METADATA_KEY);
    } else {
      model.setMetadata(METADATA_KEY, tag);
    }
    if (save) {
      await panel.context.save();
    }
  }

  private _find(path: string): NotebookPanel | null {
    return this._tracker.find(panel => panel.context.path === path) ?? null;
  }

  private _tracker: INotebookTracker;
}

/**
 * A namespace for TrackerNotebookAccess statics.
 */
export namespace TrackerNotebookAccess {
  export interface IOptions {
    tracker: INotebookTracker;
  }
}
