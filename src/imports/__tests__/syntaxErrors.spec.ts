import { extractCodeImports } from '../extract';
import { notebookSyntaxErrors } from '../notebook';

const VALID = [
  'import os\nmatch os.name:\n    case "nt":\n        pass\n    case _:\n        pass\n',
  'import re\nif (m := re.match("a", "a")):\n    print(m)\n',
  'import typing\ntype Vector = list[float]\n',
  'import math\nw = 5\nprint(f"{math.pi!r:>{w}}")\n',
  'import asyncio\nasync def f(xs):\n    return [x async for x in xs]\n',
  'import functools\n@functools.cache\ndef g(*a, b=1, **k):\n    return lambda x: x\n',
  'import numpy as np\na = np.zeros((2, 2))\nb = a[..., 0]\nc = a @ a\n',
  'import os\nprint(*os.sep, sep="")\nx = {**{}, "a": 1}\n'
];

describe('syntax errors', () => {
  it.each(VALID.map((code, index) => [index, code]))(
    'finds none in valid Python %s',
    (_, code) => {
      expect(extractCodeImports(code as string).syntaxError).toBeNull();
    }
  );

  it('gives the line of the first error, and keeps the imports it can', () => {
    const found = extractCodeImports(
      'import os\ndef f(:\n    pass\nimport sys\n'
    );
    expect(found.syntaxError).toBe(1);
    expect(found.imports.map(item => item.module)).toContain('os');
  });

  it('names the cell and line of each notebook cell that does not parse', () => {
    const notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: 'markdown', source: 'import this is prose', metadata: {} },
        {
          cell_type: 'code',
          source: ['import os\n', 'x = (\n'],
          metadata: {},
          outputs: [],
          execution_count: null
        },
        {
          cell_type: 'code',
          source: '%pip install pandas\nimport pandas',
          metadata: {},
          outputs: [],
          execution_count: null
        },
        {
          cell_type: 'code',
          source: 'def f(:\n    pass',
          metadata: {},
          outputs: [],
          execution_count: null
        }
      ]
    } as any;
    expect(notebookSyntaxErrors(notebook)).toEqual([{ cell: 2, line: 2 }]);
  });
});
