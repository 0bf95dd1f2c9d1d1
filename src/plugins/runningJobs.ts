import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IRunningSessionManagers } from '@jupyterlab/running';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { overlaysIcon } from '../icons';
import { runningJobs } from '../jobs/running';
import { CommandIDs, IOverlays, isActive } from '../tokens';

/**
 * The overlay lock and build jobs in JupyterLab's Running panel, beside
 * terminals and kernels, each with its stop button.
 */
export const runningJobsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:running-jobs',
  description:
    "Lists running overlay lock and build jobs in JupyterLab's Running panel.",
  autoStart: true,
  requires: [IOverlays, IRunningSessionManagers],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    managers: IRunningSessionManagers,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const { jobs } = overlays;
    const execute = (command: string, id: string) =>
      void app.commands.execute(command, { id });
    managers.add({
      name: trans.__('Overlay Jobs'),
      supportsMultipleViews: false,
      running: () =>
        runningJobs(jobs.jobs, jobs.now, trans).map(item => ({
          className: 'jp-OverlaysRunningJob',
          icon: () => overlaysIcon,
          label: () => item.label,
          labelTitle: () => item.labelTitle,
          detail: () => item.detail,
          open: () => execute(CommandIDs.openJobLog, item.id),
          shutdown: () => execute(CommandIDs.cancelJob, item.id)
        })),
      shutdownAll: () => {
        for (const job of jobs.jobs.filter(isActive)) {
          execute(CommandIDs.cancelJob, job.id);
        }
      },
      refreshRunning: () => void jobs.refresh().catch(() => undefined),
      runningChanged: jobs.changed,
      shutdownLabel: trans.__('Cancel'),
      shutdownAllLabel: trans.__('Cancel All'),
      shutdownAllConfirmationText: trans.__(
        'Are you sure you want to cancel every overlay lock and build?'
      )
    });
  }
};
