import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import type { OverlaysWorkspace } from './model';
import type { IActionRecord, IUndoPlan } from './undo';

/**
 * One notification per user action, whether its notebooks are open or not,
 * with one Undo that puts back every tag and file the action changed (where
 * nothing changed since).
 */
export function notifyAction(
  record: IActionRecord | null,
  workspace: Pick<OverlaysWorkspace, 'undo'>,
  trans: TranslationBundle
): void {
  if (!record) {
    return;
  }
  const message = [actionMessage(record, trans)];
  // File names, not paths: a notification shows about 140 characters.
  const unsaved = (record.unsaved ?? []).map(path =>
    path.slice(path.lastIndexOf('/') + 1)
  );
  if (unsaved.length > 2) {
    message.push(
      trans.__(
        'Save the %1 open notebooks to keep their new tags.',
        unsaved.length
      )
    );
  } else if (unsaved.length) {
    message.push(
      trans._n(
        'Save %2 to keep its new tag.',
        'Save %2 to keep their new tags.',
        unsaved.length,
        unsaved.join(trans.__(' and '))
      )
    );
  }
  Notification.success(message.join(' '), {
    autoClose: 20000,
    actions: [
      {
        label: trans.__('Undo'),
        caption: trans.__('Put back every notebook and file this changed'),
        callback: () => {
          workspace.undo(record).then(
            plan => notifyUndo(plan, record, trans),
            error =>
              Notification.error(
                trans.__('Could not undo: %1', (error as Error).message),
                { autoClose: false }
              )
          );
        }
      }
    ]
  });
}

/**
 * What an action did, in words.
 */
export function actionMessage(
  record: IActionRecord,
  trans: TranslationBundle
): string {
  const count = record.tags.length;
  switch (record.kind) {
    case 'create':
      return trans._n(
        'Created overlay "%2" with %1 notebook.',
        'Created overlay "%2" with %1 notebooks.',
        count,
        record.overlay
      );
    case 'add':
      return trans._n(
        'Added %1 notebook to "%2".',
        'Added %1 notebooks to "%2".',
        count,
        record.overlay
      );
    case 'remove':
      return trans._n(
        'Removed %1 notebook from its overlay.',
        'Removed %1 notebooks from their overlays.',
        count
      );
    case 'rename':
      return trans.__(
        'Renamed "%1" to "%2".',
        record.previousName ?? '',
        record.overlay
      );
  }
}

/**
 * What an Undo did, or why it did nothing, in words.
 */
export function undoMessage(
  plan: IUndoPlan,
  record: IActionRecord,
  trans: TranslationBundle
): string {
  switch (plan.blocked) {
    case 'overlay-gone':
      return trans.__(
        'Nothing was undone: the overlay "%1" no longer exists.',
        record.overlay
      );
    case 'name-taken':
      return trans.__(
        'Nothing was undone: there is an overlay named "%1" again.',
        record.previousName ?? ''
      );
    case 'members-changed':
      return trans.__(
        'Nothing was undone: the notebooks of "%1" changed since.',
        record.overlay
      );
  }
  return plan.skipped.length
    ? trans.__(
        'Undone, except %1, which changed since.',
        plan.skipped.join(', ')
      )
    : trans.__('Undone.');
}

function notifyUndo(
  plan: IUndoPlan,
  record: IActionRecord,
  trans: TranslationBundle
): void {
  const message = undoMessage(plan, record, trans);
  if (plan.blocked || plan.skipped.length) {
    Notification.warning(message, { autoClose: false });
  } else {
    Notification.info(message, { autoClose: 5000 });
  }
}

/**
 * A duplicated notebook keeps its original's tag and so joins its overlay:
 * say so once, with a way out.
 */
export function notifyJoinedByCopy(
  joined: OverlaysWorkspace.IJoined,
  removeTag: () => void,
  trans: TranslationBundle
): void {
  const name = joined.path.slice(joined.path.lastIndexOf('/') + 1);
  Notification.info(
    trans.__(
      '"%1" carries the tag of the notebook it was copied from: it joined the overlay "%2", whose packages now include its imports.',
      name,
      joined.overlay
    ),
    {
      autoClose: 20000,
      actions: [
        {
          label: trans.__('Remove the tag'),
          caption: trans.__('Take the copy out of "%1"', joined.overlay),
          callback: removeTag
        },
        {
          label: trans.__('Keep it'),
          caption: trans.__('Leave the copy in "%1"', joined.overlay),
          callback: () => undefined
        }
      ]
    }
  );
}

/**
 * Work a user waits for (Create waits up to 20 s for the package index): a
 * notice while it takes more than `after` milliseconds, gone when it ends.
 */
export async function noticeWhileSlow<T>(
  work: Promise<T>,
  message: string,
  after = 1000
): Promise<T> {
  let notice: string | null = null;
  const timer = setTimeout(() => {
    notice = Notification.emit(message, 'in-progress', { autoClose: false });
  }, after);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
    if (notice !== null) {
      Notification.dismiss(notice);
    }
  }
}
