import { Notification } from '@jupyterlab/apputils';
import type * as nbformat from '@jupyterlab/nbformat';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { METADATA_KEY, overlayTag } from './overlay/tag';
import type { INotebookAccess } from './workspace/types';

/**
 * Open notebooks, through the notebook tracker: tags go through the
 * notebook's model, so the user sees them and nothing is written behind the
 * editor's back. JupyterLab's notebook undo covers cells, not metadata, so
 * each tag change offers its own Undo in a notification.
 */
export class TrackerNotebookAccess implements INotebookAccess {
  constructor(options: TrackerNotebookAccess.IOptions) {
    this._tracker = options.tracker;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_overlays');
    this._onUndo = options.onUndo ?? (() => undefined);
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
    const trans = this._trans;
    const message = name
      ? trans.__('%1 is now in overlay "%2".', panel.context.localPath, name)
      : trans.__('%1 is no longer in an overlay.', panel.context.localPath);
    Notification.info(
      hadUnsavedChanges
        ? `${message} ${trans.__('Save the notebook to keep it.')}`
        : message,
      {
        autoClose: 10000,
        actions: [
          {
            label: trans.__('Undo'),
            caption: trans.__('Put the notebook back in its previous overlay'),
            callback: () => {
              void this._setTag(panel, previous, !hadUnsavedChanges).then(() =>
                this._onUndo(path)
              );
            }
          }
        ]
      }
    );
    return true;
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
  private _trans: TranslationBundle;
  private _onUndo: (path: string) => void;
}

/**
 * A namespace for TrackerNotebookAccess statics.
 */
export namespace TrackerNotebookAccess {
  export interface IOptions {
    tracker: INotebookTracker;
    trans?: TranslationBundle;
    /** Called with the notebook's path after an Undo. */
    onUndo?: (path: string) => void;
  }
}
