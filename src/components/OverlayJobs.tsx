import { TranslationBundle } from '@jupyterlab/translation';
import { copyIcon, listIcon, stopIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { ImageInfo } from '../jobs/images';
import type { JobsModel } from '../jobs/model';
import { CommandIDs, isActive, OverlaysAPI, RunCommand } from '../tokens';
import { IconButton } from './IconButton';

/**
 * How many characters of a job's error the sidebar shows (all of it is in
 * the tooltip and the log).
 */
export const ERROR_PREVIEW_LENGTH = 80;

/**
 * A duration as `mm:ss`, or `h:mm:ss` from one hour on.
 */
export function formatElapsed(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, '0');
  return hours > 0
    ? `${hours}:${two(minutes)}:${two(seconds)}`
    : `${two(minutes)}:${two(seconds)}`;
}

/**
 * How long a job has been running at `now` (ms since the epoch); null before
 * it starts.
 */
export function elapsed(job: OverlaysAPI.IJob, now: number): number | null {
  if (!job.started) {
    return null;
  }
  const end = job.finished ? Date.parse(job.finished) : now;
  return end - Date.parse(job.started);
}

/**
 * `text` cut to `length` characters, with an ellipsis when cut.
 */
export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * A job state in the user's words.
 */
export function stateLabel(
  state: OverlaysAPI.JobState,
  trans: TranslationBundle
): string {
  switch (state) {
    case 'queued':
      return trans.__('queued');
    case 'running':
      return trans.__('running');
    case 'succeeded':
      return trans.__('succeeded');
    case 'failed':
      return trans.__('failed');
    case 'cancelled':
      return trans.__('cancelled');
  }
}

/**
 * Whether the overlay's files changed since its last successful build (and
 * no build of the current files is under way).
 */
export function changedSinceBuild(jobs: JobsModel.IOverlayJobs): boolean {
  const { status, lastBuilt, build } = jobs;
  if (!status || !lastBuilt || lastBuilt.source_hash === status.source_hash) {
    return false;
  }
  return !(isActive(build) && build?.source_hash === status.source_hash);
}

/**
 * The props of an overlay's job row.
 */
export interface IOverlayJobsProps {
  name: string;
  jobs: JobsModel.IOverlayJobs;
  /** Without a Pipfile there is nothing to lock or build. */
  hasPipfile: boolean;
  run: RunCommand;
  trans: TranslationBundle;
}

/**
 * An overlay's Lock and Build buttons, its newest jobs and what is out of
 * date.
 */
export function OverlayJobs(props: IOverlayJobsProps): JSX.Element {
  const { name, jobs, hasPipfile, run, trans } = props;
  const lock = jobs.status?.lock;
  return (
    <div
      className="jp-OverlaysPanel-jobs"
      aria-label={trans.__('Builds of %1', name)}
    >
      <span className="jp-OverlaysPanel-jobButtons">
        <button
          type="button"
          className="jp-OverlaysPanel-jobButton"
          data-action="lock"
          disabled={!hasPipfile || isActive(jobs.lock)}
          onClick={() => run(CommandIDs.lock, { name })}
          title={trans.__('Lock the Pipfile (pipenv lock)')}
        >
          {trans.__('Lock')}
        </button>
        <button
          type="button"
          className="jp-OverlaysPanel-jobButton"
          data-action="build"
          disabled={!hasPipfile || isActive(jobs.build)}
          onClick={() => run(CommandIDs.build, { name })}
          title={trans.__('Build the container image of the overlay')}
        >
          {trans.__('Build')}
        </button>
      </span>
      {changedSinceBuild(jobs) && (
        <span
          className="jp-OverlaysPanel-badge jp-mod-warning"
          data-flag="changed"
          title={trans.__(
            'The Pipfile, lock or Containerfile changed since the last successful build.'
          )}
        >
          {trans.__('changed since last build')}
        </span>
      )}
      {hasPipfile && lock === 'stale' && (
        <span
          className="jp-OverlaysPanel-badge jp-mod-warning"
          data-flag="lock-stale"
          title={trans.__(
            'Pipfile.lock was not made from the current Pipfile: lock again.'
          )}
        >
          {trans.__('lock out of date')}
        </span>
      )}
      {hasPipfile && lock === 'missing' && (
        <span
          className="jp-OverlaysPanel-flag"
          data-flag="lock-missing"
          title={trans.__(
            'No Pipfile.lock: builds resolve the Pipfile anew each time.'
          )}
        >
          {trans.__('not locked')}
        </span>
      )}
      {jobs.build && (
        <JobBadge
          job={jobs.build}
          cancelling={!!jobs.cancelling?.has(jobs.build.id)}
          now={jobs.now}
          run={run}
          trans={trans}
        />
      )}
      {jobs.runtimeImage && (
        <RuntimeImageFlag
          state={jobs.runtimeImage}
          currentHash={jobs.status?.source_hash ?? null}
          info={jobs.runtimeImageInfo}
          run={run}
          trans={trans}
        />
      )}
      {jobs.lock && (
        <JobBadge
          job={jobs.lock}
          cancelling={!!jobs.cancelling?.has(jobs.lock.id)}
          now={jobs.now}
          run={run}
          trans={trans}
        />
      )}
    </div>
  );
}

/**
 * One job: its kind, its state and what goes with that state.
 */
