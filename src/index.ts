import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Debouncer } from '@lumino/polling';

import { importEnvironment, OverlaysClient } from './api';
import { addCommands } from './commands';
import type { IImportEnvironment } from './imports/resolve';
import { OverlaysModel } from './model';
import { TrackerNotebookAccess } from './notebookAccess';
import { readSettings } from './settings';
import { CommandIDs, PLUGIN_ID } from './tokens';
import { OverlaysPanel } from './widgets/OverlaysPanel';
import { OverlaysWorkspace } from './workspace/model';
import { ContentsFiles, ServerConfigFiles } from './workspace/files';

/**
 * The Overlays sidebar: settings, overlays, the server's build tools, commands.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Adds the Overlays panel to the left sidebar and the overlay commands.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [
    ITranslator,
    ILayoutRestorer,
    ICommandPalette,
    IFileBrowserFactory,
    INotebookTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    browserFactory: IFileBrowserFactory | null,
    notebooks: INotebookTracker | null
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
      access: notebooks ? new TrackerNotebookAccess(notebooks) : null,
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
    model = new OverlaysModel({ client, workspace });
    const panel = new OverlaysPanel({
      model,
      trans,
      run: (command, args) => void app.commands.execute(command, args)
    });

    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
    addCommands({ app, model, trans, browserFactory, notebooks });

    const category = trans.__('Overlays');
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.create,
      CommandIDs.addTo,
      CommandIDs.removeFrom,
      CommandIDs.refresh,
      CommandIDs.refreshInfo
    ]) {
      palette?.addItem({ command, category });
    }

    // Follow the workspace: a saved notebook may have gained an import; any
    // other change may touch an overlay's files.
    const rescan = new Debouncer(() => workspace.scan(), 500);
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      const path = change.newValue?.path ?? change.oldValue?.path ?? '';
      if (change.type === 'save' && path.endsWith('.ipynb')) {
        void workspace.notebookSaved(path);
      } else {
        void rescan.invoke();
      }
    });

    settingRegistry
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

    void model.refreshServer();
    void app.restored.then(() => workspace.scan());
  }
};

export default plugin;
