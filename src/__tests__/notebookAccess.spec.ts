import { TrackerNotebookAccess } from '../notebookAccess';

/** A stand-in for an open notebook panel: a model with metadata and a context. */
function fakePanel(path: string, dirty: boolean) {
  const metadata: Record<string, unknown> = { kernelspec: { name: 'python3' } };
  const saves: number[] = [];
  const panel = {
    context: {
      path,
      localPath: path,
      save: async () => {
        saves.push(1);
        panel.model.dirty = false;
      }
    },
    model: {
      dirty,
      getMetadata: (key: string) => metadata[key],
      setMetadata: (key: string, value: unknown) => {
        metadata[key] = value;
        panel.model.dirty = true;
      },
      deleteMetadata: (key: string) => {
        delete metadata[key];
        panel.model.dirty = true;
      },
      toJSON: () => ({
        cells: [],
        metadata: { ...metadata },
        nbformat: 4,
        nbformat_minor: 5
      })
    }
  };
  return { panel, metadata, saves };
}

function access(panels: any[]) {
  const tracker = { find: (fn: (panel: any) => boolean) => panels.find(fn) };
  return new TrackerNotebookAccess({ tracker: tracker as any });
}

describe('TrackerNotebookAccess', () => {
  it('does nothing for a notebook that is not open', async () => {
    const a = access([]);
    expect(await a.tagOpen('x.ipynb', 'train')).toBe(false);
    expect(a.openContent('x.ipynb')).toBeNull();
    expect(a.isDirty('x.ipynb')).toBe(false);
  });

  it('tags a notebook with unsaved changes through its model and does not save it', async () => {
    const { panel, metadata, saves } = fakePanel('n.ipynb', true);
    const a = access([panel]);
    expect(await a.tagOpen('n.ipynb', 'train')).toBe(true);
    expect(metadata.overlay).toEqual({ name: 'train' });
    expect(saves).toEqual([]);
    expect(a.isDirty('n.ipynb')).toBe(true);
    expect(a.openContent('n.ipynb')!.metadata.overlay).toEqual({
      name: 'train'
    });
  });

  it('saves a notebook that had no other unsaved changes', async () => {
    const { panel, metadata, saves } = fakePanel('n.ipynb', false);
    const a = access([panel]);
    await a.tagOpen('n.ipynb', 'train');
    expect(metadata.overlay).toEqual({ name: 'train' });
    expect(saves).toHaveLength(1);
    expect(a.isDirty('n.ipynb')).toBe(false);
  });

  it('keeps what else the tag holds, and removes it', async () => {
    const { panel, metadata } = fakePanel('n.ipynb', false);
    metadata.overlay = { name: 'old', note: 'kept' };
    const a = access([panel]);
    await a.tagOpen('n.ipynb', 'new');
    expect(metadata.overlay).toEqual({ name: 'new', note: 'kept' });
    await a.tagOpen('n.ipynb', null);
    expect(metadata.overlay).toBeUndefined();
  });
});
