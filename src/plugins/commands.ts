import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { addCommands } from '../commands';
import { addPackageCommands } from '../packageCommands';
import { CommandIDs, IOverlays } from '../tokens';
import { notifyJoinedByCopy } from '../workspace/notifyAction';

/**
 * The overlay commands (create, add to, remove from, rename, delete,
 * re-extract, packages) and their palette entries; menus, context menus and
 * the notebook toolbar button are declared in schema/plugin.json.
 */
export const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:commands',
  description:
    'Adds the overlay commands: create, add notebooks, rename, delete, re-extract and edit packages.',
  autoStart: true,
  requires: [IOverlays],
  optional: [
    ITranslator,
    ICommandPalette,
    IFileBrowserFactory,
    INotebookTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browserFactory: IFileBrowserFactory | null,
    notebooks: INotebookTracker | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    addCommands({ app, model: overlays, trans, browserFactory, notebooks });
    addPackageCommands({ app, workspace: overlays.workspace, trans });
    overlays.workspace.warned.connect((_, message) =>
      Notification.warning(message, { autoClose: false })
    );
    overlays.workspace.joinedByCopy.connect((_, joined) =>
      notifyJoinedByCopy(
        joined,
        () =>
          void app.commands.execute(CommandIDs.removeFrom, {
            paths: [joined.path]
          }),
        trans
      )
    );
    const category = trans.__('Overlays');
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.create,
      CommandIDs.addTo,
      CommandIDs.removeFrom,
      CommandIDs.refresh,
      CommandIDs.refreshInfo,
      CommandIDs.build,
      CommandIDs.lock
    ]) {
      palette?.addItem({ command, category });
    }
  }
};
