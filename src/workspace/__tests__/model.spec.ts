import { readFileSync } from 'fs';
import { join } from 'path';

import { IImportEnvironment } from '../../imports';
import { PipfileError } from '../../overlay';
import { MemoryFiles } from '../memoryFiles';
import { OverlaysWorkspace } from '../model';
import type { IFileChange } from '../fileChanges';
import { isEmptyDiff } from '../diff';
import { ProviderLookup } from '../providers';
import { INotebookAccess, IWorkspaceSettings, OverlayError } from '../types';

const DEMO = join(__dirname, '..', '..', '..', 'demo');

function demoFiles(): MemoryFiles {
  const files = new MemoryFiles();
  for (const name of [
    'download_dataset',
    'preprocess_dataset',
    'train_model'
  ]) {
    files.files.set(
      `notebooks/${name}.ipynb`,
      readFileSync(join(DEMO, 'notebooks', `${name}.ipynb`), 'utf-8')
    );
  }
  files.files.set(
    'notebooks/pipeline_utils.py',
    readFileSync(join(DEMO, 'notebooks', 'pipeline_utils.py'), 'utf-8')
  );
  return files;
}

const SETTINGS: IWorkspaceSettings = {
  overlaysFolder: 'overlays',
  pythonVersion: '',
  pin: 'exact',
  syncThoth: true,
  syncAicoe: true,
  registry: 'quay.io',
  registryOrg: 'my-org',
  project: 'demo',
  aicoeBaseImage: '',
  registerRuntimeImages: true,
  runtimeImagePullPolicy: 'IfNotPresent',
  reviewFileChanges: true,
  holdBackDependencies: true
};

function workspace(
  files: MemoryFiles,
  options: Partial<OverlaysWorkspace.IOptions> = {},
  settings: Partial<IWorkspaceSettings> = {}
) {
  return new OverlaysWorkspace({
    files,
    access: null,
    environment: null,
    settings: () => ({ ...SETTINGS, ...settings }),
    ...options
  });
}

/** An index whose only verdicts are `held-back` ones with these pins. */
function heldBackIndex(pins: Record<string, Record<string, string>>) {
  return {
    verdicts: jest.fn(async (queries: readonly string[], python: string) =>
      queries
        .filter(query => query in pins && python)
        .map(query => ({
          name: query,
          status: 'held-back' as const,
          use: null,
          detail: null,
          pins: pins[query]
        }))
    )
  };
}

function notebookJSON(files: MemoryFiles, path: string) {
  return JSON.parse(files.files.get(path)!);
}

function addCell(files: MemoryFiles, path: string, source: string) {
  const notebook = notebookJSON(files, path);
  notebook.cells.push({
    cell_type: 'code',
    source,
    metadata: {},
    outputs: [],
    execution_count: null
  });
  files.files.set(path, JSON.stringify(notebook));
}

