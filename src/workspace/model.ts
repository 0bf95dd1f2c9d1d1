/**
 * The overlays of a workspace: which exist, their member notebooks, their
 * packages, whether they are out of date; and the actions that change them.
 * State and signals only; no React.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IImportEnvironment, majorMinor } from '../imports';
import type { IFileChange } from './fileChanges';
import type { ProviderLookup } from './providers';
import {
  AICOE_FILE,
  aicoeFindings,
  IConfigFinding,
  nameProblem,
  overlayOfMetadata,
  removeAicoeOverlay,
  removeThothOverlay,
  renameAicoeOverlay,
  renameThothOverlay,
  THOTH_FILE,
  thothFindings
} from '../overlay';
import { ConfigEdit, IPlannedEdit, planEdits } from './configEdits';
import { IPackageDiff } from './diff';
import { editChanges, ICreatePlan, planCreate } from './createPlan';
import { IWorkspaceFiles } from './files';
import type { IPackageIndex } from './indexAdvice';
import { nameProblemMessage } from './messages';
import { PackageEdits } from './packageEdits';
import { WorkspaceScan } from './scan';
import { NotebookTags } from './tags';
import { filesToRestore, IActionRecord, IUndoPlan, planUndo } from './undo';
import {
  INotebookAccess,
  IOverlay,
  IWorkspaceSettings,
  OverlayError,
  PIPFILE
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
  async createOverlay(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<IOverlay> {
    const plan = await this._planCreate(name, paths, pythonVersion);
    const before = this._tags.of(paths);
    await this._files.write(plan.pipfile.path, plan.pipfile.after!);
    if (plan.overrides) {
      await this._files.write(plan.overrides.path, plan.overrides.after!);
    }
    await this._writeEdits(plan.edits);
    for (const path of paths) {
      await this._tags.set(path, name);
    }
    await this._rebuild();
    this._lastAction = {
      kind: 'create',
      overlay: name,
      tags: paths.map(path => ({
        path,
        before: before.get(path)!,
        after: name
      })),
      files: [],
      unsaved: this._tags.unsaved(paths)
    };
    return this.overlay(name)!;
  }

  /**
   * The files creating an overlay would write (nothing is written): its new
   * Pipfile and the configuration files' changes, for the Create dialog.
   */
  async planCreate(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<IFileChange[]> {
    const plan = await this._planCreate(name, paths, pythonVersion);
    return [
      plan.pipfile,
      ...(plan.overrides ? [plan.overrides] : []),
      ...editChanges(plan.edits)
    ];
  }

  /**
   * What adding notebooks to an overlay would change in its Pipfile (nothing
   * is written), for the Add to Overlay dialog.
   */
  async planAdd(name: string, paths: string[]): Promise<IFileChange[]> {
    await this._ready();
    return this._packages.planAdd(name, paths);
  }

  private async _planCreate(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<ICreatePlan> {
    await this._ready();
    return planCreate(
      {
        files: this._files,
        state: this._state,
        settings: this._settings(),
        trans: this._trans,
        index: this._index
      },
      name,
      paths,
      pythonVersion
    );
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
  async addToOverlay(name: string, paths: string[]): Promise<IPackageDiff> {
    await this._ready();
    const overlay = this._existing(name);
    const before = this._tags.of(paths);
    const pipfile = `${overlay.folder}/${PIPFILE}`;
    const pipfileBefore = await this._files.read(pipfile);
    for (const path of paths) {
      await this._tags.set(path, name);
    }
    await this._rebuild();
    const diff = await this._packages.preview(overlay.name);
    if (diff.added.length) {
      // The additions, and the dependencies they hold back.
      await this._packages.apply(name, { ...diff, removed: [], changed: [] });
    }
    const pipfileAfter = await this._files.read(pipfile);
    this._lastAction = {
      kind: 'add',
      overlay: name,
      tags: paths.map(path => ({
        path,
        before: before.get(path)!,
        after: name
      })),
      files:
        pipfileAfter === pipfileBefore
          ? []
          : [{ path: pipfile, before: pipfileBefore, after: pipfileAfter }],
      unsaved: this._tags.unsaved(paths)
    };
    return diff;
  }

  /**
   * Untag notebooks. Their packages stay in the Pipfile until a re-extract
   * proposes their removal.
   */
  async removeFromOverlay(paths: string[]): Promise<void> {
    const before = this._tags.of(paths);
    for (const path of paths) {
      await this._tags.set(path, null);
    }
    await this._rebuild();
    this._lastAction = {
      kind: 'remove',
      overlay: before.get(paths[0]) ?? '',
      tags: paths.map(path => ({
        path,
        before: before.get(path)!,
        after: null
      })),
      files: [],
      unsaved: this._tags.unsaved(paths)
    };
  }

  /**
   * What the last create, add, remove or rename did, for its Undo.
   */
  get lastAction(): IActionRecord | null {
    return this._lastAction;
  }

  /**
   * Undo an action: every tag and file it changed goes back where nothing
   * changed since (the plan says what was left, or why nothing could be).
   */
  async undo(record: IActionRecord): Promise<IUndoPlan> {
    await this.scan();
    const plan = planUndo(record, {
      overlays: this._state.overlays.map(overlay => overlay.name),
      tagOf: path => this._state.notebooks.get(path)?.overlay ?? null,
      membersOf: name => this.overlay(name)?.members ?? []
    });
    if (plan.blocked) {
      return plan;
    }
    if (plan.renameBack) {
      await this.renameOverlay(record.overlay, record.previousName!);
      this._lastAction = null;
      return plan;
    }
    if (plan.deleteOverlay) {
      await this.deleteOverlay(record.overlay);
    }
    const texts = new Map<string, string | null>();
    for (const change of record.files) {
      texts.set(change.path, await this._files.read(change.path));
    }
    for (const change of filesToRestore(
      record,
      path => texts.get(path) ?? null
    )) {
      if (change.before !== null) {
        await this._files.write(change.path, change.before);
      }
    }
    for (const { path, tag } of plan.tags) {
      await this._tags.set(path, tag);
    }
    await this._rebuild();
    this._lastAction = null;
    return plan;
  }

  /**
   * Rename an overlay: its folder, both YAML entries and its notebooks' tags.
   * `review` is shown the configuration files' changes before anything is
   * written; false from it leaves everything as it was (and returns false).
   */
  async renameOverlay(
    name: string,
    newName: string,
    review?: ReviewChanges
  ): Promise<boolean> {
    const overlay = this._existing(name);
    const others = this._state.overlays
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
    if (review && !(await review(editChanges(edits)))) {
      return false;
    }
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
      await this._tags.set(path, newName);
    }
    await this._rebuild();
    this._lastAction = {
      kind: 'rename',
      overlay: newName,
      previousName: name,
      tags: [],
      files: []
    };
    this._overlayRenamed.emit({ name, newName });
    return true;
  }

  /**
   * Delete an overlay: its folder, both YAML entries, and its notebooks' tags.
   * `review` is shown what happens to the files first (the configuration
   * files' changes, the Pipfile removed); false from it deletes nothing.
   */
  async deleteOverlay(name: string, review?: ReviewChanges): Promise<boolean> {
    const overlay = this._existing(name);
    const edits = await this._planEdits([
      [THOTH_FILE, text => removeThothOverlay(text, name)],
      [AICOE_FILE, text => removeAicoeOverlay(text, name)]
    ]);
    if (review) {
      const pipfile = `${overlay.folder}/${PIPFILE}`;
      const text = overlay.hasPipfile ? await this._files.read(pipfile) : null;
      const changes = editChanges(edits);
      if (text !== null) {
        changes.push({ path: pipfile, before: text, after: null });
      }
      if (!(await review(changes))) {
        return false;
      }
    }
    if ((await this._files.list(overlay.folder)) !== null) {
      await this._files.remove(overlay.folder);
    }
    await this._writeEdits(edits);
    for (const path of overlay.members) {
      await this._tags.set(path, null);
    }
    await this._rebuild();
    this._overlayRenamed.emit({ name, newName: null });
    return true;
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

  private _folder(name: string): string {
    return this._state.folder(name);
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

  /**
   * The new texts of configuration files (see `planEdits`).
   */
  private _planEdits(
    edits: ConfigEdit[],
    create = false
  ): Promise<IPlannedEdit[]> {
    return planEdits(this._files, edits, this._trans, create);
  }

  private async _writeEdits(edits: IPlannedEdit[]): Promise<void> {
    for (const { path, text } of edits) {
      await this._files.write(path, text);
      this._state.configWritten(path, text);
    }
  }

  private _files: IWorkspaceFiles;
  private _packages: PackageEdits;
  private _tags: NotebookTags;
  private _settings: () => IWorkspaceSettings;
  private _index: IPackageIndex | null;
  private _trans: TranslationBundle;
  private _state: WorkspaceScan;
  private _lastAction: IActionRecord | null = null;
  private _pending: Promise<void> | null = null;
  private _again: Promise<void> | null = null;
  private _scanning = false;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _overlayRenamed = new Signal<this, OverlaysWorkspace.IRenamed>(this);
  private _warned = new Signal<this, string>(this);
  private _joinedByCopy = new Signal<this, OverlaysWorkspace.IJoined>(this);
}

/**
 * Shown the changes an action would make to files before they are written;
 * resolves false to cancel the action.
 */
export type ReviewChanges = (changes: IFileChange[]) => Promise<boolean>;

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
