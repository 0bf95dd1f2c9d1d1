/**
 * The edits of `.thoth.yaml` and `.aicoe-ci.yaml` an action makes: what a new
 * overlay adds to them, and every edit planned (all files read and edited in
 * memory) before any is written, so a broken file stops the action whole.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import {
  addAicoeOverlay,
  addThothOverlay,
  AICOE_FILE,
  imageRepository,
  THOTH_FILE
} from '../overlay';
import { IWorkspaceFiles } from './files';
import { IWorkspaceSettings, OverlayError } from './types';

/** A configuration file and the edit to make to its text. */
export type ConfigEdit = [string, (text: string) => string];

/** A configuration file's new text, and its text now (null: a new file). */
export interface IPlannedEdit {
  path: string;
  text: string;
  before: string | null;
}

/**
 * The edits of `.thoth.yaml` and `.aicoe-ci.yaml` for a new overlay, by the
 * sync settings.
 */
export function newOverlayEdits(
  name: string,
  pythonVersion: string,
  settings: IWorkspaceSettings,
  overlaysFolder: string
): ConfigEdit[] {
  const edits: ConfigEdit[] = [];
  if (settings.syncThoth) {
    edits.push([
      THOTH_FILE,
      text =>
        addThothOverlay(
          text,
          {
            name,
            pythonVersion,
            operatingSystem: { name: 'ubi', version: '9' }
          },
          overlaysFolder
        )
    ]);
  }
  if (settings.syncAicoe) {
    // The image repository the server's builds use too.
    const project = settings.project
      ? imageRepository(settings.project, name)
      : name.toLowerCase();
    edits.push([
      AICOE_FILE,
      text =>
        addAicoeOverlay(
          text,
          {
            name,
            buildStrategy: 'Source',
            baseImage: settings.aicoeBaseImage || undefined,
            registry: settings.registry || undefined,
            registryOrg: settings.registryOrg || undefined,
            registryProject: project,
            registrySecret: settings.registryOrg
              ? `${settings.registryOrg}-pusher-secret`
              : undefined
          },
          overlaysFolder
        )
    ]);
  }
  return edits;
}

/**
 * The new texts of configuration files, computed before anything is written:
 * a file that cannot be read stops the action with an OverlayError. Missing
 * files are created only with `create`.
 */
export async function planEdits(
  files: IWorkspaceFiles,
  edits: ConfigEdit[],
  trans: TranslationBundle,
  create = false
): Promise<IPlannedEdit[]> {
  const planned: IPlannedEdit[] = [];
  for (const [path, edit] of edits) {
    const text = await files.read(path);
    if (text === null && !create) {
      continue;
    }
    let next: string;
    try {
      next = edit(text ?? '');
    } catch (error) {
      throw new OverlayError(
        trans.__(
          '%1 cannot be read, so it was left unchanged: %2',
          path,
          (error as Error).message
        )
      );
    }
    if (next !== text) {
      planned.push({ path, text: next, before: text });
    }
  }
  return planned;
}
