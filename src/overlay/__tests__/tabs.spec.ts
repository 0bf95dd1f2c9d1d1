import { overlayFileOf } from '../tabs';

describe('overlayFileOf', () => {
  it("names an overlay's Pipfile and lock", () => {
    expect(overlayFileOf('overlays/train/Pipfile', 'overlays')).toEqual({
      overlay: 'train',
      file: 'Pipfile'
    });
    expect(
      overlayFileOf('work/overlays/prep/Pipfile.lock', 'work/overlays/')
    ).toEqual({ overlay: 'prep', file: 'Pipfile.lock' });
  });

  it('leaves other files alone', () => {
    expect(overlayFileOf('Pipfile', 'overlays')).toBeNull();
    expect(overlayFileOf('other/train/Pipfile', 'overlays')).toBeNull();
    expect(overlayFileOf('overlays/train/sub/Pipfile', 'overlays')).toBeNull();
    expect(overlayFileOf('overlays/train/notes.md', 'overlays')).toBeNull();
    expect(overlayFileOf('overlays/Pipfile', 'overlays')).toBeNull();
  });
});
