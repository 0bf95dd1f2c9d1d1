/**
 * The pipeline commands: apply overlay images to an Elyra pipeline, and
 * create a pipeline from the overlays' notebooks.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDocumentManager } from '@jupyterlab/docmanager';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { CommandIDs, IOverlays } from '../tokens';
import {
  ApplySummary,
  askCreatePipeline,
  IPipelineCandidate
} from '../widgets/pipelineDialogs';
import { applySummary, pipelineProblemMessage } from './messages';
import {
  applyOverlayImages,
  createPipeline,
  parsePipeline,
  serializePipeline
} from './pipeline';

const PIPELINE_EXTENSION = '.pipeline';

const PATH_ARGS = {
  args: {
    type: 'object' as const,
    properties: {
      path: {
        type: 'string',
        description:
          'The .pipeline file; default: the file browser selection or the current pipeline'
      },
      origin: {
        type: 'string',
        description: 'Where the command was invoked, e.g. "filebrowser"'
      }
    }
  }
};

const FOLDER_ARGS = {
  args: {
    type: 'object' as const,
    properties: {
      folder: {
        type: 'string',
        description:
          "The folder of the new pipeline; default: the file browser's folder"
      }
    }
  }
};

/**
 * Where the pipeline commands find their targets.
 */
export interface IPipelineCommandContext {
  app: JupyterFrontEnd;
  model: IOverlays;
  trans: TranslationBundle;
  browserFactory: IFileBrowserFactory | null;
  docManager: IDocumentManager | null;
}

/**
 * A text file, through its open document when there is one.
 */
interface ITextFile {
  text: string;
  /** Whether it is open in an editor (its document is what changes). */
  open: boolean;
  /** Write the text; false when it stays unsaved in the editor. */
  write(text: string): Promise<boolean>;
}

/** Elyra's command that opens a metadata instance (a runtime image) in its editor. */
const ELYRA_METADATA_EDITOR = 'elyra-metadata-editor:open';

