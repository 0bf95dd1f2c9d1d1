/**
 * One Undo per user action (create, add to, remove from, rename): what the
 * action changed, recorded when it ran, so that its Undo puts back every file
 * it touched — and only where nothing changed since. Pure: plans, not writes.
 */

/** A notebook's tag before and after the action (null: in no overlay). */
export interface ITagChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** A file's text before and after the action (null: it did not exist). */
export interface IFileChange {
  path: string;
  before: string | null;
  after: string | null;
}

/**
 * What an action did, for its Undo.
 */
export interface IActionRecord {
  kind: 'create' | 'add' | 'remove' | 'rename';
  /** The overlay acted on (the new name for a rename). */
  overlay: string;
  /** For a rename, the name it had. */
  previousName?: string;
  tags: ITagChange[];
  files: IFileChange[];
  /** Open notebooks whose new tag is not saved yet (they had other changes). */
  unsaved?: string[];
}

/**
 * The state an Undo checks against, read just before it runs.
 */
export interface ICurrentState {
  overlays: readonly string[];
  tagOf(path: string): string | null;
  /** The members of an overlay now. */
  membersOf(overlay: string): readonly string[];
}

/**
 * An Undo, planned: whether it can run (`blocked`: why not), the tags to put
 * back, and the notebooks left as they are because they changed since.
 */
export interface IUndoPlan {
  blocked: 'overlay-gone' | 'name-taken' | 'members-changed' | null;
  tags: { path: string; tag: string | null }[];
  skipped: string[];
  /** Delete the overlay the action made (create), rename back (rename). */
  deleteOverlay: boolean;
  renameBack: boolean;
}

/**
 * Plan the Undo of `record` against `state`: a tag goes back only when it is
 * still what the action left, and to an overlay that still exists (else to
 * none); an overlay made by Create is deleted only when its notebooks are
 * still the ones Create tagged; a rename goes back only when the new name
 * still exists and the old one is free again.
 */
export function planUndo(
  record: IActionRecord,
  state: ICurrentState
): IUndoPlan {
  const plan: IUndoPlan = {
    blocked: null,
    tags: [],
    skipped: [],
    deleteOverlay: false,
    renameBack: false
  };
  const exists = (name: string | null) =>
    name !== null && state.overlays.includes(name);
  if (record.kind === 'rename') {
    if (!exists(record.overlay)) {
      plan.blocked = 'overlay-gone';
    } else if (
      record.previousName === undefined ||
      state.overlays.some(
        name => name.toLowerCase() === record.previousName!.toLowerCase()
      )
    ) {
      plan.blocked = 'name-taken';
    } else {
      plan.renameBack = true;
    }
    return plan;
  }
  if (record.kind === 'create') {
    if (!exists(record.overlay)) {
      plan.blocked = 'overlay-gone';
      return plan;
    }
    const made = new Set(record.tags.map(change => change.path));
    const now = state.membersOf(record.overlay);
    if (now.length !== made.size || now.some(path => !made.has(path))) {
      plan.blocked = 'members-changed';
      return plan;
    }
    plan.deleteOverlay = true;
  }
  for (const change of record.tags) {
    if (state.tagOf(change.path) !== change.after) {
      plan.skipped.push(change.path);
      continue;
    }
    plan.tags.push({
      path: change.path,
      tag: exists(change.before) ? change.before : null
    });
  }
  return plan;
}

/**
 * The files to write back: those still as the action left them.
 */
export function filesToRestore(
  record: IActionRecord,
  current: (path: string) => string | null
): IFileChange[] {
  return record.files.filter(change => current(change.path) === change.after);
}
