#!/usr/bin/env node
// The overlay workspace of src/workspace/model.ts, run from the command line
// over a real folder: the same code the JupyterLab extension runs, with the
// notebooks, Pipfiles and configuration files read and written by node:fs.
//
//   node scripts/overlays-cli.mjs create <workspace-dir> <overlay-name> <notebook-path>... [--python 3.11]
//
// Notebook paths are relative to <workspace-dir> (absolute paths inside it
// are accepted too). It prints every file it wrote, then the overlay.
//
// It compiles src/workspace/model.ts and what it imports to CommonJS with the
// project's TypeScript (scripts/tsconfig.cli.json) into
// node_modules/.cache/overlays-cli/ (ignored by git and ESLint), once: the
// build is reused until a file of src/, the tsconfig or TypeScript changes.
// @jupyterlab/* packages ship ES modules with extensionless imports, which
// Node can neither require() nor import(); they are transpiled to CommonJS
// with the same TypeScript as they are loaded (as jest does with babel).
//
// Exit status: 0 on success, 1 when the overlay cannot be created (e.g. the
// name is taken), 2 on a usage error.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SRC = path.join(ROOT, 'src');
const TSCONFIG = path.join(HERE, 'tsconfig.cli.json');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'overlays-cli');
const ENTRY = path.join('workspace', 'model.js');
const rootRequire = createRequire(path.join(ROOT, 'package.json'));

const USAGE = `usage: node scripts/overlays-cli.mjs create <workspace-dir> <overlay-name> <notebook-path>... [--python X.Y]`;

class UsageError extends Error {}

// --- build ---------------------------------------------------------------

/** Every file of src/ the build may read, tests excepted, in a stable order. */
function sourceFiles(folder = SRC) {
  const files = [];
  for (const entry of fs
    .readdirSync(folder, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__tests__') {
        files.push(...sourceFiles(full));
      }
    } else if (/\.(ts|tsx|json)$/.test(entry.name)) {
      files.push(full);
    }
  }
  return files;
}

/** A key of everything the build depends on. */
function buildKey() {
  const hash = crypto.createHash('sha256');
  const typescript = rootRequire('typescript/package.json').version;
  hash.update(`typescript ${typescript}\0`);
  for (const file of [TSCONFIG, ...sourceFiles()]) {
    hash.update(path.relative(ROOT, file));
    hash.update('\0');
    hash.update(fs.readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder of an up-to-date build, compiling it when there is none. */
function build() {
  const tsc = rootRequire.resolve('typescript/bin/tsc');
  const key = buildKey();
  const folder = path.join(CACHE, key);
  if (fs.existsSync(path.join(folder, ENTRY))) {
    return folder;
  }
  fs.mkdirSync(CACHE, { recursive: true });
  // Compile next to the final folder and rename it into place, so that a
  // concurrent run never loads a half-written build.
  const partial = fs.mkdtempSync(path.join(CACHE, `${key}-partial-`));
  try {
    execFileSync(process.execPath, [tsc, '-p', TSCONFIG, '--outDir', partial], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit']
    });
    // Older builds are of no more use.
    for (const name of fs.readdirSync(CACHE)) {
      if (name !== key && !name.includes('-partial-')) {
        fs.rmSync(path.join(CACHE, name), { recursive: true, force: true });
      }
    }
    try {
      fs.renameSync(partial, folder);
    } catch (error) {
      // Another run finished the same build first.
      if (!fs.existsSync(path.join(folder, ENTRY))) {
        throw error;
      }
    }
  } finally {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return folder;
}

/**
 * Let require() load @jupyterlab/* packages, which are ES modules in `.js`
 * files without `"type": "module"`, by transpiling them to CommonJS.
 */
function requireJupyterLabPackages() {
  const ts = rootRequire('typescript');
  const loadJs = Module._extensions['.js'];
  const jupyterlab = `${path.sep}node_modules${path.sep}@jupyterlab${path.sep}`;
  Module._extensions['.js'] = (module, filename) => {
    if (!filename.includes(jupyterlab)) {
      return loadJs(module, filename);
    }
    const { outputText } = ts.transpileModule(
      fs.readFileSync(filename, 'utf8'),
      {
        fileName: filename,
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true
        }
      }
    );
    module._compile(outputText, filename);
  };
}

function loadWorkspaceModel() {
  const folder = build();
  requireJupyterLabPackages();
  return createRequire(import.meta.url)(path.join(folder, ENTRY));
}

// --- files ---------------------------------------------------------------

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
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--python') {
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
  return { root, name, paths, python };
}

async function create({ root, name, paths, python }) {
  const { OverlaysWorkspace, OverlayError } = loadWorkspaceModel();
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
    aicoeBaseImage: 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest'
  };
  const workspace = new OverlaysWorkspace({
    files,
    access: null,
    environment: null,
    settings: () => settings
  });
  try {
    const overlay = await workspace.createOverlay(
      name,
      paths,
      python || undefined
    );
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

async function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  return create(options);
}

process.exitCode = await main();
