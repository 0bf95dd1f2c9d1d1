#!/usr/bin/env node
// The overlay workspace of src/workspace/model.ts, run from the command line
// over a real folder: the same code the JupyterLab extension runs, with the
// notebooks, Pipfiles and configuration files read and written by node:fs.
//
//   node scripts/overlays-cli.mjs create <workspace-dir> <overlay-name> <notebook-path>... [--python 3.11] [--json] [--check-index]
//
// --check-index asks the package index what the server's check would
// (jupyterlab_overlays/index_report.py, run with $OVERLAYS_PYTHON, else the
// repository's .venv/bin/python): the Pipfile then holds back what the
// sidebar's Create holds back, and dotted imports go to the projects the
// index says they are in (src/workspace/indexAdvice.ts).
//
// Notebook paths are relative to <workspace-dir> (absolute paths inside it
// are accepted too). It prints every file it wrote, then the overlay; with
// --json, one line: the overlay's packages and, with --check-index, the flags
// the sidebar shows beside them (IndexChecks.forOverlay in
// src/workspace/indexChecks.ts).
//
// Elyra pipelines, with src/elyra/pipeline.ts: a new pipeline of tagged
// notebooks in the order given, or the overlay images applied to the
// notebook nodes of a pipeline file (the overlay of each notebook read from
// its tag; the images given as overlay=image). Both print a JSON report.
//
//   node scripts/overlays-cli.mjs create-pipeline <workspace-dir> <pipeline-path> <notebook-path>... [--image overlay=image]...
//   node scripts/overlays-cli.mjs apply-images <workspace-dir> <pipeline-path> [--image overlay=image]...
//
// src/ is compiled and loaded by scripts/compile-src.mjs.
//
// Exit status: 0 on success, 1 when the overlay cannot be created (e.g. the
// name is taken), 2 on a usage error.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { loadSource } from './compile-src.mjs';

const USAGE = `usage: node scripts/overlays-cli.mjs create <workspace-dir> <overlay-name> <notebook-path>... [--python X.Y] [--json] [--check-index]
       node scripts/overlays-cli.mjs create-pipeline <workspace-dir> <pipeline-path> <notebook-path>... [--image overlay=image]...
       node scripts/overlays-cli.mjs apply-images <workspace-dir> <pipeline-path> [--image overlay=image]...`;

class UsageError extends Error {}

// --- files ---------------------------------------------------------------

/** The server's table of distribution metadata (jupyterlab_overlays/providers.py). */
const PROVIDERS = fileURLToPath(
  new URL('../jupyterlab_overlays/data/providers.json.gz', import.meta.url)
);

/**
 * src/workspace/providers.ts over the same file the server answers
 * `GET overlays/providers` from, read here instead of over HTTP.
 */
function providerLookup() {
  const { ProviderLookup } = loadSource('workspace/providers');
  let table = null;
  return new ProviderLookup(async modules => {
    table ??= JSON.parse(zlib.gunzipSync(fs.readFileSync(PROVIDERS))).modules;
    return Object.fromEntries(
      modules
        .filter(module => Object.hasOwn(table, module))
        .map(module => [module, table[module][0]])
    );
  });
}

/** JSON with sorted keys, one-space indent and a final newline, as nbformat writes. */
function notebookJson(content) {
  const sorted = value => {
    if (Array.isArray(value)) {
      return value.map(sorted);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map(key => [key, sorted(value[key])])
      );
    }
    return value;
  };
  return JSON.stringify(sorted(content), null, 1) + '\n';
}

/**
 * IWorkspaceFiles (src/workspace/files.ts) over a folder of the real
 * filesystem: workspace paths are `/`-separated and relative to it.
 */
class FolderFiles {
  constructor(root) {
    this.root = path.resolve(root);
    /** Every write and removal, in order. */
    this.changes = [];
  }

