import { nullTranslator } from '@jupyterlab/translation';

import { MemoryFiles } from '../memoryFiles';
import { WorkspaceScan } from '../scan';
import { NotebookTags } from '../tags';
import { INotebookAccess, IWorkspaceSettings, OverlayError } from '../types';

const trans = nullTranslator.load('jupyterlab_overlays');

const notebook = (metadata: object = {}) =>
  JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] });

function tagsOf(files: MemoryFiles, access: INotebookAccess | null = null) {
  const state = new WorkspaceScan({
    files,
    access,
    environment: null,
    settings: () => ({ overlaysFolder: 'overlays' }) as IWorkspaceSettings,
    trans
  });
  return { state, tags: new NotebookTags({ files, access, state, trans }) };
}

describe('NotebookTags', () => {
  it('tags a closed notebook in its file, keeping its other metadata', async () => {
    const files = new MemoryFiles({
      'a.ipynb': notebook({ kernelspec: { name: 'python3' } })
    });
    const { state, tags } = tagsOf(files);
    await tags.set('a.ipynb', 'train');
    const written = JSON.parse(files.files.get('a.ipynb') as string);
    expect(written.metadata).toEqual({
      kernelspec: { name: 'python3' },
      overlay: { name: 'train' }
    });
    expect(tags.of(['a.ipynb', 'b.ipynb'])).toEqual(
      new Map([
        ['a.ipynb', 'train'],
        ['b.ipynb', null]
      ])
    );
    expect(state.notebooks.get('a.ipynb')?.overlay).toBe('train');
  });

  it('untags a notebook: the overlay key goes, nothing else', async () => {
    const files = new MemoryFiles({
      'a.ipynb': notebook({ overlay: { name: 'train' }, tags: ['x'] })
    });
    const { tags } = tagsOf(files);
    await tags.set('a.ipynb', null);
    const written = JSON.parse(files.files.get('a.ipynb') as string);
    expect(written.metadata).toEqual({ tags: ['x'] });
    expect(tags.of(['a.ipynb']).get('a.ipynb')).toBeNull();
  });

  it('tags an open notebook through its model and leaves the file alone', async () => {
    const text = notebook();
    const files = new MemoryFiles({ 'a.ipynb': text });
    const tagged: [string, string | null][] = [];
    const access = {
      tagOpen: async (path: string, name: string | null) => {
        tagged.push([path, name]);
        return true;
      },
      isDirty: (path: string) => path === 'a.ipynb',
      openContent: () => JSON.parse(text)
    } as unknown as INotebookAccess;
    const { tags } = tagsOf(files, access);
    await tags.set('a.ipynb', 'prep');
    expect(tagged).toEqual([['a.ipynb', 'prep']]);
    expect(files.files.get('a.ipynb')).toBe(text);
    expect(tags.of(['a.ipynb']).get('a.ipynb')).toBe('prep');
    expect(tags.unsaved(['a.ipynb', 'b.ipynb'])).toEqual(['a.ipynb']);
  });

  it('says which notebook it cannot read (gone since), and writes nothing', async () => {
    const files = new MemoryFiles({});
    const { state, tags } = tagsOf(files);
    await expect(tags.set('gone.ipynb', 'x')).rejects.toThrow(
      new OverlayError('Cannot read the notebook "gone.ipynb".')
    );
    expect(files.files.has('gone.ipynb')).toBe(false);
    expect(state.notebooks.has('gone.ipynb')).toBe(false);
  });
});
