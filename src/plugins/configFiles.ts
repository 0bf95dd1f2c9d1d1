import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog,
  WidgetTracker
} from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, IOverlays } from '../tokens';
import { AICOE_FILE, THOTH_FILE } from '../overlay/configFileNames';
import type { ConfigFileEditor } from '../widgets/ConfigFileEditor';

const NAMES = [THOTH_FILE, AICOE_FILE];

/**
 * `.thoth.yaml` and `.aicoe-ci.yaml` in an editor of their own (the file
 * browser hides them): opened from the sidebar or the palette, read and saved
 * through the server's config-file endpoint.
 */
export const configFilesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-overlays:config-files',
  description: 'Opens .thoth.yaml and .aicoe-ci.yaml in an editor.',
  autoStart: true,
  requires: [IOverlays, IEditorServices],
  optional: [ITranslator, ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    overlays: IOverlays,
    editorServices: IEditorServices,
    translator: ITranslator | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const tracker = new WidgetTracker<ConfigFileEditor>({
      namespace: 'jupyterlab-overlays-config'
    });
    const names = NAMES;

    const save = async (editor: ConfigFileEditor) => {
      try {
        await editor.save();
        overlays.workspace.configFileSaved(
          editor.name,
          editor.model.sharedModel.getSource()
        );
      } catch (error) {
        Notification.error(
          trans.__(
            'Could not save %1: %2',
            editor.name,
            (error as Error).message
          ),
          { autoClose: false }
        );
      }
    };

    app.commands.addCommand(CommandIDs.openConfigFile, {
      label: args =>
        args['name']
          ? trans.__('Open %1', String(args['name']))
          : trans.__('Open a Configuration File'),
      describedBy: {
        args: {
          type: 'object',
          properties: { name: { type: 'string', enum: names } }
        }
      },
      execute: async args => {
        const name = String(args['name'] ?? names[0]);
        if (!names.includes(name)) {
          return;
        }
        const open = tracker.find(editor => editor.name === name);
        if (open) {
          app.shell.activateById(open.id);
          return;
        }
        const { ConfigFileEditor } =
          await import('../widgets/ConfigFileEditor');
        const editor = new ConfigFileEditor({
          name,
          client: overlays.client,
          editorServices,
          trans
        });
        editor.closeRequested = async () => {
          if (!editor.dirty) {
            return true;
          }
          const answer = await showDialog({
            title: trans.__('Close %1?', name),
            body: trans.__('Your changes to %1 are not saved.', name),
            buttons: [
              Dialog.cancelButton({ label: trans.__('Keep Editing') }),
              Dialog.warnButton({ label: trans.__('Discard Changes') }),
              Dialog.okButton({ label: trans.__('Save and Close') })
            ]
          });
          if (answer.button.label === trans.__('Save and Close')) {
            await save(editor);
            return !editor.dirty;
          }
          return answer.button.label === trans.__('Discard Changes');
        };
        try {
          await editor.load();
        } catch (error) {
          editor.dispose();
          Notification.error(
            trans.__('Could not open %1: %2', name, (error as Error).message),
            { autoClose: false }
          );
          return;
        }
        app.shell.add(editor, 'main');
        void tracker.add(editor);
        app.shell.activateById(editor.id);
      }
    });

    app.commands.addCommand(CommandIDs.saveConfigFile, {
      label: trans.__('Save the Configuration File'),
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const editor = tracker.currentWidget;
        if (editor) {
          await save(editor);
        }
      }
    });

    for (const name of names) {
      palette?.addItem({
        command: CommandIDs.openConfigFile,
        args: { name },
        category: trans.__('Overlays')
      });
    }
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openConfigFile,
        args: editor => ({ name: editor.name }),
        name: editor => editor.name
      });
    }
  }
};
