/**
 * The overlays of a workspace: which exist, their member notebooks, their
 * packages, whether they are out of date; and the actions that change them.
 * State and signals only; no React.
 */
import type * as nbformat from '@jupyterlab/nbformat';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ExtractionCache,
  IImportEnvironment,
  IRequirement,
  RequirementSource,
  requirementsFromNotebooks
} from '../imports';
import {
  addAicoeOverlay,
  addThothOverlay,
  AICOE_FILE,
  aicoeOverlayNames,
  DEFAULT_PYTHON_VERSION,
  imageRepository,
  IPipfileEntry,
  isListedName,
  nameProblem,
  NameProblem,
  newPipfile,
  overlayOfMetadata,
  overlayPath,
  PackageValue,
  parsePipfile,
  pipfilePackages,
  pipfilePythonVersion,
  removeAicoeOverlay,
  removeThothOverlay,
  renameAicoeOverlay,
  renameThothOverlay,
  requirementsMetadataPackages,
  requirementValue,
  THOTH_FILE,
  thothOverlayNames,
  thothOverlaysDir,
  updatePipfile
} from '../overlay';
import type { IOverlaysSettings } from '../settings';
import { diffPackages, IPackageDiff } from './diff';
import { nameProblemMessage } from './messages';
import { IFileEntry, IWorkspaceFiles, parentOf } from './files';

/** The file, in each overlay's folder, that keeps the user's picks. */
export const OVERLAY_FILE = 'overlay.json';
export const PIPFILE = 'Pipfile';

/**
 * A package of an overlay as the sidebar shows it.
 */
export interface IOverlayPackage {
  /** PEP 503 normalised name. */
  name: string;
  /** The key as written in the Pipfile. */
  key: string;
  specifier: string;
  /** Where the package came from; `pipfile` when the user wrote it. */
  source: RequirementSource | 'pipfile';
  modules: string[];
  optional: boolean;
  ambiguous: boolean;
  candidates?: string[];
}

/**
 * One overlay of the workspace.
 */
export interface IOverlay {
  name: string;
  /**
   * Why the name is no longer accepted (a name earlier versions took, such
   * as `train_`): it must be renamed before it is locked or built.
   */
  nameProblem: NameProblem | null;
  /** `overlays/<name>`. */
  folder: string;
  hasPipfile: boolean;
  /** Why the Pipfile cannot be read, when it cannot. */
  pipfileError: string | null;
  pythonVersion: string | null;
  packages: IOverlayPackage[];
  /** Paths of the notebooks tagged to it. */
  members: string[];
  inThoth: boolean;
  inAicoe: boolean;
  /** Import name → distribution picks (empty string: ignore the import). */
  overrides: Record<string, string>;
  /** Its notebooks import packages its Pipfile lacks. */
  outOfDate: boolean;
}

/**
 * Access to open notebooks, so edits go through their models, never behind
 * the editor's back. The plugin implements it with the notebook tracker.
 */
export interface INotebookAccess {
  /** The content of an open notebook, unsaved edits included; null when not open. */
  openContent(path: string): nbformat.INotebookContent | null;
  /**
   * Set (or with null, remove) `metadata.overlay` of an open notebook through
   * its model; false when the notebook is not open.
   */
  tagOpen(path: string, name: string | null): Promise<boolean>;
}

/**
 * Settings the workspace reads each time it acts: the user's settings, with
 * `project` filled in.
 */
export type IWorkspaceSettings = IOverlaysSettings;

/**
 * A problem the user must fix before an action can go on.
 */
export class OverlayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverlayError';
  }
}

/**
 * A notebook found in the workspace.
 */
interface INotebookRecord {
  path: string;
  lastModified: string;
  overlay: string | null;
  content: nbformat.INotebookContent;
}

const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '__pycache__',
  'site-packages'
]);
const MAX_DEPTH = 8;
const MAX_NOTEBOOKS = 5000;

/**
 * The overlays of a workspace, with their actions.
 */
