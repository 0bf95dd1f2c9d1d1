import { overlayFileOf, overlayTabRule } from '../tabs';

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

describe('overlayTabRule', () => {
  it("shows the suffix after the label of the overlay's tabs, quoted", () => {
    expect(overlayTabRule('train', ' (train)')).toBe(
      '.lm-TabBar-tab[data-overlay-file="train"] > .lm-TabBar-tabLabel::after ' +
        '{ content: " (train)"; }'
    );
    // A folder made by hand can have any name: it stays inside the strings.
    expect(overlayTabRule('a"b\\c', ' (a"b\\c)')).toBe(
      '.lm-TabBar-tab[data-overlay-file="a\\"b\\\\c"] > .lm-TabBar-tabLabel::after ' +
        '{ content: " (a\\"b\\\\c)"; }'
    );
  });
});
