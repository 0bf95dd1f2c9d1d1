import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';

import { IOverlays } from '../tokens';

/**
 * The overlay's name beside each tagged notebook in the file browser.
 */
export const browserMarkersPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:browser-markers',
  description:
    'Shows the overlay of each tagged notebook beside its name in the file browser.',
  autoStart: true,
  requires: [IOverlays, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    browser: IDefaultFileBrowser
  ): void => {
    void import('../widgets/browserMarkers').then(
      ({ BrowserMarkers }) => new BrowserMarkers(browser, overlays.workspace)
    );
  }
};
