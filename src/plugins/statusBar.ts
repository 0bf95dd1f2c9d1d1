import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, IOverlays } from '../tokens';
import { JobsStatusItem } from '../widgets/JobsStatusItem';

/**
 * A status bar item counting running lock and build jobs; a click shows the
 * Overlays panel.
 */
export const statusBarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:status-bar',
  description: 'Counts running overlay lock and build jobs in the status bar.',
  autoStart: true,
  requires: [IOverlays, IStatusBar],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    statusBar: IStatusBar,
    translator: ITranslator | null
  ): void => {
    const jobs = overlays.jobs;
    statusBar.registerStatusItem('jupyterlab-overlays:jobs', {
      item: new JobsStatusItem({
        jobs,
        trans: (translator ?? nullTranslator).load('jupyterlab_overlays'),
        onClick: () => void app.commands.execute(CommandIDs.openPanel, {})
      }),
      align: 'left',
      rank: 5,
      isActive: () => jobs.runningCount > 0,
      activeStateChanged: jobs.changed
    });
  }
};
