import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { OverlaysAPI } from '../tokens';

/**
 * What a notification says when a job ends.
 */
export function endedMessage(
  job: OverlaysAPI.IJob,
  trans: TranslationBundle
): string {
  const build = job.kind === 'build';
  switch (job.state) {
    case 'succeeded':
      return build
        ? trans.__('Built %1: %2', job.overlay, job.image ?? '')
        : trans.__('Locked %1: Pipfile.lock written', job.overlay);
    case 'failed':
      return build
        ? trans.__(
            'The build of %1 failed: %2',
            job.overlay,
            job.error ?? trans.__('see its log')
          )
        : trans.__(
            'The lock of %1 failed: %2',
            job.overlay,
            job.error ?? trans.__('see its log')
          );
    default:
      return build
        ? trans.__('The build of %1 was cancelled', job.overlay)
        : trans.__('The lock of %1 was cancelled', job.overlay);
  }
}

/**
 * Say that a job ended, with a "Show log" action.
 */
export function notifyJobEnded(
  job: OverlaysAPI.IJob,
  trans: TranslationBundle,
  showLog: (id: string) => void
): void {
  const options = {
    autoClose: job.state === 'failed' ? (false as const) : 10000,
    actions: [{ label: trans.__('Show log'), callback: () => showLog(job.id) }]
  };
  const message = endedMessage(job, trans);
  if (job.state === 'succeeded') {
    Notification.success(message, options);
  } else if (job.state === 'failed') {
    Notification.error(message, options);
  } else {
    Notification.info(message, options);
  }
}
