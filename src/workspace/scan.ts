/**
 * What a scan of the workspace finds: its configuration files' overlay names,
 * its notebooks and their tags, each overlay's folder, Pipfile, packages and
 * picks; and the requirements its notebooks' imports resolve to. The state
 * behind `OverlaysWorkspace`, which acts on it; no signals.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { TranslationBundle } from '@jupyterlab/translation';

import {
  ExtractionCache,
  extractNotebook,
  notebookSyntaxErrors,
  IImportEnvironment,
  importFolders,
  IPipRequirement,
  IRequirement,
  IRequirementsOptions,
  projectPackageFolders,
  requirementsFileRequirements,
  requirementsFromNotebooks,
  resolveInWorkspace
} from '../imports';
import {
  AICOE_FILE,
  aicoeBaseImages,
  aicoeOverlayNames,
  DEFAULT_OVERLAYS_FOLDER,
  IPipfileEntry,
  isListedName,
  lockedVersions,
  nameProblem,
  overlayOfMetadata,
  overlayPath,
  parsePipfile,
  pipfilePackages,
  pipfilePythonVersion,
  THOTH_FILE,
  thothOverlayNames,
  thothOverlaysDir
} from '../overlay';
import { diffPackages, lacksImports } from './diff';
import { IFileEntry, IWorkspaceFiles, parentOf } from './files';
import type { ProviderLookup } from './providers';
import {
  INotebookAccess,
  INotebookRecord,
  IOverlay,
  IWorkspaceSettings,
  OVERLAY_FILE,
  LOCKFILE,
  OverlayError,
  PIPFILE
} from './types';

const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '__pycache__',
  'site-packages'
]);
const MAX_DEPTH = 8;
const MAX_NOTEBOOKS = 5000;

/**
 * The workspace as last scanned.
 */
export class WorkspaceScan {
  constructor(options: WorkspaceScan.IOptions) {
    this._files = options.files;
    this._access = options.access;
    this._environment = options.environment;
    this._providers = options.providers ?? null;
    this._settings = options.settings;
    this._trans = options.trans;
  }

  /** The overlays, sorted by name. */
  overlays: IOverlay[] = [];
  /** The notebooks found, by path. */
  readonly notebooks = new Map<string, INotebookRecord>();
  /** The overlays `.thoth.yaml` lists. */
  thothNames: string[] = [];
  /** The overlays `.aicoe-ci.yaml` lists. */
  aicoeNames: string[] = [];
  /** The base image `.aicoe-ci.yaml` builds each overlay on, where it names one. */
  aicoeBases = new Map<string, string>();
  /** The texts of `.thoth.yaml` and `.aicoe-ci.yaml` (null: no such file). */
  thothText: string | null = null;
  aicoeText: string | null = null;
  /** Problems with the workspace's configuration files and notebooks. */
  problems: string[] = [];
  /** The overlays folder in use (`.thoth.yaml` overlays_dir, else the setting). */
  overlaysFolder = DEFAULT_OVERLAYS_FOLDER;
  /** Whether the workspace was scanned once. */
  scanned = false;

  /** The workspace path of an overlay's folder. */
  folder(name: string): string {
    return overlayPath(this.overlaysFolder, name);
  }

  /** Take the overlay names of a configuration file just written. */
  configWritten(path: string, text: string): void {
    // The text first: the names of a file that is not YAML throw.
    if (path === THOTH_FILE) {
      this.thothText = text;
      this.thothNames = thothOverlayNames(text);
    } else if (path === AICOE_FILE) {
      this._setAicoe(text);
    }
  }

  /** Take `.aicoe-ci.yaml`'s text (null: no file): its overlays and their bases. */
  private _setAicoe(text: string | null): void {
    this.aicoeText = text;
    this.aicoeNames = text === null ? [] : aicoeOverlayNames(text);
    this.aicoeBases = text === null ? new Map() : aicoeBaseImages(text);
  }

  /**
   * A folder's listing, read once per scan or rebuild; a folder its parent
   * does not list is not asked for (no 404 noise in the server log).
   */
  list(path: string): Promise<IFileEntry[] | null> {
    let listing = this._listings.get(path);
    if (!listing) {
      listing = (async () => {
        if (path && !(await this.exists(path, 'directory'))) {
          return null;
        }
        return this._files.list(path);
      })();
      this._listings.set(path, listing);
    }
    return listing;
  }

