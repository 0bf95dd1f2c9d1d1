import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IStateDB } from '@jupyterlab/statedb';
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
  optional: [ITranslator, ILayoutRestorer, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null
  ): void => {
    const panel = new OverlaysPanel({
      model: overlays,
      trans: (translator ?? nullTranslator).load('jupyterlab_overlays'),
      run: (command, args) => void app.commands.execute(command, args)
    });
    app.shell.add(panel, 'left', { rank: 600 });
    restorer?.add(panel, panel.id);
    if (state) {
      void Private.keepExpansion(overlays, state);
    }
  }
};

namespace Private {
  const KEY = 'jupyterlab-overlays:expanded';

  /**
   * The overlays shown expanded stay so after a reload: kept in the state
   * database, restored once at start.
   */
  export async function keepExpansion(
    overlays: IOverlays,
    state: IStateDB
  ): Promise<void> {
    try {
      const saved = await state.fetch(KEY);
      if (Array.isArray(saved)) {
        for (const name of saved) {
          if (typeof name === 'string') {
            overlays.expand(name);
          }
        }
      }
    } catch {
      // Nothing saved, or a state database that cannot be read: start collapsed.
    }
    let last = overlays.expanded;
    overlays.changed.connect(() => {
      if (overlays.expanded !== last) {
        last = overlays.expanded;
        void state.save(KEY, [...last]);
      }
    });
  }
}
