import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { DocumentRegistry, IDocumentWidget } from '@jupyterlab/docregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { overlayFileOf } from '../overlay/tabs';
import { IOverlays } from '../tokens';

/**
 * Tabs of overlays' Pipfiles named after their overlay ("Pipfile (train)"),
 * not all "Pipfile"; reopened tabs after a reload too.
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
    const extension: DocumentRegistry.WidgetExtension = {
      createNew: (widget: IDocumentWidget, context) => {
        const name = () => {
          const found = overlayFileOf(
            context.localPath,
            overlays.workspace.overlaysFolder
          );
          if (found) {
            widget.title.label = trans.__('%1 (%2)', found.file, found.overlay);
          }
        };
        name();
        // After the document widget's own handler, which sets the file name;
        // and once the workspace is read (a tab restored after a reload is
        // made before the overlays folder is known).
        context.pathChanged.connect(name, widget);
        overlays.workspace.changed.connect(name, widget);
      }
    };
    app.docRegistry.addWidgetExtension('Editor', extension);
  }
};
