import type * as nbformat from '@jupyterlab/nbformat';

import {
  extractCell,
  extractImports,
  extractNotebook,
  ExtractionCache,
  prepareCell
} from '..';
import { CELLS } from './corpus';

function describeImports(source: string): string[] {
  return extractCell(source).imports.map(
    item => item.module + (item.optional ? '?' : '')
  );
}

function describePip(source: string): string[] {
  return extractCell(source).pipRequirements.map(
    item => `${item.name} ${item.specifier}`
  );
}

describe('the cell corpus', () => {
  it('has at least 60 cases', () => {
    expect(CELLS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CELLS.map(item => [item.name, item] as const))('%s', (_, item) => {
    expect(describeImports(item.source)).toEqual(item.imports);
    if (item.pip) {
      expect(describePip(item.source)).toEqual(item.pip);
    }
  });
});

describe('extractImports', () => {
  it('records the imported names of from-imports and the line', () => {
    const found = extractImports(
      'x = 1\nfrom google.cloud import (storage as gcs,\n  bigquery)\nfrom m import *'
    );
    expect(found).toEqual([
      {
        module: 'google.cloud',
        names: ['storage', 'bigquery'],
        kind: 'from',
        optional: false,
        line: 1
      },
      { module: 'm', names: ['*'], kind: 'from', optional: false, line: 3 }
    ]);
  });

  it('tells import, from and dynamic imports apart', () => {
    const kinds = extractImports(
      'import a\nfrom b import c\n__import__("d")'
    ).map(item => item.kind);
    expect(kinds).toEqual(['import', 'from', 'dynamic']);
  });
});

describe('prepareCell', () => {
  it('keeps the number of lines', () => {
    const source = '%matplotlib inline\n!pip install x \\\n  y\nimport z';
    const prepared = prepareCell(source);
    expect(prepared.code.split('\n')).toHaveLength(source.split('\n').length);
    expect(prepared.code.split('\n')[3]).toBe('import z');
  });

  it('collects extras and markers of pip requirements', () => {
    const [requirement] = prepareCell(
      '%pip install \'uvicorn[standard]>=0.30 ; python_version >= "3.10"\''
    ).pipRequirements;
    expect(requirement).toEqual({
      name: 'uvicorn',
      specifier: '>=0.30',
      extras: ['standard'],
      marker: 'python_version >= "3.10"'
    });
  });
});

function notebook(
  cells: unknown[],
  metadata: object = {}
): nbformat.INotebookContent {
  return { cells, metadata, nbformat: 4, nbformat_minor: 5 } as any;
}

const code = (source: string | string[]) => ({
  cell_type: 'code',
  source,
  metadata: {},
  outputs: [],
  execution_count: null
});

describe('extractNotebook', () => {
  it('reads code cells only, in order, with their index', () => {
    const found = extractNotebook(
      notebook([
        { cell_type: 'markdown', source: '```python\nimport not_code\n```' },
        code('import first'),
        { cell_type: 'raw', source: 'import raw_not_code' },
        code(['import second\n', 'from third import x'])
      ])
    );
    expect(found.imports.map(item => [item.module, item.cell])).toEqual([
      ['first', 1],
      ['second', 3],
      ['third', 3]
    ]);
  });

  it('loses nothing from other cells when one has a syntax error', () => {
    const found = extractNotebook(
      notebook([
        code('import before'),
        code('def broken(:\n    import recovered\nclass'),
        code('import after')
      ])
    );
    expect(found.imports.map(item => item.module)).toEqual([
      'before',
      'recovered',
      'after'
    ]);
  });

  it('skips malformed cells instead of failing', () => {
    const found = extractNotebook(
      notebook([
        null,
        { cell_type: 'code' },
        { cell_type: 'code', source: 42 },
        { cell_type: 'code', source: ['import ok\n', 7] },
        code('import fine')
      ])
    );
    expect(found.imports.map(item => item.module)).toEqual(['fine']);
  });

  it('reads nothing from a notebook of another language', () => {
    const r = notebook([code('library(ggplot2)\nimport x')], {
      kernelspec: { name: 'ir', language: 'R', display_name: 'R' }
    });
    expect(extractNotebook(r).imports).toEqual([]);
  });

  it('takes a notebook without language metadata as Python', () => {
    expect(extractNotebook(notebook([code('import x')])).imports).toHaveLength(
      1
    );
  });

  it('collects pip requirements across cells', () => {
    const found = extractNotebook(
      notebook([code('%pip install a==1'), code('!pip install b')])
    );
    expect(found.pipRequirements.map(item => item.name)).toEqual(['a', 'b']);
  });

  it('survives a notebook without cells', () => {
    expect(extractNotebook({} as any)).toEqual({
      imports: [],
      pipRequirements: [],
      requirementFiles: []
    });
    expect(extractNotebook(null as any)).toEqual({
      imports: [],
      pipRequirements: [],
      requirementFiles: []
    });
  });
});

describe('ExtractionCache', () => {
  it('parses each distinct cell source once', () => {
    const cache = new ExtractionCache();
    const cells = [code('import a'), code('import b')];
    const first = extractNotebook(notebook(cells), cache);
    expect(cache.size).toBe(2);
    const again = extractNotebook(notebook(cells), cache);
    expect(again).toEqual(first);
    expect(cache.size).toBe(2);
    cells[1] = code('import c');
    expect(
      extractNotebook(notebook(cells), cache).imports.map(item => item.module)
    ).toEqual(['a', 'c']);
    expect(cache.size).toBe(3);
  });

  it('drops the oldest entries beyond its size', () => {
    const cache = new ExtractionCache(2);
    cache.get('import a');
    cache.get('import b');
    cache.get('import c');
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
