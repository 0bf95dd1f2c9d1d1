import { markListing, MARK_ATTRIBUTE } from '../widgets/browserMarkers';

function listing(names: string[]): HTMLElement {
  const root = document.createElement('ul');
  for (const name of names) {
    const row = document.createElement('li');
    const text = document.createElement('span');
    text.className = 'jp-DirListing-itemText';
    text.textContent = name;
    row.appendChild(text);
    root.appendChild(row);
  }
  return root;
}

describe('markListing', () => {
  const tags: Record<string, string> = {
    'work/train.ipynb': 'train',
    'prep.ipynb': 'prep'
  };
  const overlayOf = (path: string) => tags[path] ?? null;
  const marks = (root: HTMLElement) =>
    Array.from(root.querySelectorAll('.jp-DirListing-itemText')).map(text =>
      text.getAttribute(MARK_ATTRIBUTE)
    );

  it("marks the tagged notebooks of the folder with their overlay's name", () => {
    const root = listing(['data', 'train.ipynb', 'other.ipynb', 'train.py']);
    markListing('work', root, overlayOf);
    expect(marks(root)).toEqual([null, 'train', null, null]);
    const top = listing(['prep.ipynb', 'train.ipynb']);
    markListing('', top, overlayOf);
    expect(marks(top)).toEqual(['prep', null]);
  });

  it('follows rows reused for other files and tags removed since', () => {
    const root = listing(['train.ipynb']);
    markListing('work', root, overlayOf);
    root.querySelector('.jp-DirListing-itemText')!.textContent = 'x.ipynb';
    markListing('work', root, overlayOf);
    expect(marks(root)).toEqual([null]);
    root.querySelector('.jp-DirListing-itemText')!.textContent = 'train.ipynb';
    markListing('work', root, overlayOf);
    markListing('work', root, () => null);
    expect(marks(root)).toEqual([null]);
  });
});
