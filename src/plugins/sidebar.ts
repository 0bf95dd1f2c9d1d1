import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IOverlays } from '../tokens';
import { OverlaysPanel } from '../widgets/OverlaysPanel';

/**
 * The Overlays panel in the left sidebar.
 */
export const sidebarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:sidebar',
  description:
    'Adds the Overlays panel to the left sidebar: overlays, their notebooks, packages, locks, builds and runtime images.',
  autoStart: true,
  requires: [IOverlays],
  optional: [ITranslator, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const panel = new OverlaysPanel({
      model: overlays,
      trans: (translator ?? nullTranslator).load('jupyterlab_overlays'),
      run: (command, args) => void app.commands.execute(command, args)
    });
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
  }
};
