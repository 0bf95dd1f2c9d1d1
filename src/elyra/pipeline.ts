/**
 * Elyra pipeline files (`.pipeline`, format version 8): read them, point
 * their notebook nodes at the overlay images, and write new ones the way
 * Elyra's pipeline editor does, so that Elyra opens them without migrating
 * and its next save changes nothing it did not have to.
 *
 * Pure functions over text and objects; problems are codes with data, which
 * the UI translates.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { UUID } from '@lumino/coreutils';

/** The pipeline format version Elyra 3.15 – 4.x reads and writes. */
export const PIPELINE_VERSION = 8;

/** The pipeline-flow schema version of every Elyra pipeline file. */
export const PIPELINE_SCHEMA_VERSION = '3.0';

/** The `op` of a generic notebook node. */
export const NOTEBOOK_OP = 'execute-notebook-node';

/**
 * The file's top-level object. Members this module does not use are kept
 * as they are.
 */
export interface IPipelineFile {
  doc_type: 'pipeline';
  version: string;
  json_schema?: string;
  id: string;
  primary_pipeline: string;
  /** The primary pipeline and the subflows of its supernodes. */
  pipelines: IPipeline[];
  schemas?: unknown[];
  [key: string]: unknown;
}

/** One pipeline (the primary one or a supernode's subflow). */
export interface IPipeline {
  id: string;
  nodes: IPipelineNode[];
  app_data?: {
    /** The format version; only the primary pipeline carries it. */
    version?: number | string;
    properties?: { [key: string]: unknown };
    ui_data?: { [key: string]: unknown };
    [key: string]: unknown;
  };
  runtime_ref?: string;
  [key: string]: unknown;
}

/** A node: execution node, supernode or supernode binding. */
export interface IPipelineNode {
  id: string;
  /** `execution_node`, `super_node` or `binding`. */
  type: string;
  /** What an execution node runs, e.g. {@link NOTEBOOK_OP}. */
  op?: string;
  app_data: {
    label?: string;
    component_parameters?: { [key: string]: unknown };
    ui_data?: { label?: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  inputs?: IPipelinePort[];
  outputs?: IPipelinePort[];
  [key: string]: unknown;
}

/** A node's port; an input port lists the links coming into it. */
export interface IPipelinePort {
  id: string;
  app_data?: { [key: string]: unknown };
  links?: IPipelineLink[];
  [key: string]: unknown;
}

/** A link from an upstream node's output port. */
export interface IPipelineLink {
  id: string;
  node_id_ref: string;
  port_id_ref: string;
  [key: string]: unknown;
}

/**
 * Why a file cannot be used:
 * - `not-json`: the text is not JSON;
 * - `not-pipeline`: not an Elyra pipeline (no `doc_type: "pipeline"`,
 *   schema version other than `"3.0"`, no `pipelines` list, no primary
 *   pipeline, malformed nodes or an unreadable format version);
 * - `old-version`: an older format; Elyra migrates it when the user opens
 *   the file in its pipeline editor and saves it;
 * - `newer-version`: written by a newer Elyra than this extension knows.
 */
export type PipelineProblem =
  | { kind: 'not-json' }
  | { kind: 'not-pipeline' }
  | { kind: 'old-version'; version: number }
  | { kind: 'newer-version'; version: number };

/**
 * Parse the text of a `.pipeline` file.
 */
export function parsePipeline(
  text: string
): { pipeline: IPipelineFile } | { error: PipelineProblem } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: { kind: 'not-json' } };
  }
  return isPipelineFile(value)
    ? { pipeline: value }
    : { error: { kind: 'not-pipeline' } };
}

/**
 * Whether a value has the structure of an Elyra pipeline file: the checks
 * Elyra's editor makes before opening one, plus every pipeline being an
 * object with an id and a list of nodes that have `app_data`, which Elyra's
 * server reads without checking.
 */
export function isPipelineFile(value: unknown): value is IPipelineFile {
  if (!Private.isObject(value)) {
    return false;
  }
  if (
    value.doc_type !== 'pipeline' ||
    value.version !== PIPELINE_SCHEMA_VERSION ||
    typeof value.primary_pipeline !== 'string' ||
    !Array.isArray(value.pipelines)
  ) {
    return false;
  }
  const wellFormed = value.pipelines.every(
    pipeline =>
      Private.isObject(pipeline) &&
      typeof pipeline.id === 'string' &&
      Array.isArray(pipeline.nodes) &&
      pipeline.nodes.every(
        node => Private.isObject(node) && Private.isObject(node.app_data)
      )
  );
  return (
    wellFormed &&
    value.pipelines.some(pipeline => pipeline.id === value.primary_pipeline)
  );
}

