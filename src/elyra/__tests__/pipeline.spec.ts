import { readFileSync } from 'fs';
import { join } from 'path';

import { PathExt } from '@jupyterlab/coreutils';

import {
  applyOverlayImages,
  createPipeline,
  IApplyOptions,
  INotebookNodeReport,
  IPipelineFile,
  isPipelineFile,
  NODE_LAYOUT,
  NOTEBOOK_OP,
  normalizeRootPath,
  parsePipeline,
  PIPELINE_VERSION,
  pipelineVersion,
  relativeNotebookPath,
  resolveNotebookPath,
  serializePipeline
} from '../pipeline';

/** A Kubeflow pipeline as Elyra 4 saves it, at `work/flows/training.pipeline`. */
const FIXTURE_TEXT = readFileSync(
  join(__dirname, 'fixtures', 'training-v8.pipeline'),
  'utf-8'
);
const FIXTURE_PATH = 'work/flows/training.pipeline';

const IDS = {
  download: '5a3c2f0e-8b1d-4c6e-9f2a-1d7e4b9c0a11',
  prepare: '7e9b4d21-3f6a-4a8c-b2d5-9c1e0f3a7b22',
  report: '9d2f6b8e-1c4a-4e7d-b5f9-3a8c6e1d4b66',
  train: 'f7c3a9e5-2d8b-4f6a-9c1e-8b4d2f7a3c88',
  evaluate: '2e9a5c7f-4b1d-4a3e-8f6c-1d7b3e9a5f99',
  escape: '6b4f8d2a-9e3c-4c7b-a1d5-5e2c8a4f6baa',
  missing: '8f1d3b7e-5a9c-4e2f-b6d8-9c4a2e6f8dbb'
};
const SUBFLOW = 'd0e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6';

/** The notebooks of the workspace (root-relative path → overlay). */
const TAGS: Record<string, string | null> = {
  'work/notebooks/download_dataset.ipynb': 'download-dataset',
  'work/flows/prepare_data.ipynb': 'prepare',
  'work/flows/report.ipynb': 'report',
  'work/flows/train_model.ipynb': 'train',
  'shared/evaluate.ipynb': null
};
const IMAGES: Record<string, string> = {
  'download-dataset': 'quay.io/my-org/my-repo-download-dataset:9f8e7d6',
  prepare: 'quay.io/my-org/my-repo-prepare:5d6e7f8',
  report: 'quay.io/my-org/my-repo-report:0c0ffee'
};

function fixture(): IPipelineFile {
  return JSON.parse(FIXTURE_TEXT);
}

function workspace(
  pipelinePath = FIXTURE_PATH,
  tags = TAGS,
  images = IMAGES
): IApplyOptions & {
  overlayOf: jest.Mock<string | null, [string]>;
  imageOf: jest.Mock<string | null, [string]>;
} {
  return {
    pipelinePath,
    overlayOf: jest.fn((path: string) => tags[path] ?? null),
    imageOf: jest.fn((overlay: string) => images[overlay] ?? null)
  };
}

function nodeById(file: IPipelineFile, id: string) {
  for (const pipeline of file.pipelines) {
    const node = pipeline.nodes.find(candidate => candidate.id === id);
    if (node) {
      return node;
    }
  }
  throw new Error(`no node ${id}`);
}

