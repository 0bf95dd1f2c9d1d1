import type * as nbformat from '@jupyterlab/nbformat';

import { IFileEntry, IWorkspaceFiles } from './files';

/**
 * An in-memory IWorkspaceFiles, for unit tests and benchmarks.
 */
export class MemoryFiles implements IWorkspaceFiles {
  constructor(files: Record<string, string | nbformat.INotebookContent> = {}) {
    for (const [path, content] of Object.entries(files)) {
      this.files.set(
        path,
        typeof content === 'string' ? content : JSON.stringify(content)
      );
    }
  }

  readonly files = new Map<string, string>();
  /** Every write, in order, for tests that check nothing else was touched. */
  readonly writes: string[] = [];

  async read(path: string): Promise<string | null> {
    return this.files.get(path) ?? null;
  }

  async readNotebook(path: string): Promise<nbformat.INotebookContent | null> {
    const text = this.files.get(path);
    return text === undefined ? null : JSON.parse(text);
  }

  async write(path: string, text: string): Promise<void> {
    this.writes.push(path);
    this.files.set(path, text);
  }

  async writeNotebook(
    path: string,
    content: nbformat.INotebookContent
  ): Promise<void> {
    await this.write(path, JSON.stringify(content, null, 1));
  }

  async list(path: string): Promise<IFileEntry[] | null> {
    const prefix = path ? `${path}/` : '';
    const entries = new Map<string, IFileEntry>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) {
        continue;
      }
      const [name, ...rest] = file.slice(prefix.length).split('/');
      const type = rest.length
        ? 'directory'
        : name.endsWith('.ipynb')
          ? 'notebook'
          : 'file';
      entries.set(name, { name, path: prefix + name, type, lastModified: '' });
    }
    if (
      !entries.size &&
      path &&
      ![...this.files.keys()].some(f => f.startsWith(prefix))
    ) {
      return null;
    }
    return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(path: string): Promise<void> {
    this.writes.push(`-${path}`);
    for (const file of [...this.files.keys()]) {
      if (file === path || file.startsWith(`${path}/`)) {
        this.files.delete(file);
      }
    }
  }
}
