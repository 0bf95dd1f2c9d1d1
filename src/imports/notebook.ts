/**
 * Imports of whole notebooks, one parse per code cell, cached by cell source.
 */
import type * as nbformat from '@jupyterlab/nbformat';

import { extractCodeImports, IImport } from './extract';
import { IPipRequirement, prepareCell } from './magics';

/**
 * What one code cell imports and installs.
 */
export interface ICellImports {
  imports: IImport[];
  pipRequirements: IPipRequirement[];
  /** The files its `pip install -r` lines name, as written. */
  requirementFiles: string[];
  /** The 0-based line of its first syntax error; null when it parses. */
  syntaxError: number | null;
}

/**
 * An import found in a notebook, with the index of its cell.
 */
export interface INotebookImport extends IImport {
  /** Index of the cell among all the notebook's cells. */
  cell: number;
}

/**
 * What a notebook imports and installs.
 */
export interface INotebookImports {
  imports: INotebookImport[];
  pipRequirements: IPipRequirement[];
  /** The files its `pip install -r` lines name, as written. */
  requirementFiles: string[];
}

/**
 * The imports and pip requirements of one code cell's source. A syntax error
 * keeps what the parser recovers; nothing throws.
 */
export function extractCell(source: string): ICellImports {
  const prepared = prepareCell(source);
  const { imports, syntaxError } = extractCodeImports(prepared.code);
  return {
    imports,
    pipRequirements: prepared.pipRequirements,
    requirementFiles: prepared.requirementFiles,
    syntaxError
  };
}

/**
 * A bounded cache of cell results keyed by cell source, so re-extracting a
 * notebook after one edit parses only the edited cell.
 */
export class ExtractionCache {
  constructor(readonly maxEntries = 20000) {}

  /**
   * The imports of a cell's source, parsed once.
   */
  get(source: string): ICellImports {
    let result = this._entries.get(source);
    if (result === undefined) {
      result = extractCell(source);
      if (this._entries.size >= this.maxEntries) {
        // Drop the oldest entry (Map keeps insertion order).
        const oldest = this._entries.keys().next().value as string;
        this._entries.delete(oldest);
      }
      this._entries.set(source, result);
    }
    return result;
  }

  get size(): number {
    return this._entries.size;
  }

  clear(): void {
    this._entries.clear();
  }

  private _entries = new Map<string, ICellImports>();
}

/**
 * Whether a notebook is written in Python (by its language_info or kernelspec;
 * a notebook that says nothing is taken as Python).
 */
export function isPythonNotebook(notebook: nbformat.INotebookContent): boolean {
  const metadata = notebook.metadata ?? {};
  const language =
    (metadata.language_info as { name?: string } | undefined)?.name ??
    (metadata.kernelspec as { language?: string } | undefined)?.language;
  return !language || language.toLowerCase().startsWith('python');
}

/**
 * The imports and pip requirements of every code cell of a notebook. Cells
 * that are not code or not strings are skipped; a malformed cell never stops
 * the others from being read.
 */
export function extractNotebook(
  notebook: nbformat.INotebookContent,
  cache?: ExtractionCache
): INotebookImports {
  const result: INotebookImports = {
    imports: [],
    pipRequirements: [],
    requirementFiles: []
  };
  if (
    !notebook ||
    !Array.isArray(notebook.cells) ||
    !isPythonNotebook(notebook)
  ) {
    return result;
  }
  notebook.cells.forEach((cell, index) => {
    if (!cell || cell.cell_type !== 'code') {
      return;
    }
    const source = cellSource(cell.source);
    if (source === null) {
      return;
    }
    const cellResult = cache ? cache.get(source) : extractCell(source);
    for (const item of cellResult.imports) {
      result.imports.push({ ...item, cell: index });
    }
    result.pipRequirements.push(...cellResult.pipRequirements);
    result.requirementFiles.push(...cellResult.requirementFiles);
  });
  return result;
}

/**
 * The code cells of a notebook whose code does not parse, with the 1-based
 * cell number and line of the first error: imports after it may be missed.
 */
export function notebookSyntaxErrors(
  notebook: nbformat.INotebookContent,
  cache?: ExtractionCache
): { cell: number; line: number }[] {
  if (
    !notebook ||
    !Array.isArray(notebook.cells) ||
    !isPythonNotebook(notebook)
  ) {
    return [];
  }
  const found: { cell: number; line: number }[] = [];
  notebook.cells.forEach((cell, index) => {
    const source = cell?.cell_type === 'code' ? cellSource(cell.source) : null;
    if (source === null) {
      return;
    }
    const { syntaxError } = cache ? cache.get(source) : extractCell(source);
    if (syntaxError !== null) {
      found.push({ cell: index + 1, line: syntaxError + 1 });
    }
  });
  return found;
}

/**
 * A cell's source as one string (nbformat allows a string or a list of lines).
 */
export function cellSource(source: unknown): string | null {
  if (typeof source === 'string') {
    return source;
  }
  if (Array.isArray(source) && source.every(line => typeof line === 'string')) {
    return source.join('');
  }
  return null;
}
