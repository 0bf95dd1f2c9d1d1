import { Contents, ServerConnection } from '@jupyterlab/services';

import { ContentsFiles } from '../files';

/**
 * A contents manager answering like jupyter_server's file manager without
 * a trash: asking for a file as a directory is a 400, deleting a folder that
 * is not empty is a 400.
 */
class ServerLikeContents {
  constructor(readonly files: Map<string, string>) {}
  deleted: string[] = [];

  private _isDir(path: string): boolean {
    return [...this.files.keys()].some(file => file.startsWith(`${path}/`));
  }

  private _error(status: number, message: string): Error {
    return new ServerConnection.ResponseError(
      new Response(JSON.stringify({ message }), { status }),
      message
    );
  }

  async get(
    path: string,
    options: Contents.IFetchOptions = {}
  ): Promise<Partial<Contents.IModel>> {
    if (this.files.has(path)) {
      if (options.type === 'directory') {
        throw this._error(400, `${path} is not a directory`);
      }
      return { path, name: path.split('/').pop(), type: 'file' };
    }
    if (!this._isDir(path)) {
      throw this._error(404, `No such file or directory: ${path}`);
    }
    const children = new Map<string, 'file' | 'directory'>();
    for (const file of this.files.keys()) {
      if (file.startsWith(`${path}/`)) {
        const [first, ...rest] = file.slice(path.length + 1).split('/');
        children.set(first, rest.length ? 'directory' : 'file');
      }
    }
    return {
      path,
      type: 'directory',
      content: options.content
        ? [...children].map(([name, type]) => ({
            name,
            path: `${path}/${name}`,
            type,
            last_modified: ''
          }))
        : null
    };
  }

  async delete(path: string): Promise<void> {
    if (this.files.delete(path)) {
      this.deleted.push(path);
      return;
    }
    if (this._isDir(path)) {
      throw this._error(400, `Directory ${path} not empty`);
    }
    this.deleted.push(path);
  }
}

describe('ContentsFiles.remove', () => {
  it('removes a folder with its files and subfolders, contents first', async () => {
    const contents = new ServerLikeContents(
      new Map([
        ['overlays/dl/Pipfile', ''],
        ['overlays/dl/overlay.json', '{}'],
        ['overlays/dl/extra/notes.txt', ''],
        ['overlays/train/Pipfile', '']
      ])
    );
    const files = new ContentsFiles(contents as unknown as Contents.IManager);
    await files.remove('overlays/dl');
    expect([...contents.files.keys()]).toEqual(['overlays/train/Pipfile']);
    expect([...contents.deleted].sort()).toEqual([
      'overlays/dl',
      'overlays/dl/Pipfile',
      'overlays/dl/extra',
      'overlays/dl/extra/notes.txt',
      'overlays/dl/overlay.json'
    ]);
    // Each folder after what it holds.
    const at = (path: string) => contents.deleted.indexOf(path);
    expect(at('overlays/dl/extra')).toBeGreaterThan(
      at('overlays/dl/extra/notes.txt')
    );
    expect(contents.deleted[contents.deleted.length - 1]).toBe('overlays/dl');
  });

  it('removes a single file, and does nothing for a missing path', async () => {
    const contents = new ServerLikeContents(new Map([['a/b.txt', '']]));
    const files = new ContentsFiles(contents as unknown as Contents.IManager);
    await files.remove('a/b.txt');
    await files.remove('nothing/here');
    expect(contents.deleted).toEqual(['a/b.txt']);
  });
});
