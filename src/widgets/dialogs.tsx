import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { nameProblem } from '../overlay/names';
import { specifierOf } from '../overlay/pipfile';
import { changedValue, IPackageDiff, isEmptyDiff } from '../workspace/diff';
import type { IPackageChecks } from '../workspace/indexChecks';
import { nameProblemMessage } from '../workspace/messages';

/**
 * Disable the accept button of the dialog holding `node` while there is a
 * problem (Enter still accepts: `askUntilValid` then asks again).
 */
export function syncAccept(node: HTMLElement, problem: string | null): void {
  const dialog = node.closest('.jp-Dialog-content');
  const accept = dialog?.querySelector<HTMLButtonElement>(
    '.jp-Dialog-button.jp-mod-accept'
  );
  if (accept) {
    accept.disabled = problem !== null;
  }
}

/**
 * A dialog body that can say what stops it from being accepted.
 */
export interface IValidatedBody<T> extends Dialog.IBodyWidget<T> {
  /** Why the dialog cannot be accepted, or null. */
  readonly problem: string | null;
}

/**
 * Show a dialog with a Create button until it is cancelled (null) or
 * accepted with no problem. The body disables the button while there is a
 * problem, but Enter accepts anyway: the dialog is then asked again, with a
 * new body made from the last one.
 */
export async function askUntilValid<T, B extends IValidatedBody<T>>(
  title: string,
  trans: TranslationBundle,
  makeBody: (previous: B | null) => B,
  acceptLabel: string = trans.__('Create')
): Promise<T | null> {
  let previous: B | null = null;
  for (;;) {
    const body = makeBody(previous);
    const result = await showDialog({
      title,
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: acceptLabel })
      ],
      focusNodeSelector: 'input'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    if (body.problem === null) {
      return result.value;
    }
    previous = body;
  }
}

/**
 * The body of the Rename Overlay dialog: the new name, checked as you type by
 * the same rule as Create (the overlay's own name excepted).
 */
export class RenameOverlayBody
  extends ReactWidget
  implements IValidatedBody<string>
{
  constructor(private readonly _options: RenameOverlayBody.IOptions) {
    super();
    this.addClass('jp-OverlaysDialog');
    this._name = _options.text;
  }

  getValue(): string {
    return this._name.trim();
  }

  /** Why the name cannot be used, or null; the same name means nothing to do. */
  get problem(): string | null {
    const name = this._name.trim();
    if (name === this._options.name) {
      return this._options.trans.__('Type a new name.');
    }
    const others = this._options.existing.filter(
      other => other !== this._options.name
    );
    const problem = nameProblem(name, others);
    if (problem === 'taken') {
      const taken = others.find(o => o.toLowerCase() === name.toLowerCase());
      return taken !== undefined && taken !== name
        ? this._options.trans.__(
            'There is already an overlay named "%1": overlay names must differ by more than letter case, since image names are lower case.',
            taken
          )
        : nameProblemMessage(this._options.trans, name, problem);
    }
    return problem
      ? nameProblemMessage(this._options.trans, name, problem)
      : null;
  }

  protected onAfterAttach(msg: any): void {
    super.onAfterAttach(msg);
    this._syncAccept();
    requestAnimationFrame(() => {
      const input = this.node.querySelector('input');
      input?.focus();
      input?.select();
    });
  }

  protected render(): JSX.Element {
    const { trans, name } = this._options;
    const problem = this.problem;
    return (
      <div className="jp-OverlaysDialog-form">
        <label className="jp-OverlaysDialog-field">
          <span>{trans.__('New name of "%1"', name)}</span>
          <input
            className="jp-mod-styled jp-OverlaysDialog-name"
            value={this._name}
            aria-invalid={problem !== null}
            aria-describedby="jp-OverlaysDialog-nameProblem"
            spellCheck={false}
            onChange={event => {
              this._name = event.target.value;
              this.update();
              this._syncAccept();
            }}
          />
        </label>
        <p
          id="jp-OverlaysDialog-nameProblem"
          className="jp-OverlaysDialog-problem"
          role="status"
          aria-live="polite"
        >
          {problem ?? ''}
        </p>
        <p className="jp-OverlaysDialog-hint">
          {trans.__(
            "The folder, the notebooks' tags, the .thoth.yaml and .aicoe-ci.yaml entries, the build history and the Elyra runtime image follow the new name."
          )}
        </p>
      </div>
    );
  }

  private _syncAccept(): void {
    syncAccept(this.node, this.problem);
  }

  private _name: string;
}

/**
 * A namespace for RenameOverlayBody statics.
 */
export namespace RenameOverlayBody {
  export interface IOptions {
    /** The overlay's name now. */
    name: string;
    /** The name proposed in the field. */
    text: string;
    /** Every overlay's name (its own included). */
    existing: string[];
    trans: TranslationBundle;
  }
}

