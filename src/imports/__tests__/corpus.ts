/**
 * Tricky notebook cells and what they import. `imports` lists module paths in
 * source order; a trailing `?` marks an optional import. `pip` lists
 * `%pip install` requirements as `name specifier`.
 */
export interface ICorpusCase {
  name: string;
  source: string;
  imports: string[];
  pip?: string[];
}

export const CELLS: ICorpusCase[] = [
  // Plain Python import statements
  { name: 'plain import', source: 'import os', imports: ['os'] },
  {
    name: 'dotted import with alias',
    source: 'import matplotlib.pyplot as plt',
    imports: ['matplotlib.pyplot']
  },
  {
    name: 'several modules on one line, with aliases',
    source: 'import numpy as np, pandas as pd, sys',
    imports: ['numpy', 'pandas', 'sys']
  },
  {
    name: 'from import',
    source: 'from sklearn.model_selection import train_test_split',
    imports: ['sklearn.model_selection']
  },
  {
    name: 'parenthesised multi-line from import',
    source:
      'from sklearn.metrics import (\n    accuracy_score,\n    f1_score as f1,  # comment\n    roc_auc_score,\n)',
    imports: ['sklearn.metrics']
  },
  {
    name: 'backslash continuations',
    source:
      'from torch.utils.data import \\\n    DataLoader, \\\n    Dataset\nimport \\\n  scipy',
    imports: ['torch.utils.data', 'scipy']
  },
  {
    name: 'semicolon-separated statements',
    source: 'import a; import b; x = 1; from c.d import e',
    imports: ['a', 'b', 'c.d']
  },
  { name: 'star import', source: 'from pylab import *', imports: ['pylab'] },
  {
    name: 'deep from import',
    source: 'from azure.storage.blob.aio import BlobClient',
    imports: ['azure.storage.blob.aio']
  },
  {
    name: 'unicode identifiers around imports',
    source: 'données = 1\nimport polars as pl\nrésultat = pl.DataFrame()',
    imports: ['polars']
  },

  // Nested imports
  {
    name: 'import inside a function',
    source: 'def load():\n    import h5py\n    return h5py.File("x")',
    imports: ['h5py']
  },
  {
    name: 'import inside a method of a class',
    source:
      'class Model:\n    def fit(self):\n        from xgboost import XGBClassifier\n        return XGBClassifier()',
    imports: ['xgboost']
  },
  {
    name: 'import in a class body',
    source: 'class Config:\n    import json\n    loads = json.loads',
    imports: ['json']
  },
  {
    name: 'imports in if / elif / else',
    source:
      'if GPU:\n    import cupy as xp\nelif TPU:\n    import jax.numpy as xp\nelse:\n    import numpy as xp',
    imports: ['cupy', 'jax.numpy', 'numpy']
  },
  {
    name: 'import in a with block',
    source:
      'with open("f") as f:\n    import csv\n    rows = list(csv.reader(f))',
    imports: ['csv']
  },
  {
    name: 'import in a for loop and a while loop',
    source:
      'for i in range(3):\n    import random\nwhile False:\n    import itertools',
    imports: ['random', 'itertools']
  },
  {
    name: 'import in an async function',
    source:
      'async def main():\n    import aiohttp\n    async with aiohttp.ClientSession() as s:\n        pass',
    imports: ['aiohttp']
  },
  {
    name: 'import under a decorator',
    source: '@functools.cache\ndef f():\n    import sympy\n    return sympy.pi',
    imports: ['sympy']
  },
  {
    name: 'import in a match statement',
    source:
      'match backend:\n    case "torch":\n        import torch\n    case _:\n        import tensorflow as tf',
    imports: ['torch', 'tensorflow']
  },
  {
    name: 'TYPE_CHECKING imports still count',
    source:
      'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pyarrow',
    imports: ['typing', 'pyarrow']
  },

  // Dynamic imports
  {
    name: 'importlib.import_module with a literal',
    source: 'import importlib\nmod = importlib.import_module("plotly.express")',
    imports: ['importlib', 'plotly.express']
  },
  {
    name: 'import_module imported by name',
    source: "from importlib import import_module\nimport_module('seaborn')",
    imports: ['importlib', 'seaborn']
  },
  {
    name: '__import__ with a literal',
    source: "yaml = __import__('yaml')",
    imports: ['yaml']
  },
  {
    name: 'dynamic imports of computed names are ignored',
    source:
      'name = "x"\n__import__(name)\nimportlib.import_module(f"pkg.{name}")\n__import__("a" + name)\nimportlib.import_module(".rel", "pkg")',
    imports: []
  },
  {
    name: 'other import_module attributes are not imports',
    source: 'loader.import_module("not_this")\nobj.__import__("nor_this")',
    imports: []
  },
  {
    name: 'triple-quoted literal in import_module',
    source: 'importlib.import_module("""lightgbm""")',
    imports: ['lightgbm']
  },

  // Things that are not imports
  {
    name: 'imports inside strings and comments',
    source:
      's = "import os"\nt = \'from x import y\'\n# import hidden\nimport real',
    imports: ['real']
  },
  {
    name: 'imports inside a docstring',
    source:
      'def f():\n    """Example:\n\n    import not_a_dependency\n    """\n    return 1',
    imports: []
  },
  {
    name: 'imports inside a multi-line string with a % line',
    source: 'sql = """\n%s\nimport not_real\n"""\nimport pandas',
    imports: ['pandas']
  },
  {
    name: 'relative imports are ignored',
    source:
      'from . import sibling\nfrom .utils import helper\nfrom ..pkg.mod import thing\nimport ok',
    imports: ['ok']
  },
  {
    name: '__future__ is ignored',
    source: 'from __future__ import annotations\nimport attr',
    imports: ['attr']
  },
  {
    name: 'the word import in identifiers',
    source: 'important = 1\nimported_data = load()\nreimport(x)',
    imports: []
  },
  { name: 'an empty cell', source: '', imports: [] },
  { name: 'a whitespace-only cell', source: '  \n\t\n', imports: [] },

  // IPython syntax
  {
    name: 'line magics are skipped',
    source:
      '%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport seaborn as sns',
    imports: ['seaborn']
  },
  {
    name: 'shell escapes are skipped',
    source: '!ls -la\n!wget https://example.com/import.py\nimport requests',
    imports: ['requests']
  },
  {
    name: 'assigned shell and magic output',
    source: 'files = !ls *.csv\nenv = %env\na, b = !echo 1 2\nimport glob',
    imports: ['glob']
  },
  {
    name: 'help syntax',
    source: 'np.array?\n??pd.read_csv\nlen??\nimport numpy as np',
    imports: ['numpy']
  },
  {
    name: 'magic continuation lines are skipped',
    source: '!echo import fake \\\n   && echo more\nimport tqdm',
    imports: ['tqdm']
  },
  {
    name: 'magics inside an indented block keep it valid',
    source: 'if True:\n    %time x = 1\n    import pytz',
    imports: ['pytz']
  },
  {
    name: '%%time cell body is Python',
    source: '%%time\nimport lightgbm as lgb\nmodel = lgb.train(params, data)',
    imports: ['lightgbm']
  },
  {
    name: '%%timeit with options',
    source: '%%timeit -n 10 -r 3\nimport math\nmath.sqrt(2)',
    imports: ['math']
  },
  {
    name: '%%capture cell body is Python',
    source: '%%capture output\nimport noisy_lib',
    imports: ['noisy_lib']
  },
  {
    name: '%%bash cell is not Python',
    source: '%%bash\nimport -window root shot.png\npython -c "import os"',
    imports: []
  },
  {
    name: '%%writefile cell is not run',
    source: '%%writefile helper.py\nimport written_not_run',
    imports: []
  },
  {
    name: '%%html and %%javascript cells',
    source: '%%javascript\nimport { x } from "y";',
    imports: []
  },

  // pip magics
  {
    name: '%pip install with specifiers',
    source: '%pip install pandas==2.2.3 "numpy>=1.26,<2" scikit-learn',
    imports: [],
    pip: ['pandas ==2.2.3', 'numpy >=1.26,<2', 'scikit-learn *']
  },
  {
    name: '!pip install with options and values',
    source:
      '!pip install -q -U --index-url https://pypi.example/simple --no-cache-dir -r requirements.txt torch',
    imports: [],
    pip: ['torch *']
  },
  {
    name: 'python -m pip and sys.executable forms',
    source:
      '!python -m pip install rich\n!{sys.executable} -m pip install typer>=0.9\n!pip3 install click',
    imports: [],
    pip: ['rich *', 'typer >=0.9', 'click *']
  },
  {
    name: 'extras and markers',
    source:
      "%pip install 'requests[socks,security]>=2.31' \"tomli; python_version < '3.11'\"",
    imports: [],
    pip: ['requests >=2.31', 'tomli *']
  },
  {
    name: 'paths, URLs and archives are not PyPI requirements',
    source:
      '%pip install . ./local_pkg /abs/path git+https://github.com/x/y.git https://x/y.whl pkg.tar.gz $PKG',
    imports: [],
    pip: []
  },
  {
    name: 'comments and chained commands end the pip arguments',
    source: '!pip install httpx  # the client\n!pip install anyio && echo done',
    imports: [],
    pip: ['httpx *', 'anyio *']
  },
  {
    name: 'shell redirections are not requirements',
    source:
      '!pip install xgboost 2>&1\n!pip install lightgbm > /dev/null\n!pip install catboost &>pip.log\n!pip install shap >>log 2>&1',
    imports: [],
    pip: ['xgboost *', 'lightgbm *', 'catboost *', 'shap *']
  },
  {
    name: 'a specifier must be one (PEP 440)',
    source:
      '%pip install "pandas>=2,<3" "numpy==1.26.*" "scipy>=abc;" "tqdm~=4.66"',
    imports: [],
    pip: ['pandas >=2,<3', 'numpy ==1.26.*', 'tqdm ~=4.66']
  },
  {
    name: 'a pip install continued over lines',
    source: '%pip install \\\n    polars \\\n    duckdb==1.1.0\nimport polars',
    imports: ['polars'],
    pip: ['polars *', 'duckdb ==1.1.0']
  },
  {
    name: 'other pip commands are not installs',
    source: '%pip list\n!pip freeze > req.txt\n%pip uninstall -y foo',
    imports: [],
    pip: []
  },
  {
    name: 'conda and other magics add nothing',
    source: '%conda install scipy\n%load_ext tensorboard',
    imports: [],
    pip: []
  },

  // Optional imports
  {
    name: 'try / except ImportError',
    source:
      'try:\n    import ujson as json\nexcept ImportError:\n    import json',
    imports: ['ujson?', 'json']
  },
  {
    name: 'ModuleNotFoundError with a name',
    source:
      'try:\n    from rich import print\nexcept ModuleNotFoundError as error:\n    pass',
    imports: ['rich?']
  },
  {
    name: 'a tuple of exceptions',
    source:
      'try:\n    import orjson\nexcept (ValueError, ImportError):\n    orjson = None',
    imports: ['orjson?']
  },
  {
    name: 'builtins.ImportError',
    source: 'try:\n    import cchardet\nexcept builtins.ImportError:\n    pass',
    imports: ['cchardet?']
  },
  {
    name: 'second except clause catches ImportError',
    source:
      'try:\n    import fastparquet\nexcept OSError:\n    pass\nexcept ImportError:\n    pass',
    imports: ['fastparquet?']
  },
  {
    name: 'except Exception does not make it optional',
    source: 'try:\n    import boto3\nexcept Exception:\n    boto3 = None',
    imports: ['boto3']
  },
  {
    name: 'else and finally bodies are not optional',
    source:
      'try:\n    import a\nexcept ImportError:\n    pass\nelse:\n    import b\nfinally:\n    import c',
    imports: ['a?', 'b', 'c']
  },
  {
    name: 'nested try: the outer guard counts',
    source:
      'try:\n    try:\n        import inner\n    except KeyError:\n        pass\nexcept ImportError:\n    pass',
    imports: ['inner?']
  },
  {
    name: 'optional import inside a function',
    source:
      'def plot():\n    try:\n        import plotly\n    except ImportError:\n        return None',
    imports: ['plotly?']
  },
  {
    name: 'optional dynamic import',
    source:
      'try:\n    torch = importlib.import_module("torch")\nexcept ImportError:\n    torch = None',
    imports: ['torch?']
  },

  // Syntax errors
  {
    name: 'a syntax error before an import keeps the import',
    source: 'def broken(:\n    pass\nimport kept',
    imports: ['kept']
  },
  {
    name: 'an unclosed parenthesis keeps earlier imports',
    source: 'import first\nprint((1, 2\n',
    imports: ['first']
  },
  {
    name: 'an incomplete from import',
    source: 'from incomplete import\nimport after',
    imports: ['incomplete', 'after']
  },
  {
    name: 'tabs for indentation',
    source: 'if x:\n\timport tabbed\n\ty = 1',
    imports: ['tabbed']
  }
];