describe('OverlaysWorkspace', () => {
  it('shows a rename and a delete their file changes first; declined, nothing changes', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.scan();
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const before = new Map(files.files);
    const seen: IFileChange[][] = [];
    const decline = async (changes: IFileChange[]) => {
      seen.push(changes);
      return false;
    };

    expect(await model.renameOverlay('train', 'fit', decline)).toBe(false);
    expect(await model.deleteOverlay('train', decline)).toBe(false);
    expect(new Map(files.files)).toEqual(before);
    expect(model.overlays.map(overlay => overlay.name)).toEqual(['train']);

    const [renamed, deleted] = seen;
    expect(renamed.map(change => change.path)).toEqual([
      '.thoth.yaml',
      '.aicoe-ci.yaml'
    ]);
    expect(renamed[0].before).toContain('name: train');
    expect(renamed[0].after).toContain('name: fit');
    expect(deleted.map(change => [change.path, change.after === null])).toEqual(
      [
        ['.thoth.yaml', false],
        ['.aicoe-ci.yaml', false],
        ['overlays/train/Pipfile', true]
      ]
    );

    expect(await model.renameOverlay('train', 'fit', async () => true)).toBe(
      true
    );
    expect(model.overlays.map(overlay => overlay.name)).toEqual(['fit']);
  });

  it('scans again for what changed after a scan under way read its folders, once for many calls', async () => {
    const files = demoFiles();
    files.files.set('overlays/late/Pipfile', '[packages]\nsix = "*"\n');
    let release = () => {};
    const gate = new Promise<void>(resolve => (release = resolve));
    // Until `written`, listings do not show the overlays folder: it is
    // written (by another client) while the first scan is under way.
    let written = false;
    let listings = 0;
    const list = files.list.bind(files);
    files.list = async (path: string) => {
      listings++;
      const hidden = !written;
      const entries = await list(path);
      if (listings === 1) {
        await gate;
      }
      return hidden
        ? (entries ?? []).filter(entry => entry.name !== 'overlays')
        : entries;
    };
    const model = workspace(files);
    const first = model.scan();
    for (let i = 0; i < 50 && !listings; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    expect(listings).toBe(1);
    const again = [model.scan(), model.scan(), model.scan()];
    written = true;
    release();
    await first;
    await Promise.all(again);
    expect(model.overlay('late')).toBeDefined();
    // One scan more for the three calls: twice what one scan lists.
    const twoScans = listings;
    await model.scan();
    expect(twoScans).toBe(2 * (listings - twoScans));
  });

  it('reads the base image .aicoe-ci.yaml builds an overlay on', async () => {
    const files = demoFiles();
    const model = workspace(files, {}, { aicoeBaseImage: 'quay.io/x/ubi9:1' });
    await model.scan();
    const overlay = await model.createOverlay('train', [
      'notebooks/train_model.ipynb'
    ]);
    expect(overlay.aicoeBaseImage).toBe('quay.io/x/ubi9:1');
  });

  it('says when a new notebook arrives tagged (a duplicate), not when a member is saved', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.scan();
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const joined: OverlaysWorkspace.IJoined[] = [];
    model.joinedByCopy.connect((_, item) => joined.push(item));

    await model.notebookSaved('notebooks/train_model.ipynb');
    files.files.set(
      'notebooks/train_model-Copy1.ipynb',
      files.files.get('notebooks/train_model.ipynb')!
    );
    files.files.set(
      'notebooks/untitled.ipynb',
      files.files.get('notebooks/download_dataset.ipynb')!
    );
    await model.notebookSaved('notebooks/untitled.ipynb', true);
    await model.notebookSaved('notebooks/train_model-Copy1.ipynb', true);

    expect(joined).toEqual([
      { path: 'notebooks/train_model-Copy1.ipynb', overlay: 'train' }
    ]);
    expect(model.overlays[0].members).toContain(
      'notebooks/train_model-Copy1.ipynb'
    );
  });

  it('asks the distribution metadata only for names nothing else resolved', async () => {
    const files = demoFiles();
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'import sksurv\nfrom causallearn.search import pc'
    );
    const asked: string[][] = [];
    const model = workspace(files, {
      providers: new ProviderLookup(async modules => {
        asked.push(modules);
        return { sksurv: 'scikit-survival' };
      })
    });
    await model.scan();
    const overlay = await model.createOverlay('train', [
      'notebooks/train_model.ipynb'
    ]);
    const byName = new Map(overlay.packages.map(p => [p.name, p.source]));
    expect(byName.get('scikit-survival')).toBe('metadata');
    expect(byName.get('causallearn')).toBe('identity');
    expect(byName.has('sksurv')).toBe(false);
    // Only names that resolved to themselves were asked (not sklearn).
    const identity = overlay.packages
      .filter(p => p.source === 'identity')
      .map(p => p.name);
    expect(asked.flat().sort()).toEqual([...identity, 'sksurv'].sort());
    expect(asked.flat()).not.toContain('sklearn');
    expect(files.files.get('overlays/train/Pipfile')).toContain(
      'scikit-survival = "*"'
    );
  });

  it('creates an overlay from a notebook: Pipfile, tag, .thoth.yaml, .aicoe-ci.yaml', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.scan();
    expect(model.overlays).toEqual([]);

    const overlay = await model.createOverlay('download-dataset', [
      'notebooks/download_dataset.ipynb'
    ]);
    expect(overlay.members).toEqual(['notebooks/download_dataset.ipynb']);
    expect(overlay.packages.map(p => [p.name, p.specifier, p.source])).toEqual([
      ['python-dotenv', '*', 'table'],
      ['requests', '>=2.31', 'pip-magic'],
      ['tqdm', '*', 'identity']
    ]);
    expect(overlay.inThoth && overlay.inAicoe).toBe(true);
    // No base image in the settings: .aicoe-ci.yaml names none.
    expect(overlay.aicoeBaseImage).toBeNull();
    expect(overlay.outOfDate).toBe(false);

    expect(files.files.get('overlays/download-dataset/Pipfile')).toContain(
      '[packages]\npython-dotenv = "*"\nrequests = ">=2.31"\ntqdm = "*"\n'
    );
    expect(files.files.get('overlays/download-dataset/Pipfile')).toContain(
      'python_version = "3.11"'
    );
    expect(
      notebookJSON(files, 'notebooks/download_dataset.ipynb').metadata.overlay
    ).toEqual({ name: 'download-dataset' });
    expect(files.files.get('.thoth.yaml')).toContain(
      '- name: download-dataset'
    );
    expect(files.files.get('.aicoe-ci.yaml')).toContain(
      'registry-project: demo-download-dataset'
    );
  });

  it('shows the version Pipfile.lock pins beside each package, and what the files lack', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'overlays/train/Pipfile',
      '[packages]\nscikit-learn = "*"\nPandas = "*"\n'
    );
    files.files.set(
      'overlays/train/Pipfile.lock',
      JSON.stringify({
        _meta: {},
        default: {
          'scikit-learn': { version: '==1.5.2' },
          pandas: { version: '==2.2.3' },
          numpy: { version: '==2.1.0' }
        }
      })
    );
    files.files.set('.aicoe-ci.yaml', 'check: [thoth-build]\n');
    const model = workspace(files);
    await model.scan();
    const [train] = model.overlays;
    expect(train.packages.map(p => [p.key, p.specifier, p.locked])).toEqual([
      ['scikit-learn', '*', '1.5.2'],
      ['Pandas', '*', '2.2.3']
    ]);
    expect(model.configFileExists('.thoth.yaml')).toBe(false);
    expect(model.configFileExists('.aicoe-ci.yaml')).toBe(true);
    expect(model.configFindings).toEqual([
      {
        file: '.aicoe-ci.yaml',
        kind: 'missing-key',
        key: 'check: overlays-build'
      },
      { file: '.aicoe-ci.yaml', kind: 'not-listed', overlay: 'train' }
    ]);
    // Saved by its editor: the findings follow at once, before any scan.
    model.configFileSaved('.aicoe-ci.yaml', 'check: [overlays-build]\n');
    expect(model.configFindings).toEqual([
      { file: '.aicoe-ci.yaml', kind: 'not-listed', overlay: 'train' }
    ]);
    model.configFileSaved('.aicoe-ci.yaml', 'check: [unclosed\n');
    expect(model.configFindings.map(f => f.kind)).toEqual(['unreadable']);
    // A broken lock shows no versions (its state says it is broken).
    files.files.set('overlays/train/Pipfile.lock', '{not json');
    await model.scan();
    expect(model.overlays[0].packages.map(p => p.locked)).toEqual([
      undefined,
      undefined
    ]);
  });

  it('refuses bad names and writes nothing', async () => {
    const files = demoFiles();
    const model = workspace(files);
    for (const name of ['../x', '..', 'a/b', '', 'x'.repeat(64)]) {
      await expect(
        model.createOverlay(name, ['notebooks/train_model.ipynb'])
      ).rejects.toBeInstanceOf(OverlayError);
    }
    expect(files.writes).toEqual([]);
  });

  it('refuses a name already taken', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    await expect(
      model.createOverlay('Train', ['notebooks/preprocess_dataset.ipynb'])
    ).rejects.toThrow('There is already an overlay named "Train".');
  });

  it('plans a create and an add with the files they write, writing nothing', async () => {
    const files = demoFiles();
    files.files.set(
      '.thoth.yaml',
      '# ours\nhost: khemenu.thoth-station.ninja\n'
    );
    const model = workspace(files);
    await model.scan();
    const before = new Map(files.files);
    const planned = await model.planCreate(
      'prep',
      ['notebooks/preprocess_dataset.ipynb'],
      '3.12'
    );
    expect(files.files).toEqual(before);
    expect(
      planned.map(change => [change.path, change.before === null])
    ).toEqual([
      ['overlays/prep/Pipfile', true],
      ['.thoth.yaml', false],
      ['.aicoe-ci.yaml', true]
    ]);
    // What the plan shows is what the create writes.
    await model.createOverlay(
      'prep',
      ['notebooks/preprocess_dataset.ipynb'],
      '3.12'
    );
    for (const change of planned) {
      expect(files.files.get(change.path)).toBe(change.after);
    }
    expect(planned[1].before).toBe(
      '# ours\nhost: khemenu.thoth-station.ninja\n'
    );
    // A name the create refuses: the plan says why.
    await expect(
      model.planCreate('Prep', ['notebooks/train_model.ipynb'])
    ).rejects.toThrow(OverlayError);

    const pipfile = files.files.get('overlays/prep/Pipfile')!;
    const [add] = await model.planAdd('prep', ['notebooks/train_model.ipynb']);
    expect(files.files.get('overlays/prep/Pipfile')).toBe(pipfile);
    expect(add).toMatchObject({
      path: 'overlays/prep/Pipfile',
      before: pipfile
    });
    expect(add.after).toContain('joblib = "*"');
    await model.addToOverlay('prep', ['notebooks/train_model.ipynb']);
    expect(files.files.get('overlays/prep/Pipfile')).toBe(add.after);
    // Adding a notebook that brings no new package writes nothing.
    expect(
      await model.planAdd('prep', ['notebooks/preprocess_dataset.ipynb'])
    ).toEqual([]);
  });

  it('adds notebooks to an overlay, adding packages and keeping user entries', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('prep', ['notebooks/preprocess_dataset.ipynb']);
    await model.packages.set('prep', 'gunicorn', '==23.0.0');
    const diff = await model.addToOverlay('prep', [
      'notebooks/train_model.ipynb'
    ]);
    expect(diff.added.map(r => r.name)).toEqual([
      'joblib',
      'matplotlib',
      'mlflow'
    ]);
    expect(diff.removed.map(e => e.name)).toEqual(['gunicorn']);
    const overlay = model.overlay('prep')!;
    expect(overlay.members).toHaveLength(2);
    expect(overlay.packages.map(p => p.name)).toEqual([
      'numpy',
      'pandas',
      'pyyaml',
      'scikit-learn',
      'gunicorn',
      'joblib',
      'matplotlib',
      'mlflow'
    ]);
    expect(overlay.packages.find(p => p.name === 'gunicorn')!.source).toBe(
      'pipfile'
    );
    expect(overlay.packages.find(p => p.name === 'mlflow')!.optional).toBe(
      true
    );
  });

  it('removes notebooks from an overlay, keeping its packages', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('steps', [
      'notebooks/download_dataset.ipynb',
      'notebooks/train_model.ipynb'
    ]);
    await model.removeFromOverlay(['notebooks/train_model.ipynb']);
    const overlay = model.overlay('steps')!;
    expect(overlay.members).toEqual(['notebooks/download_dataset.ipynb']);
    expect(overlay.packages.map(p => p.name)).toContain('scikit-learn');
    expect(overlay.packages.find(p => p.name === 'scikit-learn')!.source).toBe(
      'pipfile'
    );
    expect(model.overlayOf('notebooks/train_model.ipynb')).toBeNull();
    expect(
      notebookJSON(files, 'notebooks/train_model.ipynb').metadata.overlay
    ).toBeUndefined();
    const diff = await model.packages.preview('steps');
    expect(diff.removed.map(e => e.name)).toContain('scikit-learn');
  });

  it('marks an overlay out of date when a member gains an import, and re-extracts', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'import seaborn as sns\nfrom PIL import Image'
    );
    await model.notebookSaved('notebooks/train_model.ipynb');
    expect(model.overlay('train')!.outOfDate).toBe(true);

    const diff = await model.packages.preview('train');
    expect(diff.added.map(r => r.name)).toEqual(['pillow', 'seaborn']);
    expect(diff.removed).toEqual([]);
    await model.packages.apply('train', diff);
    expect(model.overlay('train')!.outOfDate).toBe(false);
    expect(files.files.get('overlays/train/Pipfile')).toContain(
      'pillow = "*"\nseaborn = "*"\n'
    );
  });

  it('re-extracts the extras a new submodule import needs, keeping the pin and the table', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    await model.packages.set('train', 'dask', '>=2024.1');
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'import dask.dataframe as dd'
    );
    await model.notebookSaved('notebooks/train_model.ipynb');
    // The Pipfile has dask, not what dask.dataframe needs: out of date.
    expect(model.overlay('train')!.outOfDate).toBe(true);
    const diff = await model.packages.preview('train');
    expect(diff.added).toEqual([]);
    expect(
      diff.changed.map(change => [change.entry.key, change.extras])
    ).toEqual([['dask', ['dataframe']]]);
    await model.packages.apply('train', diff);
    expect(files.files.get('overlays/train/Pipfile')).toContain(
      'dask = {version = ">=2024.1", extras = ["dataframe"]}\n'
    );
    expect(model.overlay('train')!.outOfDate).toBe(false);
    expect((await model.packages.preview('train')).changed).toEqual([]);
  });

  it('re-extracts a new import with the dependencies it holds back, each a choice', async () => {
    const files = demoFiles();
    const index = heldBackIndex({
      bambi: { matplotlib: '<3.11', sparse: '<0.18' }
    });
    const model = workspace(files, { index });
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    addCell(files, 'notebooks/train_model.ipynb', 'import bambi');
    await model.notebookSaved('notebooks/train_model.ipynb');
    const diff = await model.packages.preview('train');
    expect(diff.added.map(r => r.name)).toEqual(['bambi']);
    // matplotlib is in the Pipfile already, with any version: it gets the cap.
    expect(diff.held).toEqual([
      {
        key: 'matplotlib',
        value: '<3.11',
        comment: 'held back: bambi has no newer release for Python 3.11',
        for: ['bambi']
      },
      {
        key: 'sparse',
        value: '<0.18',
        comment: 'held back: bambi has no newer release for Python 3.11',
        for: ['bambi']
      }
    ]);
    // The user keeps one of the two.
    await model.packages.apply('train', {
      ...diff,
      held: diff.held!.filter(held => held.key === 'sparse')
    });
    const pipfile = files.files.get('overlays/train/Pipfile')!;
    expect(pipfile).toContain('matplotlib = "*"\n');
    expect(pipfile).toContain(
      'bambi = "*"\nsparse = "<0.18"  # held back: bambi has no newer release for Python 3.11\n'
    );
  });

  it('removes a name the index does not have for good, ignoring the imports behind it', async () => {
    const files = demoFiles();
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'import assessment\nfrom calibration.utils import plot'
    );
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const modules = (pkg: string) =>
      model.overlay('train')!.packages.find(p => p.name === pkg)!.modules;
    expect(modules('calibration')).toEqual(['calibration.utils']);
    await model.packages.remove('train', 'assessment', true);
    await model.packages.remove('train', 'calibration', true);
    expect(JSON.parse(files.files.get('overlays/train/overlay.json')!)).toEqual(
      {
        overrides: { assessment: '', 'calibration.utils': '' }
      }
    );
    const pipfile = files.files.get('overlays/train/Pipfile')!;
    expect(pipfile).not.toMatch(/assessment|calibration/);
    // Nothing left to propose: not out of date, an empty re-extract.
    expect(model.overlay('train')!.outOfDate).toBe(false);
    expect(isEmptyDiff(await model.packages.preview('train'))).toBe(true);
    // A plain removal is proposed again by a re-extract.
    await model.packages.remove('train', 'joblib');
    expect(model.overlay('train')!.outOfDate).toBe(true);
  });

  it('proposes removals without applying them unless asked', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    const notebook = notebookJSON(files, 'notebooks/download_dataset.ipynb');
    notebook.cells = notebook.cells.filter(
      (cell: any) => !String(cell.source).includes('tqdm')
    );
    files.files.set(
      'notebooks/download_dataset.ipynb',
      JSON.stringify(notebook)
    );
    await model.notebookSaved('notebooks/download_dataset.ipynb');

    const diff = await model.packages.preview('dl');
    expect(diff.removed.map(e => e.name)).toEqual(['python-dotenv', 'tqdm']);
    await model.packages.apply('dl', { ...diff, removed: [] });
    expect(model.overlay('dl')!.packages.map(p => p.name)).toContain('tqdm');
    await model.packages.apply('dl', {
      added: [],
      changed: [],
      removed: diff.removed.slice(1)
    });
    expect(model.overlay('dl')!.packages.map(p => p.name)).not.toContain(
      'tqdm'
    );
  });

  it('reports a broken Pipfile and never overwrites it', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    files.files.set('overlays/dl/Pipfile', '[packages\nrequests = "*"\n');
    await model.scan();
    expect(model.overlay('dl')!.pipfileError).toMatch(/line|Invalid|expected/i);
    const before = files.writes.length;
    await expect(model.packages.preview('dl')).rejects.toBeInstanceOf(
      PipfileError
    );
    await expect(model.packages.set('dl', 'numpy', '*')).rejects.toBeInstanceOf(
      PipfileError
    );
    expect(files.writes.length).toBe(before);
    expect(files.files.get('overlays/dl/Pipfile')).toBe(
      '[packages\nrequests = "*"\n'
    );
  });

  it('says when a Pipfile had to be written anew, losing its comments', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    const warnings: string[] = [];
    model.warned.connect((_, message) => warnings.push(message));
    await model.packages.set('dl', 'numpy', '==2.0');
    expect(warnings).toEqual([]);
    files.files.set(
      'overlays/dl/Pipfile',
      '# mine\n[packages.requests]\nversion = "*"\n'
    );
    await model.scan();
    await model.packages.set('dl', 'numpy', '==2.0');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not be kept');
    expect(files.files.get('overlays/dl/Pipfile')).toContain('numpy');
  });

  it("knows the repository's own packages, however deep the notebook runs", async () => {
    const files = new MemoryFiles();
    const cell = (source: string) => ({
      cell_type: 'code',
      source,
      metadata: {},
      outputs: [],
      execution_count: null
    });
    files.files.set(
      'notebooks/exploratory/eda.ipynb',
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          cell("import sys\nsys.path.append('../../tools')"),
          cell(
            'from src.data import load\nimport helpers\nimport string_encoders\nimport pandas'
          )
        ]
      })
    );
    files.files.set('src/data/__init__.py', '');
    files.files.set('tools/helpers.py', '');
    files.files.set('string_encoders/__init__.py', '');
    const model = workspace(files);
    const overlay = await model.createOverlay('eda', [
      'notebooks/exploratory/eda.ipynb'
    ]);
    expect(overlay.packages.map(p => p.name)).toEqual(['pandas']);
  });

  it('reads the requirements file a pip line names, relative to the notebook', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'notebooks/train.ipynb',
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: 'code',
            source:
              '!pip install -q -r ../requirements.txt\n!pip install -r missing.txt',
            metadata: {},
            outputs: [],
            execution_count: null
          }
        ]
      })
    );
    files.files.set('requirements.txt', 'xgboost==2.0.3\n# a comment\n-e .\n');
    const overlay = await workspace(files).createOverlay('train', [
      'notebooks/train.ipynb'
    ]);
    expect(overlay.packages.map(p => [p.name, p.specifier])).toEqual([
      ['xgboost', '==2.0.3']
    ]);
  });

  it('deletes an overlay: folder, YAML entries and tags', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const renamed: OverlaysWorkspace.IRenamed[] = [];
    model.overlayRenamed.connect((_, change) => renamed.push(change));
    await model.deleteOverlay('dl');
    expect(renamed).toEqual([{ name: 'dl', newName: null }]);
    expect(
      [...files.files.keys()].filter(path => path.startsWith('overlays/dl'))
    ).toEqual([]);
    expect(files.files.get('.thoth.yaml')).not.toContain('name: dl');
    expect(files.files.get('.aicoe-ci.yaml')).not.toContain('name: dl');
    expect(files.files.get('.thoth.yaml')).toContain('name: train');
    expect(
      notebookJSON(files, 'notebooks/download_dataset.ipynb').metadata.overlay
    ).toBeUndefined();
    expect(model.overlays.map(o => o.name)).toEqual(['train']);
  });

  it('renames an overlay everywhere', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    const renamed: OverlaysWorkspace.IRenamed[] = [];
    model.overlayRenamed.connect((_, change) => renamed.push(change));
    await model.renameOverlay('dl', 'download');
    expect(renamed).toEqual([{ name: 'dl', newName: 'download' }]);
    expect(files.files.has('overlays/dl/Pipfile')).toBe(false);
    expect(files.files.get('overlays/download/Pipfile')).toContain('requests');
    expect(files.files.get('.thoth.yaml')).toContain('- name: download\n');
    expect(files.files.get('.aicoe-ci.yaml')).toContain('- name: download\n');
    expect(
      notebookJSON(files, 'notebooks/download_dataset.ipynb').metadata.overlay
    ).toEqual({
      name: 'download'
    });
    await expect(
      model.renameOverlay('download', '../up')
    ).rejects.toBeInstanceOf(OverlayError);
    expect(renamed.length).toBe(1);
  });

  it('undoes a rename with one Undo that never orphans a notebook', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    await model.renameOverlay('dl', 'download');
    const record = model.lastAction!;
    expect(record).toMatchObject({
      kind: 'rename',
      overlay: 'download',
      previousName: 'dl'
    });
    const plan = await model.undo(record);
    expect(plan.blocked).toBeNull();
    expect(model.overlays.map(o => o.name)).toEqual(['dl']);
    expect(model.overlay('dl')!.members).toEqual([
      'notebooks/download_dataset.ipynb'
    ]);
    expect(files.files.get('.thoth.yaml')).toContain('- name: dl\n');
    // Undone once: a second Undo finds the overlay gone and does nothing.
    expect((await model.undo(record)).blocked).toBe('overlay-gone');
    expect(model.overlay('dl')!.members).toHaveLength(1);
  });

  it('undoes Add to Overlay: tags back and the Pipfile as it was', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const pipfile = files.files.get('overlays/dl/Pipfile');
    await model.addToOverlay('dl', [
      'notebooks/train_model.ipynb',
      'notebooks/preprocess_dataset.ipynb'
    ]);
    const record = model.lastAction!;
    expect(record.tags).toEqual([
      { path: 'notebooks/train_model.ipynb', before: 'train', after: 'dl' },
      { path: 'notebooks/preprocess_dataset.ipynb', before: null, after: 'dl' }
    ]);
    expect(files.files.get('overlays/dl/Pipfile')).not.toBe(pipfile);
    const plan = await model.undo(record);
    expect(plan.skipped).toEqual([]);
    expect(files.files.get('overlays/dl/Pipfile')).toBe(pipfile);
    expect(model.overlayOf('notebooks/train_model.ipynb')).toBe('train');
    expect(model.overlayOf('notebooks/preprocess_dataset.ipynb')).toBeNull();
  });

  it('undoes Create only while its notebooks are as Create left them', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    const record = model.lastAction!;
    await model.addToOverlay('dl', ['notebooks/train_model.ipynb']);
    expect((await model.undo(record)).blocked).toBe('members-changed');
    expect(model.overlay('dl')).toBeTruthy();
    await model.removeFromOverlay(['notebooks/train_model.ipynb']);
    expect((await model.undo(record)).blocked).toBeNull();
    expect(model.overlays).toEqual([]);
    expect(files.files.has('overlays/dl/Pipfile')).toBe(false);
    expect(model.overlayOf('notebooks/download_dataset.ipynb')).toBeNull();
  });

  it('lists notebooks tagged to an overlay that does not exist', async () => {
    const files = demoFiles();
    const model = workspace(files);
    await model.createOverlay('dl', [
      'notebooks/download_dataset.ipynb',
      'notebooks/train_model.ipynb'
    ]);
    expect(model.danglingTags).toEqual([]);
    // Its folder deleted by hand, and no .thoth.yaml entry left either.
    files.files.delete('overlays/dl/Pipfile');
    files.files.delete('.thoth.yaml');
    await model.scan();
    expect(model.overlays).toEqual([]);
    expect(model.danglingTags).toEqual([
      {
        overlay: 'dl',
        paths: [
          'notebooks/download_dataset.ipynb',
          'notebooks/train_model.ipynb'
        ]
      }
    ]);
    await model.removeFromOverlay(['notebooks/train_model.ipynb']);
    expect(model.danglingTags[0].paths).toEqual([
      'notebooks/download_dataset.ipynb'
    ]);
  });

  it('replaces a renamed package, keeping its specifier', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'overlays/ts/Pipfile',
      '[packages]\nfbprophet = ">=0.7"\npandas = "*"\n'
    );
    const model = workspace(files);
    await model.scan();
    await model.packages.replace('ts', 'fbprophet', 'prophet');
    expect(files.files.get('overlays/ts/Pipfile')).toBe(
      '[packages]\npandas = "*"\nprophet = ">=0.7"\n'
    );
  });

  it('holds packages back: a cap joins a specifier or adds the package', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'overlays/ts/Pipfile',
      '[packages]\n# plots\nMatplotlib = ">=3.8"\narviz = "*"\nxarray = "*"\n'
    );
    const model = workspace(files);
    await model.scan();
    await model.packages.holdBack('ts', {
      matplotlib: '<3.11',
      xarray: '<2026.3',
      platformdirs: '<4.10'
    });
    expect(files.files.get('overlays/ts/Pipfile')).toBe(
      '[packages]\n# plots\nMatplotlib = ">=3.8,<3.11"\narviz = "*"\n' +
        'xarray = "<2026.3"\nplatformdirs = "<4.10"\n'
    );
    // Asked again (the same flag on another package): nothing changes.
    await model.packages.holdBack('ts', { matplotlib: '< 3.11' });
    expect(files.files.get('overlays/ts/Pipfile')).toContain(
      'Matplotlib = ">=3.8,<3.11"\n'
    );
  });

  it('holds back a dependency written as a table, keeping its extras', async () => {
    const files = new MemoryFiles();
    files.files.set(
      'overlays/ts/Pipfile',
      '[packages]\ndask = {version = "*", extras = ["dataframe"]}\n'
    );
    const model = workspace(files);
    await model.scan();
    await model.packages.holdBack('ts', { dask: '<2026' });
    expect(files.files.get('overlays/ts/Pipfile')).toBe(
      '[packages]\ndask = {version = "<2026", extras = ["dataframe"]}\n'
    );
  });

  it('creates an overlay with the dependencies the index says to hold back, saying why', async () => {
    const files = demoFiles();
    addCell(files, 'notebooks/download_dataset.ipynb', 'import bambi');
    const index = heldBackIndex({
      bambi: { matplotlib: '<3.11', tqdm: '<4.60', requests: '<2' }
    });
    const model = workspace(files, { index });
    const paths = ['notebooks/download_dataset.ipynb'];
    const [planned] = await model.planCreate('dl', paths);
    await model.createOverlay('dl', paths);
    const pipfile = files.files.get('overlays/dl/Pipfile')!;
    expect(planned.after).toBe(pipfile);
    const why = '  # held back: bambi has no newer release for Python 3.11';
    // requests is written with a version (its %pip line): left as written.
    expect(pipfile).toContain(
      '[packages]\nbambi = "*"\npython-dotenv = "*"\nrequests = ">=2.31"\n' +
        `tqdm = "<4.60"${why}\nmatplotlib = "<3.11"${why}\n`
    );
    expect(index.verdicts.mock.calls[0][0]).toEqual([
      'bambi',
      'python-dotenv',
      'requests>=2.31',
      'tqdm'
    ]);
    expect(index.verdicts.mock.calls[0][1]).toBe('3.11');

    // Turned off: the index is not asked, nothing is held back.
    const off = demoFiles();
    addCell(off, 'notebooks/download_dataset.ipynb', 'import bambi');
    const quiet = heldBackIndex({ bambi: { matplotlib: '<3.11' } });
    await workspace(
      off,
      { index: quiet },
      { holdBackDependencies: false }
    ).createOverlay('dl', paths);
    expect(quiet.verdicts).not.toHaveBeenCalled();
    expect(off.files.get('overlays/dl/Pipfile')).not.toContain('matplotlib');
  });

  it('creates an overlay with dotted imports in the projects the index says, for good', async () => {
    const files = demoFiles();
    addCell(
      files,
      'notebooks/download_dataset.ipynb',
      'import zc.lockfile\nimport flufl.lock\nimport nowhere.found'
    );
    const index = {
      verdicts: jest.fn(async () => []),
      providers: jest.fn(async (modules: readonly string[]) =>
        Object.fromEntries(
          modules.map(module => [
            module,
            (
              {
                'zc.lockfile': 'zc-lockfile',
                'flufl.lock': 'flufl-lock'
              } as any
            )[module] ?? null
          ])
        )
      )
    };
    const model = workspace(files, { index });
    const paths = ['notebooks/download_dataset.ipynb'];
    const planned = await model.planCreate('dl', paths);
    expect(planned.map(change => change.path)).toEqual([
      'overlays/dl/Pipfile',
      'overlays/dl/overlay.json',
      '.thoth.yaml',
      '.aicoe-ci.yaml'
    ]);
    // Every dotted import of a name nothing resolved (tqdm: its own).
    expect(index.providers.mock.calls[0][0]).toEqual([
      'flufl.lock',
      'nowhere.found',
      'tqdm.auto',
      'zc.lockfile'
    ]);
    const overlay = await model.createOverlay('dl', paths);
    expect(JSON.parse(files.files.get('overlays/dl/overlay.json')!)).toEqual({
      overrides: { 'zc.lockfile': 'zc-lockfile', 'flufl.lock': 'flufl-lock' }
    });
    const names = overlay.packages.map(pkg => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining(['zc-lockfile', 'flufl-lock', 'nowhere'])
    );
    expect(names).not.toContain('zc');
    // A scan reads the overrides back: nothing to re-extract.
    await model.scan();
    expect(model.overlay('dl')!.outOfDate).toBe(false);
    expect(isEmptyDiff(await model.packages.preview('dl'))).toBe(true);
  });

  it('adds notebooks with the holds of their packages, never over a version the Pipfile has', async () => {
    const files = demoFiles();
    addCell(files, 'notebooks/train_model.ipynb', 'import bambi');
    const index = heldBackIndex({
      bambi: { matplotlib: '<3.11', sparse: '<0.18', numpy: '<2' }
    });
    const model = workspace(files, { index });
    await model.createOverlay('prep', ['notebooks/preprocess_dataset.ipynb']);
    await model.packages.set('prep', 'numpy', '==2.1.0');
    const add = ['notebooks/train_model.ipynb'];
    const [planned] = await model.planAdd('prep', add);
    await model.addToOverlay('prep', add);
    const pipfile = files.files.get('overlays/prep/Pipfile')!;
    expect(planned.after).toBe(pipfile);
    expect(pipfile).toContain('numpy = "==2.1.0"\n');
    expect(pipfile).toContain(
      'matplotlib = "<3.11"  # held back: bambi has no newer release for Python 3.11\n'
    );
    expect(pipfile).toContain('sparse = "<0.18"  # held back: bambi');
    const checks = model.overlay('prep')!.packages.map(p => p.name);
    expect(checks).toEqual(expect.arrayContaining(['bambi', 'sparse']));
  });

  it('creates and adds with what imported modules need, never twice', async () => {
    const files = demoFiles();
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'from colorcet.plotting import swatches\nimport numpy'
    );
    const index = {
      verdicts: jest.fn(async () => []),
      uses: jest.fn(async (queries: readonly string[]) =>
        queries
          .filter(query => query === 'colorcet:colorcet.plotting')
          .map(() => ({
            package: 'colorcet',
            module: 'colorcet.plotting',
            status: 'undeclared' as const,
            needs: ['holoviews', 'numpy'],
            by: null,
            detail: null
          }))
      )
    };
    const model = workspace(files, { index });
    await model.createOverlay('prep', ['notebooks/preprocess_dataset.ipynb']);
    const add = ['notebooks/train_model.ipynb'];
    const [planned] = await model.planAdd('prep', add);
    await model.addToOverlay('prep', add);
    const pipfile = files.files.get('overlays/prep/Pipfile')!;
    expect(planned.after).toBe(pipfile);
    expect(pipfile).toContain(
      'holoviews = "*"  # imported by colorcet.plotting; colorcet does not require it\n'
    );
    // numpy is the notebooks' own (and the Pipfile's): not added again.
    expect(pipfile.match(/^numpy = /gm)).toHaveLength(1);
    expect(index.uses).toHaveBeenCalledWith(
      expect.arrayContaining(['colorcet:colorcet.plotting']),
      expect.any(String)
    );
  });

  it('records the pick for an ambiguous import as an override', async () => {
    const files = demoFiles();
    addCell(files, 'notebooks/train_model.ipynb', 'import cv2');
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const cv = model
      .overlay('train')!
      .packages.find(p => p.modules.includes('cv2'))!;
    expect(cv).toMatchObject({ name: 'opencv-python', ambiguous: true });
    await model.packages.pick('train', 'cv2', 'opencv-python-headless');
    expect(JSON.parse(files.files.get('overlays/train/overlay.json')!)).toEqual(
      {
        overrides: { cv2: 'opencv-python-headless' }
      }
    );
    const packages = model.overlay('train')!.packages;
    expect(packages.map(p => p.name)).toContain('opencv-python-headless');
    expect(packages.map(p => p.name)).not.toContain('opencv-python');
    expect(
      packages.find(p => p.name === 'opencv-python-headless')
    ).toMatchObject({
      source: 'override',
      ambiguous: false
    });
  });

  it('moves dotted imports to the packages the index says they are in, for good', async () => {
    const files = demoFiles();
    addCell(
      files,
      'notebooks/train_model.ipynb',
      'import zc.lockfile\nfrom zc.buildout import easy_install'
    );
    const model = workspace(files);
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    const zc = model.overlay('train')!.packages.find(p => p.name === 'zc')!;
    expect(zc).toMatchObject({
      source: 'identity',
      modules: ['zc.lockfile', 'zc.buildout']
    });
    // One import moved: zc stays for the other.
    await model.packages.provide('train', 'zc', {
      'zc.lockfile': 'zc-lockfile'
    });
    let names = model.overlay('train')!.packages.map(p => p.name);
    expect(names).toEqual(expect.arrayContaining(['zc', 'zc-lockfile']));
    await model.packages.provide('train', 'zc', {
      'zc.buildout': 'zc-buildout'
    });
    expect(JSON.parse(files.files.get('overlays/train/overlay.json')!)).toEqual(
      {
        overrides: {
          'zc.lockfile': 'zc-lockfile',
          'zc.buildout': 'zc-buildout'
        }
      }
    );
    names = model.overlay('train')!.packages.map(p => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['zc-lockfile', 'zc-buildout'])
    );
    expect(names).not.toContain('zc');
    // A re-extract keeps them: the overrides resolve the imports.
    const diff = await model.packages.preview('train');
    expect(diff.added.map(r => r.name)).toEqual([]);
    expect(diff.removed.map(e => e.key)).toEqual([]);
  });

  it('tags open notebooks through their model, not their file', async () => {
    const files = demoFiles();
    const tagged: [string, string | null][] = [];
    const access: INotebookAccess = {
      openContent: path =>
        path === 'notebooks/train_model.ipynb'
          ? notebookJSON(files, path)
          : null,
      tagOpen: async (path, name) => {
        if (path !== 'notebooks/train_model.ipynb') {
          return false;
        }
        tagged.push([path, name]);
        return true;
      }
    };
    const model = workspace(files, { access });
    await model.createOverlay('train', ['notebooks/train_model.ipynb']);
    expect(tagged).toEqual([['notebooks/train_model.ipynb', 'train']]);
    expect(files.writes).not.toContain('notebooks/train_model.ipynb');
    expect(model.overlay('train')!.members).toEqual([
      'notebooks/train_model.ipynb'
    ]);
  });

  it('pins versions from the kernel environment, and carries on without it', async () => {
    const environment: IImportEnvironment = {
      pythonVersion: '3.12.3',
      packages: {
        requests: [{ distribution: 'requests', version: '2.32.3' }],
        tqdm: [{ distribution: 'tqdm', version: '4.66.5' }]
      }
    };
    const files = demoFiles();
    const model = workspace(files, { environment: async () => environment });
    const overlay = await model.createOverlay('dl', [
      'notebooks/download_dataset.ipynb'
    ]);
    expect(overlay.packages.map(p => [p.name, p.specifier])).toEqual([
      ['python-dotenv', '*'],
      ['requests', '>=2.31'],
      ['tqdm', '==4.66.5']
    ]);
    expect(overlay.pythonVersion).toBe('3.12');

    const failing = workspace(demoFiles(), {
      environment: async () => {
        throw new Error('kernel python is broken');
      }
    });
    const fallback = await failing.createOverlay('dl', [
      'notebooks/download_dataset.ipynb'
    ]);
    expect(fallback.packages.map(p => p.name)).toEqual([
      'python-dotenv',
      'requests',
      'tqdm'
    ]);
  });

  it('leaves the YAML files alone when syncing is turned off', async () => {
    const files = demoFiles();
    const model = workspace(files, {}, { syncThoth: false, syncAicoe: false });
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    expect(files.files.has('.thoth.yaml')).toBe(false);
    expect(files.files.has('.aicoe-ci.yaml')).toBe(false);
  });

  it('follows .thoth.yaml overlays_dir and lists overlays only it names', async () => {
    const files = demoFiles();
    files.files.set(
      '.thoth.yaml',
      'host: h\noverlays_dir: envs\nruntime_environments:\n  - name: legacy\n    python_version: "3.9"\n'
    );
    const model = workspace(files);
    await model.scan();
    expect(model.overlaysFolder).toBe('envs');
    expect(model.overlays.map(o => [o.name, o.hasPipfile, o.inThoth])).toEqual([
      ['legacy', false, true]
    ]);
    await model.createOverlay('dl', ['notebooks/download_dataset.ipynb']);
    expect(files.files.has('envs/dl/Pipfile')).toBe(true);
  });

  it('reports a broken .thoth.yaml and refuses to edit it', async () => {
    const files = demoFiles();
    files.files.set('.thoth.yaml', 'host: [broken\n');
    const model = workspace(files);
    await model.scan();
    expect(model.problems[0]).toMatch(/^\.thoth\.yaml: /);
    await expect(
      model.createOverlay('dl', ['notebooks/download_dataset.ipynb'])
    ).rejects.toThrow('.thoth.yaml cannot be read, so it was left unchanged');
    expect(files.files.get('.thoth.yaml')).toBe('host: [broken\n');
    expect(files.writes).toEqual([]);
  });
});
