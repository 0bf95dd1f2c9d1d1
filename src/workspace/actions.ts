/**
 * What creating, adding to, removing from, renaming and deleting overlays
 * write (their Pipfiles, `.thoth.yaml` and `.aicoe-ci.yaml`, the notebooks'
 * tags), and the Undo of each: the actions of `OverlaysWorkspace`, which
 * keeps the state and the signals.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import {
  AICOE_FILE,
  nameProblem,
  removeAicoeOverlay,
  removeThothOverlay,
  renameAicoeOverlay,
  renameThothOverlay,
  THOTH_FILE
} from '../overlay';
import { ConfigEdit, IPlannedEdit, planEdits } from './configEdits';
import { editChanges, ICreatePlan, planCreate } from './createPlan';
import { IPackageDiff } from './diff';
import type { IFileChange } from './fileChanges';
import { IWorkspaceFiles } from './files';
import type { IPackageIndex } from './indexAdvice';
import { nameProblemMessage } from './messages';
import { PackageEdits } from './packageEdits';
import { WorkspaceScan } from './scan';
import { NotebookTags } from './tags';
import { filesToRestore, IActionRecord, IUndoPlan, planUndo } from './undo';
import { IOverlay, IWorkspaceSettings, OverlayError, PIPFILE } from './types';

/**
 * Shown the changes an action would make to files before they are written;
 * resolves false to cancel the action.
 */
export type ReviewChanges = (changes: IFileChange[]) => Promise<boolean>;

/**
 * The actions on overlays, with the record of the last for its Undo.
 */
export class OverlayActions {
  constructor(context: OverlayActions.IContext) {
    this._context = context;
    this._files = context.files;
    this._state = context.state;
    this._tags = context.tags;
    this._trans = context.trans;
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
    await this._context.rebuild();
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
    return this._context.existing(name);
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

  private async _planCreate(
    name: string,
    paths: string[],
    pythonVersion?: string
  ): Promise<ICreatePlan> {
    await this._context.ready();
    return planCreate(
      {
        files: this._files,
        state: this._state,
        settings: this._context.settings(),
        trans: this._trans,
        index: this._context.index
      },
      name,
      paths,
      pythonVersion
    );
  }

  /**
   * Tag notebooks to an existing overlay and add the packages they import
   * (nothing is removed).
   */
  async addToOverlay(name: string, paths: string[]): Promise<IPackageDiff> {
    await this._context.ready();
    const overlay = this._context.existing(name);
    const before = this._tags.of(paths);
    const pipfile = `${overlay.folder}/${PIPFILE}`;
    const pipfileBefore = await this._files.read(pipfile);
    for (const path of paths) {
      await this._tags.set(path, name);
    }
    await this._context.rebuild();
    const diff = await this._context.packages.preview(overlay.name);
    if (diff.added.length) {
      // The additions, and the dependencies they hold back.
      await this._context.packages.apply(name, {
        ...diff,
        removed: [],
        changed: []
      });
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
    await this._context.rebuild();
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
    await this._context.scan();
    const plan = planUndo(record, {
      overlays: this._state.overlays.map(overlay => overlay.name),
      tagOf: path => this._state.notebooks.get(path)?.overlay ?? null,
      membersOf: name =>
        this._state.overlays.find(overlay => overlay.name === name)?.members ??
        []
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
    await this._context.rebuild();
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
    const overlay = this._context.existing(name);
    const others = this._state.overlays
      .filter(item => item.name !== name)
      .map(item => item.name);
    const problem = nameProblem(newName, others);
    if (problem) {
      throw new OverlayError(nameProblemMessage(this._trans, newName, problem));
    }
    const folder = this._state.folder(newName);
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
    await this._context.rebuild();
    this._lastAction = {
      kind: 'rename',
      overlay: newName,
      previousName: name,
      tags: [],
      files: []
    };
    this._context.renamed({ name, newName });
    return true;
  }

  /**
   * Delete an overlay: its folder, both YAML entries, and its notebooks' tags.
   * `review` is shown what happens to the files first (the configuration
   * files' changes, the Pipfile removed); false from it deletes nothing.
   */
  async deleteOverlay(name: string, review?: ReviewChanges): Promise<boolean> {
    const overlay = this._context.existing(name);
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
    await this._context.rebuild();
    this._context.renamed({ name, newName: null });
    return true;
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

  private _context: OverlayActions.IContext;
  private _files: IWorkspaceFiles;
  private _state: WorkspaceScan;
  private _tags: NotebookTags;
  private _trans: TranslationBundle;
  private _lastAction: IActionRecord | null = null;
}

/**
 * A namespace for OverlayActions statics.
 */
export namespace OverlayActions {
  /**
   * What the actions work with: the workspace's files, scan, tags and
   * package edits, and the model's steps around them.
   */
  export interface IContext {
    files: IWorkspaceFiles;
    state: WorkspaceScan;
    tags: NotebookTags;
    packages: PackageEdits;
    trans: TranslationBundle;
    settings: () => IWorkspaceSettings;
    index: IPackageIndex | null;
    /** The overlay of that name; throws an `OverlayError` when there is none. */
    existing(name: string): IOverlay;
    /** Scan first if the workspace was never scanned. */
    ready(): Promise<void>;
    /** Rebuild the overlay list from what was scanned, and say so. */
    rebuild(): Promise<void>;
    scan(): Promise<void>;
    /** An overlay was renamed (`newName`) or deleted (`newName` null). */
    renamed(change: { name: string; newName: string | null }): void;
  }
}
