/**
 * Python import extraction and import → distribution resolution.
 *
 * Pure: no JupyterLab imports at run time; runs in Node, jest and the browser.
 */
import type * as nbformat from '@jupyterlab/nbformat';

import type { IPipRequirement } from './magics';
import { ExtractionCache, extractNotebook } from './notebook';
import { IRequirement, IResolveOptions, resolveRequirements } from './resolve';

export * from './extract';
export * from './localPaths';
export * from './magics';
export * from './notebook';
export * from './resolve';

/**
 * Options of `requirementsFromNotebook`.
 */
export interface IRequirementsOptions extends IResolveOptions {
  /** A cell cache shared between calls, so re-extraction parses only edits. */
  cache?: ExtractionCache;
  /**
   * The requirements of the files `pip install -r` lines name (read by the
   * caller, which knows where the notebooks are), as explicit requirements.
   */
  fileRequirements?: IPipRequirement[];
}

/**
 * The PyPI requirements of one notebook: its imports (and `%pip install`
 * lines) resolved to distributions, sorted by name. Never throws on a
 * malformed notebook; it reads what it can.
 */
export function requirementsFromNotebook(
  notebook: nbformat.INotebookContent,
  options: IRequirementsOptions = {}
): IRequirement[] {
  return requirementsFromNotebooks([notebook], options);
}

/**
 * The PyPI requirements of several notebooks together (an overlay's members).
 */
export function requirementsFromNotebooks(
  notebooks: nbformat.INotebookContent[],
  options: IRequirementsOptions = {}
): IRequirement[] {
  const imports = [];
  const pipRequirements = [];
  for (const notebook of notebooks) {
    const found = extractNotebook(notebook, options.cache);
    imports.push(...found.imports);
    pipRequirements.push(...found.pipRequirements);
  }
  pipRequirements.push(...(options.fileRequirements ?? []));
  return resolveRequirements(imports, pipRequirements, options);
}
