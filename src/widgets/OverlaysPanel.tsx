import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { OverlaysPanelView } from '../components/OverlaysPanel';
import { overlaysIcon } from '../icons';
import { OverlaysModel } from '../model';
import { PANEL_ID } from '../tokens';

/**
 * The Overlays panel of the left sidebar: a shell re-rendering the pure view
 * whenever the model changes.
 */
export class OverlaysPanel extends ReactWidget {
  constructor(options: OverlaysPanel.IOptions) {
    super();
    this.model = options.model;
    this._trans = options.trans;
    this.id = PANEL_ID;
    this.addClass('jp-OverlaysPanel');
    this.title.icon = overlaysIcon;
    this.title.caption = this._trans.__('Overlays');
  }

  /**
   * The model the panel shows.
   */
  readonly model: OverlaysModel;

  protected render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <OverlaysPanelView
            server={model.server}
            settings={model.settings}
            frontendVersion={model.frontendVersion}
            onRefresh={() => void model.refreshServer()}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private _trans: TranslationBundle;
}

/**
 * A namespace for OverlaysPanel statics.
 */
export namespace OverlaysPanel {
  /**
   * The options used to create a panel.
   */
  export interface IOptions {
    model: OverlaysModel;
    trans: TranslationBundle;
  }
}
