import { Notification } from '@jupyterlab/apputils';

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

function access(panels: any[], onUndo = jest.fn()) {
  const tracker = { find: (fn: (panel: any) => boolean) => panels.find(fn) };
  return {
    access: new TrackerNotebookAccess({ tracker: tracker as any, onUndo }),
    onUndo
  };
}

describe('TrackerNotebookAccess', () => {
  let notify: jest.SpyInstance;
  beforeEach(() => {
    notify = jest.spyOn(Notification, 'info').mockReturnValue('id');
  });
  afterEach(() => notify.mockRestore());

  it('does nothing for a notebook that is not open', async () => {
    const { access: a } = access([]);
    expect(await a.tagOpen('x.ipynb', 'train')).toBe(false);
    expect(a.openContent('x.ipynb')).toBeNull();
    expect(notify).not.toHaveBeenCalled();
  });

  it('tags a notebook with unsaved changes through its model and does not save it', async () => {
    const { panel, metadata, saves } = fakePanel('n.ipynb', true);
    const { access: a } = access([panel]);
    expect(await a.tagOpen('n.ipynb', 'train')).toBe(true);
    expect(metadata.overlay).toEqual({ name: 'train' });
    expect(saves).toEqual([]);
    expect(a.openContent('n.ipynb')!.metadata.overlay).toEqual({
      name: 'train'
    });
    expect(notify.mock.calls[0][0]).toContain('Save the notebook to keep it.');
  });

  it('saves a notebook that had no other unsaved changes', async () => {
    const { panel, metadata, saves } = fakePanel('n.ipynb', false);
    const { access: a } = access([panel]);
    await a.tagOpen('n.ipynb', 'train');
    expect(metadata.overlay).toEqual({ name: 'train' });
    expect(saves).toHaveLength(1);
  });

  it('offers an Undo that restores the previous tag', async () => {
    const { panel, metadata } = fakePanel('n.ipynb', true);
    metadata.overlay = { name: 'old', note: 'kept' };
    const { access: a, onUndo } = access([panel]);
    await a.tagOpen('n.ipynb', 'new');
    expect(metadata.overlay).toEqual({ name: 'new', note: 'kept' });
    const undo = notify.mock.calls[0][1].actions[0];
    undo.callback(new Event('click'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(metadata.overlay).toEqual({ name: 'old', note: 'kept' });
    expect(onUndo).toHaveBeenCalledWith('n.ipynb');
  });

  it('removes the tag, and Undo puts it back', async () => {
    const { panel, metadata } = fakePanel('n.ipynb', true);
    metadata.overlay = { name: 'old' };
    const { access: a } = access([panel]);
    await a.tagOpen('n.ipynb', null);
    expect(metadata.overlay).toBeUndefined();
    notify.mock.calls[0][1].actions[0].callback(new Event('click'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(metadata.overlay).toEqual({ name: 'old' });
  });
});
