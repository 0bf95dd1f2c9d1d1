import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { addPipelineCommands } from '../elyra/commands';
import { notifyRegistration } from '../elyra/notify';
import { CommandIDs, IOverlays } from '../tokens';

/**
 * The hand-off to Elyra: the pipeline commands (apply overlay images, create
 * a pipeline from overlays) and notifications of the runtime images the
 * server registers. Can be disabled on its own.
 */
export const elyraPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:elyra',
  description:
    'Applies overlay images to Elyra pipelines, creates pipelines from overlays and reports runtime image registrations.',
  autoStart: true,
  requires: [IOverlays],
  optional: [
    ITranslator,
    ICommandPalette,
    IFileBrowserFactory,
    IDocumentManager
  ],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    browserFactory: IFileBrowserFactory | null,
    docManager: IDocumentManager | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    addPipelineCommands({
      app,
      model: overlays,
      trans,
      browserFactory,
      docManager
    });
    overlays.jobs.registered.connect((_, registration) =>
      notifyRegistration(registration, trans)
    );
    const category = trans.__('Overlays');
    for (const command of [CommandIDs.applyImages, CommandIDs.createPipeline]) {
      palette?.addItem({ command, category });
    }
  }
};