export function addPipelineCommands(context: IPipelineCommandContext): void {
  const { app, model, trans } = context;
  const { workspace, jobs } = model;

  /**
   * An overlay's latest image: its newest successful build, else (renamed
   * since) the image its runtime image names.
   */
  const imageOf = (overlay: string): string | null => {
    const registered = jobs.runtimeImage(overlay);
    return (
      jobs.lastBuilt(overlay)?.image ??
      (registered?.outcome !== 'failed' ? (registered?.image ?? null) : null)
    );
  };

  app.commands.addCommand(CommandIDs.openRuntimeImage, {
    label: trans.__('Open Runtime Image in Elyra'),
    caption: trans.__("Open an overlay's runtime image in Elyra's editor"),
    describedBy: {
      args: {
        type: 'object' as const,
        properties: {
          name: {
            type: 'string',
            description: 'The runtime image, overlay-<name>'
          }
        },
        required: ['name']
      }
    },
    execute: args => {
      const name = String(args['name']);
      if (!app.commands.hasCommand(ELYRA_METADATA_EDITOR)) {
        Notification.info(
          trans.__(
            "Elyra's editor is not available in this JupyterLab: the runtime image %1 is listed once Elyra is.",
            name
          ),
          { autoClose: 5000 }
        );
        return;
      }
      // Elyra's editor calls onSave after saving: a function, not JSON.
      const editorArgs: any = {
        schemaspace: 'runtime-images',
        schema: 'runtime-image',
        name,
        onSave: () => undefined
      };
      return app.commands.execute(ELYRA_METADATA_EDITOR, editorArgs);
    }
  });

  app.commands.addCommand(CommandIDs.applyImages, {
    label: trans.__('Apply Overlay Images to Pipeline'),
    caption: trans.__(
      "Set each notebook node's runtime image to its overlay's latest image"
    ),
    describedBy: PATH_ARGS,
    isEnabled: args => Private.pipelineTargets(context, args).length > 0,
    isVisible: args =>
      args['origin'] !== 'filebrowser' ||
      Private.pipelineTargets(context, args).length > 0,
    execute: async args => {
      const paths = Private.pipelineTargets(context, args);
      try {
        await workspace.scan();
        await jobs.refresh().catch(() => undefined);
        for (const path of paths) {
          await applyTo(path);
        }
      } catch (error) {
        await showErrorMessage(trans.__('Overlays'), error as Error, [
          Dialog.okButton({ label: trans.__('OK') })
        ]);
      }
    }
  });

  const applyTo = async (path: string): Promise<void> => {
    const file = await Private.readText(context, path);
    const parsed = parsePipeline(file.text);
    const result =
      'error' in parsed
        ? { ok: false as const, problem: parsed.error }
        : applyOverlayImages(parsed.pipeline, {
            pipelinePath: path,
            overlayOf: notebook => workspace.overlayOf(notebook),
            imageOf
          });
    if (!result.ok) {
      await showDialog({
        title: trans.__('Pipeline not changed'),
        body: pipelineProblemMessage(result.problem, path, trans),
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return;
    }
    const saved = result.changed
      ? await file.write(serializePipeline(result.pipeline))
      : true;
    const summary = applySummary(result.report, trans);
    if (!saved) {
      summary.headline = trans.__(
        '%1 The pipeline had unsaved changes in its editor: the change is there too, not saved yet.',
        summary.headline
      );
    }
    await showDialog({
      title: trans.__('Overlay images in %1', PathExt.basename(path)),
      body: <ApplySummary {...summary} />,
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
  };

  app.commands.addCommand(CommandIDs.createPipeline, {
    label: trans.__('Create Pipeline from Overlays…'),
    caption: trans.__(
      'A new Elyra pipeline: one node per notebook of an overlay, in its image'
    ),
    describedBy: FOLDER_ARGS,
    execute: async args => {
      try {
        await createIn(Private.folder(context, args));
      } catch (error) {
        await showErrorMessage(trans.__('Overlays'), error as Error, [
          Dialog.okButton({ label: trans.__('OK') })
        ]);
      }
    }
  });

  const createIn = async (folder: string): Promise<void> => {
    await workspace.scan();
    await jobs.refresh().catch(() => undefined);
    const candidates: IPipelineCandidate[] = workspace.overlays
      .flatMap(overlay =>
        overlay.members.map(path => ({
          path,
          overlay: overlay.name,
          image: imageOf(overlay.name)
        }))
      )
      .sort((a, b) => a.path.localeCompare(b.path));
    if (!candidates.length) {
      await showDialog({
        title: trans.__('No notebooks in overlays yet'),
        body: trans.__(
          'Tag notebooks to overlays first (right-click a notebook, Create Overlay…).'
        ),
        buttons: [Dialog.okButton({ label: trans.__('OK') })]
      });
      return;
    }
    const contents = app.serviceManager.contents;
    const listing = await contents.get(folder, { content: true });
    const existing: string[] = (listing.content ?? []).map(
      (item: { name: string }) => item.name
    );
    const value = await askCreatePipeline({
      candidates,
      folder,
      fileName: Private.uniqueName('overlays', existing),
      existing,
      trans
    });
    if (!value) {
      return;
    }
    const path = folder ? `${folder}/${value.fileName}` : value.fileName;
    const images = new Map(candidates.map(item => [item.path, item.image]));
    const pipeline = createPipeline({
      pipelinePath: path,
      notebooks: value.notebooks.map(notebook => ({
        path: notebook,
        image: images.get(notebook) ?? null
      }))
    });
    if (await Private.exists(context, path)) {
      throw new Error(
        trans.__('%1 already exists; nothing was written.', path)
      );
    }
    await contents.save(path, {
      type: 'file',
      format: 'text',
      content: serializePipeline(pipeline)
    });
    await app.commands.execute('docmanager:open', { path });
  };
}

namespace Private {
  /**
   * The `.pipeline` files a command acts on: `path`, else the file
   * browser's selected pipelines, else the current document's.
   */
  export function pipelineTargets(
    context: IPipelineCommandContext,
    args: Record<string, any>
  ): string[] {
    const explicit = args['path'];
    if (typeof explicit === 'string') {
      return explicit.endsWith(PIPELINE_EXTENSION) ? [explicit] : [];
    }
    const browser = context.browserFactory?.tracker.currentWidget;
    const selected = browser
      ? Array.from(browser.selectedItems())
          .filter(
            item =>
              item.type !== 'directory' &&
              item.path.endsWith(PIPELINE_EXTENSION)
          )
          .map(item => item.path)
      : [];
    if (args['origin'] === 'filebrowser') {
      return selected;
    }
    const current = context.app.shell.currentWidget;
    const path = current
      ? context.docManager?.contextForWidget(current)?.path
      : undefined;
    if (path?.endsWith(PIPELINE_EXTENSION)) {
      return [path];
    }
    return selected;
  }

  /** The folder of a new pipeline: `folder`, else the file browser's. */
  export function folder(
    context: IPipelineCommandContext,
    args: Record<string, any>
  ): string {
    if (typeof args['folder'] === 'string') {
      return args['folder'];
    }
    return context.browserFactory?.tracker.currentWidget?.model.path ?? '';
  }

  /** `<base>.pipeline`, else `<base>-1.pipeline`, … not in `existing`. */
  export function uniqueName(base: string, existing: string[]): string {
    for (let i = 0; ; i++) {
      const name = `${base}${i ? `-${i}` : ''}${PIPELINE_EXTENSION}`;
      if (!existing.includes(name)) {
        return name;
      }
    }
  }

  export async function exists(
    context: IPipelineCommandContext,
    path: string
  ): Promise<boolean> {
    try {
      await context.app.serviceManager.contents.get(path, { content: false });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A text file: when it is open, its document (what the editor shows,
   * unsaved edits included; saved after the change unless it had unsaved
   * edits), else the file on disk.
   */
  export async function readText(
    context: IPipelineCommandContext,
    path: string
  ): Promise<ITextFile> {
    // Any widget open on the file, not only the default factory's.
    const widget = context.docManager?.findWidget(path, null);
    const document = widget
      ? context.docManager?.contextForWidget(widget)
      : undefined;
    if (document) {
      await document.ready;
      return {
        text: document.model.toString(),
        open: true,
        write: async text => {
          const dirty = document.model.dirty;
          document.model.fromString(text);
          if (!dirty) {
            await document.save();
          }
          return !dirty;
        }
      };
    }
    const contents = context.app.serviceManager.contents;
    const model = await contents.get(path, { format: 'text', content: true });
    return {
      text: model.content as string,
      open: false,
      write: async text => {
        await contents.save(path, {
          type: 'file',
          format: 'text',
          content: text
        });
        return true;
      }
    };
  }
}