export function JobBadge(props: {
  job: OverlaysAPI.IJob;
  /** This page asked to cancel it and the server has not answered yet. */
  cancelling?: boolean;
  now: number;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { job, now, run, trans } = props;
  const id = job.id;
  const running = elapsed(job, now);
  const cancelling = props.cancelling === true && isActive(job);
  const { step, steps, pod, waiting } = job.progress ?? {};
  return (
    <div
      className={`jp-OverlaysPanel-job jp-mod-${job.state}`}
      data-job-kind={job.kind}
      data-job-state={job.state}
      data-job-id={id}
      data-job-cancelling={cancelling || undefined}
    >
      <span className="jp-OverlaysPanel-jobKind">
        {job.kind === 'build' ? trans.__('Build') : trans.__('Lock')}
      </span>
      <span
        className={`jp-OverlaysPanel-badge jp-OverlaysPanel-jobState jp-mod-${job.state}`}
      >
        {cancelling ? trans.__('cancelling…') : stateLabel(job.state, trans)}
      </span>
      {job.state === 'running' && running !== null && (
        <span
          className="jp-OverlaysPanel-jobElapsed"
          title={trans.__('Running for')}
        >
          {formatElapsed(running)}
        </span>
      )}
      {job.state === 'running' && step && steps && (
        <span className="jp-OverlaysPanel-jobProgress">
          {trans.__('step %1 of %2', step, steps)}
        </span>
      )}
      {job.state === 'running' && waiting && (
        <span
          className="jp-OverlaysPanel-jobWaiting"
          role="status"
          title={waiting}
        >
          {trans.__('waiting: %1', waiting)}
        </span>
      )}
      {job.state === 'running' && pod && (
        <code
          className="jp-OverlaysPanel-jobPod"
          title={trans.__('Kubernetes pod %1', pod)}
        >
          {pod}
        </code>
      )}
      {job.state === 'succeeded' && job.image && (
        <>
          <code className="jp-OverlaysPanel-image" title={job.image}>
            {job.image}
          </code>
          <IconButton
            icon={copyIcon}
            onClick={() => run(CommandIDs.copyImage, { image: job.image })}
            title={trans.__('Copy the image name')}
          />
        </>
      )}
      {(job.state === 'failed' || job.state === 'cancelled') && job.error && (
        <span className="jp-OverlaysPanel-jobError" title={job.error}>
          {truncate(job.error, ERROR_PREVIEW_LENGTH)}
        </span>
      )}
      <span className="jp-OverlaysPanel-jobActions">
        {isActive(job) && !cancelling && (
          <IconButton
            icon={stopIcon}
            onClick={() => run(CommandIDs.cancelJob, { id })}
            title={
              job.kind === 'build'
                ? trans.__('Cancel the build')
                : trans.__('Cancel the lock')
            }
          />
        )}
        <IconButton
          icon={listIcon}
          onClick={() => run(CommandIDs.openJobLog, { id })}
          title={trans.__('Show log')}
        />
      </span>
    </div>
  );
}

/**
 * The overlay's Elyra runtime image: its name, or why it is not registered;
 * a warning when it is a build of earlier files than the overlay's now.
 */
export function RuntimeImageFlag(props: {
  state: OverlaysAPI.IRegistration;
  /** The source hash a build of the overlay's files would record now. */
  currentHash?: string | null;
  /** Whether the image is still there and its size, when known. */
  info?: ImageInfo | null;
  /** Given, an entry Elyra keeps is a link to Elyra's editor of it. */
  run?: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { state, trans } = props;
  if (state.outcome === 'failed') {
    return (
      <span
        className="jp-OverlaysPanel-badge jp-mod-warning"
        data-flag="runtime-image-failed"
        title={state.error ?? ''}
      >
        {trans.__('not registered with Elyra')}
      </span>
    );
  }
  const where =
    state.store === 'elyra'
      ? trans.__('Elyra runtime image %1: %2', state.name, state.image ?? '')
      : trans.__(
          'Elyra runtime image %1 (a file Elyra reads when installed): %2',
          state.name,
          state.image ?? ''
        );
  const stale =
    !!state.source_hash &&
    !!props.currentHash &&
    state.source_hash !== props.currentHash;
  const removed = props.info?.exists === false;
  const sized = props.info?.size
    ? trans.__('%1 (%2)', where, props.info.size)
    : where;
  const title = removed
    ? trans.__(
        '%1. The image is no longer on this server: pipelines that run here cannot start. Build again, or pick another image in the build history.',
        where
      )
    : stale
      ? trans.__(
          '%1. It was built from earlier files: pipelines run without the changes since. Build again, or pick another image in the build history.',
          sized
        )
      : sized;
  const label = removed
    ? trans.__('Elyra: %1 (image removed)', state.name)
    : stale
      ? trans.__('Elyra: %1 (earlier files)', state.name)
      : trans.__('Elyra: %1', state.name);
  const className =
    stale || removed
      ? 'jp-OverlaysPanel-badge jp-mod-warning'
      : 'jp-OverlaysPanel-flag';
  const flag = removed
    ? 'runtime-image-removed'
    : stale
      ? 'runtime-image-stale'
      : 'runtime-image';
  const run = props.run;
  if (run && state.store === 'elyra') {
    return (
      <button
        type="button"
        className={`${className} jp-OverlaysPanel-flagLink`}
        data-flag={flag}
        title={trans.__('%1 (open it in Elyra)', title)}
        onClick={() => run(CommandIDs.openRuntimeImage, { name: state.name })}
      >
        {label}
      </button>
    );
  }
  return (
    <span className={className} data-flag={flag} title={title}>
      {label}
    </span>
  );
}
