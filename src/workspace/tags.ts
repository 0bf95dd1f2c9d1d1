/**
 * Notebooks' overlay tags (`metadata.overlay.name`): read as last scanned,
 * and written through the open notebook's model when it is open (so the
 * editor keeps its undo history and unsaved edits), else to the file.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { TranslationBundle } from '@jupyterlab/translation';

import { IWorkspaceFiles } from './files';
import { WorkspaceScan } from './scan';
import { INotebookAccess, OverlayError } from './types';

/**
 * The overlay tags of a workspace's notebooks.
 */
export class NotebookTags {
  constructor(options: NotebookTags.IOptions) {
    this._files = options.files;
    this._access = options.access;
    this._state = options.state;
    this._trans = options.trans;
  }

  /** The overlay each notebook is tagged to now (null: none). */
  of(paths: string[]): Map<string, string | null> {
    return new Map(
      paths.map(path => [
        path,
        this._state.notebooks.get(path)?.overlay ?? null
      ])
    );
  }

  /** Open notebooks among `paths` whose new tag is not saved yet. */
  unsaved(paths: string[]): string[] {
    return paths.filter(path => this._access?.isDirty?.(path) ?? false);
  }

  /** Tag a notebook to `name` (null: untag it), and record it as scanned. */
  async set(path: string, name: string | null): Promise<void> {
    const viaModel = (await this._access?.tagOpen(path, name)) ?? false;
    const record = this._state.notebooks.get(path);
    if (!viaModel) {
      const content = await this._files.readNotebook(path);
      if (!content) {
        throw new OverlayError(
          this._trans.__('Cannot read the notebook "%1".', path)
        );
      }
      const metadata = {
        ...(content.metadata ?? {})
      } as nbformat.INotebookMetadata;
      if (name) {
        metadata.overlay = { ...((metadata.overlay as object) ?? {}), name };
      } else {
        delete metadata.overlay;
      }
      content.metadata = metadata;
      await this._files.writeNotebook(path, content);
      this._state.notebooks.set(path, {
        path,
        lastModified: '',
        overlay: name,
        content
      });
    } else if (record) {
      record.overlay = name;
    } else {
      const content = this._access!.openContent(path);
      if (content) {
        this._state.notebooks.set(path, {
          path,
          lastModified: '',
          overlay: name,
          content
        });
      }
    }
  }

  private _files: IWorkspaceFiles;
  private _access: INotebookAccess | null;
  private _state: WorkspaceScan;
  private _trans: TranslationBundle;
}

/**
 * A namespace for NotebookTags statics.
 */
export namespace NotebookTags {
  /**
   * The options used to create the tags.
   */
  export interface IOptions {
    files: IWorkspaceFiles;
    /** Open notebooks; null in tests and tools without an editor. */
    access: INotebookAccess | null;
    state: WorkspaceScan;
    trans: TranslationBundle;
  }
}
