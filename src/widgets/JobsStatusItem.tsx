import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { JobsStatusView } from '../components/JobsStatusView';
import { JobsModel } from '../jobs/model';

/**
 * The status bar item counting running jobs.
 */
export class JobsStatusItem extends ReactWidget {
  constructor(options: JobsStatusItem.IOptions) {
    super();
    this._options = options;
    this.addClass('jp-OverlaysJobsStatus-item');
  }

  protected render(): JSX.Element {
    const { jobs, onClick, trans } = this._options;
    const count = (kind: string) =>
      jobs.jobs.filter(job => job.kind === kind && job.state === 'running')
        .length;
    return (
      <UseSignal signal={jobs.changed}>
        {() => (
          <JobsStatusView
            builds={count('build')}
            locks={count('lock')}
            onClick={onClick}
            trans={trans}
          />
        )}
      </UseSignal>
    );
  }

  private _options: JobsStatusItem.IOptions;
}

/**
 * A namespace for JobsStatusItem statics.
 */
export namespace JobsStatusItem {
  export interface IOptions {
    jobs: JobsModel;
    /** What a click does: open the Overlays panel. */
    onClick: () => void;
    trans: TranslationBundle;
  }
}
