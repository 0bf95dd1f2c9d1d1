import { Dialog, ReactWidget, showDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import * as React from 'react';

import { PlannedFiles } from '../components/PlannedFiles';
import type { IFileChange } from '../workspace/fileChanges';
import { ChangePlanner } from './planner';

/**
 * The body of the Add to Overlay dialog: the overlay to add the notebooks
 * to, and (folded) what that writes to its Pipfile.
 */
export class AddToOverlayBody
  extends ReactWidget
  implements Dialog.IBodyWidget<string>
{
  constructor(private readonly _options: AddToOverlayBody.IOptions) {
    super();
    this.addClass('jp-OverlaysDialog');
    this._value = _options.names.includes(_options.current ?? '')
      ? _options.current!
      : _options.names[0];
    this._planner = new ChangePlanner({
      changed: () => this.update(),
      answers: _options.answers
    });
  }

  getValue(): string {
    return this._value;
  }

  dispose(): void {
    this._planner.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: any): void {
    super.onAfterAttach(msg);
    this._replan();
  }

  protected render(): JSX.Element {
    const { trans, names, notebooks } = this._options;
    return (
      <div className="jp-OverlaysDialog-form" data-dialog="add-to-overlay">
        <label className="jp-OverlaysDialog-field">
          <span>
            {trans._n(
              'Add %1 notebook to:',
              'Add %1 notebooks to:',
              notebooks.length
            )}
          </span>
          <select
            className="jp-mod-styled jp-OverlaysDialog-overlay"
            value={this._value}
            onChange={event => {
              this._value = event.target.value;
              this.update();
              this._replan();
            }}
          >
            {names.map(name => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <PlannedFiles state={this._planner.state} trans={trans} />
      </div>
    );
  }

  private _replan(): void {
    const name = this._value;
    this._planner.request(name, () => this._options.plan(name));
  }

  private _value: string;
  private _planner: ChangePlanner;
}

export namespace AddToOverlayBody {
  export interface IOptions {
    /** The overlays to choose from. */
    names: string[];
    /** The one chosen at first (else the first). */
    current: string | null;
    notebooks: string[];
    /** What adding the notebooks to an overlay writes. */
    plan: (name: string) => Promise<IFileChange[]>;
    trans: TranslationBundle;
    /** Emitted when the package index answers: the plan is made again. */
    answers?: ISignal<unknown, unknown>;
  }
}

/**
 * Ask which overlay to add notebooks to; null when cancelled.
 */
export async function askAddToOverlay(
  options: AddToOverlayBody.IOptions
): Promise<string | null> {
  const { trans } = options;
  const result = await showDialog({
    title: trans.__('Add to Overlay'),
    body: new AddToOverlayBody(options),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Add') })
    ],
    focusNodeSelector: 'select'
  });
  return result.button.accept ? result.value : null;
}
