import { MainAreaWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import {
  listIcon,
  ReactWidget,
  stopIcon,
  ToolbarButtonComponent,
  UseSignal
} from '@jupyterlab/ui-components';
import * as React from 'react';

import { JobLogState, JobLogView } from '../components/JobLogView';
import { JobLogModel } from '../jobs/log';
import { CommandIDs, isActive, RunCommand } from '../tokens';

/**
 * The log of a job in the main area, following the end of the text while
 * the user has not scrolled up.
 */
export class JobLogPanel extends ReactWidget {
  constructor(options: JobLogPanel.IOptions) {
    super();
    this.model = options.model;
    this._trans = options.trans;
    this.addClass('jp-OverlaysJobLog');
    // Connected before the view's UseSignal: measure before it re-renders.
    this.model.changed.connect(this._beforeRender, this);
  }

  readonly model: JobLogModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
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

  private _beforeRender(): void {
    const node = this.node;
    const atBottom =
      node.scrollHeight - node.scrollTop - node.clientHeight <
      Private.BOTTOM_SLACK;
    if (atBottom) {
      requestAnimationFrame(() => {
        node.scrollTop = node.scrollHeight;
      });
    }
  }

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
}
