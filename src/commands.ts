import { JupyterFrontEnd } from '@jupyterlab/application';
import { TranslationBundle } from '@jupyterlab/translation';

import { overlaysIcon } from './icons';
import { OverlaysModel } from './model';
import { CommandIDs, PANEL_ID } from './tokens';

const NO_ARGS = { args: { type: 'object' as const, properties: {} } };

/**
 * Register the extension's commands. Menus and context menus that use them
 * are declared in schema/plugin.json.
 */
export function addCommands(
  app: JupyterFrontEnd,
  model: OverlaysModel,
  trans: TranslationBundle
): void {
  app.commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('Show Overlays Panel'),
    caption: trans.__('Open the Overlays panel in the left sidebar'),
    icon: args => (args['isPalette'] ? undefined : overlaysIcon),
    describedBy: NO_ARGS,
    execute: () => {
      app.shell.activateById(PANEL_ID);
    }
  });

  app.commands.addCommand(CommandIDs.refreshInfo, {
    label: trans.__('Refresh Overlay Build Tools'),
    caption: trans.__('Ask the server again which build tools it has'),
    describedBy: NO_ARGS,
    isEnabled: () => model.server.state !== 'loading',
    execute: () => model.refreshServer()
  });
}