  /** The filesystem path of a workspace path; never outside the root. */
  _resolve(workspacePath) {
    const full = path.resolve(this.root, ...workspacePath.split('/'));
    const relative = path.relative(this.root, full);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new Error(`"${workspacePath}" is outside the workspace`);
    }
    return full;
  }

  async read(workspacePath) {
    try {
      return await fs.promises.readFile(this._resolve(workspacePath), 'utf8');
    } catch (error) {
      if (error.code === 'ENOENT' || error.code === 'EISDIR') {
        return null;
      }
      throw error;
    }
  }

  async readNotebook(workspacePath) {
    const text = await this.read(workspacePath);
    return text === null ? null : JSON.parse(text);
  }

  async write(workspacePath, text) {
    const full = this._resolve(workspacePath);
    await fs.promises.mkdir(path.dirname(full), { recursive: true });
    await fs.promises.writeFile(full, text, 'utf8');
    this.changes.push(`wrote ${workspacePath}`);
  }

  async writeNotebook(workspacePath, content) {
    await this.write(workspacePath, notebookJson(content));
  }

  async list(workspacePath) {
    const folder = this._resolve(workspacePath);
    let names;
    try {
      names = await fs.promises.readdir(folder);
    } catch (error) {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
        return null;
      }
      throw error;
    }
    const entries = [];
    for (const name of names.sort()) {
      let stat;
      try {
        stat = await fs.promises.stat(path.join(folder, name));
      } catch {
        continue; // a dangling link
      }
      entries.push({
        name,
        path: workspacePath ? `${workspacePath}/${name}` : name,
        type: stat.isDirectory()
          ? 'directory'
          : name.endsWith('.ipynb')
            ? 'notebook'
            : 'file',
        lastModified: stat.mtime.toISOString()
      });
    }
    return entries;
  }

  async remove(workspacePath) {
    await fs.promises.rm(this._resolve(workspacePath), {
      recursive: true,
      force: true
    });
    this.changes.push(`removed ${workspacePath}`);
  }
}

// --- command -------------------------------------------------------------

function parseArguments(argv) {
  const [command, ...rest] = argv;
  if (command !== 'create') {
    throw new UsageError(
      command ? `unknown command "${command}"` : 'no command'
    );
  }
  const positional = [];
  let python = '';
  let json = false;
  let checkIndex = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json') {
      json = true;
    } else if (arg === '--check-index') {
      checkIndex = true;
    } else if (arg === '--python') {
      python = rest[++i] ?? '';
      if (!/^\d+\.\d+$/.test(python)) {
        throw new UsageError(`--python wants a version like 3.11`);
      }
    } else if (arg.startsWith('--python=')) {
      python = arg.slice('--python='.length);
      if (!/^\d+\.\d+$/.test(python)) {
        throw new UsageError(`--python wants a version like 3.11`);
      }
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const [dir, name, ...notebooks] = positional;
  if (!dir || !name || !notebooks.length) {
    throw new UsageError('create needs a folder, a name and notebooks');
  }
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UsageError(`"${dir}" is not a folder`);
  }
  const root = path.resolve(dir);
  const paths = notebooks.map(notebook => {
    const full = path.resolve(root, notebook);
    const relative = path.relative(root, full);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new UsageError(`"${notebook}" is not inside ${dir}`);
    }
    return relative.split(path.sep).join('/');
  });
  return { root, name, paths, python, json, checkIndex };
}

/** The repository's virtual environment's Python, where the server's code runs. */
const VENV_PYTHON = fileURLToPath(
  new URL('../.venv/bin/python', import.meta.url)
);

/** How long the command line waits for the index: a batch tool, nobody is typing. */
const INDEX_WAIT = 10 * 60 * 1000;

/**
 * src/workspace/indexChecks.ts over the server's own check, run as a
 * command (`python -m jupyterlab_overlays.index_report`) instead of over HTTP:
 * the checks, and the index as the workspace asks it, waiting for every answer.
 */