function ids(entries: INotebookNodeReport[]): string[] {
  return entries.map(entry => entry.nodeId).sort();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** A format-version-3 pipeline: node fields directly in `app_data`. */
function versionThree(): unknown {
  return {
    doc_type: 'pipeline',
    version: '3.0',
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: 'b1e5a9f2-4c6d-4e8a-9b0c-2d4f6a8c0e11',
    primary_pipeline: 'c3f7b1d4-6e8a-4a0c-8d2e-4f6b8d0a2c22',
    pipelines: [
      {
        id: 'c3f7b1d4-6e8a-4a0c-8d2e-4f6b8d0a2c22',
        nodes: [
          {
            id: 'e5a9d3f6-8b0c-4c2e-9f4a-6b8d0f2c4e33',
            type: 'execution_node',
            op: 'execute-notebook-node',
            app_data: {
              filename: 'notebooks/download_dataset.ipynb',
              runtime_image: 'continuumio/anaconda3:2020.07',
              env_vars: [],
              include_subdirectories: false,
              outputs: [],
              dependencies: [],
              ui_data: {
                label: 'download_dataset.ipynb',
                x_pos: 85,
                y_pos: 95,
                description: 'Notebook file'
              }
            },
            inputs: [{ id: 'inPort' }],
            outputs: [{ id: 'outPort' }]
          }
        ],
        app_data: { ui_data: { comments: [] }, version: 3 },
        runtime_ref: ''
      }
    ],
    schemas: []
  };
}

function withVersion(version: unknown): IPipelineFile {
  const file = fixture();
  file.pipelines[0].app_data!.version = version as number;
  return file;
}

describe('parsePipeline', () => {
  it('reads an Elyra 4 pipeline file', () => {
    const result = parsePipeline(FIXTURE_TEXT);
    expect('pipeline' in result).toBe(true);
    if ('pipeline' in result) {
      expect(result.pipeline.pipelines).toHaveLength(2);
      expect(pipelineVersion(result.pipeline)).toBe(PIPELINE_VERSION);
    }
  });

  it.each(['', '{', 'doc_type: pipeline', '{"doc_type": "pipeline",}'])(
    'reports %p as not JSON',
    text => {
      expect(parsePipeline(text)).toEqual({ error: { kind: 'not-json' } });
    }
  );

  const breakers: Array<[string, (file: any) => unknown]> = [
    ['an array', () => [1, 2]],
    ['null', () => null],
    ['a notebook', () => ({ cells: [], metadata: {}, nbformat: 4 })],
    ['another doc_type', file => ({ ...file, doc_type: 'flow' })],
    ['no doc_type', ({ doc_type, ...rest }) => rest],
    ['another schema version', file => ({ ...file, version: '2.0' })],
    ['no pipelines', ({ pipelines, ...rest }) => rest],
    ['pipelines not a list', file => ({ ...file, pipelines: {} })],
    ['no primary_pipeline', ({ primary_pipeline, ...rest }) => rest],
    [
      'a primary_pipeline that is not there',
      file => ({ ...file, primary_pipeline: 'elsewhere' })
    ],
    ['an empty pipelines list', file => ({ ...file, pipelines: [] })],
    [
      'a pipeline without nodes',
      file => {
        delete file.pipelines[1].nodes;
        return file;
      }
    ],
    [
      'a node without app_data',
      file => {
        delete file.pipelines[0].nodes[0].app_data;
        return file;
      }
    ]
  ];
  it.each(breakers)('reports %s as not a pipeline', (_, breaker) => {
    const text = JSON.stringify(breaker(fixture()));
    expect(parsePipeline(text)).toEqual({ error: { kind: 'not-pipeline' } });
  });

  it('accepts the file those breakers start from', () => {
    expect(isPipelineFile(fixture())).toBe(true);
  });
});

describe('pipelineVersion', () => {
  it.each([
    [8, 8],
    [7, 7],
    ['8', 8],
    ['7.5', 7.5],
    ['eight', null],
    ['', null],
    [null, null],
    [{}, null]
  ])('reads %p as %p', (version, expected) => {
    expect(pipelineVersion(withVersion(version))).toBe(expected);
  });

  it('counts a primary pipeline without a version as version 0', () => {
    const file = fixture();
    delete file.pipelines[0].app_data!.version;
    expect(pipelineVersion(file)).toBe(0);
  });

  it('reads the primary pipeline, wherever it is in the list', () => {
    const file = fixture();
    file.pipelines.reverse();
    expect(pipelineVersion(file)).toBe(8);
    file.primary_pipeline = SUBFLOW;
    expect(pipelineVersion(file)).toBe(0);
  });
});

describe('paths', () => {
  it.each([
    ['a/b/c.ipynb', 'a/b/c.ipynb'],
    ['/a//b/./c.ipynb', 'a/b/c.ipynb'],
    ['a/../b.ipynb', 'b.ipynb'],
    ['', ''],
    ['..', null],
    ['a/../../b', null]
  ])('normalizeRootPath(%p) is %p', (path, expected) => {
    expect(normalizeRootPath(path)).toBe(expected);
  });

  it.each([
    ['work/flows/a.pipeline', 'nb.ipynb', 'work/flows/nb.ipynb'],
    ['work/flows/a.pipeline', './nb.ipynb', 'work/flows/nb.ipynb'],
    ['work/flows/a.pipeline', '../nb/x.ipynb', 'work/nb/x.ipynb'],
    ['work/flows/a.pipeline', '../../x.ipynb', 'x.ipynb'],
    ['work/flows/a.pipeline', 'sub/../x.ipynb', 'work/flows/x.ipynb'],
    ['work/flows/a.pipeline', '/shared/x.ipynb', 'shared/x.ipynb'],
    ['a.pipeline', 'notebooks/x.ipynb', 'notebooks/x.ipynb'],
    ['/a.pipeline', './x.ipynb', 'x.ipynb'],
    ['work/flows/a.pipeline', '../../../x.ipynb', null],
    ['a.pipeline', '../x.ipynb', null],
    ['a.pipeline', '/../x.ipynb', null],
    ['a.pipeline', '', null],
    ['a.pipeline', '  ', null],
    ['a.pipeline', '.', null],
    ['../a.pipeline', 'x.ipynb', null]
  ])('in %p, %p is %p', (pipeline, filename, expected) => {
    expect(resolveNotebookPath(pipeline, filename)).toBe(expected);
  });

  const relatives: Array<[string, string, string]> = [
    ['work/flows/a.pipeline', 'work/flows/x.ipynb', 'x.ipynb'],
    ['work/flows/a.pipeline', 'work/notebooks/x.ipynb', '../notebooks/x.ipynb'],
    ['work/flows/a.pipeline', 'x.ipynb', '../../x.ipynb'],
    ['work/flows/a.pipeline', 'work/flows/sub/x.ipynb', 'sub/x.ipynb'],
    ['work/flows/a.pipeline', 'workshop/x.ipynb', '../../workshop/x.ipynb'],
    ['a.pipeline', 'notebooks/x.ipynb', 'notebooks/x.ipynb'],
    ['a.pipeline', 'x.ipynb', 'x.ipynb']
  ];
  it.each(relatives)(
    'from %p, %p is written %p',
    (pipeline, path, expected) => {
      expect(relativeNotebookPath(pipeline, path)).toBe(expected);
    }
  );

  it.each(relatives)(
    'writes what Elyra computes (PathExt.relative), from %p to %p',
    (pipeline, path) => {
      expect(relativeNotebookPath(pipeline, path)).toBe(
        PathExt.relative(PathExt.dirname(pipeline), path)
      );
    }
  );

  it.each(relatives)(
    'resolves back what it writes: %p, %p',
    (pipeline, path) => {
      expect(
        resolveNotebookPath(pipeline, relativeNotebookPath(pipeline, path))
      ).toBe(path);
    }
  );

  it('refuses paths outside the root', () => {
    expect(() => relativeNotebookPath('a.pipeline', '../x.ipynb')).toThrow();
    expect(() => relativeNotebookPath('../a.pipeline', 'x.ipynb')).toThrow();
  });
});

describe('applyOverlayImages', () => {
  it('sorts every notebook node, subflows included, by outcome', () => {
    const options = workspace();
    const result = applyOverlayImages(fixture(), options);
    expect(result.ok).toBe(true);
    if (!result.ok) {
      return;
    }
    expect(result.changed).toBe(true);
    expect(ids(result.report.changed)).toEqual(
      [IDS.download, IDS.report].sort()
    );
    expect(ids(result.report.alreadySet)).toEqual([IDS.prepare]);
    expect(ids(result.report.noImage)).toEqual([IDS.train]);
    expect(ids(result.report.noOverlay)).toEqual(
      [IDS.evaluate, IDS.escape, IDS.missing].sort()
    );
    // python and R scripts, the KFP component, the supernode, two bindings
    expect(result.report.skipped).toBe(6);
  });

  it('sets runtime_image on the changed nodes only', () => {
    const input = fixture();
    const result = applyOverlayImages(input, workspace());
    if (!result.ok) {
      throw new Error('refused');
    }
    const output = result.pipeline;
    const parameters = (id: string) =>
      nodeById(output, id).app_data.component_parameters!;
    expect(parameters(IDS.download).runtime_image).toBe(
      IMAGES['download-dataset']
    );
    expect(parameters(IDS.report).runtime_image).toBe(IMAGES.report);

    // Everything else is as it was.
    const unchanged = fixture();
    for (const id of [IDS.download, IDS.report]) {
      const node = nodeById(unchanged, id);
      node.app_data.component_parameters!.runtime_image = nodeById(
        output,
        id
      ).app_data.component_parameters!.runtime_image;
    }
    expect(output).toEqual(unchanged);
  });

  it('reports each node with its notebook, overlay and images', () => {
    const result = applyOverlayImages(fixture(), workspace());
    if (!result.ok) {
      throw new Error('refused');
    }
    const all = [
      ...result.report.changed,
      ...result.report.alreadySet,
      ...result.report.noImage,
      ...result.report.noOverlay
    ];
    const byId = (id: string) => all.find(entry => entry.nodeId === id);
    expect(byId(IDS.download)).toEqual({
      pipelineId: 'primary',
      nodeId: IDS.download,
      label: 'download_dataset.ipynb',
      filename: '../notebooks/download_dataset.ipynb',
      notebook: 'work/notebooks/download_dataset.ipynb',
      overlay: 'download-dataset',
      previousImage: 'quay.io/my-org/my-repo-download-dataset:1a2b3c4',
      image: IMAGES['download-dataset']
    });
    expect(byId(IDS.report)).toMatchObject({
      label: 'report',
      notebook: 'work/flows/report.ipynb',
      previousImage: null,
      image: IMAGES.report
    });
    expect(byId(IDS.prepare)).toMatchObject({
      label: 'Prepare data',
      notebook: 'work/flows/prepare_data.ipynb',
      previousImage: IMAGES.prepare,
      image: IMAGES.prepare
    });
    expect(byId(IDS.train)).toMatchObject({
      pipelineId: SUBFLOW,
      notebook: 'work/flows/train_model.ipynb',
      overlay: 'train',
      image: null
    });
    expect(byId(IDS.evaluate)).toMatchObject({
      notebook: 'shared/evaluate.ipynb',
      overlay: null
    });
    expect(byId(IDS.escape)).toMatchObject({
      filename: '../../../outside.ipynb',
      notebook: null,
      overlay: null
    });
    expect(byId(IDS.missing)).toMatchObject({
      notebook: 'work/flows/missing.ipynb',
      overlay: null,
      previousImage: 'quay.io/my-org/old:1',
      image: null
    });
  });

  it('looks notebooks up by root-relative path, never outside the root', () => {
    const options = workspace();
    applyOverlayImages(fixture(), options);
    const asked = options.overlayOf.mock.calls.map(([path]) => path).sort();
    expect(asked).toEqual(
      [
        'work/notebooks/download_dataset.ipynb',
        'work/flows/prepare_data.ipynb',
        'work/flows/report.ipynb',
        'work/flows/train_model.ipynb',
        'shared/evaluate.ipynb',
        'work/flows/missing.ipynb'
      ].sort()
    );
    expect(
      options.imageOf.mock.calls.map(([overlay]) => overlay).sort()
    ).toEqual(['download-dataset', 'prepare', 'report', 'train'].sort());
  });

  it('resolves filenames from the folder the pipeline is in', () => {
    // The same file at the root: its relative filenames mean other notebooks.
    const atRoot = workspace('training.pipeline', {
      'prepare_data.ipynb': 'prepare',
      'report.ipynb': 'report'
    });
    const result = applyOverlayImages(fixture(), atRoot);
    if (!result.ok) {
      throw new Error('refused');
    }
    expect(ids(result.report.changed)).toEqual([IDS.report]);
    expect(ids(result.report.alreadySet)).toEqual([IDS.prepare]);
    // `../notebooks/…` leaves the root from there.
    const download = result.report.noOverlay.find(
      entry => entry.nodeId === IDS.download
    );
    expect(download?.notebook).toBeNull();
    expect(atRoot.overlayOf).not.toHaveBeenCalledWith(
      'work/notebooks/download_dataset.ipynb'
    );
  });

  it('never modifies its input', () => {
    const input = deepFreeze(fixture());
    const result = applyOverlayImages(input, workspace());
    expect(result.ok && result.changed).toBe(true);
    expect(input).toEqual(fixture());
    if (result.ok) {
      expect(result.pipeline).not.toBe(input);
    }
  });

  it('returns the input itself when nothing changes', () => {
    const first = applyOverlayImages(fixture(), workspace());
    if (!first.ok) {
      throw new Error('refused');
    }
    const again = applyOverlayImages(first.pipeline, workspace());
    expect(again.ok).toBe(true);
    if (again.ok) {
      expect(again.changed).toBe(false);
      expect(again.pipeline).toBe(first.pipeline);
      expect(again.report.changed).toEqual([]);
      expect(ids(again.report.alreadySet)).toEqual(
        [IDS.download, IDS.prepare, IDS.report].sort()
      );
    }
  });

  it('changes nothing when no overlay has an image', () => {
    const input = fixture();
    const result = applyOverlayImages(input, workspace(FIXTURE_PATH, TAGS, {}));
    expect(result).toMatchObject({ ok: true, changed: false });
    if (result.ok) {
      expect(result.pipeline).toBe(input);
      expect(ids(result.report.noImage)).toEqual(
        [IDS.download, IDS.prepare, IDS.report, IDS.train].sort()
      );
    }
  });

  it('finds no notebook for a node without component_parameters', () => {
    const input = fixture();
    delete nodeById(input, IDS.report).app_data.component_parameters;
    const result = applyOverlayImages(input, workspace());
    if (!result.ok) {
      throw new Error('refused');
    }
    expect(
      result.report.noOverlay.find(entry => entry.nodeId === IDS.report)
    ).toMatchObject({ filename: null, notebook: null, label: 'report' });
  });

  it('labels a node by its file name when it has no label', () => {
    const input = fixture();
    const node = nodeById(input, IDS.report);
    delete node.app_data.label;
    delete node.app_data.ui_data;
    const result = applyOverlayImages(input, workspace());
    if (!result.ok) {
      throw new Error('refused');
    }
    expect(
      result.report.changed.find(entry => entry.nodeId === IDS.report)?.label
    ).toBe('report.ipynb');
  });

  it.each([
    [3, versionThree],
    [7, () => withVersion(7)],
    [0, () => withVersion(undefined)]
  ])(
    'leaves a version %p file untouched and says it is old',
    (version, make) => {
      const input = deepFreeze(make());
      const options = workspace();
      const result = applyOverlayImages(input, options);
      expect(result).toEqual({
        ok: false,
        problem: { kind: 'old-version', version }
      });
      expect(input).toEqual(make());
      expect(options.overlayOf).not.toHaveBeenCalled();
    }
  );

  it('refuses a file from a newer Elyra', () => {
    const input = withVersion(9);
    const options = workspace();
    expect(applyOverlayImages(input, options)).toEqual({
      ok: false,
      problem: { kind: 'newer-version', version: 9 }
    });
    expect(options.overlayOf).not.toHaveBeenCalled();
  });

  it.each([
    ['text', () => FIXTURE_TEXT],
    ['null', () => null],
    ['a notebook', () => ({ cells: [], nbformat: 4 })],
    [
      'no primary pipeline',
      () => ({ ...fixture(), primary_pipeline: 'other' })
    ],
    ['a garbled version', () => withVersion('eight')]
  ])('refuses %s as not a pipeline', (_, make) => {
    expect(applyOverlayImages(make(), workspace())).toEqual({
      ok: false,
      problem: { kind: 'not-pipeline' }
    });
  });
});

describe('serializePipeline', () => {
  it('writes what Elyra writes: two-space JSON, no final newline', () => {
    const text = serializePipeline(fixture());
    expect(text).toBe(FIXTURE_TEXT);
    expect(text.endsWith('}')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "doc_type": "pipeline",');
  });

  it('keeps the order of keys and unknown members', () => {
    const file = { ...fixture(), extra: { kept: true } };
    const text = serializePipeline(file);
    expect(JSON.parse(text)).toEqual(file);
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(file));
  });
});

describe('createPipeline', () => {
  const notebooks = [
    { path: 'work/notebooks/download_dataset.ipynb', image: 'quay.io/o/dl:1' },
    { path: 'work/flows/prepare.ipynb', image: null },
    { path: 'train model.ipynb', image: 'quay.io/o/train:2' },
    { path: 'work/flows/sub/evaluate.ipynb', image: 'quay.io/o/eval:3' }
  ];
  function counter(): () => string {
    let next = 0;
    return () => `id-${++next}`;
  }
  function create(): IPipelineFile {
    return createPipeline({
      pipelinePath: 'work/flows/new.pipeline',
      notebooks,
      newId: counter()
    });
  }

  it('makes a version 8 generic pipeline Elyra opens without migrating', () => {
    const file = create();
    expect(isPipelineFile(file)).toBe(true);
    expect(pipelineVersion(file)).toBe(PIPELINE_VERSION);
    expect(file).toMatchObject({
      doc_type: 'pipeline',
      version: '3.0',
      primary_pipeline: file.pipelines[0].id,
      schemas: []
    });
    expect(file.pipelines).toHaveLength(1);
    expect(file.pipelines[0].app_data).toEqual({
      ui_data: { comments: [] },
      version: 8,
      properties: { name: 'new', runtime: 'Generic' }
    });
    // A generic pipeline has no runtime type.
    expect(file.pipelines[0].app_data).not.toHaveProperty('runtime_type');
  });

  it('uses the given name', () => {
    const file = createPipeline({
      name: 'Training',
      pipelinePath: 'a.pipeline',
      notebooks: []
    });
    expect(file.pipelines[0].app_data?.properties?.name).toBe('Training');
    expect(file.pipelines[0].nodes).toEqual([]);
  });

  it('adds one notebook node per notebook, in the given order', () => {
    const nodes = create().pipelines[0].nodes;
    expect(nodes.map(node => node.op)).toEqual(
      notebooks.map(() => NOTEBOOK_OP)
    );
    expect(nodes.map(node => node.type)).toEqual(
      notebooks.map(() => 'execution_node')
    );
    expect(nodes.map(node => node.app_data.label)).toEqual([
      'download_dataset',
      'prepare',
      'train model',
      'evaluate'
    ]);
    expect(nodes.map(node => node.app_data.ui_data?.label)).toEqual(
      nodes.map(node => node.app_data.label)
    );
    expect(
      nodes.map(node => node.app_data.component_parameters?.filename)
    ).toEqual([
      '../notebooks/download_dataset.ipynb',
      'prepare.ipynb',
      '../../train model.ipynb',
      'sub/evaluate.ipynb'
    ]);
  });

  it('sets the runtime images that are known', () => {
    const nodes = create().pipelines[0].nodes;
    expect(
      nodes.map(node => node.app_data.component_parameters?.runtime_image)
    ).toEqual([
      'quay.io/o/dl:1',
      undefined,
      'quay.io/o/train:2',
      'quay.io/o/eval:3'
    ]);
    expect(nodes[1].app_data.component_parameters).not.toHaveProperty(
      'runtime_image'
    );
  });

  it('gives each node the parameters of a notebook node Elyra adds', () => {
    for (const node of create().pipelines[0].nodes) {
      expect(node.app_data.component_parameters).toMatchObject({
        dependencies: [],
        include_subdirectories: false,
        outputs: [],
        env_vars: [],
        kubernetes_pod_annotations: [],
        kubernetes_pod_labels: [],
        kubernetes_secrets: [],
        kubernetes_shared_mem_size: {},
        kubernetes_tolerations: [],
        mounted_volumes: []
      });
      expect(node.app_data.ui_data).toMatchObject({
        image: '/static/elyra/notebook.svg',
        description: 'Run notebook file'
      });
      expect(node.outputs).toEqual([
        {
          id: 'outPort',
          app_data: {
            ui_data: { cardinality: { min: 0, max: -1 }, label: 'Output Port' }
          }
        }
      ]);
      expect(node.inputs?.[0]).toMatchObject({
        id: 'inPort',
        app_data: {
          ui_data: { cardinality: { min: 0, max: -1 }, label: 'Input Port' }
        }
      });
    }
  });

  it('links each node to the one before it', () => {
    const nodes = create().pipelines[0].nodes;
    expect(nodes[0].inputs?.[0]).not.toHaveProperty('links');
    for (let index = 1; index < nodes.length; index++) {
      const links = nodes[index].inputs?.[0].links;
      expect(links).toHaveLength(1);
      expect(links?.[0]).toMatchObject({
        node_id_ref: nodes[index - 1].id,
        port_id_ref: 'outPort'
      });
    }
  });

  it('lays the nodes out left to right', () => {
    const nodes = create().pipelines[0].nodes;
    const xs = nodes.map(node => node.app_data.ui_data?.x_pos as number);
    const ys = nodes.map(node => node.app_data.ui_data?.y_pos as number);
    for (let index = 1; index < xs.length; index++) {
      expect(xs[index] - xs[index - 1]).toBeGreaterThanOrEqual(
        NODE_LAYOUT.spacing
      );
    }
    expect(new Set(ys).size).toBe(1);
  });

  it('takes node and link ids from newId', () => {
    const file = create();
    const nodeIds = file.pipelines[0].nodes.map(node => node.id);
    const linkIds = file.pipelines[0].nodes.flatMap(
      node => node.inputs?.[0].links?.map(link => link.id) ?? []
    );
    const all = [...nodeIds, ...linkIds];
    expect(all.every(id => /^id-\d+$/.test(id))).toBe(true);
    expect(new Set(all).size).toBe(notebooks.length * 2 - 1);
  });

  it('uses UUIDs by default', () => {
    const file = createPipeline({
      pipelinePath: 'a.pipeline',
      notebooks: [
        { path: 'a.ipynb', image: null },
        { path: 'b.ipynb', image: null }
      ]
    });
    const uuid =
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const [first, second] = file.pipelines[0].nodes;
    expect(first.id).toMatch(uuid);
    expect(second.id).toMatch(uuid);
    expect(second.inputs?.[0].links?.[0].id).toMatch(uuid);
    expect(first.id).not.toBe(second.id);
  });

  it('round-trips: created, saved, read and applied, nothing changes', () => {
    const created = create();
    const parsed = parsePipeline(serializePipeline(created));
    if (!('pipeline' in parsed)) {
      throw new Error('not parsed');
    }
    expect(parsed.pipeline).toEqual(created);
    const overlays: Record<string, string> = {
      'work/notebooks/download_dataset.ipynb': 'dl',
      'work/flows/prepare.ipynb': 'prep',
      'train model.ipynb': 'train',
      'work/flows/sub/evaluate.ipynb': 'eval'
    };
    const images: Record<string, string> = {
      dl: 'quay.io/o/dl:1',
      train: 'quay.io/o/train:2',
      eval: 'quay.io/o/eval:3'
    };
    const result = applyOverlayImages(
      parsed.pipeline,
      workspace('work/flows/new.pipeline', overlays, images)
    );
    expect(result).toMatchObject({ ok: true, changed: false });
    if (result.ok) {
      expect(result.report.alreadySet.map(entry => entry.notebook)).toEqual([
        'work/notebooks/download_dataset.ipynb',
        'train model.ipynb',
        'work/flows/sub/evaluate.ipynb'
      ]);
      expect(result.report.noImage.map(entry => entry.notebook)).toEqual([
        'work/flows/prepare.ipynb'
      ]);
    }
  });
});
