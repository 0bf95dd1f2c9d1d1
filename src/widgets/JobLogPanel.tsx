import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  listIcon,
  ReactWidget,
  stopIcon,
  ToolbarButtonComponent,
  UseSignal
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import * as React from 'react';

import { JobLogState, JobLogView } from '../components/JobLogView';
import { JobLogModel } from '../jobs/log';
import { CommandIDs, isActive, RunCommand } from '../tokens';

/**
 * The log of a job in the main area, following the end of the text while
 * the user has not scrolled up (after a reload too).
 */
export class JobLogPanel extends ReactWidget {
  constructor(options: JobLogPanel.IOptions) {
    super();
    this.model = options.model;
    this._trans = options.trans;
    this.addClass('jp-OverlaysJobLog');
    // A change of size that no message announces — the text rewrapped when a
    // font arrives or the layout settles after a reload — keeps the end too.
    this._resizeObserver =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => this._followEnd());
    this._resizeObserver?.observe(this.node);
    // After each render (React commits later than the model's signal).
    this._observer = new MutationObserver(() => {
      for (const child of Array.from(this.node.children)) {
        this._resizeObserver?.observe(child);
      }
      this._followEnd();
    });
    this._observer.observe(this.node, {
      childList: true,
      subtree: true,
      characterData: true
    });
    // A scroll decides whether it follows: the user's scroll up stops it, a
    // scroll to the end keeps it. Scrolls that follow no input of the user
    // (the panel's own, or the browser's while the layout is restored) never
    // stop it.
    this.node.addEventListener('scroll', this._onScroll, { passive: true });
    for (const type of ['wheel', 'touchmove', 'keydown', 'pointerdown']) {
      this.node.addEventListener(type, this._onInput, { passive: true });
    }
    document.addEventListener('pointerup', this._onRelease, true);
    document.addEventListener('pointercancel', this._onRelease, true);
  }

  readonly model: JobLogModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer.disconnect();
    this._resizeObserver?.disconnect();
    document.removeEventListener('pointerup', this._onRelease, true);
    document.removeEventListener('pointercancel', this._onRelease, true);
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <JobLogView
            text={model.text}
            job={model.job}
            error={model.error}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._followEnd();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._followEnd();
  }

  protected onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    this._followEnd();
  }

  /**
   * Keep the end in view, while following. A panel restored hidden (after a
   * reload) has no height yet: it scrolls when shown.
   */
  private _followEnd(): void {
    if (this._following && !this.isDisposed) {
      this.node.scrollTop = this.node.scrollHeight;
    }
  }

  private _onScroll = (): void => {
    const node = this.node;
    const atEnd =
      node.scrollHeight - node.scrollTop - node.clientHeight <
      Private.BOTTOM_SLACK;
    if (atEnd) {
      this._following = true;
    } else if (
      this._pointerHeld ||
      Date.now() - this._lastInput < Private.INPUT_WINDOW
    ) {
      this._following = false;
    } else {
      this._followEnd();
    }
  };

  private _onInput = (event: Event): void => {
    this._lastInput = Date.now();
    if (event.type === 'pointerdown') {
      this._pointerHeld = true;
    }
  };

  private _onRelease = (): void => {
    if (this._pointerHeld) {
      this._pointerHeld = false;
      this._lastInput = Date.now();
    }
  };

  /** Whether the end stays in view: until the user scrolls up, and again at the end. */
  private _following = true;
  private _lastInput = 0;
  private _pointerHeld = false;
  private _observer: MutationObserver;
  private _resizeObserver: ResizeObserver | null;
  private _trans: TranslationBundle;
}

/**
 * A namespace for JobLogPanel statics.
 */
export namespace JobLogPanel {
  export interface IOptions {
    model: JobLogModel;
    trans: TranslationBundle;
  }

  /**
   * The main-area widget of a job's log: its toolbar shows the job's state
   * and cancels it while it is active.
   */
  export function createMainAreaWidget(
    options: IOptions & { run: RunCommand }
  ): MainAreaWidget<JobLogPanel> {
    const { model, trans, run } = options;
    const content = new JobLogPanel(options);
    const widget = new MainAreaWidget({ content });
    widget.id = `jp-overlays-job-log-${model.id}`;
    widget.title.icon = listIcon;
    widget.title.closable = true;
    const title = () => {
      const job = model.job;
      widget.title.label = job
        ? job.kind === 'build'
          ? trans.__('Build log: %1', job.overlay)
          : trans.__('Lock log: %1', job.overlay)
        : trans.__('Job log');
      widget.title.caption = trans.__('Log of job %1', model.id);
    };
    title();
    model.changed.connect(title, widget);
    widget.toolbar.addItem(
      'state',
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => <JobLogState job={model.job} trans={trans} />}
        </UseSignal>
      )
    );
    widget.toolbar.addItem(
      'cancel',
      ReactWidget.create(
        <UseSignal signal={model.changed}>
          {() => (
            <ToolbarButtonComponent
              icon={stopIcon}
              enabled={isActive(model.job)}
              onClick={() => run(CommandIDs.cancelJob, { id: model.id })}
              tooltip={trans.__('Cancel the job')}
            />
          )}
        </UseSignal>
      )
    );
    return widget;
  }
}

namespace Private {
  /**
   * How close to the end (px) counts as being at the bottom.
   */
  export const BOTTOM_SLACK = 24;

  /**
   * How long after the user's wheel, touch, key or pointer input (ms) a
   * scroll counts as theirs; a scroll bar counts as long as it is held.
   */
  export const INPUT_WINDOW = 1000;
}