  /** Whether a file (or folder) exists, by its parent's listing. */
  async exists(path: string, type?: 'directory'): Promise<boolean> {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const parent = await this.list(parentOf(path));
    return !!parent?.some(
      entry => entry.name === name && (!type || entry.type === type)
    );
  }

  async read(): Promise<void> {
    this._listings.clear();
    const problems: string[] = [];
    const settings = this._settings();
    const thoth = await this._files.read(THOTH_FILE);
    this.thothText = thoth;
    let folder = settings.overlaysFolder;
    this.thothNames = [];
    try {
      folder = thothOverlaysDir(thoth) ?? folder;
      this.thothNames = thoth === null ? [] : thothOverlayNames(thoth);
    } catch (error) {
      problems.push(`${THOTH_FILE}: ${(error as Error).message}`);
    }
    this.overlaysFolder = folder;
    this.aicoeNames = [];
    this.aicoeBases = new Map();
    try {
      this._setAicoe(await this._files.read(AICOE_FILE));
    } catch (error) {
      problems.push(`${AICOE_FILE}: ${(error as Error).message}`);
    }
    this.problems = problems;

    const seen = new Set<string>();
    await this._walk('', 0, seen);
    for (const path of [...this.notebooks.keys()]) {
      if (!seen.has(path)) {
        this.notebooks.delete(path);
      }
    }
    this.scanned = true;
    await this.rebuild();
  }

  private async _walk(
    folder: string,
    depth: number,
    seen: Set<string>
  ): Promise<void> {
    if (depth > MAX_DEPTH || seen.size >= MAX_NOTEBOOKS) {
      return;
    }
    const entries = (await this.list(folder)) ?? [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      if (entry.type === 'directory') {
        if (
          !SKIPPED_FOLDERS.has(entry.name) &&
          entry.path !== this.overlaysFolder
        ) {
          await this._walk(entry.path, depth + 1, seen);
        }
      } else if (entry.type === 'notebook' || entry.name.endsWith('.ipynb')) {
        seen.add(entry.path);
        const known = this.notebooks.get(entry.path);
        if (
          known &&
          entry.lastModified &&
          known.lastModified === entry.lastModified
        ) {
          continue;
        }
        let content: nbformat.INotebookContent | null = null;
        try {
          content = await this._files.readNotebook(entry.path);
        } catch (error) {
          this.problems = [
            ...this.problems,
            `${entry.path}: ${(error as Error).message}`
          ];
        }
        if (content) {
          this.notebooks.set(entry.path, {
            path: entry.path,
            lastModified: entry.lastModified,
            overlay: overlayOfMetadata(content.metadata),
            content
          });
        }
      }
    }
  }

  /**
   * Rebuild the overlay list from what was scanned and the overlay folders.
   */
  async rebuild(): Promise<void> {
    this._listings.clear();
    const folders = (await this.list(this.overlaysFolder)) ?? [];
    const names = new Set<string>();
    for (const entry of folders) {
      if (entry.type === 'directory' && isListedName(entry.name)) {
        names.add(entry.name);
      }
    }
    for (const name of this.thothNames) {
      if (isListedName(name)) {
        names.add(name);
      }
    }
    const overlays: IOverlay[] = [];
    for (const name of [...names].sort()) {
      overlays.push(await this._readOverlay(name));
    }
    this.overlays = overlays;
  }

