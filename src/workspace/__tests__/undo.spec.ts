import { filesToRestore, IActionRecord, planUndo } from '../undo';

function state(overlays: string[], tags: Record<string, string | null>) {
  return {
    overlays,
    tagOf: (path: string) => tags[path] ?? null,
    membersOf: (name: string) =>
      Object.keys(tags).filter(path => tags[path] === name)
  };
}

const ADD: IActionRecord = {
  kind: 'add',
  overlay: 'train',
  tags: [
    { path: 'a.ipynb', before: 'prep', after: 'train' },
    { path: 'b.ipynb', before: 'gone', after: 'train' },
    { path: 'c.ipynb', before: null, after: 'train' }
  ],
  files: [{ path: 'overlays/train/Pipfile', before: 'old', after: 'new' }]
};

describe('planUndo', () => {
  it('puts tags back, to none when their overlay is gone, skipping changed ones', () => {
    const plan = planUndo(
      ADD,
      state(['train', 'prep'], {
        'a.ipynb': 'train',
        'b.ipynb': 'train',
        'c.ipynb': 'prep'
      })
    );
    expect(plan.blocked).toBeNull();
    expect(plan.tags).toEqual([
      { path: 'a.ipynb', tag: 'prep' },
      { path: 'b.ipynb', tag: null }
    ]);
    expect(plan.skipped).toEqual(['c.ipynb']);
  });

  it('renames back only when the old name is free and the new one exists', () => {
    const rename: IActionRecord = {
      kind: 'rename',
      overlay: 'fit',
      previousName: 'train',
      tags: [],
      files: []
    };
    expect(planUndo(rename, state(['fit'], {})).renameBack).toBe(true);
    expect(planUndo(rename, state(['fit', 'Train'], {})).blocked).toBe(
      'name-taken'
    );
    expect(planUndo(rename, state(['train'], {})).blocked).toBe('overlay-gone');
  });

  it('deletes what Create made only with the notebooks Create tagged', () => {
    const create: IActionRecord = {
      kind: 'create',
      overlay: 'new',
      tags: [{ path: 'a.ipynb', before: 'old', after: 'new' }],
      files: []
    };
    const plan = planUndo(create, state(['new', 'old'], { 'a.ipynb': 'new' }));
    expect(plan.deleteOverlay).toBe(true);
    expect(plan.tags).toEqual([{ path: 'a.ipynb', tag: 'old' }]);
    expect(
      planUndo(
        create,
        state(['new', 'old'], { 'a.ipynb': 'new', 'b.ipynb': 'new' })
      ).blocked
    ).toBe('members-changed');
  });
});

describe('filesToRestore', () => {
  it('restores only files still as the action left them', () => {
    expect(filesToRestore(ADD, () => 'new')).toEqual(ADD.files);
    expect(filesToRestore(ADD, () => 'edited since')).toEqual([]);
  });
});