function indexChecks() {
  const { IndexChecks } = loadSource('workspace/indexChecks');
  const python =
    process.env.OVERLAYS_PYTHON ||
    (fs.existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3');
  const checks = new IndexChecks({
    client: {
      indexCheck: (names, version, imports = [], uses = []) =>
        new Promise((resolve, reject) => {
          const argv = ['-m', 'jupyterlab_overlays.index_report'];
          argv.push('--python', version, ...names);
          imports.forEach(module => argv.push('--import', module));
          uses.forEach(use => argv.push('--use', use));
          execFile(
            python,
            argv,
            { cwd: fileURLToPath(new URL('..', import.meta.url)) },
            (error, stdout, stderr) =>
              error
                ? reject(new Error(stderr || error.message))
                : resolve(JSON.parse(stdout))
          );
        })
    }
  });
  return {
    checks,
    index: {
      verdicts: (queries, version) =>
        checks.verdicts(queries, version, INDEX_WAIT),
      providers: (modules, version) =>
        checks.providers(modules, version, INDEX_WAIT),
      uses: (queries, version) => checks.uses(queries, version, INDEX_WAIT)
    }
  };
}

async function create({ root, name, paths, python, json, checkIndex }) {
  const { OverlaysWorkspace } = loadSource('workspace/model');
  const { OverlayError } = loadSource('workspace/types');
  const index = checkIndex ? indexChecks() : null;
  const files = new FolderFiles(root);
  const settings = {
    overlaysFolder: 'overlays',
    pythonVersion: '',
    pin: 'exact',
    syncThoth: true,
    syncAicoe: true,
    registry: 'quay.io',
    registryOrg: '',
    project: path.basename(root),
    aicoeBaseImage: 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest',
    holdBackDependencies: true
  };
  const workspace = new OverlaysWorkspace({
    files,
    access: null,
    environment: null,
    providers: providerLookup(),
    index: index?.index ?? null,
    settings: () => settings
  });
  try {
    const overlay = await workspace.createOverlay(
      name,
      paths,
      python || undefined
    );
    if (json) {
      const packages = overlay.packages.map(pkg => ({
        key: pkg.key,
        specifier: pkg.specifier,
        modules: pkg.modules
      }));
      // The flags the sidebar shows beside the packages (the scorer's).
      let flags = [];
      if (index) {
        index.checks.request([overlay]);
        await index.checks.flush();
        flags = Object.entries(index.checks.forOverlay(overlay).verdicts).map(
          ([key, verdict]) => ({ key, ...verdict })
        );
        index.checks.dispose();
      }
      console.log(JSON.stringify({ overlay: overlay.name, packages, flags }));
      return 0;
    }
    for (const change of files.changes) {
      console.log(change);
    }
    console.log(
      `overlay ${overlay.name} in ${overlay.folder} (Python ${overlay.pythonVersion ?? '?'}), ` +
        `notebooks: ${overlay.members.join(', ')}`
    );
    for (const pkg of overlay.packages) {
      const from = pkg.modules.length
        ? ` (import ${pkg.modules.join(', ')})`
        : '';
      console.log(`  ${pkg.key} ${pkg.specifier}${from}`);
    }
    return 0;
  } catch (error) {
    for (const change of files.changes) {
      console.log(change);
    }
    if (error instanceof OverlayError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    workspace.dispose();
  }
}

// --- Elyra pipelines -------------------------------------------------------

/** The workspace, its overlay tags, and `--image overlay=image` options. */
async function pipelineWorkspace(args) {
  const positional = [];
  const images = new Map();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--image' || arg.startsWith('--image=')) {
      const value = arg === '--image' ? args[++i] : arg.slice(8);
      const [overlay, image] = (value ?? '').split(/=(.*)/s, 2);
      if (!overlay || !image) {
        throw new UsageError('--image wants overlay=image');
      }
      images.set(overlay, image);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const [dir, pipelinePath, ...notebooks] = positional;
  if (!dir || !pipelinePath?.endsWith('.pipeline')) {
    throw new UsageError('a workspace folder and a .pipeline path are needed');
  }
  const { OverlaysWorkspace } = loadSource('workspace/model');
  const workspace = new OverlaysWorkspace({
    files: new FolderFiles(dir),
    access: null,
    environment: null,
    settings: () => ({ overlaysFolder: 'overlays', pin: 'exact' })
  });
  await workspace.scan();
  return {
    files: new FolderFiles(dir),
    workspace,
    pipelinePath,
    notebooks,
    imageOf: overlay => images.get(overlay) ?? null
  };
}

async function createPipelineFile(args) {
  const { files, workspace, pipelinePath, notebooks, imageOf } =
    await pipelineWorkspace(args);
  const { createPipeline, serializePipeline } = loadSource('elyra/pipeline');
  if (!notebooks.length) {
    throw new UsageError('create-pipeline needs notebooks');
  }
  const pipeline = createPipeline({
    pipelinePath,
    notebooks: notebooks.map(path => {
      const overlay = workspace.overlayOf(path);
      return { path, image: overlay ? imageOf(overlay) : null };
    })
  });
  await files.write(pipelinePath, serializePipeline(pipeline));
  console.log(JSON.stringify({ wrote: pipelinePath }));
  workspace.dispose();
  return 0;
}

async function applyImages(args) {
  const { files, workspace, pipelinePath, notebooks, imageOf } =
    await pipelineWorkspace(args);
  const { applyOverlayImages, parsePipeline, serializePipeline } =
    loadSource('elyra/pipeline');
  if (notebooks.length) {
    throw new UsageError('apply-images takes no notebooks');
  }
  const text = await files.read(pipelinePath);
  if (text === null) {
    throw new UsageError(`${pipelinePath} does not exist`);
  }
  const parsed = parsePipeline(text);
  const result =
    'error' in parsed
      ? { ok: false, problem: parsed.error }
      : applyOverlayImages(parsed.pipeline, {
          pipelinePath,
          overlayOf: path => workspace.overlayOf(path),
          imageOf
        });
  workspace.dispose();
  if (!result.ok) {
    console.log(JSON.stringify({ problem: result.problem }));
    return 1;
  }
  if (result.changed) {
    await files.write(pipelinePath, serializePipeline(result.pipeline));
  }
  console.log(
    JSON.stringify({ changed: result.changed, report: result.report })
  );
  return 0;
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  try {
    switch (command) {
      case 'create-pipeline':
        return await createPipelineFile(args);
      case 'apply-images':
        return await applyImages(args);
      default:
        return await create(parseArguments(process.argv.slice(2)));
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
