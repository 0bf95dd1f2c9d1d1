import { plannedMoves } from '../widgets/dialogs';

describe('plannedMoves', () => {
  const tags: Record<string, string> = {
    'a.ipynb': 'train',
    'b.ipynb': 'train',
    'c.ipynb': 'prep',
    'd.ipynb': 'clean'
  };
  const overlayOf = (path: string) => tags[path] ?? null;
  const membersOf = (overlay: string) =>
    Object.keys(tags).filter(path => tags[path] === overlay);

  it('lists notebooks tagged to another overlay, not untagged or same ones', () => {
    expect(
      plannedMoves(
        ['a.ipynb', 'new.ipynb', 'd.ipynb'],
        'clean',
        overlayOf,
        membersOf
      )
    ).toEqual({ moves: [{ path: 'a.ipynb', from: 'train' }], emptied: [] });
  });

  it('names the overlays a move leaves without notebooks', () => {
    expect(
      plannedMoves(
        ['a.ipynb', 'b.ipynb', 'c.ipynb'],
        'new',
        overlayOf,
        membersOf
      )
    ).toEqual({
      moves: [
        { path: 'a.ipynb', from: 'train' },
        { path: 'b.ipynb', from: 'train' },
        { path: 'c.ipynb', from: 'prep' }
      ],
      emptied: ['train', 'prep']
    });
  });

  it('moves nothing when every notebook is new to overlays', () => {
    expect(plannedMoves(['x.ipynb'], 'train', overlayOf, membersOf)).toEqual({
      moves: [],
      emptied: []
    });
  });
});
