import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { overlaysIcon } from './icons';
import { DEFAULT_PYTHON_VERSION, proposeName } from './overlay/names';
import { CommandIDs, IOverlays, PANEL_ID } from './tokens';
import { askCreateOverlay } from './widgets/createDialog';
import {
  askRenameOverlay,
  askMoveNotebooks,
  askPreview,
  plannedMoves
} from './widgets/dialogs';
import type { OverlaysWorkspace } from './workspace/model';
import { askAddToOverlay } from './widgets/addDialog';
import { askWriteChanges } from './widgets/changesDialog';
import type { IFileChange } from './workspace/fileChanges';
import { noticeWhileSlow, notifyAction } from './workspace/notifyAction';
import { PIPFILE } from './workspace/types';

const NO_ARGS = { args: { type: 'object' as const, properties: {} } };

const PATHS_ARGS = {
  args: {
    type: 'object' as const,
    properties: {
      paths: {
        type: 'array',
        items: { type: 'string' },
        description:
          'Notebook paths; default: the file browser selection or the current notebook'
      },
      origin: {
        type: 'string',
        description:
          'Where the command was invoked: "filebrowser" or "notebook"'
      },
      name: {
        type: 'string',
        description: 'Create Overlay: the name to propose'
      }
    }
  }
};

export const NAME_ARGS = {
  args: {
    type: 'object' as const,
    properties: { name: { type: 'string', description: 'The overlay name' } },
    required: ['name']
  }
};

/**
 * Where the commands find their targets.
 */
export interface ICommandContext {
  app: JupyterFrontEnd;
  model: IOverlays;
  trans: TranslationBundle;
  browserFactory: IFileBrowserFactory | null;
  notebooks: INotebookTracker | null;
}

/**
 * Register the extension's commands. Menus, context menus and toolbar
 * buttons that use them are declared in schema/plugin.json.
 */
