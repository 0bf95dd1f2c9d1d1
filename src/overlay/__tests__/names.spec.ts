import cases from './names.cases.json';
import {
  imageRepository,
  isListedName,
  isValidName,
  MAX_NAME_LENGTH,
  nameProblem,
  overlayOfMetadata,
  overlayPath,
  overlayTag,
  proposeName,
  requirementsMetadataPackages,
  runtimeImageName
} from '..';

// The same names as the server's tests (test_workspace.py), judged by the rules
// of every place an overlay name goes (scripts/generate_name_cases.py).
describe('the naming rule shared with the server', () => {
  it.each(cases.valid)('accepts %j', name => {
    expect(nameProblem(name)).toBeNull();
  });

  it.each(cases.invalid)('refuses %j', name => {
    expect(isValidName(name)).toBe(false);
  });

  it('never gives two names of one workspace the same image or runtime image', () => {
    const names = [
      ...new Map(cases.valid.map(name => [name.toLowerCase(), name])).values()
    ];
    expect(new Set(names.map(runtimeImageName)).size).toBe(names.length);
    expect(new Set(names.map(name => imageRepository('p', name))).size).toBe(
      names.length
    );
  });

  it.each([
    ['train_', 'separators'],
    ['a_-b', 'separators'],
    ['x__', 'separators'],
    ['tiny\n', 'characters']
  ])('says why %j is refused (%s)', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('still lists the names earlier versions accepted, to rename them', () => {
    expect(isListedName('train_')).toBe(true);
    expect(isListedName('a_-b')).toBe(true);
    expect(isListedName('a.b')).toBe(false);
    expect(isListedName('x'.repeat(MAX_NAME_LENGTH + 1))).toBe(false);
  });
});

describe('runtimeImageName', () => {
  it.each([
    ['train', 'overlay-train'],
    ['Download_Data', 'overlay-download_data'],
    ['2024', 'overlay-2024']
  ])('%s -> %s', (overlay, name) => {
    expect(runtimeImageName(overlay)).toBe(name);
    expect(name).toMatch(/^[a-z]([a-z0-9-_]*[a-z0-9])?$/);
  });

  it.each(['step-', 'a__', ''])('refuses %j', overlay => {
    expect(() => runtimeImageName(overlay)).toThrow();
  });
});

describe('nameProblem', () => {
  it.each([
    'download-dataset',
    'train_model',
    'A1',
    'x',
    'a'.repeat(MAX_NAME_LENGTH)
  ])('accepts %p', name => {
    expect(nameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['.', 'reserved'],
    ['..', 'reserved'],
    ['../x', 'characters'],
    ['a/b', 'characters'],
    ['a\\b', 'characters'],
    ['with space', 'characters'],
    ['dot.ted', 'characters'],
    ['ünï', 'characters'],
    ['a\nb', 'characters'],
    ['a'.repeat(MAX_NAME_LENGTH + 1), 'too-long']
  ])('refuses %p (%s)', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('refuses a name already taken, whatever its case', () => {
    expect(nameProblem('Train', ['train'])).toBe('taken');
    expect(nameProblem('train-2', ['train'])).toBeNull();
  });

  it('refuses what is not a string', () => {
    expect(nameProblem(undefined as any)).toBe('empty');
  });
});

describe('proposeName', () => {
  it.each([
    ['notebooks/download_dataset.ipynb', 'download-dataset'],
    ['Train Model (v2).ipynb', 'train-model-v2'],
    ['nested/dir/Préparation des données.ipynb', 'preparation-des-donnees'],
    ['___.ipynb', 'overlay'],
    ['x.IPYNB', 'x']
  ])('%p → %p', (path, name) => {
    expect(proposeName(path)).toBe(name);
    expect(nameProblem(proposeName(path))).toBeNull();
  });

  it('is unique among existing names', () => {
    expect(proposeName('a/train.ipynb', ['train', 'Train-2'])).toBe('train-3');
  });

  it('stays within the length limit', () => {
    const name = proposeName(`${'long-'.repeat(40)}.ipynb`, [
      proposeName(`${'long-'.repeat(40)}.ipynb`)
    ]);
    expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(name.endsWith('-2')).toBe(true);
  });
});

describe('overlayPath', () => {
  it('joins the folder, the name and a file', () => {
    expect(overlayPath('overlays', 'train', 'Pipfile')).toBe(
      'overlays/train/Pipfile'
    );
    expect(overlayPath('./envs/overlays/', 'train')).toBe(
      'envs/overlays/train'
    );
  });

  it.each(['..', '../x', 'a/b', ''])('refuses the name %p', name => {
    expect(() => overlayPath('overlays', name)).toThrow('Invalid overlay name');
  });

  it('refuses a folder that climbs out of the workspace', () => {
    expect(() => overlayPath('../elsewhere', 'ok')).toThrow(
      'Invalid overlays folder'
    );
  });
});

describe('the notebook tag', () => {
  it('is read from metadata.overlay.name', () => {
    expect(overlayOfMetadata({ overlay: { name: 'train' } })).toBe('train');
    expect(overlayOfMetadata({ overlay: { name: '../x' } })).toBeNull();
    expect(overlayOfMetadata({ overlay: 'train' })).toBeNull();
    expect(overlayOfMetadata({ kernelspec: { name: 'train' } })).toBeNull();
    expect(overlayOfMetadata(null)).toBeNull();
  });

  it('keeps other keys of an existing tag', () => {
    expect(overlayTag({ name: 'old', note: 'mine' }, 'new')).toEqual({
      name: 'new',
      note: 'mine'
    });
    expect(overlayTag(undefined, 'new')).toEqual({ name: 'new' });
    expect(overlayTag(['junk'], 'new')).toEqual({ name: 'new' });
  });
});

describe('jupyterlab-requirements metadata', () => {
  it('seeds packages from the Pipfile stored as a JSON string', () => {
    const metadata = {
      requirements: JSON.stringify({
        packages: {
          pandas: '==2.2.3',
          requests: { version: '*', extras: ['socks'] },
          bad: 3
        },
        requires: { python_version: '3.11' }
      }),
      dependency_resolution_engine: 'pipenv'
    };
    expect(requirementsMetadataPackages(metadata)).toEqual({
      pandas: '==2.2.3',
      requests: { version: '*', extras: ['socks'] }
    });
  });

  it('is empty when absent or unreadable', () => {
    expect(requirementsMetadataPackages({})).toEqual({});
    expect(requirementsMetadataPackages({ requirements: '{not json' })).toEqual(
      {}
    );
    expect(requirementsMetadataPackages({ requirements: '[]' })).toEqual({});
  });
});