  private async _readOverlay(name: string): Promise<IOverlay> {
    const folder = this.folder(name);
    const members = [...this.notebooks.values()]
      .filter(notebook => notebook.overlay === name)
      .map(notebook => notebook.path)
      .sort();
    const overlay: IOverlay = {
      name,
      nameProblem: nameProblem(name),
      folder,
      hasPipfile: false,
      pipfileError: null,
      pythonVersion: null,
      packages: [],
      members,
      inThoth: this.thothNames.includes(name),
      inAicoe: this.aicoeNames.includes(name),
      aicoeBaseImage: this.aicoeBases.get(name) ?? null,
      overrides: await this._readOverrides(folder),
      outOfDate: false,
      syntaxErrors: members.flatMap(path => {
        const content =
          this._access?.openContent(path) ?? this.notebooks.get(path)?.content;
        return content
          ? notebookSyntaxErrors(content, this._cache).map(error => ({
              path,
              ...error
            }))
          : [];
      })
    };
    const pipfile = `${folder}/${PIPFILE}`;
    const text = (await this.exists(pipfile))
      ? await this._files.read(pipfile)
      : null;
    let entries: IPipfileEntry[] = [];
    if (text !== null) {
      overlay.hasPipfile = true;
      try {
        const data = parsePipfile(text);
        entries = pipfilePackages(data);
        overlay.pythonVersion = pipfilePythonVersion(data);
      } catch (error) {
        overlay.pipfileError = (error as Error).message;
      }
    }
    const requirements = members.length
      ? await this.overlayRequirements(overlay)
      : [];
    let locked = new Map<string, string>();
    const lockPath = `${folder}/${LOCKFILE}`;
    if (overlay.hasPipfile && (await this.exists(lockPath))) {
      try {
        locked = lockedVersions((await this._files.read(lockPath)) ?? '{}');
      } catch {
        // A broken lock: the lock state (overlay-status) says so; no versions.
      }
    }
    const byName = new Map(
      requirements.map(requirement => [requirement.name, requirement])
    );
    overlay.packages = entries.map(entry => {
      const requirement = byName.get(entry.name);
      return {
        name: entry.name,
        key: entry.key,
        specifier: entry.specifier,
        source: requirement?.source ?? 'pipfile',
        modules: requirement?.modules ?? [],
        optional: requirement?.optional ?? false,
        ambiguous: requirement?.ambiguous ?? false,
        ...(requirement?.candidates
          ? { candidates: requirement.candidates }
          : {}),
        ...(requirement?.paths ? { paths: requirement.paths } : {}),
        ...(locked.has(entry.name) ? { locked: locked.get(entry.name) } : {})
      };
    });
    overlay.outOfDate =
      overlay.hasPipfile &&
      !overlay.pipfileError &&
      lacksImports(diffPackages(entries, requirements));
    return overlay;
  }

  private async _readOverrides(
    folder: string
  ): Promise<Record<string, string>> {
    const path = `${folder}/${OVERLAY_FILE}`;
    const text = (await this.exists(path))
      ? await this._files.read(path)
      : null;
    if (!text) {
      return {};
    }
    try {
      const overrides = JSON.parse(text)?.overrides;
      if (!overrides || typeof overrides !== 'object') {
        return {};
      }
      return Object.fromEntries(
        Object.entries(overrides).filter(
          ([, value]) => typeof value === 'string'
        )
      ) as Record<string, string>;
    } catch {
      return {};
    }
  }

  async pipfileEntries(overlay: IOverlay): Promise<IPipfileEntry[]> {
    const text = await this._files.read(`${overlay.folder}/${PIPFILE}`);
    return text === null ? [] : pipfilePackages(parsePipfile(text));
  }

  async overlayRequirements(overlay: IOverlay): Promise<IRequirement[]> {
    const notebooks = overlay.members
      .map(path => this.notebooks.get(path))
      .filter((notebook): notebook is INotebookRecord => !!notebook)
      .map(notebook => ({
        ...notebook,
        content: this._access?.openContent(notebook.path) ?? notebook.content
      }));
    const environment = await this.environmentFor(notebooks);
    return this.requirements(
      notebooks,
      overlay.overrides,
      environment,
      overlay.pythonVersion ?? undefined
    );
  }

