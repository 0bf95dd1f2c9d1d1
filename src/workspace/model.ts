/**
 * The overlays of a workspace: which exist, their member notebooks, their
 * packages, whether they are out of date; and the actions that change them
 * (written by `actions.ts`). State and signals only; no React.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IImportEnvironment, majorMinor } from '../imports';
import {
  aicoeFindings,
  IConfigFinding,
  overlayOfMetadata,
  THOTH_FILE,
  thothFindings
} from '../overlay';
import { OverlayActions, ReviewChanges } from './actions';
import { IPackageDiff } from './diff';
import type { IFileChange } from './fileChanges';
import { IWorkspaceFiles } from './files';
import type { IPackageIndex } from './indexAdvice';
import { PackageEdits } from './packageEdits';
import type { ProviderLookup } from './providers';
import { WorkspaceScan } from './scan';
import { NotebookTags } from './tags';
import { IActionRecord, IUndoPlan } from './undo';
import {
  INotebookAccess,
  IOverlay,
  IWorkspaceSettings,
  OverlayError
} from './types';

/**
 * The overlays of a workspace, with their actions.
 */
export class OverlaysWorkspace implements IDisposable {
  constructor(options: OverlaysWorkspace.IOptions) {
    this._files = options.files;
    this._settings = options.settings;
    this._index = options.index ?? null;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_overlays');
    this._state = new WorkspaceScan({ ...options, trans: this._trans });
    this._tags = new NotebookTags({
      files: this._files,
      access: options.access,
      state: this._state,
      trans: this._trans
    });
    this._packages = this.packages = new PackageEdits({
      files: this._files,
      state: this._state,
      trans: this._trans,
      settings: this._settings,
      index: this._index,
      existing: name => this._existing(name),
      rebuild: () => this._rebuild(),
      warn: message => this._warned.emit(message)
    });
    this._actions = new OverlayActions({
      files: this._files,
      state: this._state,
      tags: this._tags,
      packages: this._packages,
      trans: this._trans,
      settings: this._settings,
      index: this._index,
      existing: name => this._existing(name),
      ready: () => this._ready(),
      rebuild: () => this._rebuild(),
      scan: () => this.scan(),
      renamed: change => this._overlayRenamed.emit(change)
    });
  }

  /**
   * The edits of overlays' Pipfiles: re-extract (`preview`, `apply`), one
   * package set, replaced, held back, removed, or an ambiguous import picked.
   */
  readonly packages: PackageEdits;

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