export function addCommands(context: ICommandContext): void {
  const { app, model, trans } = context;
  const workspace = model.workspace;

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

  const run = reporting(trans);

  app.commands.addCommand(CommandIDs.refresh, {
    label: trans.__('Refresh Overlays'),
    caption: trans.__('Read the overlays, their notebooks and packages again'),
    describedBy: NO_ARGS,
    isEnabled: () => !workspace.scanning,
    execute: () => run(() => workspace.scan())
  });

  app.commands.addCommand(CommandIDs.create, {
    label: args =>
      args['origin'] === 'notebook'
        ? trans.__('Overlay…')
        : trans.__('Create Overlay…'),
    caption: trans.__(
      'Create an overlay (a Pipfile and an image) from the selected notebooks'
    ),
    icon: args => (args['origin'] === 'notebook' ? overlaysIcon : undefined),
    describedBy: PATHS_ARGS,
    isEnabled: args => Private.targets(context, args).length > 0,
    execute: args =>
      run(async () => {
        const paths = Private.targets(context, args);
        if (!paths.length) {
          return;
        }
        await workspace.scan();
        const existing = workspace.overlays.map(overlay => overlay.name);
        const value = await askCreateOverlay({
          name:
            typeof args['name'] === 'string'
              ? args['name']
              : proposeName(paths[0], existing),
          pythonVersion:
            context.model.settings.pythonVersion ||
            (await workspace.kernelPythonVersion(paths)) ||
            DEFAULT_PYTHON_VERSION,
          existing,
          notebooks: paths,
          trans,
          plan: (name, pythonVersion) =>
            workspace.planCreate(name, paths, pythonVersion),
          answers: model.indexChecks.changed
        });
        if (
          !value ||
          !(await Private.confirmMoves(workspace, paths, value.name, trans))
        ) {
          return;
        }
        const overlay = await noticeWhileSlow(
          workspace.createOverlay(value.name, paths, value.pythonVersion),
          trans.__('Creating overlay %1…', value.name)
        );
        notifyAction(workspace.lastAction, workspace, trans);
        model.expand(overlay.name);
        app.shell.activateById(PANEL_ID);
      })
  });

  app.commands.addCommand(CommandIDs.addTo, {
    label: trans.__('Add to Overlay…'),
    caption: trans.__('Tag the selected notebooks to an existing overlay'),
    describedBy: PATHS_ARGS,
    isEnabled: args => Private.targets(context, args).length > 0,
    execute: args =>
      run(async () => {
        const paths = Private.targets(context, args);
        await workspace.scan();
        const names = workspace.overlays.map(overlay => overlay.name);
        if (!names.length) {
          await showDialog({
            title: trans.__('No overlays yet'),
            body: trans.__('Create an overlay first with "Create Overlay…".'),
            buttons: [Dialog.okButton({ label: trans.__('OK') })]
          });
          return;
        }
        const target = await askAddToOverlay({
          names,
          current: workspace.overlayOf(paths[0]),
          notebooks: paths,
          plan: name => workspace.planAdd(name, paths),
          answers: model.indexChecks.changed,
          trans
        });
        if (
          !target ||
          !(await Private.confirmMoves(workspace, paths, target, trans))
        ) {
          return;
        }
        await noticeWhileSlow(
          workspace.addToOverlay(target, paths),
          trans.__('Adding notebooks to overlay %1…', target)
        );
        notifyAction(workspace.lastAction, workspace, trans);
        model.expand(target);
      })
  });

  app.commands.addCommand(CommandIDs.removeFrom, {
    label: trans.__('Remove from Overlay'),
    caption: trans.__(
      'Untag the selected notebooks; their overlay keeps its packages'
    ),
    describedBy: PATHS_ARGS,
    isEnabled: args =>
      Private.targets(context, args).some(
        path => workspace.overlayOf(path) !== null
      ),
    execute: args =>
      run(async () => {
        const paths = Private.targets(context, args).filter(
          path => workspace.overlayOf(path) !== null
        );
        if (paths.length) {
          await workspace.removeFromOverlay(paths);
          notifyAction(workspace.lastAction, workspace, trans);
        }
      })
  });

  app.commands.addCommand(CommandIDs.reextract, {
    label: trans.__('Re-extract Overlay Packages…'),
    caption: trans.__(
      "Compare the overlay's Pipfile with its notebooks' imports"
    ),
    describedBy: NAME_ARGS,
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        const diff = await noticeWhileSlow(
          workspace.packages.preview(name),
          trans.__('Comparing the Pipfile of %1 with its notebooks…', name)
        );
        const overlay = workspace.overlay(name);
        const accepted = await askPreview(
          name,
          diff,
          trans,
          overlay ? model.indexChecks.forOverlay(overlay) : undefined
        );
        if (accepted) {
          await workspace.packages.apply(name, accepted);
        }
      })
  });

  app.commands.addCommand(CommandIDs.writePipfile, {
    label: trans.__('Write Overlay Pipfile'),
    caption: trans.__(
      "Write an overlay's missing Pipfile from its notebooks' imports"
    ),
    describedBy: NAME_ARGS,
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        if (workspace.overlay(name)?.hasPipfile) {
          return;
        }
        // No file to overwrite: the notebooks' requirements, as a re-extract
        // would propose them.
        await workspace.packages.apply(
          name,
          await workspace.packages.preview(name)
        );
      })
  });

  app.commands.addCommand(CommandIDs.rename, {
    label: trans.__('Rename Overlay…'),
    caption: trans.__('Rename the overlay everywhere it is named'),
    describedBy: NAME_ARGS,
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        // A name no longer accepted gets a valid one proposed.
        const text = workspace.overlay(name)?.nameProblem
          ? proposeName(
              name,
              workspace.overlays.map(overlay => overlay.name)
            )
          : name;
        const newName = await askRenameOverlay({
          name,
          text,
          existing: workspace.overlays.map(overlay => overlay.name),
          trans
        });
        if (!newName) {
          return;
        }
        // The YAML files may be the user's: show what changes in them first.
        const review = model.settings.reviewFileChanges
          ? (changes: IFileChange[]) =>
              changes.length === 0
                ? Promise.resolve(true)
                : askWriteChanges({
                    title: trans.__('Rename "%1" to "%2"', name, newName),
                    message: trans.__(
                      'The folder, the notebook tags and these entries are renamed:'
                    ),
                    changes,
                    accept: trans.__('Rename'),
                    trans
                  })
          : undefined;
        if (await workspace.renameOverlay(name, newName, review)) {
          notifyAction(workspace.lastAction, workspace, trans);
          model.expand(newName);
        }
      })
  });

  app.commands.addCommand(CommandIDs.remove, {
    label: trans.__('Delete Overlay…'),
    caption: trans.__(
      'Delete the overlay folder, its YAML entries and its notebook tags'
    ),
    describedBy: NAME_ARGS,
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        const overlay = workspace.overlay(name);
        // One confirmation, with what changes in the files.
        await workspace.deleteOverlay(name, changes =>
          askWriteChanges({
            title: trans.__('Delete Overlay'),
            message: Private.deleteMessage(
              name,
              overlay?.folder ?? name,
              overlay?.members.length ?? 0,
              trans
            ),
            changes,
            accept: trans.__('Delete'),
            warn: true,
            trans
          })
        );
      })
  });

  app.commands.addCommand(CommandIDs.openPipfile, {
    label: trans.__('Open Overlay Pipfile'),
    caption: trans.__("Open the overlay's Pipfile in the editor"),
    describedBy: NAME_ARGS,
    execute: args => {
      const overlay = workspace.overlay(String(args['name']));
      if (overlay) {
        return app.commands.execute('docmanager:open', {
          path: `${overlay.folder}/${PIPFILE}`,
          factory: 'Editor'
        });
      }
    }
  });
}

