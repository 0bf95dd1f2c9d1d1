import {
  CodeEditor,
  CodeEditorWrapper,
  IEditorServices
} from '@jupyterlab/codeeditor';
import { TranslationBundle } from '@jupyterlab/translation';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { OverlaysClient } from '../api';

/**
 * An editor of `.thoth.yaml` or `.aicoe-ci.yaml`, which the contents API
 * hides: read and saved through the server's config-file endpoint. A save
 * sends the file's time as read, so a file changed meanwhile on disk is not
 * overwritten (the server answers 409 and the error says so).
 */
export class ConfigFileEditor extends Widget {
  constructor(options: ConfigFileEditor.IOptions) {
    super();
    this.addClass('jp-OverlaysConfigEditor');
    this.name = options.name;
    this._client = options.client;
    this._trans = options.trans;
    this.id = `jp-overlays-config-${options.name.replace(/\W/g, '')}`;
    this.title.label = options.name;
    this.title.closable = true;
    this.model = new CodeEditor.Model({ mimeType: 'text/x-yaml' });
    this._editor = new CodeEditorWrapper({
      factory: options.editorServices.factoryService.newDocumentEditor,
      model: this.model
    });
    this._editor.addClass('jp-OverlaysConfigEditor-editor');
    this.node.appendChild(this._editor.node);
    this.model.sharedModel.changed.connect(() => this._setDirty(true));
  }

  /** The file edited: `.thoth.yaml` or `.aicoe-ci.yaml`. */
  readonly name: string;
  readonly model: CodeEditor.Model;

  /** Whether the editor holds changes not saved yet. */
  get dirty(): boolean {
    return this._dirty;
  }

  /** Read the file (empty when it does not exist yet). */
  async load(): Promise<void> {
    const file = await this._client.configFile(this.name);
    this._lastModified = file.last_modified;
    this.model.sharedModel.setSource(file.content ?? '');
    this._setDirty(false);
  }

  /** Save the text; the file must be as it was read. Errors are thrown. */
  async save(): Promise<void> {
    const file = await this._client.saveConfigFile(
      this.name,
      this.model.sharedModel.getSource(),
      this._lastModified
    );
    this._lastModified = file.last_modified;
    this._setDirty(false);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._editor.dispose();
    this.model.dispose();
    super.dispose();
  }

  /**
   * Asked before the editor closes; false keeps it open (unsaved changes).
   */
  closeRequested: () => Promise<boolean> = async () => true;

  protected onCloseRequest(msg: Message): void {
    void this.closeRequested().then(close => {
      if (close) {
        super.onCloseRequest(msg);
        this.dispose();
      }
    });
  }

  protected onActivateRequest(): void {
    this._editor.editor.focus();
  }

  protected onAfterAttach(): void {
    // Lumino does not lay out a plain widget's child: size it with this one.
    this._editor.update();
  }

  protected onResize(): void {
    this._editor.update();
  }

  private _setDirty(dirty: boolean): void {
    this._dirty = dirty;
    this.title.className = dirty ? 'jp-mod-dirty' : '';
    this.title.caption = dirty
      ? this._trans.__('%1 (not saved)', this.name)
      : this.name;
  }

  private _client: ConfigFileEditor.IClient;
  private _trans: TranslationBundle;
  private _editor: CodeEditorWrapper;
  private _dirty = false;
  private _lastModified: string | null = null;
}

/**
 * A namespace for ConfigFileEditor statics.
 */
export namespace ConfigFileEditor {
  export type IClient = Pick<OverlaysClient, 'configFile' | 'saveConfigFile'>;

  export interface IOptions {
    name: string;
    client: IClient;
    editorServices: IEditorServices;
    trans: TranslationBundle;
  }
}
