/**
 * What the workspace model is made of: an overlay as the sidebar shows it,
 * its packages, access to open notebooks, the settings it acts with, and the
 * error of an action the user must correct.
 */
import type * as nbformat from '@jupyterlab/nbformat';

import type { RequirementSource } from '../imports';
import type { NameProblem } from '../overlay';
import type { IOverlaysSettings } from '../settings';

/** The file, in each overlay's folder, that keeps the user's picks. */
export const OVERLAY_FILE = 'overlay.json';

/** The text of an overlay's `overlay.json`: import name → distribution picks. */
export function overlayFileText(overrides: Record<string, string>): string {
  return JSON.stringify({ overrides }, null, 2) + '\n';
}
export const PIPFILE = 'Pipfile';
export const LOCKFILE = 'Pipfile.lock';

/**
 * A package of an overlay as the sidebar shows it.
 */
export interface IOverlayPackage {
  /** PEP 503 normalised name. */
  name: string;
  /** The key as written in the Pipfile. */
  key: string;
  specifier: string;
  /** Where the package came from; `pipfile` when the user wrote it. */
  source: RequirementSource | 'pipfile';
  modules: string[];
  /** The dotted import paths behind it (`colorcet.plotting`), when any. */
  paths?: string[];
  optional: boolean;
  ambiguous: boolean;
  candidates?: string[];
  /** The version `Pipfile.lock` pins, when the overlay is locked. */
  locked?: string;
}

/**
 * One overlay of the workspace.
 */
export interface IOverlay {
  name: string;
  /**
   * Why the name is no longer accepted (a name earlier versions took, such
   * as `train_`): it must be renamed before it is locked or built.
   */
  nameProblem: NameProblem | null;
  /** `overlays/<name>`. */
  folder: string;
  hasPipfile: boolean;
  /** Why the Pipfile cannot be read, when it cannot. */
  pipfileError: string | null;
  pythonVersion: string | null;
  packages: IOverlayPackage[];
  /** Paths of the notebooks tagged to it. */
  members: string[];
  inThoth: boolean;
  inAicoe: boolean;
  /** The base image `.aicoe-ci.yaml` builds it on, when it names one. */
  aicoeBaseImage?: string | null;
  /** Import name → distribution picks (empty string: ignore the import). */
  overrides: Record<string, string>;
  /** Its notebooks import packages its Pipfile lacks. */
  outOfDate: boolean;
  /**
   * Cells of its notebooks that do not parse (1-based cell and line): their
   * imports after the error may be missed.
   */
  syntaxErrors?: { path: string; cell: number; line: number }[];
}

/**
 * Access to open notebooks, so edits go through their models, never behind
 * the editor's back. The plugin implements it with the notebook tracker.
 */
export interface INotebookAccess {
  /** The content of an open notebook, unsaved edits included; null when not open. */
  openContent(path: string): nbformat.INotebookContent | null;
  /**
   * Set (or with null, remove) `metadata.overlay` of an open notebook through
   * its model; false when the notebook is not open.
   */
  tagOpen(path: string, name: string | null): Promise<boolean>;
  /** Whether an open notebook has unsaved changes (false when not open). */
  isDirty?(path: string): boolean;
}

/**
 * Settings the workspace reads each time it acts: the user's settings, with
 * `project` filled in, and the overlays folder the server builds from
 * (`OverlaysConfig.overlays_dir`; `.thoth.yaml`'s `overlays_dir` wins on both
 * sides).
 */
export type IWorkspaceSettings = IOverlaysSettings & { overlaysFolder: string };

/**
 * A problem the user must fix before an action can go on.
 */
export class OverlayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverlayError';
  }
}

/**
 * A notebook found in the workspace.
 */
export interface INotebookRecord {
  path: string;
  lastModified: string;
  overlay: string | null;
  content: nbformat.INotebookContent;
}
