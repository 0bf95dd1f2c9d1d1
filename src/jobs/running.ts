/**
 * The overlay jobs in JupyterLab's Running panel (beside terminals and
 * kernels): every queued or running lock and build, each with its stop
 * button; a click opens its log. Pure: the plugin passes the actions.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { isActive, OverlaysAPI } from '../tokens';

/**
 * What the Running panel shows of one job (its `IRunningItem`, without the
 * icon, which the plugin adds).
 */
export interface IRunningJob {
  id: string;
  label: string;
  labelTitle: string;
  detail: string;
}

/**
 * The active jobs as the Running panel lists them, oldest first (the order
 * they were asked for).
 */
export function runningJobs(
  jobs: readonly OverlaysAPI.IJob[],
  now: number,
  trans: TranslationBundle
): IRunningJob[] {
  return jobs
    .filter(isActive)
    .sort((a, b) =>
      a.created < b.created ? -1 : a.created > b.created ? 1 : 0
    )
    .map(job => {
      const kind = job.kind === 'build' ? trans.__('build') : trans.__('lock');
      const state =
        job.state === 'queued'
          ? trans.__('queued')
          : trans.__(
              'running for %1',
              minutes(now - Date.parse(job.started ?? job.created), trans)
            );
      return {
        id: job.id,
        label: trans.__('%1: %2', job.overlay, kind),
        labelTitle: trans.__(
          'The %1 of overlay "%2", %3. Click to show its log.',
          kind,
          job.overlay,
          state
        ),
        detail: state
      };
    });
}

function minutes(milliseconds: number, trans: TranslationBundle): string {
  const total = Math.max(0, Math.round(milliseconds / 1000));
  return total < 60
    ? trans._n('%1 second', '%1 seconds', total)
    : trans._n('%1 minute', '%1 minutes', Math.floor(total / 60));
}
