import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { Debouncer } from '@lumino/polling';

import { importEnvironment, OverlaysClient } from '../api';
import type { IImportEnvironment } from '../imports/resolve';
import { JobsModel } from '../jobs/model';
import { OverlaysModel } from '../model';
import { TrackerNotebookAccess } from '../notebookAccess';
import { DEFAULT_OVERLAYS_FOLDER, DEFAULT_PROJECT } from '../overlay/names';
import { IOverlaysSettings, readSettings } from '../settings';
import { IOverlays, OverlaysAPI, PLUGIN_ID } from '../tokens';
import { ContentsFiles, ServerConfigFiles } from '../workspace/files';
import { OverlaysWorkspace } from '../workspace/model';
import { ProviderLookup } from '../workspace/providers';
import type { IWorkspaceSettings } from '../workspace/types';

/**
 * The workspace's overlays (`IOverlays`): the REST client, the settings, the
 * overlays and their jobs, kept in step with the file system and the server.
 */
export const corePlugin: JupyterFrontEndPlugin<IOverlays> = {
  id: PLUGIN_ID,
  description:
    "Provides the workspace's overlays: settings, server state, overlays, their jobs and runtime images.",
  autoStart: true,
  provides: IOverlays,
  requires: [ISettingRegistry],
  optional: [ITranslator, INotebookTracker],
  activate: (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry,
    translator: ITranslator | null,
    notebooks: INotebookTracker | null
  ): IOverlays => {
    const trans = (translator ?? nullTranslator).load('jupyterlab_overlays');
    const client = new OverlaysClient({
      serverSettings: app.serviceManager.serverSettings
    });
    const model: OverlaysModel = new OverlaysModel({
      client,
      workspace: new OverlaysWorkspace({
        files: new ContentsFiles(
          app.serviceManager.contents,
          new ServerConfigFiles(client)
        ),
        access: notebooks
          ? new TrackerNotebookAccess({ tracker: notebooks })
          : null,
        environment: Private.environments(client),
        providers: Private.providers(client),
        // The sidebar's cache of index answers, for what Create writes.
        index: {
          verdicts: (queries, python) =>
            model.indexChecks.verdicts(queries, python),
          providers: (modules, python) =>
            model.indexChecks.providers(modules, python),
          uses: (queries, python) => model.indexChecks.uses(queries, python)
        },
        settings: () => Private.workspaceSettings(model),
        trans
      }),
      jobs: new JobsModel({
        client,
        // Overlays whose names the server refuses have no jobs to ask about.
        overlays: () =>
          model.workspace.overlays
            .filter(overlay => !overlay.nameProblem)
            .map(overlay => overlay.name),
        registration: () => Private.registration(model.settings),
        events: app.serviceManager.events
      })
    });
    const { workspace, jobs } = model;

    // Follow the workspace: a saved notebook may have gained an import; any
    // other change may touch an overlay's files.
    const rescan = new Debouncer(() => workspace.scan(), 500);
    const refreshStatuses = new Debouncer(() => jobs.refreshStatuses(), 300);
    workspace.changed.connect(() => void refreshStatuses.invoke());
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      const path = change.newValue?.path ?? change.oldValue?.path ?? '';
      if (change.type === 'save' && path.endsWith('.ipynb')) {
        void workspace.notebookSaved(path);
      } else if (change.type === 'new' && path.endsWith('.ipynb')) {
        // A duplicate keeps its original's tag: the workspace says so.
        void workspace.notebookSaved(path, true);
      } else {
        void rescan.invoke();
      }
    });
    // The server keeps each overlay's runtime image; it follows renames.
    workspace.overlayRenamed.connect((_, { name, newName }) => {
      jobs.overlayRenamed(name, newName).catch(reason => {
        console.warn('jupyterlab-overlays: runtime image not moved', reason);
      });
    });

    const settingsLoaded = settingRegistry
      .load(PLUGIN_ID)
      .then(settings => {
        const update = () => {
          model.settings = readSettings(settings.composite as any);
        };
        update();
        settings.changed.connect(update, model);
      })
      .catch(reason => {
        console.error('jupyterlab-overlays: cannot load settings', reason);
      });

    // The server names the overlays folder: scan when it is known.
    const serverKnown = model.refreshServer();
    let folder = Private.overlaysFolder(model);
    model.changed.connect(() => {
      const next = Private.overlaysFolder(model);
      if (next !== folder) {
        folder = next;
        void workspace.scan();
      }
    });
    void app.restored.then(async () => {
      await Promise.all([settingsLoaded, serverKnown]);
      await workspace.scan();
    });
    return model;
  }
};

namespace Private {
  /**
   * What each kernelspec's Python has installed: one probe per kernelspec
   * per session; a failure is retried next time.
   */
  export function environments(
    client: OverlaysClient
  ): (kernel: string) => Promise<IImportEnvironment> {
    const environments = new Map<string, Promise<IImportEnvironment>>();
    return kernel => {
      let pending = environments.get(kernel);
      if (!pending) {
        pending = client.environment(kernel).then(importEnvironment);
        pending.catch(() => environments.delete(kernel));
        environments.set(kernel, pending);
      }
      return pending;
    };
  }

  /**
   * The server's table of distribution metadata, asked once per name.
   */
  export function providers(client: OverlaysClient): ProviderLookup {
    return new ProviderLookup(async modules => {
      const answer = await client.providers(modules);
      return Object.fromEntries(
        Object.entries(answer.providers).map(([module, found]) => [
          module,
          found.distribution
        ])
      );
    });
  }

  /**
   * The settings the workspace acts with: the project defaults to the
   * server's (the workspace folder's name, made fit for image names).
   */
  export function workspaceSettings(model: OverlaysModel): IWorkspaceSettings {
    const settings = model.settings;
    const project =
      settings.project ||
      model.server.info?.defaults?.project ||
      DEFAULT_PROJECT;
    return { ...settings, project, overlaysFolder: overlaysFolder(model) };
  }

  /**
   * The overlays folder the server builds from (one source of truth);
   * `.thoth.yaml` still wins, read by the scan.
   */
  export function overlaysFolder(model: OverlaysModel): string {
    return model.server.info?.defaults?.overlays_dir || DEFAULT_OVERLAYS_FOLDER;
  }

  /**
   * Whether and how the server registers builds as Elyra runtime images.
   */
  export function registration(
    settings: IOverlaysSettings
  ): OverlaysAPI.IRegistrationSettings {
    return {
      register: settings.registerRuntimeImages,
      pull_policy: settings.runtimeImagePullPolicy
    };
  }
}