/**
 * Ask for an overlay's new name; null when cancelled. What was typed stays
 * when Enter is pressed on a name that cannot be used.
 */
export function askRenameOverlay(
  options: RenameOverlayBody.IOptions
): Promise<string | null> {
  return askUntilValid(
    options.trans.__('Rename Overlay'),
    options.trans,
    (previous: RenameOverlayBody | null) =>
      new RenameOverlayBody(
        previous ? { ...options, text: previous.getValue() } : options
      ),
    options.trans.__('Rename')
  );
}

/**
 * The body of the re-extract preview: every change with a checkbox.
 * Additions and changes of unpinned packages start checked; removals are
 * proposals and start unchecked.
 */
export class PreviewBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IPackageDiff>
{
  constructor(
    private readonly _diff: IPackageDiff,
    private readonly _trans: TranslationBundle,
    private readonly _why: Pick<IPackageChecks, 'heldFor' | 'neededBy'> = {
      heldFor: {},
      neededBy: {}
    }
  ) {
    super();
    this.addClass('jp-OverlaysDialog');
    for (const requirement of _diff.added) {
      this._checked.add(`+${requirement.name}`);
    }
    for (const held of _diff.held ?? []) {
      this._checked.add(`^${held.key}`);
    }
    for (const needed of _diff.needed ?? []) {
      this._checked.add(`&${needed.key}`);
    }
    for (const change of _diff.changed) {
      // Checked when it keeps the Pipfile's pin: only extras, or a first pin.
      if (
        change.entry.specifier === '*' ||
        specifierOf(changedValue(change)) === change.entry.specifier
      ) {
        this._checked.add(`~${change.entry.name}`);
      }
    }
  }

  getValue(): IPackageDiff {
    return {
      added: this._diff.added.filter(r => this._checked.has(`+${r.name}`)),
      changed: this._diff.changed.filter(c =>
        this._checked.has(`~${c.entry.name}`)
      ),
      removed: this._diff.removed.filter(e => this._checked.has(`-${e.name}`)),
      held: (this._diff.held ?? []).filter(h => this._checked.has(`^${h.key}`)),
      needed: (this._diff.needed ?? []).filter(n =>
        this._checked.has(`&${n.key}`)
      )
    };
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    const diff = this._diff;
    if (isEmptyDiff(diff)) {
      return (
        <p>
          {trans.__(
            'The Pipfile already has every package the notebooks import.'
          )}
        </p>
      );
    }
    const row = (key: string, label: React.ReactNode, className: string) => (
      <li
        key={key}
        className={`jp-OverlaysDialog-change ${className}`}
        data-change={key}
      >
        <label>
          <input
            type="checkbox"
            checked={this._checked.has(key)}
            onChange={() => this._toggle(key)}
          />
          {label}
        </label>
      </li>
    );
    return (
      <div className="jp-OverlaysDialog-preview">
        {diff.added.length > 0 && (
          <section>
            <h3>{trans.__('Add')}</h3>
            <ul>
              {diff.added.map(r =>
                row(
                  `+${r.name}`,
                  <>
                    <code>{r.name}</code> <span>{r.specifier}</span>
                    <span className="jp-OverlaysDialog-why">
                      {r.modules.length
                        ? trans.__('import %1', r.modules.join(', '))
                        : ''}
                    </span>
                  </>,
                  'jp-mod-added'
                )
              )}
            </ul>
          </section>
        )}
        {(diff.held ?? []).length > 0 && (
          <section>
            <h3>{trans.__('Hold back')}</h3>
            <ul>
              {diff.held!.map(h =>
                row(
                  `^${h.key}`,
                  <>
                    <code>{h.key}</code> <span>{specifierOf(h.value)}</span>
                    <span className="jp-OverlaysDialog-why">
                      {trans._n(
                        'for %2, the last release for this Python',
                        'for %2, the last releases for this Python',
                        h.for.length,
                        h.for.join(', ')
                      )}
                    </span>
                  </>,
                  'jp-mod-added'
                )
              )}
            </ul>
          </section>
        )}
        {(diff.needed ?? []).length > 0 && (
          <section>
            <h3>{trans.__('Also needed')}</h3>
            <ul>
              {diff.needed!.map(n =>
                row(
                  `&${n.key}`,
                  <>
                    <code>{n.key}</code> <span>{specifierOf(n.value)}</span>
                    <span className="jp-OverlaysDialog-why">{n.comment}</span>
                  </>,
                  'jp-mod-added'
                )
              )}
            </ul>
          </section>
        )}
        {diff.changed.length > 0 && (
          <section>
            <h3>{trans.__('Change')}</h3>
            <ul>
              {diff.changed.map(change =>
                row(
                  `~${change.entry.name}`,
                  <>
                    <code>{change.entry.key}</code>{' '}
                    <span>{change.entry.specifier}</span> →{' '}
                    <span>{specifierOf(changedValue(change))}</span>
                    {change.extras.length > 0 && (
                      <span className="jp-OverlaysDialog-why">
                        {trans.__(
                          'with extras %1 (import %2)',
                          change.extras.join(', '),
                          change.requirement.modules.join(', ')
                        )}
                      </span>
                    )}
                  </>,
                  'jp-mod-changed'
                )
              )}
            </ul>
          </section>
        )}
        {diff.removed.length > 0 && (
          <section>
            <h3>{trans.__('Remove (no notebook imports these any more)')}</h3>
            <ul>
              {diff.removed.map(e =>
                row(
                  `-${e.name}`,
                  <>
                    <code>{e.key}</code> <span>{e.specifier}</span>
                    {this._why.heldFor[e.key] && (
                      <span className="jp-OverlaysDialog-why">
                        {trans.__(
                          'held back for %1',
                          this._why.heldFor[e.key].join(', ')
                        )}
                      </span>
                    )}
                    {this._why.neededBy[e.key] && (
                      <span className="jp-OverlaysDialog-why">
                        {trans.__(
                          'needed by %1',
                          this._why.neededBy[e.key].join(', ')
                        )}
                      </span>
                    )}
                  </>,
                  'jp-mod-removed'
                )
              )}
            </ul>
          </section>
        )}
      </div>
    );
  }

