import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { OverlaysClient } from './api';
import { addCommands } from './commands';
import { OverlaysModel } from './model';
import { readSettings } from './settings';
import { CommandIDs, PLUGIN_ID } from './tokens';
import { OverlaysPanel } from './widgets/OverlaysPanel';

/**
 * The Overlays sidebar: settings, the server's build tools, commands.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Adds the Overlays panel to the left sidebar and the overlay commands.',
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [ITranslator, ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const client = new OverlaysClient({
      serverSettings: app.serviceManager.serverSettings
    });
    const model = new OverlaysModel({ client });
    const panel = new OverlaysPanel({ model, trans });

    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
    addCommands(app, model, trans);

    const category = trans.__('Overlays');
    for (const command of [CommandIDs.openPanel, CommandIDs.refreshInfo]) {
      palette?.addItem({ command, category });
    }

    settingRegistry
      .load(PLUGIN_ID)
      .then(settings => {
        const update = () => {
          model.settings = readSettings(settings.composite as any);
        };
        update();
        settings.changed.connect(update, model);
      })
      .catch(reason => {
        console.error('jupyterlab-overlays: cannot load settings', reason);
      });

    void model.refreshServer();
  }
};

export default plugin;
