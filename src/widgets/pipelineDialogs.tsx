import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ISummarySection } from '../elyra/messages';
import { askUntilValid, syncAccept } from './dialogs';

/**
 * A notebook the Create Pipeline dialog offers.
 */
export interface IPipelineCandidate {
  path: string;
  overlay: string;
  /** The overlay's latest image; null when not built yet. */
  image: string | null;
}

/**
 * What the Create Pipeline dialog returns.
 */
export interface ICreatePipelineValue {
  /** The file name, ending in `.pipeline`. */
  fileName: string;
  /** The notebooks to run, in order. */
  notebooks: string[];
}

/**
 * A file name for a new pipeline, `.pipeline` added when missing; null when
 * it cannot be one (empty, a path, or hidden).
 */
export function pipelineFileName(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed || /[\\/]/.test(trimmed) || trimmed.startsWith('.')) {
    return null;
  }
  return trimmed.endsWith('.pipeline') ? trimmed : `${trimmed}.pipeline`;
}

/**
 * The body of the Create Pipeline dialog: the tagged notebooks, each with a
 * checkbox and buttons to move it up or down, and the file name.
 */
export class CreatePipelineBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ICreatePipelineValue>
{
  constructor(private readonly _options: CreatePipelineBody.IOptions) {
    super();
    this.addClass('jp-OverlaysDialog');
    this.addClass('jp-OverlaysPipelineDialog');
    const initial = _options.initial;
    this._order =
      initial?.order ?? _options.candidates.map(candidate => candidate.path);
    this._included = new Set(initial?.included ?? this._order);
    this._name = initial?.fileName ?? _options.fileName;
  }

  /** Everything the user chose, to open the dialog again as it was. */
  get state(): CreatePipelineBody.IState {
    return {
      order: [...this._order],
      included: [...this._included],
      fileName: this._name
    };
  }

  getValue(): ICreatePipelineValue {
    return {
      fileName: pipelineFileName(this._name) ?? '',
      notebooks: this._order.filter(path => this._included.has(path))
    };
  }

  /** Why the dialog cannot be accepted, or null. */
  get problem(): string | null {
    const { trans, existing } = this._options;
    const fileName = pipelineFileName(this._name);
    if (!fileName) {
      return trans.__('Give the file a name (no "/", not starting with ".").');
    }
    if (existing.includes(fileName)) {
      return trans.__('%1 already exists in this folder.', fileName);
    }
    if (!this._included.size) {
      return trans.__('Pick at least one notebook.');
    }
    return null;
  }

  protected onAfterAttach(msg: any): void {
    super.onAfterAttach(msg);
    this._syncAccept();
  }

