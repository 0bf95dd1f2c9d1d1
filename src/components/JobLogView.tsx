import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { OverlaysAPI } from '../tokens';
import { stateLabel } from './OverlayJobs';

/**
 * The props of the job log view.
 */
export interface IJobLogViewProps {
  text: string;
  /** The job; null until the server answered. */
  job: OverlaysAPI.IJob | null;
  /** Why the log cannot be read now, when it cannot. */
  error: string | null;
  trans: TranslationBundle;
}

/**
 * A job's log as plain text, with why it failed at the end.
 */
export function JobLogView(props: IJobLogViewProps): JSX.Element {
  const { text, job, error, trans } = props;
  return (
    <div className="jp-OverlaysJobLog-body">
      {error && (
        <p className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
          {trans.__('The log cannot be read: %1', error)}
        </p>
      )}
      <pre className="jp-OverlaysJobLog-text" aria-live="off">
        {text}
      </pre>
      {job === null && !error && (
        <p className="jp-OverlaysJobLog-empty" role="status">
          {trans.__('Reading the log…')}
        </p>
      )}
      {job?.state === 'queued' && !text && (
        <p className="jp-OverlaysJobLog-empty" role="status">
          {trans.__('Waiting for other jobs to end…')}
        </p>
      )}
      {job?.error && (job.state === 'failed' || job.state === 'cancelled') && (
        <p className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
          {job.error}
        </p>
      )}
    </div>
  );
}

/**
 * The job's overlay, kind and state, for the log viewer's toolbar.
 */
export function JobLogState(props: {
  job: OverlaysAPI.IJob | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { job, trans } = props;
  if (!job) {
    return null;
  }
  return (
    <span
      className="jp-OverlaysJobLog-state"
      data-job-kind={job.kind}
      data-job-state={job.state}
    >
      <span className="jp-OverlaysJobLog-title">
        {job.kind === 'build'
          ? trans.__('Build of %1', job.overlay)
          : trans.__('Lock of %1', job.overlay)}
      </span>
      <span
        className={`jp-OverlaysPanel-badge jp-OverlaysPanel-jobState jp-mod-${job.state}`}
      >
        {stateLabel(job.state, trans)}
      </span>
      {job.state === 'succeeded' && job.image && (
        <code className="jp-OverlaysPanel-image">{job.image}</code>
      )}
    </span>
  );
}
