// Compile the frontend's pure modules (src/) to CommonJS and load them in
// Node: the same code the JupyterLab extension runs, for the command-line
// tools of scripts/ and the tests that drive them.
//
// The modules named in scripts/tsconfig.cli.json, and what they import, are
// compiled with the project's TypeScript into node_modules/.cache/overlays-cli/
// (ignored by git and ESLint), once: the build is reused until a file of
// src/, the tsconfig or TypeScript changes. @jupyterlab/* packages ship ES
// modules with extensionless imports, which Node can neither require() nor
// import(); they are transpiled to CommonJS with the same TypeScript as they
// are loaded (as jest does with babel).

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

/**
 * A module of src/, compiled: `loadSource('workspace/model')`.
 */
export function loadSource(module) {
  const folder = build();
  requireJupyterLabPackages();
  return createRequire(import.meta.url)(path.join(folder, `${module}.js`));
}
