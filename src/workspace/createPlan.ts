/**
 * What creating an overlay writes, planned before anything is: its Pipfile
 * from its notebooks' imports (and their `%pip install` requirements), and
 * the edits of `.thoth.yaml` and `.aicoe-ci.yaml` that register it.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { majorMinor } from '../imports';
import {
  DEFAULT_PYTHON_VERSION,
  nameProblem,
  newPipfile,
  PackageValue,
  requirementsMetadataPackages,
  requirementValue
} from '../overlay';
import { IPlannedEdit, newOverlayEdits, planEdits } from './configEdits';
import type { IFileChange } from './fileChanges';
import { IWorkspaceFiles } from './files';
import { advised, indexOverrides, IPackageIndex } from './indexAdvice';
import { nameProblemMessage } from './messages';
import { WorkspaceScan } from './scan';
import {
  IWorkspaceSettings,
  OVERLAY_FILE,
  overlayFileText,
  OverlayError,
  PIPFILE
} from './types';

/** A new overlay's Pipfile, `overlay.json` and configuration edits. */
export interface ICreatePlan {
  pipfile: IFileChange;
  /** `overlay.json`, when the index placed dotted imports; else null. */
  overrides: IFileChange | null;
  edits: IPlannedEdit[];
}

/** Where a plan reads from. */
export interface ICreatePlanContext {
  files: IWorkspaceFiles;
  state: WorkspaceScan;
  settings: IWorkspaceSettings;
  trans: TranslationBundle;
  /** The package index, for holds and dotted imports; null: none asked. */
  index: IPackageIndex | null;
}

/**
 * Plan the overlay `name` for notebooks `paths`. The Python version is the one
 * asked for, else the setting's, else the notebooks' kernel's, else the
 * default. Dependencies the index says to hold back are capped (when the
 * setting lets it), and dotted imports go to the projects the index says
 * they are in (when it answers in time). A name in use or invalid,
 * or a configuration file that cannot be read, throws before anything is
 * written.
 */
export async function planCreate(
  context: ICreatePlanContext,
  name: string,
  paths: string[],
  pythonVersion?: string
): Promise<ICreatePlan> {
  const { state, settings, trans } = context;
  const problem = nameProblem(
    name,
    state.overlays.map(overlay => overlay.name)
  );
  if (problem) {
    throw new OverlayError(nameProblemMessage(trans, name, problem));
  }
  const notebooks = await state.notebookContents(paths);
  const environment = await state.environmentFor(notebooks);
  const version =
    pythonVersion ||
    settings.pythonVersion ||
    majorMinor(environment?.pythonVersion) ||
    DEFAULT_PYTHON_VERSION;

  let requirements = await state.requirements(
    notebooks,
    {},
    environment,
    version
  );
  // Dotted imports the index places in other projects (`zc.lockfile`): the
  // overrides a scan reads back, so the Pipfile and the sidebar agree.
  const overrides = await indexOverrides(context.index, requirements, version);
  if (Object.keys(overrides).length) {
    requirements = await state.requirements(
      notebooks,
      overrides,
      environment,
      version
    );
  }
  const packages: Record<string, PackageValue> = {};
  for (const notebook of notebooks) {
    Object.assign(
      packages,
      requirementsMetadataPackages(notebook.content.metadata)
    );
  }
  for (const requirement of requirements) {
    packages[requirement.name] = requirementValue(requirement);
  }
  // Plan every edit first: a configuration file that cannot be read stops
  // the action before anything is written.
  const edits = await planEdits(
    context.files,
    newOverlayEdits(name, version, settings, state.overlaysFolder),
    trans,
    true
  );
  const held = await advised(
    settings.holdBackDependencies ? context.index : null,
    requirements,
    packages,
    version
  );
  const pipfile = {
    path: `${state.folder(name)}/${PIPFILE}`,
    before: null,
    after: newPipfile(held.packages, version, held.comments)
  };
  const placed = Object.keys(overrides).length
    ? {
        path: `${state.folder(name)}/${OVERLAY_FILE}`,
        before: null,
        after: overlayFileText(overrides)
      }
    : null;
  return { pipfile, overrides: placed, edits };
}

/** Planned configuration edits as file changes. */
export function editChanges(edits: IPlannedEdit[]): IFileChange[] {
  return edits.map(edit => ({
    path: edit.path,
    before: edit.before,
    after: edit.text
  }));
}