export class OverlaysWorkspace implements IDisposable {
  constructor(options: OverlaysWorkspace.IOptions) {
    this._files = options.files;
    this._access = options.access;
    this._environment = options.environment;
    this._settings = options.settings;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_overlays');
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted after an overlay was renamed (`newName`) or deleted (`newName`
   * null) through this model.
   */
  get overlayRenamed(): ISignal<this, OverlaysWorkspace.IRenamed> {
    return this._overlayRenamed;
  }

  /**
   * Emitted with what the user should know about an action that succeeded,
   * e.g. a Pipfile that had to be rewritten whole.
   */
  get warned(): ISignal<this, string> {
    return this._warned;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The overlays, sorted by name. */
  get overlays(): readonly IOverlay[] {
    return this._overlays;
  }

  /** Whether a scan is under way. */
  get scanning(): boolean {
    return this._scanning;
  }

  /** Problems with the workspace's configuration files, for the sidebar. */
  get problems(): readonly string[] {
    return this._problems;
  }

  /** The overlays folder in use (`.thoth.yaml` overlays_dir, else the setting). */
  get overlaysFolder(): string {
    return this._overlaysFolder;
  }

  overlay(name: string): IOverlay | undefined {
    return this._overlays.find(overlay => overlay.name === name);
  }

  /** The overlay a notebook is tagged to, as last scanned. */
  overlayOf(path: string): string | null {
    return this._notebooks.get(path)?.overlay ?? null;
  }

  /**
   * Read the workspace again: configuration files, overlay folders, tagged
   * notebooks (only notebooks changed since the last scan are read).
   */
  async scan(): Promise<void> {
    if (this._scan) {
      return this._scan;
    }
    this._scanning = true;
    this._changed.emit();
    this._scan = this._doScan().finally(() => {
      this._scan = null;
      this._scanning = false;
      if (!this._isDisposed) {
        this._changed.emit();
      }
    });
    return this._scan;
  }

  /**
   * A notebook was saved (or changed): read it again and update its overlay.
   */
  async notebookSaved(path: string): Promise<void> {
    if (!path.endsWith('.ipynb')) {
      return;
    }
    const content = await this._files.readNotebook(path);
    if (content) {
      this._notebooks.set(path, {
        path,
        lastModified: new Date().toISOString(),
        overlay: overlayOfMetadata(content.metadata),
        content
      });
    } else {
      this._notebooks.delete(path);
    }
    await this._rebuild();
  }

  /**
   * Create an overlay for notebooks: tag them, write its Pipfile from their
   * imports, and register it in `.thoth.yaml` and `.aicoe-ci.yaml`.
   */
  async createOverlay(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<IOverlay> {
    await this._ready();
    const problem = nameProblem(
      name,
      this._overlays.map(overlay => overlay.name)
    );
    if (problem) {
      throw new OverlayError(nameProblemMessage(this._trans, name, problem));
    }
    const folder = this._folder(name);
    const notebooks = await this._notebookContents(paths);
    const environment = await this._environmentFor(notebooks);
    const version =
      pythonVersion ||
      this._settings().pythonVersion ||
      Private.majorMinor(environment?.pythonVersion) ||
      DEFAULT_PYTHON_VERSION;

    const requirements = await this._requirements(
      notebooks,
      {},
      environment,
      version
    );
    const packages: Record<string, PackageValue> = {};
    for (const notebook of notebooks) {
      Object.assign(
        packages,
        requirementsMetadataPackages(notebook.content.metadata)
      );
    }
    for (const requirement of requirements) {
      packages[requirement.name] = requirementValue(requirement);
    }

    // Plan every edit first: a configuration file that cannot be read stops
    // the action before anything is written.
    const edits = await this._planEdits(
      this._newOverlayEdits(name, version),
      true
    );
    await this._files.write(
      `${folder}/${PIPFILE}`,
      newPipfile(packages, version)
    );
    await this._writeEdits(edits);
    for (const path of paths) {
      await this._tag(path, name);
    }
    await this._rebuild();
    return this.overlay(name)!;
  }

  /**
   * The Python version (`3.11`) of the notebooks' kernel, or null when it
   * cannot be probed.
   */
  async kernelPythonVersion(paths: string[]): Promise<string | null> {
    const environment = await this._environmentFor(
      await this._notebookContents(paths)
    );
    return Private.majorMinor(environment?.pythonVersion) || null;
  }

  /**
   * Tag notebooks to an existing overlay and add the packages they import
   * (nothing is removed).
   */
  async addToOverlay(name: string, paths: string[]): Promise<IPackageDiff> {
    await this._ready();
    const overlay = this._existing(name);
    for (const path of paths) {
      await this._tag(path, name);
    }
    await this._rebuild();
    const diff = await this.preview(overlay.name);
    if (diff.added.length) {
      await this.apply(name, { ...diff, removed: [], changed: [] });
    }
    return diff;
  }

  /**
   * Untag notebooks. Their packages stay in the Pipfile until a re-extract
   * proposes their removal.
   */
  async removeFromOverlay(paths: string[]): Promise<void> {
    for (const path of paths) {
      await this._tag(path, null);
    }
    await this._rebuild();
  }

  /**
   * What re-extracting an overlay would change in its Pipfile.
   */
  async preview(name: string): Promise<IPackageDiff> {
    const overlay = this._existing(name);
    const entries = await this._pipfileEntries(overlay);
    const requirements = await this._overlayRequirements(overlay);
    return diffPackages(entries, requirements);
  }

  /**
   * Write the chosen part of a diff to the overlay's Pipfile.
   */
  async apply(name: string, diff: IPackageDiff): Promise<void> {
    const overlay = this._existing(name);
    const set: Record<string, PackageValue> = {};
    for (const requirement of diff.added) {
      set[requirement.name] = requirementValue(requirement);
    }
    for (const { entry, requirement } of diff.changed) {
      set[entry.key] = requirementValue(requirement);
    }
    await this._editPipfile(overlay, {
      set,
      remove: diff.removed.map(entry => entry.key)
    });
  }

  /**
   * Set one package's specifier, or add the package.
   */
  async setPackage(
    name: string,
    pkg: string,
    specifier: string
  ): Promise<void> {
    const value = specifier.trim() || '*';
    await this._editPipfile(this._existing(name), {
      set: { [pkg.trim()]: value }
    });
  }

  /**
   * Remove one package from the Pipfile.
   */
  async removePackage(name: string, pkg: string): Promise<void> {
    await this._editPipfile(this._existing(name), { remove: [pkg] });
  }

  /**
   * Pick the distribution of an ambiguous import: the pick becomes an
   * override, and the Pipfile swaps the packages.
   */
  async pickDistribution(
    name: string,
    module: string,
    distribution: string
  ): Promise<void> {
    const overlay = this._existing(name);
    const previous = overlay.packages.find(pkg => pkg.modules.includes(module));
    const overrides = { ...overlay.overrides, [module]: distribution };
    await this._files.write(
      `${overlay.folder}/${OVERLAY_FILE}`,
      JSON.stringify({ overrides }, null, 2) + '\n'
    );
    const remove =
      previous && previous.name !== distribution ? [previous.key] : [];
    await this._editPipfile(overlay, {
      set: { [distribution]: previous?.specifier ?? '*' },
      remove
    });
  }

  /**
   * Rename an overlay: its folder, both YAML entries and its notebooks' tags.
   */
  async renameOverlay(name: string, newName: string): Promise<void> {
    const overlay = this._existing(name);
    const others = this._overlays
      .filter(item => item.name !== name)
      .map(item => item.name);
    const problem = nameProblem(newName, others);
    if (problem) {
      throw new OverlayError(nameProblemMessage(this._trans, newName, problem));
    }
    const folder = this._folder(newName);
    const edits = await this._planEdits([
      [THOTH_FILE, text => renameThothOverlay(text, name, newName)],
      [AICOE_FILE, text => renameAicoeOverlay(text, name, newName)]
    ]);
    for (const file of (await this._files.list(overlay.folder)) ?? []) {
      if (file.type !== 'directory') {
        const text = await this._files.read(file.path);
        if (text !== null) {
          await this._files.write(`${folder}/${file.name}`, text);
        }
      }
    }
    await this._files.remove(overlay.folder);
    await this._writeEdits(edits);
    for (const path of overlay.members) {
      await this._tag(path, newName);
    }
    await this._rebuild();
    this._overlayRenamed.emit({ name, newName });
  }

  /**
   * Delete an overlay: its folder, both YAML entries, and its notebooks' tags.
   */
  async deleteOverlay(name: string): Promise<void> {
    const overlay = this._existing(name);
    const edits = await this._planEdits([
      [THOTH_FILE, text => removeThothOverlay(text, name)],
      [AICOE_FILE, text => removeAicoeOverlay(text, name)]
    ]);
    if ((await this._files.list(overlay.folder)) !== null) {
      await this._files.remove(overlay.folder);
    }
    await this._writeEdits(edits);
    for (const path of overlay.members) {
      await this._tag(path, null);
    }
    await this._rebuild();
    this._overlayRenamed.emit({ name, newName: null });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _ready(): Promise<void> {
    if (!this._scanned) {
      await this.scan();
    }
  }

  private _existing(name: string): IOverlay {
    const overlay = this.overlay(name);
    if (!overlay) {
      throw new OverlayError(
        this._trans.__('There is no overlay named "%1".', name)
      );
    }
    return overlay;
  }

  private _folder(name: string): string {
    return overlayPath(this._overlaysFolder, name);
  }

  /**
   * A folder's listing, read once per scan or rebuild; a folder its parent
   * does not list is not asked for (no 404 noise in the server log).
   */
  private _list(path: string): Promise<IFileEntry[] | null> {
    let listing = this._listings.get(path);
    if (!listing) {
      listing = (async () => {
        if (path && !(await this._exists(path, 'directory'))) {
          return null;
        }
        return this._files.list(path);
      })();
      this._listings.set(path, listing);
    }
    return listing;
  }

  /** Whether a file (or folder) exists, by its parent's listing. */
  private async _exists(path: string, type?: 'directory'): Promise<boolean> {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const parent = await this._list(parentOf(path));
    return !!parent?.some(
      entry => entry.name === name && (!type || entry.type === type)
    );
  }

  private async _doScan(): Promise<void> {
    this._listings.clear();
    const problems: string[] = [];
    const settings = this._settings();
    const thoth = await this._files.read(THOTH_FILE);
    let folder = settings.overlaysFolder;
    this._thothNames = [];
    try {
      folder = thothOverlaysDir(thoth) ?? folder;
      this._thothNames = thoth === null ? [] : thothOverlayNames(thoth);
    } catch (error) {
      problems.push(`${THOTH_FILE}: ${(error as Error).message}`);
    }
    this._overlaysFolder = folder;
    this._aicoeNames = [];
    try {
      const aicoe = await this._files.read(AICOE_FILE);
      this._aicoeNames = aicoe === null ? [] : aicoeOverlayNames(aicoe);
    } catch (error) {
      problems.push(`${AICOE_FILE}: ${(error as Error).message}`);
    }
    this._problems = problems;

    const seen = new Set<string>();
    await this._walk('', 0, seen);
    for (const path of [...this._notebooks.keys()]) {
      if (!seen.has(path)) {
        this._notebooks.delete(path);
      }
    }
    this._scanned = true;
    await this._rebuild();
  }

  private async _walk(
    folder: string,
    depth: number,
    seen: Set<string>
  ): Promise<void> {
    if (depth > MAX_DEPTH || seen.size >= MAX_NOTEBOOKS) {
      return;
    }
    const entries = (await this._list(folder)) ?? [];
    for (const entry of entries) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      if (entry.type === 'directory') {
        if (
          !SKIPPED_FOLDERS.has(entry.name) &&
          entry.path !== this._overlaysFolder
        ) {
          await this._walk(entry.path, depth + 1, seen);
        }
      } else if (entry.type === 'notebook' || entry.name.endsWith('.ipynb')) {
        seen.add(entry.path);
        const known = this._notebooks.get(entry.path);
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
          this._problems = [
            ...this._problems,
            `${entry.path}: ${(error as Error).message}`
          ];
        }
        if (content) {
          this._notebooks.set(entry.path, {
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
  private async _rebuild(): Promise<void> {
    this._listings.clear();
    const folders = (await this._list(this._overlaysFolder)) ?? [];
    const names = new Set<string>();
    for (const entry of folders) {
      if (entry.type === 'directory' && isListedName(entry.name)) {
        names.add(entry.name);
      }
    }
    for (const name of this._thothNames) {
      if (isListedName(name)) {
        names.add(name);
      }
    }
    const overlays: IOverlay[] = [];
    for (const name of [...names].sort()) {
      overlays.push(await this._readOverlay(name));
    }
    this._overlays = overlays;
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private async _readOverlay(name: string): Promise<IOverlay> {
    const folder = this._folder(name);
    const members = [...this._notebooks.values()]
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
      inThoth: this._thothNames.includes(name),
      inAicoe: this._aicoeNames.includes(name),
      overrides: await this._readOverrides(folder),
      outOfDate: false
    };
    const pipfile = `${folder}/${PIPFILE}`;
    const text = (await this._exists(pipfile))
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
      ? await this._overlayRequirements(overlay)
      : [];
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
          : {})
      };
    });
    overlay.outOfDate =
      overlay.hasPipfile &&
      !overlay.pipfileError &&
      diffPackages(entries, requirements).added.length > 0;
    return overlay;
  }

  private async _readOverrides(
    folder: string
  ): Promise<Record<string, string>> {
    const path = `${folder}/${OVERLAY_FILE}`;
    const text = (await this._exists(path))
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

  private async _pipfileEntries(overlay: IOverlay): Promise<IPipfileEntry[]> {
    const text = await this._files.read(`${overlay.folder}/${PIPFILE}`);
    return text === null ? [] : pipfilePackages(parsePipfile(text));
  }

  private async _overlayRequirements(
    overlay: IOverlay
  ): Promise<IRequirement[]> {
    const notebooks = overlay.members
      .map(path => this._notebooks.get(path))
      .filter((notebook): notebook is INotebookRecord => !!notebook)
      .map(notebook => ({
        ...notebook,
        content: this._access?.openContent(notebook.path) ?? notebook.content
      }));
    const environment = await this._environmentFor(notebooks);
    return this._requirements(
      notebooks,
      overlay.overrides,
      environment,
      overlay.pythonVersion ?? undefined
    );
  }

  private async _requirements(
    notebooks: { path: string; content: nbformat.INotebookContent }[],
    overrides: Record<string, string>,
    environment: IImportEnvironment | null,
    pythonVersion: string | undefined
  ): Promise<IRequirement[]> {
    const localModules = new Set<string>();
    for (const folder of new Set(
      notebooks.map(notebook => parentOf(notebook.path))
    )) {
      for (const name of await this._localModules(folder)) {
        localModules.add(name);
      }
    }
    return requirementsFromNotebooks(
      notebooks.map(notebook => notebook.content),
      {
        cache: this._cache,
        environment: environment ?? undefined,
        localModules: [...localModules],
        overrides,
        pin: this._settings().pin,
        pythonVersion
      }
    );
  }

  /**
   * Top-level names of local modules beside a notebook: `.py` files and
   * folders (packages) of its folder and of the workspace's `src/`.
   */
  private async _localModules(folder: string): Promise<string[]> {
    const names: string[] = [];
    for (const where of new Set([folder, 'src'])) {
      for (const entry of (await this._list(where)) ?? []) {
        if (entry.name.startsWith('.')) {
          continue;
        }
        if (entry.type === 'directory') {
          names.push(entry.name);
        } else if (entry.name.endsWith('.py')) {
          names.push(entry.name.slice(0, -3));
        }
      }
    }
    return names;
  }

  private async _environmentFor(
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

  private async _notebookContents(
    paths: string[]
  ): Promise<{ path: string; content: nbformat.INotebookContent }[]> {
    const notebooks = [];
    for (const path of paths) {
      const content =
        this._access?.openContent(path) ??
        this._notebooks.get(path)?.content ??
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

  private async _tag(path: string, name: string | null): Promise<void> {
    const viaModel = (await this._access?.tagOpen(path, name)) ?? false;
    const record = this._notebooks.get(path);
    if (!viaModel) {
      const content = await this._files.readNotebook(path);
      if (!content) {
        throw new OverlayError(
          this._trans.__('Cannot read the notebook "%1".', path)
        );
      }
      const metadata = {
        ...(content.metadata ?? {})
      } as nbformat.INotebookMetadata;
      if (name) {
        metadata.overlay = { ...((metadata.overlay as object) ?? {}), name };
      } else {
        delete metadata.overlay;
      }
      content.metadata = metadata;
      await this._files.writeNotebook(path, content);
      this._notebooks.set(path, {
        path,
        lastModified: '',
        overlay: name,
        content
      });
    } else if (record) {
      record.overlay = name;
    } else {
      const content = this._access!.openContent(path);
      if (content) {
        this._notebooks.set(path, {
          path,
          lastModified: '',
          overlay: name,
          content
        });
      }
    }
  }

  private async _editPipfile(
    overlay: IOverlay,
    update: Parameters<typeof updatePipfile>[1]
  ): Promise<void> {
    const path = `${overlay.folder}/${PIPFILE}`;
    const text = await this._files.read(path);
    let next: string;
    if (text === null) {
      next = newPipfile(
        Object.fromEntries(
          Object.entries(update.set ?? {}).filter(
            ([key]) => !update.remove?.includes(key)
          )
        ),
        overlay.pythonVersion ??
          (this._settings().pythonVersion || DEFAULT_PYTHON_VERSION)
      );
    } else {
      const written = updatePipfile(text, update);
      next = written.text;
      if (!written.formattingKept) {
        this._warned.emit(
          this._trans.__(
            'The Pipfile of %1 was written anew: its comments and layout could not be kept (%2).',
            overlay.name,
            path
          )
        );
      }
    }
    if (next !== text) {
      await this._files.write(path, next);
    }
    await this._rebuild();
  }

  /**
   * The edits of `.thoth.yaml` and `.aicoe-ci.yaml` for a new overlay, by
   * the sync settings.
   */
  private _newOverlayEdits(
    name: string,
    pythonVersion: string
  ): Private.ConfigEdit[] {
    const settings = this._settings();
    const edits: Private.ConfigEdit[] = [];
    if (settings.syncThoth) {
      edits.push([
        THOTH_FILE,
        text =>
          addThothOverlay(
            text,
            {
              name,
              pythonVersion,
              operatingSystem: { name: 'ubi', version: '9' }
            },
            this._overlaysFolder
          )
      ]);
    }
    if (settings.syncAicoe) {
      // The image repository the server's builds use too.
      const project = settings.project
        ? imageRepository(settings.project, name)
        : name.toLowerCase();
      edits.push([
        AICOE_FILE,
        text =>
          addAicoeOverlay(
            text,
            {
              name,
              buildStrategy: 'Source',
              baseImage: settings.aicoeBaseImage || undefined,
              registry: settings.registry || undefined,
              registryOrg: settings.registryOrg || undefined,
              registryProject: project,
              registrySecret: settings.registryOrg
                ? `${settings.registryOrg}-pusher-secret`
                : undefined
            },
            this._overlaysFolder
          )
      ]);
    }
    return edits;
  }

  /**
   * The new texts of configuration files, computed before anything is
   * written: a file that cannot be read stops the action with an
   * OverlayError. Missing files are created only with `create`.
   */
  private async _planEdits(
    edits: Private.ConfigEdit[],
    create = false
  ): Promise<{ path: string; text: string }[]> {
    const planned: { path: string; text: string }[] = [];
    for (const [path, edit] of edits) {
      const text = await this._files.read(path);
      if (text === null && !create) {
        continue;
      }
      let next: string;
      try {
        next = edit(text ?? '');
      } catch (error) {
        throw new OverlayError(
          this._trans.__(
            '%1 cannot be read, so it was left unchanged: %2',
            path,
            (error as Error).message
          )
        );
      }
      if (next !== text) {
        planned.push({ path, text: next });
      }
    }
    return planned;
  }

  private async _writeEdits(
    edits: { path: string; text: string }[]
  ): Promise<void> {
    for (const { path, text } of edits) {
      await this._files.write(path, text);
      if (path === THOTH_FILE) {
        this._thothNames = thothOverlayNames(text);
      } else if (path === AICOE_FILE) {
        this._aicoeNames = aicoeOverlayNames(text);
      }
    }
  }

  private _files: IWorkspaceFiles;
  private _access: INotebookAccess | null;
  private _environment:
    ((kernel: string) => Promise<IImportEnvironment>) | null;
  private _settings: () => IWorkspaceSettings;
  private _trans: TranslationBundle;
  private _cache = new ExtractionCache();
  private _listings = new Map<string, Promise<IFileEntry[] | null>>();
  private _notebooks = new Map<string, INotebookRecord>();
  private _overlays: IOverlay[] = [];
  private _thothNames: string[] = [];
  private _aicoeNames: string[] = [];
  private _problems: string[] = [];
  private _overlaysFolder = 'overlays';
  private _scan: Promise<void> | null = null;
  private _scanned = false;
  private _scanning = false;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _overlayRenamed = new Signal<this, OverlaysWorkspace.IRenamed>(this);
  private _warned = new Signal<this, string>(this);
}

/**
 * A namespace for OverlaysWorkspace statics.
 */
export namespace OverlaysWorkspace {
  /**
   * The options used to create a workspace.
   */
  export interface IOptions {
    files: IWorkspaceFiles;
    /** Open notebooks; null in tests and tools without an editor. */
    access: INotebookAccess | null;
    /** The environment of a kernelspec (`GET overlays/environment`). */
    environment: ((kernel: string) => Promise<IImportEnvironment>) | null;
    settings: () => IWorkspaceSettings;
    /** Messages of errors the user sees. */
    trans?: TranslationBundle;
  }

  /**
   * An overlay renamed (`newName`) or deleted (`newName` null).
   */
  export interface IRenamed {
    name: string;
    newName: string | null;
  }
}

namespace Private {
  /** A configuration file and the edit to make to its text. */
  export type ConfigEdit = [string, (text: string) => string];

  export function majorMinor(version: string | undefined): string {
    return version ? version.split('.').slice(0, 2).join('.') : '';
  }
}