  private _toggle(key: string): void {
    if (this._checked.has(key)) {
      this._checked.delete(key);
    } else {
      this._checked.add(key);
    }
    this.update();
  }

  private _checked = new Set<string>();
}

/**
 * Show what a re-extract would change; the accepted part, or null.
 * `why` names the packages a dependency no notebook imports is held back
 * for or needed by (`IPackageChecks`): removing it undoes that.
 */
export async function askPreview(
  overlay: string,
  diff: IPackageDiff,
  trans: TranslationBundle,
  why?: Pick<IPackageChecks, 'heldFor' | 'neededBy'>
): Promise<IPackageDiff | null> {
  const empty = isEmptyDiff(diff);
  const result = await showDialog({
    title: trans.__('Re-extract "%1"', overlay),
    body: new PreviewBody(diff, trans, why),
    buttons: empty
      ? [Dialog.okButton({ label: trans.__('Close') })]
      : [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.okButton({ label: trans.__('Update Pipfile') })
        ]
  });
  return !empty && result.button.accept ? result.value : null;
}

/**
 * A notebook that a tag would move from another overlay.
 */
export interface INotebookMove {
  path: string;
  from: string;
}

/**
 * The notebooks of `paths` tagged to another overlay than `target`, and the
 * overlays they would leave without notebooks.
 */
export function plannedMoves(
  paths: readonly string[],
  target: string,
  overlayOf: (path: string) => string | null,
  membersOf: (overlay: string) => readonly string[]
): { moves: INotebookMove[]; emptied: string[] } {
  const moves: INotebookMove[] = [];
  for (const path of paths) {
    const from = overlayOf(path);
    if (from !== null && from !== target) {
      moves.push({ path, from });
    }
  }
  const moving = new Set(moves.map(move => move.path));
  const emptied = [...new Set(moves.map(move => move.from))].filter(from =>
    membersOf(from).every(member => moving.has(member))
  );
  return { moves, emptied };
}

/**
 * Ask before notebooks move from their overlay to `target`; true when
 * nothing moves or the user agrees.
 */
export async function askMoveNotebooks(
  target: string,
  planned: { moves: INotebookMove[]; emptied: string[] },
  trans: TranslationBundle
): Promise<boolean> {
  const { moves, emptied } = planned;
  if (!moves.length) {
    return true;
  }
  const result = await showDialog({
    title: trans._n('Move %1 Notebook?', 'Move %1 Notebooks?', moves.length),
    body: (
      <div className="jp-OverlaysDialog" data-dialog="move-notebooks">
        <p>
          {trans._n(
            'A notebook belongs to another overlay; it would move to %2:',
            'Notebooks belong to other overlays; they would move to %2:',
            moves.length,
            target
          )}
        </p>
        <ul>
          {moves.map(move => (
            <li key={move.path}>
              {trans.__('%1 moves from %2', move.path, move.from)}
            </li>
          ))}
        </ul>
        {emptied.length > 0 && (
          <p className="jp-OverlaysDialog-warning">
            {trans._n(
              '%2 is left without notebooks.',
              '%2 are left without notebooks.',
              emptied.length,
              emptied.join(', ')
            )}
          </p>
        )}
      </div>
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Move') })
    ]
  });
  return result.button.accept;
}