/**
 * The format version of a pipeline file: the primary pipeline's
 * `app_data.version`. A missing version is 0 (pipelines from before
 * versioning, as Elyra counts them); null when the version is not a number.
 */
export function pipelineVersion(file: IPipelineFile): number | null {
  const primary = file.pipelines.find(
    pipeline => pipeline.id === file.primary_pipeline
  );
  if (!primary) {
    return null;
  }
  const version = Private.isObject(primary.app_data)
    ? primary.app_data.version
    : undefined;
  if (version === undefined) {
    return 0;
  }
  // Elyra's server also reads a version written as a string.
  const number =
    typeof version === 'string' && version.trim() !== ''
      ? Number(version)
      : version;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/**
 * Text for a pipeline file, formatted as Elyra's pipeline editor writes it
 * (`JSON.stringify` with two-space indentation, no trailing newline), so a
 * later save from Elyra shows no spurious difference.
 */
export function serializePipeline(file: IPipelineFile): string {
  return JSON.stringify(file, null, 2);
}

/**
 * A root-relative path, normalised: `.` and empty parts dropped, `..`
 * applied, a leading `/` meaning the root. Null when it leaves the root.
 */
export function normalizeRootPath(path: string): string | null {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length === 0) {
        return null;
      }
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

/**
 * The root-relative path of a node's file: its `filename` is relative to
 * the pipeline file's folder, or to the root when it starts with `/` (as
 * Elyra resolves it in the browser). Null when the filename is empty or
 * the path leaves the root.
 */
export function resolveNotebookPath(
  pipelinePath: string,
  filename: string
): string | null {
  const pipeline = normalizeRootPath(pipelinePath);
  if (pipeline === null || filename.trim() === '') {
    return null;
  }
  const folder = filename.startsWith('/') ? '' : PathExt.dirname(pipeline);
  const path = normalizeRootPath(`${folder}/${filename}`);
  return path ? path : null;
}

/**
 * A notebook's path relative to the pipeline file's folder, as Elyra
 * writes a node's `filename` (`PathExt.relative` from that folder).
 * Both paths are root-relative.
 *
 * @throws Error when either path leaves the root.
 */
export function relativeNotebookPath(
  pipelinePath: string,
  notebookPath: string
): string {
  const pipeline = normalizeRootPath(pipelinePath);
  const notebook = normalizeRootPath(notebookPath);
  if (pipeline === null || notebook === null) {
    throw new Error(`Path outside the root: ${pipelinePath}, ${notebookPath}`);
  }
  const from = Private.splitPath(PathExt.dirname(pipeline));
  const to = Private.splitPath(notebook);
  let common = 0;
  while (
    common < from.length &&
    common < to.length &&
    from[common] === to[common]
  ) {
    common++;
  }
  return [...from.slice(common).map(() => '..'), ...to.slice(common)].join('/');
}

/** What {@link applyOverlayImages} needs to know about the workspace. */
export interface IApplyOptions {
  /**
   * The `.pipeline` file's path relative to the Jupyter root, e.g.
   * `work/flows/a.pipeline`.
   */
  pipelinePath: string;
  /**
   * The overlay a notebook (root-relative path) is tagged to; null when the
   * notebook is untagged or does not exist.
   */
  overlayOf(notebookPath: string): string | null;
  /** The latest successfully built image (`name:tag`) of an overlay, or null. */
  imageOf(overlay: string): string | null;
}

/** One notebook node, as {@link applyOverlayImages} found it. */
export interface INotebookNodeReport {
  /** The id of the pipeline holding the node (a subflow for supernodes). */
  pipelineId: string;
  nodeId: string;
  /** The node's label, else its file's name. */
  label: string;
  /** The node's `filename` as written in the file. */
  filename: string | null;
  /** The notebook's root-relative path; null when empty or outside the root. */
  notebook: string | null;
  overlay: string | null;
  /** The node's `runtime_image` before; null when unset. */
  previousImage: string | null;
  /** The overlay's image; null when there is none. */
  image: string | null;
}

/** The notebook nodes of a pipeline file, grouped by outcome. */
export interface IApplyReport {
  /** Nodes whose `runtime_image` was set to their overlay's image. */
  changed: INotebookNodeReport[];
  /** Nodes that already use their overlay's image. */
  alreadySet: INotebookNodeReport[];
  /** Nodes whose notebook is untagged, missing or unresolvable. */
  noOverlay: INotebookNodeReport[];
  /** Nodes whose overlay has no built image yet. */
  noImage: INotebookNodeReport[];
  /**
   * Other nodes, left alone: script nodes, custom components, supernodes
   * and their bindings.
   */
  skipped: number;
}

/**
 * The outcome of {@link applyOverlayImages}: when `changed` is false,
 * `pipeline` is the input itself and there is nothing to write.
 */
export type IApplyResult =
  | {
      ok: true;
      changed: boolean;
      pipeline: IPipelineFile;
      report: IApplyReport;
    }
  | { ok: false; problem: PipelineProblem };

/**
 * Set the `runtime_image` of every notebook node, in the primary pipeline
 * and in supernode subflows, to the latest image of its notebook's overlay.
 * The input is never modified: a changed copy is returned when a node
 * changes. Files of another format version are refused untouched.
 */
export function applyOverlayImages(
  file: unknown,
  options: IApplyOptions
): IApplyResult {
  if (!isPipelineFile(file)) {
    return { ok: false, problem: { kind: 'not-pipeline' } };
  }
  const version = pipelineVersion(file);
  if (version === null) {
    return { ok: false, problem: { kind: 'not-pipeline' } };
  }
  if (version < PIPELINE_VERSION) {
    return { ok: false, problem: { kind: 'old-version', version } };
  }
  if (version > PIPELINE_VERSION) {
    return { ok: false, problem: { kind: 'newer-version', version } };
  }

  const report: IApplyReport = {
    changed: [],
    alreadySet: [],
    noOverlay: [],
    noImage: [],
    skipped: 0
  };
  const edits: Array<{ pipeline: number; node: number; image: string }> = [];
  file.pipelines.forEach((pipeline, pipelineIndex) => {
    pipeline.nodes.forEach((node, nodeIndex) => {
      if (node.op !== NOTEBOOK_OP) {
        report.skipped++;
        return;
      }
      const entry = Private.describe(pipeline.id, node, options);
      if (entry.overlay === null) {
        report.noOverlay.push(entry);
      } else if (entry.image === null) {
        report.noImage.push(entry);
      } else if (entry.image === entry.previousImage) {
        report.alreadySet.push(entry);
      } else {
        report.changed.push(entry);
        edits.push({
          pipeline: pipelineIndex,
          node: nodeIndex,
          image: entry.image
        });
      }
    });
  });

  if (edits.length === 0) {
    return { ok: true, changed: false, pipeline: file, report };
  }
  const copy = JSON.parse(JSON.stringify(file)) as IPipelineFile;
  for (const edit of edits) {
    // A node only changes when its parameters name a notebook.
    const node = copy.pipelines[edit.pipeline].nodes[edit.node];
    node.app_data.component_parameters!.runtime_image = edit.image;
  }
  return { ok: true, changed: true, pipeline: copy, report };
}

/** A notebook to place in a new pipeline. */
export interface IPipelineNotebook {
  /** Root-relative path of the notebook. */
  path: string;
  /** The image to run it in (`name:tag`); null leaves it unset. */
  image: string | null;
}

/** What {@link createPipeline} builds. */
export interface ICreatePipelineOptions {
  /** Root-relative path the file will be saved at. */
  pipelinePath: string;
  /** The notebooks, run one after the other in this order. */
  notebooks: ReadonlyArray<IPipelineNotebook>;
  /**
   * The pipeline's name. Defaults to the file's base name, which is what
   * Elyra's editor sets whenever it opens the file.
   */
  name?: string;
  /** Ids of nodes and links; `UUID.uuid4` by default. */
  newId?: () => string;
}

/** Where new nodes go, and how far apart. */
export const NODE_LAYOUT = { x: 75, y: 85, spacing: 250 };

/**
 * A new generic (`runtime: "Generic"`) pipeline file: one notebook node per
 * notebook, left to right, each linked to the one before, with the
 * parameters Elyra gives a notebook node it adds.
 */
export function createPipeline(options: ICreatePipelineOptions): IPipelineFile {
  const newId = options.newId ?? UUID.uuid4;
  const { pipelinePath } = options;
  const name =
    options.name ??
    PathExt.basename(pipelinePath, PathExt.extname(pipelinePath));
  const nodes: IPipelineNode[] = [];
  options.notebooks.forEach((notebook, index) => {
    const previous = nodes[nodes.length - 1];
    nodes.push(
      Private.notebookNode({
        id: newId(),
        filename: relativeNotebookPath(pipelinePath, notebook.path),
        label: PathExt.basename(notebook.path, PathExt.extname(notebook.path)),
        image: notebook.image,
        x: NODE_LAYOUT.x + index * NODE_LAYOUT.spacing,
        y: NODE_LAYOUT.y,
        link: previous ? { id: newId(), from: previous.id } : null
      })
    );
  });
  // Elyra's own ids for a pipeline made in its editor.
  return {
    doc_type: 'pipeline',
    version: PIPELINE_SCHEMA_VERSION,
    json_schema:
      'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
    id: 'elyra-auto-generated-pipeline',
    primary_pipeline: 'primary',
    pipelines: [
      {
        id: 'primary',
        nodes,
        app_data: {
          ui_data: { comments: [] },
          version: PIPELINE_VERSION,
          properties: { name, runtime: 'Generic' }
        },
        runtime_ref: ''
      }
    ],
    schemas: []
  };
}

namespace Private {
  /** A JSON object (not an array, not null). */
  export function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** The parts of a normalised path; none for the root. */
  export function splitPath(path: string): string[] {
    return path === '' ? [] : path.split('/');
  }

  /** A notebook node's entry in the report, with its overlay and image. */
  export function describe(
    pipelineId: string,
    node: IPipelineNode,
    options: IApplyOptions
  ): INotebookNodeReport {
    const parameters = isObject(node.app_data.component_parameters)
      ? node.app_data.component_parameters
      : {};
    const filename =
      typeof parameters.filename === 'string' ? parameters.filename : null;
    const notebook =
      filename === null
        ? null
        : resolveNotebookPath(options.pipelinePath, filename);
    const overlay = notebook === null ? null : options.overlayOf(notebook);
    const image = overlay === null ? null : options.imageOf(overlay);
    const previousImage =
      typeof parameters.runtime_image === 'string' &&
      parameters.runtime_image !== ''
        ? parameters.runtime_image
        : null;
    return {
      pipelineId,
      nodeId: String(node.id),
      label: label(node, filename),
      filename,
      notebook,
      overlay,
      previousImage,
      image
    };
  }

  function label(node: IPipelineNode, filename: string | null): string {
    const uiData = isObject(node.app_data.ui_data) ? node.app_data.ui_data : {};
    for (const candidate of [node.app_data.label, uiData.label]) {
      if (typeof candidate === 'string' && candidate.trim() !== '') {
        return candidate;
      }
    }
    return filename ? PathExt.basename(filename) : String(node.id);
  }

  const CARDINALITY = { min: 0, max: -1 };

  /**
   * Port labels as Elyra writes them into the file: data that Elyra's
   * editor expects, not text this extension shows.
   */
  const PORT_LABELS = { input: 'Input Port', output: 'Output Port' };

  /** A notebook node as Elyra's editor adds one from the file browser. */
  export function notebookNode(spec: {
    id: string;
    filename: string;
    label: string;
    image: string | null;
    x: number;
    y: number;
    link: { id: string; from: string } | null;
  }): IPipelineNode {
    const componentParameters: { [key: string]: unknown } = {
      dependencies: [],
      include_subdirectories: false,
      outputs: [],
      env_vars: [],
      kubernetes_pod_annotations: [],
      kubernetes_pod_labels: [],
      kubernetes_secrets: [],
      kubernetes_shared_mem_size: {},
      kubernetes_tolerations: [],
      mounted_volumes: [],
      filename: spec.filename
    };
    if (spec.image) {
      componentParameters.runtime_image = spec.image;
    }
    const input: IPipelinePort = {
      id: 'inPort',
      app_data: {
        ui_data: { cardinality: { ...CARDINALITY }, label: PORT_LABELS.input }
      }
    };
    if (spec.link) {
      input.links = [
        {
          id: spec.link.id,
          node_id_ref: spec.link.from,
          port_id_ref: 'outPort'
        }
      ];
    }
    return {
      id: spec.id,
      type: 'execution_node',
      op: NOTEBOOK_OP,
      app_data: {
        component_parameters: componentParameters,
        label: spec.label,
        ui_data: {
          label: spec.label,
          image: '/static/elyra/notebook.svg',
          x_pos: spec.x,
          y_pos: spec.y,
          description: 'Run notebook file'
        }
      },
      inputs: [input],
      outputs: [
        {
          id: 'outPort',
          app_data: {
            ui_data: {
              cardinality: { ...CARDINALITY },
              label: PORT_LABELS.output
            }
          }
        }
      ]
    };
  }
}