  /**
   * Emitted when a new notebook arrives already tagged (a duplicate of a
   * member keeps its tag): it joined that overlay without anyone asking.
   */
  get joinedByCopy(): ISignal<this, OverlaysWorkspace.IJoined> {
    return this._joinedByCopy;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The overlays, sorted by name. */
  get overlays(): readonly IOverlay[] {
    return this._state.overlays;
  }

  /** Whether a scan is under way. */
  get scanning(): boolean {
    return this._scanning;
  }

  /** Problems with the workspace's configuration files, for the sidebar. */
  get problems(): readonly string[] {
    return this._state.problems;
  }

  /** The overlays folder in use (`.thoth.yaml` overlays_dir, else the setting). */
  /**
   * What `.thoth.yaml` and `.aicoe-ci.yaml` lack for thamos, Kebechet and
   * AICoE CI (overlays missing from them only when they are kept in sync).
   */
  get configFindings(): IConfigFinding[] {
    const settings = this._settings();
    const names = this.overlays
      .filter(overlay => !overlay.nameProblem)
      .map(overlay => overlay.name);
    return [
      ...thothFindings(this._state.thothText, settings.syncThoth ? names : []),
      ...aicoeFindings(this._state.aicoeText, settings.syncAicoe ? names : [])
    ];
  }

  /**
   * `.thoth.yaml` or `.aicoe-ci.yaml` was saved with `text` (by its editor):
   * what the sidebar says of it follows at once; the workspace is read again
   * after (the overlays folder may have changed).
   */
  configFileSaved(name: string, text: string): void {
    try {
      this._state.configWritten(name, text);
    } catch {
      // Not YAML: the findings say so, and the scan below reports it.
    }
    this._emit();
    void this.scan();
  }

  /** Whether `.thoth.yaml` / `.aicoe-ci.yaml` exist (as last read). */
  configFileExists(name: string): boolean {
    return (
      (name === THOTH_FILE ? this._state.thothText : this._state.aicoeText) !==
      null
    );
  }

  get overlaysFolder(): string {
    return this._state.overlaysFolder;
  }

  overlay(name: string): IOverlay | undefined {
    return this._state.overlays.find(overlay => overlay.name === name);
  }

  /** The overlay a notebook is tagged to, as last scanned. */
  overlayOf(path: string): string | null {
    return this._state.notebooks.get(path)?.overlay ?? null;
  }

  /**
   * Notebooks tagged to an overlay that does not exist (its folder deleted by
   * hand, say), by that name, sorted: the sidebar offers to create it or to
   * remove the tags.
   */
  get danglingTags(): { overlay: string; paths: string[] }[] {
    const known = new Set(this._state.overlays.map(overlay => overlay.name));
    const byName = new Map<string, string[]>();
    for (const notebook of this._state.notebooks.values()) {
      if (notebook.overlay && !known.has(notebook.overlay)) {
        const paths = byName.get(notebook.overlay) ?? [];
        paths.push(notebook.path);
        byName.set(notebook.overlay, paths);
      }
    }
    return [...byName.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([overlay, paths]) => ({ overlay, paths: paths.sort() }));
  }

  /**
   * Read the workspace again: configuration files, overlay folders, tagged
   * notebooks (only notebooks changed since the last scan are read).
   */
  async scan(): Promise<void> {
    if (this._pending) {
      // What changed after this scan listed a folder would be missed: one
      // more scan follows it, shared by every call made meanwhile.
      this._again ??= this._pending
        .catch(() => undefined)
        .then(() => {
          this._again = null;
          return this.scan();
        });
      return this._again;
    }
    this._scanning = true;
    this._changed.emit();
    this._pending = this._state
      .read()
      .then(() => this._emit())
      .finally(() => {
        this._pending = null;
        this._scanning = false;
        if (!this._isDisposed) {
          this._changed.emit();
        }
      });
    return this._pending;
  }

  /**
   * A notebook was saved (or changed): read it again and update its overlay.
   * `created`: it is new (a copy, say); when it carries a tag, `joinedByCopy`
   * says so.
   */
  async notebookSaved(path: string, created = false): Promise<void> {
    if (!path.endsWith('.ipynb')) {
      return;
    }
    const content = await this._files.readNotebook(path);
    const overlay = content ? overlayOfMetadata(content.metadata) : null;
    if (content) {
      this._state.notebooks.set(path, {
        path,
        lastModified: new Date().toISOString(),
        overlay,
        content
      });
    } else {
      this._state.notebooks.delete(path);
    }
    await this._rebuild();
    if (created && overlay) {
      this._joinedByCopy.emit({ path, overlay });
    }
  }

  /**
   * Create an overlay for notebooks: tag them, write its Pipfile from their
   * imports, and register it in `.thoth.yaml` and `.aicoe-ci.yaml`.
   */
  createOverlay(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<IOverlay> {
    return this._actions.createOverlay(name, paths, pythonVersion);
  }

  /**
   * The files creating an overlay would write (nothing is written), for the
   * Create dialog.
   */
  planCreate(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<IFileChange[]> {
    return this._actions.planCreate(name, paths, pythonVersion);
  }

  /**
   * What adding notebooks to an overlay would change in its Pipfile (nothing
   * is written), for the Add to Overlay dialog.
   */
  async planAdd(name: string, paths: string[]): Promise<IFileChange[]> {
    await this._ready();
    return this._packages.planAdd(name, paths);
  }

  /**
   * The Python version (`3.11`) of the notebooks' kernel, or null when it
   * cannot be probed.
   */
  async kernelPythonVersion(paths: string[]): Promise<string | null> {
    const environment = await this._state.environmentFor(
      await this._state.notebookContents(paths)
    );
    return majorMinor(environment?.pythonVersion) || null;
  }

  /**
   * Tag notebooks to an existing overlay and add the packages they import
   * (nothing is removed).
   */
  addToOverlay(name: string, paths: string[]): Promise<IPackageDiff> {
    return this._actions.addToOverlay(name, paths);
  }

  /** Untag notebooks (their packages stay until a re-extract). */
  removeFromOverlay(paths: string[]): Promise<void> {
    return this._actions.removeFromOverlay(paths);
  }

  /** What the last create, add, remove or rename did, for its Undo. */
  get lastAction(): IActionRecord | null {
    return this._actions.lastAction;
  }

  /** Undo an action where nothing changed since (`OverlayActions.undo`). */
  undo(record: IActionRecord): Promise<IUndoPlan> {
    return this._actions.undo(record);
  }

  /**
   * Rename an overlay: its folder, both YAML entries and its notebooks' tags,
   * after `review` (`OverlayActions.renameOverlay`).
   */
  renameOverlay(
    name: string,
    newName: string,
    review?: ReviewChanges
  ): Promise<boolean> {
    return this._actions.renameOverlay(name, newName, review);
  }

  /**
   * Delete an overlay: its folder, both YAML entries, and its notebooks'
   * tags, after `review` (`OverlayActions.deleteOverlay`).
   */
  deleteOverlay(name: string, review?: ReviewChanges): Promise<boolean> {
    return this._actions.deleteOverlay(name, review);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _ready(): Promise<void> {
    if (!this._state.scanned) {
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

  /** Rebuild the overlay list from what was scanned, and say so. */
  private async _rebuild(): Promise<void> {
    await this._state.rebuild();
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _files: IWorkspaceFiles;
  private _packages: PackageEdits;
  private _tags: NotebookTags;
  private _settings: () => IWorkspaceSettings;
  private _index: IPackageIndex | null;
  private _trans: TranslationBundle;
  private _state: WorkspaceScan;
  private _actions: OverlayActions;
  private _pending: Promise<void> | null = null;
  private _again: Promise<void> | null = null;
  private _scanning = false;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _overlayRenamed = new Signal<this, OverlaysWorkspace.IRenamed>(this);
  private _warned = new Signal<this, string>(this);
  private _joinedByCopy = new Signal<this, OverlaysWorkspace.IJoined>(this);
}

export type { ReviewChanges };

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
    /** The server's table of distribution metadata (`GET overlays/providers`). */
    providers?: ProviderLookup | null;
    settings: () => IWorkspaceSettings;
    /**
     * The package index's verdicts: Create and Add to Overlay hold back what
     * they say to (`indexAdvice.ts`); none when null or left out.
     */
    index?: IPackageIndex | null;
    /** Messages of errors the user sees. */
    trans?: TranslationBundle;
  }

  /**
   * A new notebook that arrived tagged to `overlay`.
   */
  export interface IJoined {
    path: string;
    overlay: string;
  }

  /**
   * An overlay renamed (`newName`) or deleted (`newName` null).
   */
  export interface IRenamed {
    name: string;
    newName: string | null;
  }
}
