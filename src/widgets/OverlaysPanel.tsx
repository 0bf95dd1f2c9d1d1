import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { OverlayList } from '../components/OverlayList';
import { ConfigFilesView } from '../components/ConfigFilesView';
import { DanglingTagsView } from '../components/DanglingTagsView';
import { OverlaysPanelView } from '../components/OverlaysPanelView';
import { AICOE_FILE, THOTH_FILE } from '../overlay';
import { overlaysIcon } from '../icons';
import { CommandIDs, IOverlays, PANEL_ID, RunCommand } from '../tokens';
import type { IOverlay } from '../workspace/types';

/**
 * The Overlays panel of the left sidebar: a shell re-rendering the pure view
 * whenever the model changes.
 */
export class OverlaysPanel extends ReactWidget {
  constructor(options: OverlaysPanel.IOptions) {
    super();
    this.model = options.model;
    this._run = options.run;
    this._trans = options.trans;
    this.id = PANEL_ID;
    this.addClass('jp-OverlaysPanel');
    this.title.icon = overlaysIcon;
    this.title.caption = this._trans.__('Overlays');
  }

  /**
   * The model the panel shows.
   */
  readonly model: IOverlays;

  protected render(): JSX.Element {
    const model = this.model;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <OverlaysPanelView
            server={model.server}
            overlaysFolder={model.workspace.overlaysFolder}
            frontendVersion={model.frontendVersion}
            onRefresh={() => {
              void model.refreshServer();
              void model.workspace.scan();
            }}
            trans={this._trans}
            configFiles={
              <ConfigFilesView
                files={[THOTH_FILE, AICOE_FILE].map(name => ({
                  name,
                  exists: model.workspace.configFileExists(name)
                }))}
                findings={model.workspace.configFindings}
                onOpen={this._openConfigFile}
                trans={this._trans}
              />
            }
          >
            <DanglingTagsView
              dangling={model.workspace.danglingTags}
              run={this._run}
              trans={this._trans}
            />
            {
              <OverlayList
                overlays={model.workspace.overlays}
                problems={model.workspace.problems}
                scanning={model.workspace.scanning}
                expanded={model.expanded}
                onToggle={this._onToggle}
                jobsOf={this._jobsOf}
                checksOf={this._checksOf}
                debianSuite={
                  model.server.info?.defaults?.base_image_debian_suite ?? null
                }
                historyOf={this._historyOf}
                run={this._run}
                trans={this._trans}
              />
            }
          </OverlaysPanelView>
        )}
      </UseSignal>
    );
  }

  // Stable callbacks, so memoised overlay rows are not re-rendered for nothing.
  private _onToggle = (name: string): void => this.model.toggle(name);
  private _jobsOf = (name: string) => {
    const summary = this.model.jobs.summary(name);
    const image = summary.runtimeImage?.image;
    return image
      ? { ...summary, runtimeImageInfo: this.model.images.get(image) }
      : summary;
  };
  private _checksOf = (overlay: IOverlay) =>
    this.model.indexChecks.forOverlay(overlay);
  private _historyOf = (name: string) => this.model.history.get(name);
  private _openConfigFile = (name: string): void =>
    this._run(CommandIDs.openConfigFile, { name });
  private _trans: TranslationBundle;
  private _run: RunCommand;
}

/**
 * A namespace for OverlaysPanel statics.
 */
export namespace OverlaysPanel {
  /**
   * The options used to create a panel.
   */
  export interface IOptions {
    model: IOverlays;
    trans: TranslationBundle;
    /** Runs the commands the sidebar's buttons name. */
    run: RunCommand;
  }
}
