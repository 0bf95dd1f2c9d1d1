import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Debouncer } from '@lumino/polling';

import { importEnvironment, OverlaysClient } from './api';
import { addCommands, addJobCommands } from './commands';
import { addPipelineCommands } from './elyra/commands';
import { notifyRegistration } from './elyra/notify';
import { RuntimeImageRegistrar, sidebarState } from './elyra/registrar';
import { findStore, serverRequest } from './elyra/runtimeImages';
import type { IImportEnvironment } from './imports/resolve';
import { JobsModel } from './jobs/model';
import { notifyJobEnded } from './jobs/notify';
import { OverlaysModel } from './model';
import { TrackerNotebookAccess } from './notebookAccess';
import { readSettings } from './settings';
import { CommandIDs, OverlaysAPI, PLUGIN_ID } from './tokens';
import type { JobLogPanel } from './widgets/JobLog';
import { JobsStatusItem } from './widgets/JobsStatus';
import { OverlaysPanel } from './widgets/OverlaysPanel';
import { OverlaysWorkspace } from './workspace/model';
import { ContentsFiles, ServerConfigFiles } from './workspace/files';

/**
 * The Overlays sidebar: settings, overlays, their lock and build jobs, the
 * server's build tools, commands; job logs in the main area; a status bar
 * item counting running jobs.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Adds the Overlays panel to the left sidebar, the overlay commands, job logs and a running-jobs status item.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IFileBrowserFactory,
    INotebookTracker,
    IStatusBar,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    browserFactory: IFileBrowserFactory | null,
    notebooks: INotebookTracker | null,
    statusBar: IStatusBar | null,
    docManager: IDocumentManager | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const client = new OverlaysClient({
      serverSettings: app.serviceManager.serverSettings
    });

    // One probe per kernelspec per session; a failure is retried next time.
    const environments = new Map<string, Promise<IImportEnvironment>>();
    const environment = (kernel: string) => {
      let pending = environments.get(kernel);
      if (!pending) {
        pending = client.environment(kernel).then(importEnvironment);
        pending.catch(() => environments.delete(kernel));
        environments.set(kernel, pending);
      }
      return pending;
    };

    let model: OverlaysModel | null = null;
    const workspace = new OverlaysWorkspace({
      files: new ContentsFiles(
        app.serviceManager.contents,
        new ServerConfigFiles(client)
      ),
      access: notebooks
        ? new TrackerNotebookAccess({
            tracker: notebooks,
            trans,
            onUndo: path => void workspace.notebookSaved(path)
          })
        : null,
      environment,
      settings: () => {
        const settings = model!.settings;
        const project =
          settings.project ||
          model!.server.info?.defaults?.project ||
          'workspace';
        return { ...settings, project };
      },
      trans
    });
    const jobs = new JobsModel({
      client,
      // Overlays whose names the server refuses have no jobs to ask about.
      overlays: () =>
        workspace.overlays
          .filter(overlay => !overlay.nameProblem)
          .map(overlay => overlay.name)
    });
    model = new OverlaysModel({ client, workspace, jobs });
    const run = (command: string, args: Record<string, any>) =>
      void app.commands.execute(command, args);
    const panel = new OverlaysPanel({ model, trans, run });

    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
    addCommands({ app, model, trans, browserFactory, notebooks });
    addPipelineCommands({ app, model, trans, browserFactory, docManager });

    // Job logs in the main area, reopened after a reload.
    const logs = new WidgetTracker<MainAreaWidget<JobLogPanel>>({
      namespace: 'jupyterlab-overlays-job-log'
    });
    const openLog = async (id: string) => {
      let widget = logs.find(item => item.content.model.id === id);
      if (!widget) {
        const [{ JobLogModel }, { JobLogPanel }] = await Promise.all([
          import('./jobs/log'),
          import('./widgets/JobLog')
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
    void restorer?.restore(logs, {
      command: CommandIDs.openJobLog,
      args: widget => ({ id: widget.content.model.id }),
      name: widget => widget.content.model.id
    });
    addJobCommands({ app, jobs, trans, openLog });
    jobs.jobEnded.connect((_, job) =>
      notifyJobEnded(job, trans, id => run(CommandIDs.openJobLog, { id }))
    );
    statusBar?.registerStatusItem(`${PLUGIN_ID}:jobs`, {
      item: new JobsStatusItem({
        jobs,
        trans,
        onClick: () => run(CommandIDs.openPanel, {})
      }),
      align: 'left',
      rank: 5,
      isActive: () => jobs.runningCount > 0,
      activeStateChanged: jobs.changed
    });

    const category = trans.__('Overlays');
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.create,
      CommandIDs.addTo,
      CommandIDs.removeFrom,
      CommandIDs.refresh,
      CommandIDs.refreshInfo,
      CommandIDs.build,
      CommandIDs.lock,
      CommandIDs.applyImages,
      CommandIDs.createPipeline
    ]) {
      palette?.addItem({ command, category });
    }

    // Follow the workspace: a saved notebook may have gained an import; any
    // other change may touch an overlay's files.
    const rescan = new Debouncer(() => workspace.scan(), 500);
    const refreshStatuses = new Debouncer(() => jobs.refreshStatuses(), 300);
    workspace.changed.connect(() => void refreshStatuses.invoke());
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      const path = change.newValue?.path ?? change.oldValue?.path ?? '';
      if (change.type === 'save' && path.endsWith('.ipynb')) {
        void workspace.notebookSaved(path);
      } else {
        void rescan.invoke();
      }
    });

    const settingsLoaded = settingRegistry
      .load(PLUGIN_ID)
      .then(settings => {
        const update = () => {
          const before = model!.settings.overlaysFolder;
          model!.settings = readSettings(settings.composite as any);
          if (before !== model!.settings.overlaysFolder) {
            void workspace.scan();
          }
        };
        update();
        settings.changed.connect(update, model);
      })
      .catch(reason => {
        console.error('jupyterlab-overlays: cannot load settings', reason);
      });

    // Built images become Elyra runtime images, renamed and removed with
    // their overlays; at start, builds that ended while no JupyterLab was
    // open are registered.
    const registrar = new RuntimeImageRegistrar({
      findStore: () =>
        findStore(serverRequest(app.serviceManager.serverSettings)),
      settings: () => ({
        enabled: model!.settings.registerRuntimeImages,
        pullPolicy: model!.settings.runtimeImagePullPolicy
      }),
      folder: overlay => `${workspace.overlaysFolder}/${overlay}`,
      current: overlay =>
        workspace.overlay(overlay) ? jobs.lastBuilt(overlay) : null,
      trans
    });
    registrar.registered.connect((_, registration) => {
      notifyRegistration(registration, trans);
      model!.setRuntimeImage(registration.overlay, sidebarState(registration));
    });
    // After the settings: registration may be turned off.
    jobs.jobEnded.connect(
      (_, job) => void settingsLoaded.then(() => registrar.register(job))
    );
    workspace.overlayRenamed.connect(
      (_, { name, newName }) =>
        void registrar.renamed(name, newName, jobs.lastBuilt(name))
    );

    void model.refreshServer();
    void app.restored.then(async () => {
      await workspace.scan();
      await settingsLoaded;
      try {
        await jobs.refresh();
      } catch {
        return;
      }
      const builds = workspace.overlays
        .map(overlay => jobs.lastBuilt(overlay.name))
        .filter((job): job is OverlaysAPI.IJob => job !== null);
      await registrar.reconcile(builds);
    });
  }
};

export default plugin;
