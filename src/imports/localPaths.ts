/**
 * Where a notebook's own modules come from, as Python finds them when the
 * notebook runs: its folder (the kernel's working directory), every folder up
 * to the workspace root (notebooks run from a sub-folder often import the
 * repository's packages after `sys.path.append('../..')` or with the project
 * installed in development mode), the root's `src/` (the src layout), the
 * folders a notebook adds to `sys.path`, and the package folders a
 * `pyproject.toml` / `setup.cfg` names. Pure: paths in, paths out.
 */

// `sys.path.append('..')`, `sys.path.insert(0, "../src")`,
// `sys.path.append(os.path.abspath('../..'))`, `sys.path.extend(['a', 'b'])`.
const SYS_PATH =
  /sys\.path\.(?:append|insert|extend)\s*\(([^)]*(?:\([^)]*\))?[^)]*)\)/g;
const STRING = /(?:^|[^\w])[rRbBuU]?(['"])((?:(?!\1)[^\\\n]|\\.)*)\1/g;

/**
 * The paths a cell adds to `sys.path` with literal strings, as written.
 */
export function sysPathAdditions(source: string): string[] {
  const paths: string[] = [];
  for (const call of source.matchAll(SYS_PATH)) {
    for (const literal of call[1].matchAll(STRING)) {
      paths.push(literal[2]);
    }
  }
  return paths;
}

/**
 * A workspace path joined and normalised (`..` resolved); null when it leaves
 * the workspace or is absolute.
 */
export function resolveInWorkspace(
  folder: string,
  path: string
): string | null {
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) {
    return null;
  }
  const parts = folder ? folder.split('/') : [];
  for (const part of path.split(/[/\\]/)) {
    if (!part || part === '.') {
      continue;
    }
    if (part === '..') {
      if (!parts.length) {
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
 * The folders whose entries a notebook at `notebookPath` can import as its
 * own modules (workspace paths; `''` is the root).
 */
export function importFolders(
  notebookPath: string,
  sources: readonly string[],
  packageFolders: readonly string[] = []
): string[] {
  const folders: string[] = [];
  const parts = notebookPath.split('/').slice(0, -1);
  const folder = parts.join('/');
  for (let depth = parts.length; depth >= 0; depth--) {
    folders.push(parts.slice(0, depth).join('/'));
  }
  folders.push('src', ...packageFolders);
  for (const source of sources) {
    for (const path of sysPathAdditions(source)) {
      const resolved = resolveInWorkspace(folder, path);
      if (resolved !== null) {
        folders.push(resolved);
      }
    }
  }
  return [...new Set(folders)];
}

/**
 * The package folders (`where`) a project's `pyproject.toml` or `setup.cfg`
 * names for setuptools, e.g. `lib` for `package_dir = =lib`.
 */
export function projectPackageFolders(
  pyproject: string | null,
  setupCfg: string | null
): string[] {
  const folders: string[] = [];
  const where = /^\s*where\s*=\s*\[([^\]]*)\]/m.exec(pyproject ?? '');
  if (where) {
    for (const literal of where[1].matchAll(STRING)) {
      folders.push(literal[2]);
    }
  }
  const packageDir = /^\s*package[_-]dir\s*=\s*(?:\n\s*)?=\s*(\S+)/m.exec(
    setupCfg ?? ''
  );
  if (packageDir) {
    folders.push(packageDir[1]);
  }
  const cfgWhere = /^\s*where\s*=\s*(\S+)/m.exec(setupCfg ?? '');
  if (cfgWhere) {
    folders.push(cfgWhere[1]);
  }
  return folders
    .map(path => resolveInWorkspace('', path))
    .filter((path): path is string => path !== null && path !== '');
}