/**
 * Run an action, showing an error dialog instead of failing silently.
 */
export function reporting(trans: TranslationBundle) {
  return async (action: () => Promise<unknown>): Promise<void> => {
    try {
      await action();
    } catch (error) {
      await showErrorMessage(trans.__('Overlays'), error as Error, [
        Dialog.okButton({ label: trans.__('OK') })
      ]);
    }
  };
}

namespace Private {
  /**
   * Ask before a tag moves notebooks from another overlay; true to go on.
   */
  export function confirmMoves(
    workspace: OverlaysWorkspace,
    paths: readonly string[],
    target: string,
    trans: TranslationBundle
  ): Promise<boolean> {
    const planned = plannedMoves(
      paths,
      target,
      path => workspace.overlayOf(path),
      name => workspace.overlay(name)?.members ?? []
    );
    return askMoveNotebooks(target, planned, trans);
  }

  /**
   * What deleting an overlay does, in the user's words.
   */
  export function deleteMessage(
    name: string,
    folder: string,
    notebooks: number,
    trans: TranslationBundle
  ): string {
    return notebooks === 0
      ? trans.__(
          'Delete "%1"? This removes %2 with its Pipfile and its entries in .thoth.yaml and .aicoe-ci.yaml. No notebook belongs to it.',
          name,
          folder
        )
      : trans._n(
          'Delete "%2"? This removes %3 with its Pipfile and its entries in .thoth.yaml and .aicoe-ci.yaml; %1 notebook leaves the overlay (the notebook itself stays).',
          'Delete "%2"? This removes %3 with its Pipfile and its entries in .thoth.yaml and .aicoe-ci.yaml; %1 notebooks leave the overlay (the notebooks themselves stay).',
          notebooks,
          name,
          folder
        );
  }

  /**
   * The notebooks a command acts on: `paths`, else the file browser's
   * selected notebooks (from its context menu, or when it has focus), else
   * the current notebook.
   */
  export function targets(
    context: ICommandContext,
    args: Record<string, any>
  ): string[] {
    const explicit = args['paths'];
    if (Array.isArray(explicit)) {
      return explicit.filter(
        path => typeof path === 'string' && path.endsWith('.ipynb')
      );
    }
    const current = context.notebooks?.currentWidget;
    const browser = context.browserFactory?.tracker.currentWidget;
    const fromBrowser = () =>
      browser
        ? Array.from(browser.selectedItems())
            .filter(item => item.type === 'notebook')
            .map(item => item.path)
        : [];
    if (args['origin'] === 'filebrowser') {
      return fromBrowser();
    }
    if (
      args['origin'] === 'notebook' ||
      context.app.shell.currentWidget === current
    ) {
      if (current) {
        return [current.context.path];
      }
    }
    return fromBrowser();
  }
}