  async requirements(
    notebooks: { path: string; content: nbformat.INotebookContent }[],
    overrides: Record<string, string>,
    environment: IImportEnvironment | null,
    pythonVersion: string | undefined
  ): Promise<IRequirement[]> {
    const packageFolders = await this._projectPackageFolders();
    const folders = new Set<string>();
    for (const notebook of notebooks) {
      const sources = (notebook.content.cells ?? [])
        .filter(cell => cell.cell_type === 'code')
        .map(cell =>
          Array.isArray(cell.source) ? cell.source.join('') : cell.source
        );
      for (const folder of importFolders(
        notebook.path,
        sources,
        packageFolders
      )) {
        folders.add(folder);
      }
    }
    const localModules = new Set<string>();
    for (const folder of folders) {
      for (const name of await this._localModules(folder)) {
        localModules.add(name);
      }
    }
    // `pip install -r <file>`: the file, relative to the notebook, when the
    // workspace has it.
    const fileRequirements: IPipRequirement[] = [];
    for (const notebook of notebooks) {
      const folder = parentOf(notebook.path);
      const found = extractNotebook(notebook.content, this._cache);
      for (const file of new Set(found.requirementFiles)) {
        const path = resolveInWorkspace(folder, file);
        const text =
          path !== null && (await this.exists(path))
            ? await this._files.read(path)
            : null;
        if (text) {
          fileRequirements.push(...requirementsFileRequirements(text));
        }
      }
    }
    const options: IRequirementsOptions = {
      cache: this._cache,
      fileRequirements,
      environment: environment ?? undefined,
      localModules: [...localModules],
      overrides,
      pin: this._settings().pin,
      pythonVersion
    };
    const contents = notebooks.map(notebook => notebook.content);
    const requirements = requirementsFromNotebooks(contents, options);
    // Names that resolved only to themselves: the server's table of
    // distribution metadata may know who provides them (sksurv → scikit-survival).
    const unknown = requirements
      .filter(requirement => requirement.source === 'identity')
      .flatMap(requirement => requirement.modules)
      .map(module => module.split('.')[0]);
    if (!unknown.length || !this._providers) {
      return requirements;
    }
    const providers = await this._providers.lookup(unknown);
    return Object.keys(providers).length
      ? requirementsFromNotebooks(contents, { ...options, providers })
      : requirements;
  }

  /**
   * Top-level names a folder offers to `import`: its `.py` files and its
   * folders (packages, namespace packages).
   */
  private async _localModules(folder: string): Promise<string[]> {
    const names: string[] = [];
    for (const entry of (await this.list(folder)) ?? []) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) {
        continue;
      }
      if (entry.type === 'directory') {
        names.push(entry.name);
      } else if (entry.name.endsWith('.py')) {
        names.push(entry.name.slice(0, -3));
      }
    }
    return names;
  }

  /** The package folders the project's `pyproject.toml` / `setup.cfg` name. */
  private async _projectPackageFolders(): Promise<string[]> {
    const read = async (path: string) =>
      (await this.exists(path)) ? await this._files.read(path) : null;
    return projectPackageFolders(
      await read('pyproject.toml'),
      await read('setup.cfg')
    );
  }

  async environmentFor(
    notebooks: { content: nbformat.INotebookContent }[]
  ): Promise<IImportEnvironment | null> {
    const kernel = notebooks
      .map(notebook => (notebook.content.metadata?.kernelspec as any)?.name)
      .find((name): name is string => typeof name === 'string' && !!name);
    if (!kernel || !this._environment) {
      return null;
    }
    try {
      return await this._environment(kernel);
    } catch {
      // The bundled table still resolves; the sidebar reports the error.
      return null;
    }
  }

  async notebookContents(
    paths: string[]
  ): Promise<{ path: string; content: nbformat.INotebookContent }[]> {
    const notebooks = [];
    for (const path of paths) {
      const content =
        this._access?.openContent(path) ??
        this.notebooks.get(path)?.content ??
        (await this._files.readNotebook(path));
      if (!content) {
        throw new OverlayError(
          this._trans.__('Cannot read the notebook "%1".', path)
        );
      }
      notebooks.push({ path, content });
    }
    return notebooks;
  }

  private _files: IWorkspaceFiles;
  private _access: INotebookAccess | null;
  private _environment:
    ((kernel: string) => Promise<IImportEnvironment>) | null;
  private _providers: ProviderLookup | null;
  private _settings: () => IWorkspaceSettings;
  private _trans: TranslationBundle;
  private _cache = new ExtractionCache();
  private _listings = new Map<string, Promise<IFileEntry[] | null>>();
}

export namespace WorkspaceScan {
  export interface IOptions {
    files: IWorkspaceFiles;
    access: INotebookAccess | null;
    environment: ((kernel: string) => Promise<IImportEnvironment>) | null;
    /** The server's table of distribution metadata; none in some tests and tools. */
    providers?: ProviderLookup | null;
    settings: () => IWorkspaceSettings;
    trans: TranslationBundle;
  }
}
