/**
 * The workspace's files as the overlay workspace needs them, over
 * JupyterLab's contents service (so any contents manager works).
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { Contents } from '@jupyterlab/services';

import type { OverlaysClient } from '../api';
import { AICOE_FILE } from '../overlay/aicoe';
import { THOTH_FILE } from '../overlay/thoth';

/**
 * One entry of a folder listing.
 */
export interface IFileEntry {
  name: string;
  path: string;
  type: 'directory' | 'file' | 'notebook';
  lastModified: string;
}

/**
 * File access used by the overlay workspace; tests give it an in-memory one.
 */
export interface IWorkspaceFiles {
  /** A text file's content, or null when it does not exist. */
  read(path: string): Promise<string | null>;
  /** A notebook's content, or null when it does not exist. */
  readNotebook(path: string): Promise<nbformat.INotebookContent | null>;
  /** Write a text file, creating its folders. */
  write(path: string, text: string): Promise<void>;
  /** Write a notebook. */
  writeNotebook(
    path: string,
    content: nbformat.INotebookContent
  ): Promise<void>;
  /** A folder's entries, or null when it does not exist. */
  list(path: string): Promise<IFileEntry[] | null>;
  /** Delete a file or a folder with everything in it. */
  remove(path: string): Promise<void>;
}

/**
 * Root files the contents API hides (dot files), read and written through
 * the server extension instead.
 */
export interface IHiddenFiles {
  /** The names it serves, e.g. `.thoth.yaml`. */
  readonly names: ReadonlySet<string>;
  read(name: string): Promise<string | null>;
  write(name: string, text: string): Promise<void>;
}

/**
 * `.thoth.yaml` and `.aicoe-ci.yaml` through the server extension's
 * `overlays/config-files` endpoint.
 */
export class ServerConfigFiles implements IHiddenFiles {
  constructor(
    private readonly _client: Pick<
      OverlaysClient,
      'configFile' | 'saveConfigFile'
    >
  ) {}

  readonly names: ReadonlySet<string> = new Set([THOTH_FILE, AICOE_FILE]);

  async read(name: string): Promise<string | null> {
    return (await this._client.configFile(name)).content;
  }

  async write(name: string, text: string): Promise<void> {
    await this._client.saveConfigFile(name, text);
  }
}

/**
 * IWorkspaceFiles over a JupyterLab contents manager.
 */
export class ContentsFiles implements IWorkspaceFiles {
  constructor(
    private readonly _contents: Contents.IManager,
    private readonly _hidden: IHiddenFiles | null = null
  ) {}

  async read(path: string): Promise<string | null> {
    if (this._hidden?.names.has(path)) {
      return this._hidden.read(path);
    }
    const model = await this._get(path, {
      type: 'file',
      format: 'text',
      content: true
    });
    return model ? String(model.content ?? '') : null;
  }

  async readNotebook(path: string): Promise<nbformat.INotebookContent | null> {
    const model = await this._get(path, { type: 'notebook', content: true });
    return model ? (model.content as nbformat.INotebookContent) : null;
  }

  async write(path: string, text: string): Promise<void> {
    if (this._hidden?.names.has(path)) {
      return this._hidden.write(path, text);
    }
    await this._ensureFolder(parentOf(path));
    await this._contents.save(path, {
      type: 'file',
      format: 'text',
      content: text
    });
  }

  async writeNotebook(
    path: string,
    content: nbformat.INotebookContent
  ): Promise<void> {
    await this._contents.save(path, {
      type: 'notebook',
      format: 'json',
      content
    });
  }

  async list(path: string): Promise<IFileEntry[] | null> {
    const model = await this._get(path, { type: 'directory', content: true });
    if (!model || !Array.isArray(model.content)) {
      return null;
    }
    return (model.content as Contents.IModel[]).map(item => ({
      name: item.name,
      path: item.path,
      type:
        item.type === 'directory' || item.type === 'notebook'
          ? item.type
          : 'file',
      lastModified: item.last_modified
    }));
  }

  /**
   * Remove a file, or a folder with everything in it (the server refuses to
   * delete a folder that is not empty when it cannot use the trash).
   */
  async remove(path: string): Promise<void> {
    const model = await this._get(path, { content: false });
    if (!model) {
      return;
    }
    if (model.type === 'directory') {
      for (const entry of (await this.list(path)) ?? []) {
        await this.remove(entry.path);
      }
    }
    await this._contents.delete(path);
  }

  private async _get(
    path: string,
    options: Contents.IFetchOptions
  ): Promise<Contents.IModel | null> {
    try {
      return await this._contents.get(path, options);
    } catch (error) {
      if ((error as any)?.response?.status === 404) {
        return null;
      }
      throw error;
    }
  }

  private async _ensureFolder(path: string): Promise<void> {
    if (!path || (await this._get(path, { content: false }))) {
      return;
    }
    await this._ensureFolder(parentOf(path));
    const created = await this._contents.newUntitled({
      path: parentOf(path),
      type: 'directory'
    });
    if (created.path !== path) {
      await this._contents.rename(created.path, path);
    }
  }
}

/**
 * The folder of a workspace path (`''` for the root).
 */
export function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0 ? '' : path.slice(0, index);
}
