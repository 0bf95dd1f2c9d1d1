import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { DocumentRegistry, IDocumentWidget } from '@jupyterlab/docregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import {
  OVERLAY_TAB_KEY,
  overlayFileOf,
  overlayTabRule
} from '../overlay/tabs';
import { IOverlays } from '../tokens';

/**
 * Tabs of overlays' Pipfiles named after their overlay ("Pipfile (train)"),
 * not all "Pipfile"; reopened tabs after a reload too. The overlay's name is
 * shown by a style rule, not put in the label: a document widget renames its
 * file to the label it is given.
 */
export const pipfileTabsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:pipfile-tabs',
  description: "Names the tabs of overlays' Pipfiles after their overlay.",
  autoStart: true,
  requires: [IOverlays],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const sheet = document.createElement('style');
    document.head.appendChild(sheet);
    const rules = new Map<string, string>();
    const showSuffix = (overlay: string) => {
      if (!rules.has(overlay)) {
        // The label of a tab of an overlay's file: "Pipfile (train)".
        const suffix = trans.__('%1 (%2)', '', overlay);
        rules.set(overlay, overlayTabRule(overlay, suffix));
        sheet.textContent = [...rules.values()].join('\n');
      }
    };
    const extension: DocumentRegistry.WidgetExtension = {
      createNew: (widget: IDocumentWidget, context) => {
        const name = () => {
          const found = overlayFileOf(
            context.localPath,
            overlays.workspace.overlaysFolder
          );
          const { [OVERLAY_TAB_KEY]: shown, ...dataset } = widget.title.dataset;
          if (found?.overlay === shown) {
            return;
          }
          if (found) {
            showSuffix(found.overlay);
          }
          widget.title.dataset = found
            ? { ...dataset, [OVERLAY_TAB_KEY]: found.overlay }
            : dataset;
        };
        name();
        // A renamed or moved file, and once the workspace is read (a tab
        // restored after a reload is made before the overlays folder is known).
        context.pathChanged.connect(name, widget);
        overlays.workspace.changed.connect(name, widget);
      }
    };
    app.docRegistry.addWidgetExtension('Editor', extension);
  }
};
