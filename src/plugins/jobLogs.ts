import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { addJobCommands } from '../jobCommands';
import { notifyJobEnded } from '../jobs/notify';
import { CommandIDs, IOverlays } from '../tokens';
import type { JobLogPanel } from '../widgets/JobLogPanel';

/**
 * Lock and build jobs: their commands (build, lock, cancel, copy the image),
 * their logs in the main area (reopened after a reload), and a notification
 * when one ends.
 */
export const jobLogsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:job-logs',
  description:
    'Adds the lock, build and cancel commands, job logs in the main area and a notification when a job ends.',
  autoStart: true,
  requires: [IOverlays],
  optional: [ITranslator, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const { client, jobs } = overlays;
    const run = (command: string, args: Record<string, any>) =>
      void app.commands.execute(command, args);

    const logs = new WidgetTracker<MainAreaWidget<JobLogPanel>>({
      namespace: 'jupyterlab-overlays-job-log'
    });
    const openLog = async (id: string) => {
      let widget = logs.find(item => item.content.model.id === id);
      if (!widget) {
        const [{ JobLogModel }, { JobLogPanel }] = await Promise.all([
          import('../jobs/log'),
          import('../widgets/JobLogPanel')
        ]);
        widget = JobLogPanel.createMainAreaWidget({
          model: new JobLogModel({ client, id }),
          trans,
          run
        });
        void logs.add(widget);
      }
      if (!widget.isAttached) {
        app.shell.add(widget, 'main');
      }
      app.shell.activateById(widget.id);
    };
    addJobCommands({ app, jobs, history: overlays.history, trans, openLog });
    void restorer?.restore(logs, {
      command: CommandIDs.openJobLog,
      args: widget => ({ id: widget.content.model.id }),
      name: widget => widget.content.model.id
    });
    jobs.jobEnded.connect((_, job) =>
      notifyJobEnded(job, trans, id => run(CommandIDs.openJobLog, { id }))
    );
  }
};
