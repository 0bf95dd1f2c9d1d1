import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';

import { PlannedFiles } from '../components/PlannedFiles';
import { STDLIB_VERSIONS } from '../imports/resolve';
import { nameProblem } from '../overlay/names';
import type { IFileChange } from '../workspace/fileChanges';
import { nameProblemMessage } from '../workspace/messages';
import { askUntilValid, syncAccept } from './dialogs';
import { ChangePlanner } from './planner';

/**
 * What the Create Overlay dialog returns.
 */
export interface ICreateOverlayValue {
  name: string;
  pythonVersion: string;
}

/**
 * The body of the Create Overlay dialog: a name validated as you type and
 * the overlay's Python version.
 */
export class CreateOverlayBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ICreateOverlayValue>
{
  constructor(private readonly _options: CreateOverlayBody.IOptions) {
    super();
    this.addClass('jp-OverlaysDialog');
    this._value = {
      name: _options.name,
      pythonVersion: _options.pythonVersion
    };
    this._planner = new ChangePlanner({
      changed: () => this.update(),
      answers: _options.answers
    });
  }

  dispose(): void {
    this._planner.dispose();
    super.dispose();
  }

  getValue(): ICreateOverlayValue {
    return { ...this._value, name: this._value.name.trim() };
  }

  /** The validation message of the current name, or null when it is valid. */
  get problem(): string | null {
    const name = this._value.name.trim();
    const problem = nameProblem(name, this._options.existing);
    return problem
      ? nameProblemMessage(this._options.trans, name, problem)
      : null;
  }

  protected onAfterAttach(msg: any): void {
    super.onAfterAttach(msg);
    this._syncAccept();
    this._replan();
    requestAnimationFrame(() => {
      const input = this.node.querySelector('input');
      input?.focus();
      input?.select();
    });
  }

  protected render(): JSX.Element {
    const { trans, notebooks } = this._options;
    const problem = this.problem;
    return (
      <div className="jp-OverlaysDialog-form">
        <p className="jp-OverlaysDialog-notebooks">
          {trans._n(
            'Notebook: %2',
            '%1 notebooks: %2',
            notebooks.length,
            notebooks.join(', ')
          )}
        </p>
        <label className="jp-OverlaysDialog-field">
          <span>{trans.__('Overlay name')}</span>
          <input
            className="jp-mod-styled jp-OverlaysDialog-name"
            value={this._value.name}
            aria-invalid={problem !== null}
            aria-describedby="jp-OverlaysDialog-nameProblem"
            spellCheck={false}
            onChange={event => this._set({ name: event.target.value })}
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
        <label className="jp-OverlaysDialog-field">
          <span>{trans.__('Python version')}</span>
          <select
            className="jp-mod-styled"
            value={this._value.pythonVersion}
            onChange={event => this._set({ pythonVersion: event.target.value })}
          >
            {[
              ...new Set([...STDLIB_VERSIONS, this._options.pythonVersion])
            ].map(version => (
              <option key={version} value={version}>
                {version}
              </option>
            ))}
          </select>
        </label>
        <p className="jp-OverlaysDialog-hint">
          {trans.__(
            'The overlay gets overlays/<name>/Pipfile with the packages its notebooks import, and an entry in .thoth.yaml and .aicoe-ci.yaml.'
          )}
        </p>
        {this._options.plan && problem === null && (
          <PlannedFiles state={this._planner.state} trans={trans} />
        )}
      </div>
    );
  }

  private _set(change: Partial<ICreateOverlayValue>): void {
    this._value = { ...this._value, ...change };
    this.update();
    this._syncAccept();
    this._replan();
  }

  /** Work out the files a valid name would write (none for an invalid one). */
  private _replan(): void {
    const plan = this._options.plan;
    if (!plan) {
      return;
    }
    if (this.problem !== null) {
      this._planner.clear();
      return;
    }
    const { name, pythonVersion } = this.getValue();
    this._planner.request(`${name}\n${pythonVersion}`, () =>
      plan(name, pythonVersion)
    );
  }

  private _planner: ChangePlanner;

  /** Disable the dialog's accept button while the name is invalid. */
  private _syncAccept(): void {
    syncAccept(this.node, this.problem);
  }

  private _value: ICreateOverlayValue;
}

/**
 * A namespace for CreateOverlayBody statics.
 */
export namespace CreateOverlayBody {
  export interface IOptions {
    name: string;
    pythonVersion: string;
    existing: string[];
    notebooks: string[];
    trans: TranslationBundle;
    /** The files a create with this name and Python would write. */
    plan?: (name: string, pythonVersion: string) => Promise<IFileChange[]>;
    /** Emitted when the package index answers: the plan is made again. */
    answers?: ISignal<unknown, unknown>;
  }
}

/**
 * Ask for a new overlay's name and Python version; null when cancelled.
 * An invalid name (Enter pressed anyway) asks again.
 */
export function askCreateOverlay(
  options: CreateOverlayBody.IOptions
): Promise<ICreateOverlayValue | null> {
  return askUntilValid(
    options.trans.__('Create Overlay'),
    options.trans,
    (previous: CreateOverlayBody | null) =>
      new CreateOverlayBody(
        previous ? { ...options, ...previous.getValue() } : options
      )
  );
}