  protected render(): JSX.Element {
    const { trans, candidates, folder } = this._options;
    const byPath = new Map(candidates.map(item => [item.path, item]));
    const problem = this.problem;
    return (
      <div className="jp-OverlaysDialog-form">
        <label className="jp-OverlaysDialog-field">
          <span>{trans.__('File name')}</span>
          <input
            className="jp-mod-styled jp-OverlaysPipelineDialog-name"
            value={this._name}
            spellCheck={false}
            aria-invalid={problem !== null}
            aria-describedby="jp-OverlaysPipelineDialog-problem"
            onChange={event =>
              this._set(() => (this._name = event.target.value))
            }
          />
        </label>
        <p className="jp-OverlaysDialog-hint">
          {folder
            ? trans.__('In the folder %1.', folder)
            : trans.__('In the top folder.')}{' '}
          {trans.__(
            'The notebooks run one after the other, top to bottom, each in its overlay image.'
          )}
        </p>
        <ol className="jp-OverlaysPipelineDialog-list">
          {this._order.map((path, index) => {
            const item = byPath.get(path)!;
            const id = `jp-OverlaysPipelineDialog-item-${index}`;
            return (
              <li key={path} className="jp-OverlaysPipelineDialog-item">
                <input
                  type="checkbox"
                  id={id}
                  checked={this._included.has(path)}
                  onChange={event =>
                    this._set(() =>
                      event.target.checked
                        ? this._included.add(path)
                        : this._included.delete(path)
                    )
                  }
                />
                <label htmlFor={id}>
                  <code>{path}</code>{' '}
                  <span className="jp-OverlaysDialog-why">
                    {item.image
                      ? trans.__('overlay %1', item.overlay)
                      : trans.__('overlay %1, not built yet', item.overlay)}
                  </span>
                </label>
                <button
                  type="button"
                  className="jp-Button jp-mod-minimal jp-OverlaysPipelineDialog-up"
                  disabled={index === 0}
                  aria-label={trans.__('Move %1 up', path)}
                  title={trans.__('Move up')}
                  onClick={() => this._move(index, -1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="jp-Button jp-mod-minimal jp-OverlaysPipelineDialog-down"
                  disabled={index === this._order.length - 1}
                  aria-label={trans.__('Move %1 down', path)}
                  title={trans.__('Move down')}
                  onClick={() => this._move(index, 1)}
                >
                  ↓
                </button>
              </li>
            );
          })}
        </ol>
        <p
          id="jp-OverlaysPipelineDialog-problem"
          className="jp-OverlaysDialog-problem"
          role="alert"
        >
          {problem ?? ''}
        </p>
      </div>
    );
  }

  private _move(index: number, by: number): void {
    const target = index + by;
    if (target < 0 || target >= this._order.length) {
      return;
    }
    this._set(() => {
      const order = [...this._order];
      [order[index], order[target]] = [order[target], order[index]];
      this._order = order;
    });
    // Keep the keyboard on the moved notebook's button.
    requestAnimationFrame(() => {
      const rows = this.node.querySelectorAll(
        '.jp-OverlaysPipelineDialog-item'
      );
      const button = rows[target]?.querySelector<HTMLButtonElement>(
        by < 0
          ? '.jp-OverlaysPipelineDialog-up'
          : '.jp-OverlaysPipelineDialog-down'
      );
      (button && !button.disabled
        ? button
        : rows[target]?.querySelector<HTMLInputElement>('input')
      )?.focus();
    });
  }

  private _set(change: () => void): void {
    change();
    this.update();
    this._syncAccept();
  }

  /** Disable the dialog's accept button while there is a problem. */
  private _syncAccept(): void {
    syncAccept(this.node, this.problem);
  }

  private _order: string[];
  private _included: Set<string>;
  private _name: string;
}

export namespace CreatePipelineBody {
  export interface IOptions {
    candidates: IPipelineCandidate[];
    /** The folder the file goes in ('' for the top). */
    folder: string;
    /** A proposed file name. */
    fileName: string;
    /** Names already in the folder. */
    existing: string[];
    trans: TranslationBundle;
    /** The state to start from (a dialog asked again). */
    initial?: IState;
  }

  export interface IState {
    order: string[];
    included: string[];
    fileName: string;
  }
}

/**
 * Ask which notebooks, in which order, and the file name; null when
 * cancelled.
 */
export function askCreatePipeline(
  options: CreatePipelineBody.IOptions
): Promise<ICreatePipelineValue | null> {
  return askUntilValid(
    options.trans.__('Create Pipeline from Overlays'),
    options.trans,
    (previous: CreatePipelineBody | null) =>
      new CreatePipelineBody(
        previous ? { ...options, initial: previous.state } : options
      )
  );
}

/**
 * The summary of an apply, section by section.
 */
export function ApplySummary(props: {
  headline: string;
  sections: ISummarySection[];
}): JSX.Element {
  return (
    <div className="jp-OverlaysDialog jp-OverlaysApplySummary">
      <p>{props.headline}</p>
      {props.sections.map(section => (
        <section
          key={section.kind}
          className={`jp-OverlaysApplySummary-${section.kind}`}
        >
          <h3>{section.heading}</h3>
          {section.lines.length > 0 && (
            <ul>
              {section.lines.map((line, index) => (
                <li key={index}>{line}</li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
