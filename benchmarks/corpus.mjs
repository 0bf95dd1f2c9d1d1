// Deterministic generator of realistic data-science notebooks for the
// import-extraction benchmark. Same seed, same corpus, on every machine.

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function makeRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low, high) => low + Math.floor(next() * (high - low + 1));
  const pick = items => items[Math.floor(next() * items.length)];
  const chance = p => next() < p;
  const sample = (items, count) => {
    const copy = [...items];
    const out = [];
    while (out.length < count && copy.length) {
      out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
    }
    return out;
  };
  return { next, int, pick, chance, sample };
}

// `import module as alias` candidates.
const PLAIN_IMPORTS = [
  ['numpy', 'np'],
  ['pandas', 'pd'],
  ['matplotlib.pyplot', 'plt'],
  ['seaborn', 'sns'],
  ['scipy.stats', 'stats'],
  ['statsmodels.api', 'sm'],
  ['plotly.express', 'px'],
  ['torch', null],
  ['torch.nn', 'nn'],
  ['torch.nn.functional', 'F'],
  ['tensorflow', 'tf'],
  ['xgboost', 'xgb'],
  ['lightgbm', 'lgb'],
  ['dask.dataframe', 'dd'],
  ['pyarrow.parquet', 'pq'],
  ['os', null],
  ['sys', null],
  ['json', null],
  ['re', null],
  ['math', null],
  ['random', null],
  ['pickle', null],
  ['warnings', null],
  ['logging', null],
  ['itertools', null],
  ['requests', null],
  ['joblib', null],
  ['yaml', null],
  ['cv2', null],
  ['mlflow', null],
  ['polars', 'pl'],
  ['networkx', 'nx'],
  ['nltk', null],
  ['shap', null],
  ['optuna', null]
];

// `from module import names` candidates.
const FROM_IMPORTS = [
  [
    'sklearn.model_selection',
    [
      'train_test_split',
      'cross_val_score',
      'GridSearchCV',
      'KFold',
      'StratifiedKFold'
    ]
  ],
  [
    'sklearn.preprocessing',
    ['StandardScaler', 'OneHotEncoder', 'LabelEncoder', 'MinMaxScaler']
  ],
  [
    'sklearn.metrics',
    [
      'accuracy_score',
      'f1_score',
      'roc_auc_score',
      'confusion_matrix',
      'classification_report',
      'mean_squared_error'
    ]
  ],
  [
    'sklearn.ensemble',
    [
      'RandomForestClassifier',
      'GradientBoostingClassifier',
      'RandomForestRegressor'
    ]
  ],
  [
    'sklearn.linear_model',
    ['LogisticRegression', 'Ridge', 'Lasso', 'LinearRegression']
  ],
  ['sklearn.pipeline', ['Pipeline', 'make_pipeline']],
  ['sklearn.compose', ['ColumnTransformer']],
  ['sklearn.impute', ['SimpleImputer']],
  ['sklearn.decomposition', ['PCA', 'TruncatedSVD']],
  ['pathlib', ['Path']],
  ['collections', ['Counter', 'defaultdict', 'OrderedDict']],
  ['datetime', ['datetime', 'timedelta', 'date']],
  ['typing', ['List', 'Dict', 'Optional', 'Tuple', 'Any']],
  ['functools', ['partial', 'lru_cache', 'reduce']],
  ['dataclasses', ['dataclass', 'field']],
  ['tqdm.auto', ['tqdm']],
  ['IPython.display', ['display', 'HTML', 'Markdown']],
  ['PIL', ['Image']],
  [
    'transformers',
    [
      'AutoTokenizer',
      'AutoModelForSequenceClassification',
      'Trainer',
      'TrainingArguments'
    ]
  ],
  ['datasets', ['load_dataset', 'Dataset']],
  ['torch.utils.data', ['DataLoader', 'Dataset', 'random_split']],
  ['google.cloud', ['storage', 'bigquery']],
  ['bs4', ['BeautifulSoup']],
  ['sqlalchemy', ['create_engine', 'text']],
  ['scipy.optimize', ['minimize', 'curve_fit']],
  ['matplotlib', ['cm', 'colors']],
  ['statsmodels.tsa.arima.model', ['ARIMA']]
];

const OPTIONAL_IMPORTS = [
  ['lightgbm', 'lgb'],
  ['xgboost', 'xgb'],
  ['catboost', null],
  ['torch', null],
  ['umap', null],
  ['ujson', 'json'],
  ['orjson', null],
  ['cupy', 'cp']
];

const PIP_PACKAGES = [
  'xgboost==2.0.3',
  'lightgbm',
  'seaborn>=0.13',
  'shap',
  'optuna',
  'polars',
  'transformers[torch]',
  'datasets',
  'umap-learn',
  'catboost',
  'plotly',
  '"scikit-learn>=1.4,<1.6"'
];

const DATASETS = [
  'train',
  'test',
  'sales',
  'customers',
  'events',
  'churn',
  'housing',
  'titanic',
  'reviews',
  'sensor_readings'
];
const COLUMNS = [
  'age',
  'income',
  'price',
  'quantity',
  'region',
  'category',
  'label',
  'score',
  'date',
  'user_id',
  'duration',
  'clicks',
  'revenue',
  'target'
];
const VERBS = [
  'load',
  'clean',
  'prepare',
  'encode',
  'evaluate',
  'plot',
  'summarise',
  'split',
  'train',
  'score',
  'normalise',
  'merge'
];
const NOUNS = [
  'data',
  'features',
  'frame',
  'model',
  'results',
  'metrics',
  'history',
  'batch',
  'sample',
  'predictions'
];
const WORDS = [
  'the',
  'model',
  'data',
  'we',
  'features',
  'note',
  'that',
  'this',
  'is',
  'a',
  'quick',
  'check',
  'of',
  'distribution',
  'values',
  'missing',
  'outliers',
  'baseline',
  'improves',
  'validation',
  'score',
  'compare',
  'with',
  'previous',
  'run',
  'from',
  'warehouse',
  'cleaned',
  'columns',
  'target',
  'leakage',
  'careful',
  'here'
];

/** A generator of notebook cells from one PRNG. */
export function makeCorpusGenerator(seed) {
  const r = makeRandom(seed);
  const col = () => r.pick(COLUMNS);
  const ident = () => `${r.pick(VERBS)}_${r.pick(NOUNS)}`;
  const num = () => r.int(1, 500);
  const sentence = (low, high) => {
    const words = [];
    for (let i = r.int(low, high); i > 0; i--) {
      words.push(r.pick(WORDS));
    }
    const text = words.join(' ');
    return text[0].toUpperCase() + text.slice(1) + '.';
  };
  // Comments now and then say "important" or "imported", which contain
  // `import` and so defeat a substring pre-filter, as in real notebooks.
  const comment = (indent = '') =>
    r.chance(0.04)
      ? `${indent}# ${r.pick(['Important', 'NB: imported', 'Re-imported'])} ${sentence(3, 8).toLowerCase()}`
      : `${indent}# ${sentence(3, 12)}`;

  // --- imports -----------------------------------------------------------

  const plainImport = () => {
    const [module, alias] = r.pick(PLAIN_IMPORTS);
    return alias && r.chance(0.85)
      ? `import ${module} as ${alias}`
      : `import ${module}`;
  };

  const fromImport = () => {
    const [module, names] = r.pick(FROM_IMPORTS);
    const chosen = r.sample(names, r.int(1, Math.min(4, names.length)));
    if (chosen.length >= 3 && r.chance(0.5)) {
      // from x import (\n    a,\n    b,\n)
      const body = chosen.map(name => `    ${name},`).join('\n');
      return `from ${module} import (\n${body}\n)`;
    }
    if (chosen.length >= 2 && r.chance(0.2)) {
      return `from ${module} import (${chosen.join(', ')})`;
    }
    if (r.chance(0.03)) {
      return `from ${module} import *`;
    }
    return `from ${module} import ${chosen.join(', ')}`;
  };

  const optionalImport = () => {
    const [module, alias] = r.pick(OPTIONAL_IMPORTS);
    const name = alias ?? module;
    const statement = alias
      ? `import ${module} as ${alias}`
      : `import ${module}`;
    const caught = r.pick([
      'ImportError',
      'ModuleNotFoundError',
      '(ImportError, ModuleNotFoundError)'
    ]);
    return [
      'try:',
      `    ${statement}`,
      `except ${caught}:`,
      r.chance(0.5)
        ? `    ${name} = None`
        : `    warnings.warn("${module} is not installed; falling back")\n    ${name} = None`
    ].join('\n');
  };

  const importLines = count => {
    const lines = [];
    for (let i = 0; i < count; i++) {
      const roll = r.next();
      if (roll < 0.5) {
        lines.push(plainImport());
      } else if (roll < 0.93) {
        lines.push(fromImport());
      } else if (roll < 0.97) {
        lines.push(
          `import ${r.pick(['os', 're', 'json', 'sys'])}, ${r.pick(['time', 'glob', 'shutil', 'gc'])}`
        );
      } else {
        lines.push('from __future__ import annotations');
      }
    }
    return lines;
  };

  /** The setup cell most notebooks start with. */
  const setupCell = () => {
    const lines = [];
    if (r.chance(0.25)) {
      lines.push(
        `%pip install -q ${r.sample(PIP_PACKAGES, r.int(1, 3)).join(' ')}`
      );
    }
    if (r.chance(0.2)) {
      lines.push(comment());
    }
    lines.push(...importLines(r.int(4, 14)));
    if (r.chance(0.3)) {
      lines.push('', optionalImport());
    }
    if (r.chance(0.45)) {
      lines.push('', '%matplotlib inline');
    }
    if (r.chance(0.2)) {
      lines.push('%load_ext autoreload', '%autoreload 2');
    }
    if (r.chance(0.4)) {
      lines.push('', "warnings.filterwarnings('ignore')");
    }
    if (r.chance(0.4)) {
      lines.push(`pd.set_option('display.max_columns', ${r.int(20, 200)})`);
    }
    if (r.chance(0.3)) {
      lines.push(`np.random.seed(${r.int(0, 2024)})`);
    }
    return lines.join('\n');
  };

  /** A smaller import cell later in the notebook. */
  const laterImportCell = () => {
    const roll = r.next();
    if (roll < 0.35) {
      return [...importLines(r.int(1, 3)), '', ...pandasBody(r.int(1, 4))].join(
        '\n'
      );
    }
    if (roll < 0.55) {
      return functionCell(true);
    }
    if (roll < 0.7) {
      return [optionalImport(), '', ...pandasBody(r.int(0, 3))].join('\n');
    }
    if (roll < 0.8) {
      return [
        'if sys.version_info >= (3, 11):',
        '    import tomllib',
        'else:',
        '    import tomli as tomllib',
        '',
        `with open("${r.pick(DATASETS)}.toml", "rb") as f:`,
        '    config = tomllib.load(f)'
      ].join('\n');
    }
    if (roll < 0.85) {
      return [
        'import importlib',
        '',
        `backend = importlib.import_module("${r.pick(['sklearn.svm', 'sklearn.neighbors', 'scipy.signal'])}")`,
        `${ident()} = getattr(backend, "${r.pick(['SVC', 'KNeighborsClassifier', 'welch'])}")`
      ].join('\n');
    }
    return [
      `%pip install ${r.sample(PIP_PACKAGES, r.int(1, 2)).join(' ')}`,
      ...importLines(r.int(1, 2))
    ].join('\n');
  };

  // --- code without imports ----------------------------------------------

  const pandasLine = () => {
    const d = r.pick(DATASETS);
    const templates = [
      () =>
        `df = pd.read_csv("data/${d}.csv", parse_dates=["date"], low_memory=False)`,
      () =>
        `df = pd.read_parquet(f"s3://bucket/{${r.pick(['year', 'run_id', 'split'])}}/${d}.parquet")`,
      () => `df["${col()}"] = df["${col()}"].fillna(df["${col()}"].median())`,
      () => `df = df[df["${col()}"] > ${num()}].reset_index(drop=True)`,
      () =>
        `summary = df.groupby("${col()}").agg(${col()}_mean=("${col()}", "mean"), n=("${col()}", "size"))`,
      () => `df["${col()}_log"] = np.log1p(df["${col()}"].clip(lower=0))`,
      () =>
        `df = df.merge(${r.pick(NOUNS)}, on="${col()}", how="${r.pick(['left', 'inner', 'outer'])}")`,
      () =>
        `counts = df["${col()}"].value_counts(normalize=True).head(${r.int(5, 20)})`,
      () =>
        `df.loc[df["${col()}"].isna(), "${col()}"] = ${r.pick(['0', 'np.nan', '"unknown"', '-1'])}`,
      () => `X = df.drop(columns=["${col()}", "${col()}"])\ny = df["${col()}"]`,
      () =>
        `pivot = df.pivot_table(index="${col()}", columns="${col()}", values="${col()}", aggfunc="sum")`,
      () =>
        `df["${col()}_bucket"] = pd.cut(df["${col()}"], bins=${r.int(3, 12)}, labels=False)`,
      () =>
        `df["${col()}"] = df["${col()}"].map(lambda v: v.strip().lower() if isinstance(v, str) else v)`,
      () =>
        `${r.pick(NOUNS)} = [x ** 2 for x in range(${num()}) if x % ${r.int(2, 7)} == 0]`,
      () =>
        `print(f"{len(df):,} rows, {df['${col()}'].nunique()} distinct ${col()}")`,
      () => `df.describe(include="all").T`,
      () => `df.head(${r.int(3, 20)})`,
      () => comment()
    ];
    return r.pick(templates)();
  };

  function pandasBody(count) {
    const lines = [];
    for (let i = 0; i < count; i++) {
      lines.push(pandasLine());
    }
    return lines;
  }

  const pandasCell = () => pandasBody(r.int(2, 12)).join('\n');

  const sklearnCell = () => {
    const model = r.pick([
      `RandomForestClassifier(n_estimators=${r.int(50, 500)}, max_depth=${r.int(3, 16)}, n_jobs=-1, random_state=42)`,
      `GradientBoostingClassifier(learning_rate=0.${r.int(1, 9)}, n_estimators=${r.int(50, 400)})`,
      `LogisticRegression(C=${r.int(1, 100) / 10}, max_iter=${r.int(100, 2000)})`,
      `make_pipeline(StandardScaler(), Ridge(alpha=${r.int(1, 50) / 10}))`
    ]);
    const lines = [
      `X_train, X_test, y_train, y_test = train_test_split(`,
      `    X, y, test_size=0.${r.int(1, 3)}, random_state=${r.int(0, 99)}, stratify=y`,
      ')',
      `model = ${model}`,
      'model.fit(X_train, y_train)',
      'pred = model.predict(X_test)'
    ];
    if (r.chance(0.6)) {
      lines.push(
        'print(classification_report(y_test, pred))',
        'print("ROC AUC:", roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))'
      );
    }
    if (r.chance(0.4)) {
      lines.push(
        '',
        `scores = cross_val_score(model, X, y, cv=${r.int(3, 10)}, scoring="${r.pick(['f1', 'accuracy', 'roc_auc'])}")`,
        'print(f"CV: {scores.mean():.3f} ± {scores.std():.3f}")'
      );
    }
    if (r.chance(0.3)) {
      lines.push(
        'importances = pd.Series(model.feature_importances_, index=X.columns)',
        `importances.sort_values(ascending=False).head(${r.int(5, 25)}).plot.barh()`
      );
    }
    return lines.join('\n');
  };

  const plotCell = () => {
    const lines = [
      `fig, axes = plt.subplots(${r.int(1, 3)}, ${r.int(1, 3)}, figsize=(${r.int(6, 16)}, ${r.int(4, 10)}))`
    ];
    for (let i = r.int(1, 4); i > 0; i--) {
      lines.push(
        r.pick([
          `sns.histplot(df["${col()}"], bins=${r.int(10, 80)}, ax=axes.flat[${i - 1}])`,
          `axes.flat[${i - 1}].scatter(df["${col()}"], df["${col()}"], s=${r.int(2, 20)}, alpha=0.${r.int(2, 8)})`,
          `df.plot(x="${col()}", y="${col()}", kind="line", ax=axes.flat[${i - 1}], title="${sentence(2, 5)}")`,
          `sns.boxplot(data=df, x="${col()}", y="${col()}", ax=axes.flat[${i - 1}])`
        ])
      );
    }
    lines.push(
      'plt.tight_layout()',
      r.chance(0.3)
        ? `plt.savefig("figures/${ident()}.png", dpi=150)`
        : 'plt.show()'
    );
    return lines.join('\n');
  };

  function functionCell(withImport = false) {
    const name = ident();
    // Parameters with defaults go last, as Python requires.
    const args = r
      .sample(
        [
          'df',
          'path',
          'model',
          'columns',
          'threshold=0.5',
          'verbose=False',
          'seed=42'
        ],
        r.int(1, 3)
      )
      .sort((a, b) => Number(a.includes('=')) - Number(b.includes('=')));
    const lines = [`def ${name}(${args.join(', ')}):`];
    if (r.chance(0.7)) {
      if (r.chance(0.5)) {
        lines.push(
          `    """${sentence(4, 10)}`,
          '',
          `    ${sentence(6, 18)}`,
          `    ${sentence(4, 12)}`,
          '    """'
        );
      } else {
        lines.push(`    """${sentence(4, 10)}"""`);
      }
    }
    if (withImport) {
      const [module, alias] = r.pick(PLAIN_IMPORTS);
      lines.push(
        alias ? `    import ${module} as ${alias}` : `    import ${module}`
      );
      if (r.chance(0.4)) {
        const [fromModule, names] = r.pick(FROM_IMPORTS);
        lines.push(`    from ${fromModule} import ${r.pick(names)}`);
      }
    }
    lines.push(`    result = {}`);
    for (let i = r.int(2, 8); i > 0; i--) {
      lines.push(
        r.pick([
          `    for name in ${r.pick(['columns', 'df.columns', 'sorted(df.columns)'])}:\n        result[name] = df[name].${r.pick(['mean', 'std', 'sum', 'nunique'])}()`,
          `    for i, chunk in enumerate(np.array_split(df, ${r.int(2, 20)})):\n        # ${sentence(3, 8)}\n        result[f"chunk_{i}"] = chunk["${col()}"].max()`,
          `    if verbose:\n        print(f"${name}: {len(result)} entries")`,
          comment('    '),
          `    df = df.assign(${col()}=lambda d: d["${col()}"] * ${num()})`,
          `    result["${col()}"] = float(np.percentile(df["${col()}"], ${r.int(1, 99)}))`,
          `    with open(path, "w") as handle:\n        handle.write(str(result))`
        ])
      );
    }
    lines.push('    return result');
    if (r.chance(0.5)) {
      lines.push(
        '',
        '',
        `${r.pick(NOUNS)} = ${name}(${args.map(a => a.split('=')[0]).join(', ')})`
      );
    }
    return lines.join('\n');
  }

  const classCell = () =>
    [
      r.chance(0.5) ? '@dataclass' : '',
      `class ${r.pick(['Experiment', 'Config', 'Tabular', 'Windowed'])}${r.pick(['Dataset', 'Settings', 'Runner'])}:`,
      `    """${sentence(4, 12)}"""`,
      '',
      `    def __init__(self, frame, target="${col()}", window=${r.int(2, 64)}):`,
      '        self.frame = frame',
      '        self.target = target',
      '        self.window = window',
      '',
      '    def __len__(self):',
      '        return max(0, len(self.frame) - self.window)',
      '',
      '    def __getitem__(self, index):',
      '        rows = self.frame.iloc[index : index + self.window]',
      '        return rows.drop(columns=[self.target]).values, rows[self.target].values[-1]'
    ]
      .filter((line, i) => i > 0 || line)
      .join('\n');

  const torchCell = () =>
    [
      `loader = DataLoader(dataset, batch_size=${r.pick([16, 32, 64, 128])}, shuffle=True)`,
      `optimizer = torch.optim.AdamW(model.parameters(), lr=${r.pick(['1e-3', '3e-4', '5e-5'])})`,
      `for epoch in range(${r.int(2, 50)}):`,
      '    model.train()',
      '    total = 0.0',
      '    for features, target in loader:',
      '        optimizer.zero_grad()',
      '        loss = F.mse_loss(model(features), target)',
      '        loss.backward()',
      '        optimizer.step()',
      '        total += loss.item()',
      `    if epoch % ${r.int(1, 10)} == 0:`,
      '        print(f"epoch {epoch}: loss {total / len(loader):.4f}")'
    ].join('\n');

  const shortCell = () =>
    r.pick([
      'df.shape',
      'df.info()',
      'len(df)',
      'df.columns.tolist()',
      `df["${col()}"].describe()`,
      `df.sample(${r.int(3, 10)}, random_state=0)`,
      'model',
      `${r.pick(NOUNS)}[:${r.int(3, 20)}]`,
      `display(df.head())`
    ]);

  const magicCell = () =>
    r.pick([
      () => `!ls -la data/`,
      () => `!head -n ${r.int(3, 20)} data/${r.pick(DATASETS)}.csv`,
      () => `%timeit df["${col()}"].sum()`,
      () => `%%time\n${pandasBody(r.int(1, 4)).join('\n')}`,
      () =>
        `%%bash\nset -e\nwc -l data/*.csv\npython -c "import sys; print(sys.version)"`,
      () =>
        `%%writefile utils.py\nimport os\n\n\ndef ${ident()}(path):\n    return os.path.exists(path)`,
      () => `%store ${r.pick(NOUNS)}`,
      () => `!pip install -q ${r.pick(PIP_PACKAGES)}`,
      () => `${pandasLine()}\n!nvidia-smi\n${pandasLine()}`,
      () =>
        `%env CUDA_VISIBLE_DEVICES=0\n%config InlineBackend.figure_format = "retina"`
    ])();

  const markdownCell = () => {
    const lines = [];
    if (r.chance(0.6)) {
      lines.push(
        `${'#'.repeat(r.int(1, 3))} ${sentence(2, 6).slice(0, -1)}`,
        ''
      );
    }
    for (let i = r.int(1, 3); i > 0; i--) {
      lines.push(sentence(8, 40));
    }
    if (r.chance(0.3)) {
      lines.push(
        '',
        ...Array.from({ length: r.int(2, 5) }, () => `- ${sentence(3, 10)}`)
      );
    }
    return lines.join('\n');
  };

  /** A cell saved mid-edit: imports followed by a half-written line. */
  const brokenCell = () =>
    [
      ...importLines(r.int(1, 3)),
      r.pick([
        `df = pd.read_csv("data/${r.pick(DATASETS)}.csv"`,
        'print "done"',
        `for ${col()} in df.columns`
      ])
    ].join('\n');

  const codeCell = index => {
    if (index === 0 && r.chance(0.9)) {
      return { source: setupCell(), imports: true };
    }
    const roll = r.next();
    if (roll < 0.2) {
      return { source: laterImportCell(), imports: true };
    }
    if (roll < 0.202) {
      return { source: brokenCell(), imports: true };
    }
    if (roll < 0.4) {
      return { source: pandasCell(), imports: false };
    }
    if (roll < 0.5) {
      return { source: sklearnCell(), imports: false };
    }
    if (roll < 0.6) {
      return { source: plotCell(), imports: false };
    }
    if (roll < 0.72) {
      return { source: functionCell(false), imports: false };
    }
    if (roll < 0.76) {
      return { source: classCell(), imports: false };
    }
    if (roll < 0.82) {
      return { source: torchCell(), imports: false };
    }
    if (roll < 0.92) {
      return { source: shortCell(), imports: false };
    }
    return { source: magicCell(), imports: false };
  };

  /** Source lines as .ipynb files store them: each line keeps its `\n`. */
  const toLines = source => source.split(/(?<=\n)/);

  const notebook = (cellCount, asLines = true) => {
    const cells = [];
    let codeIndex = 0;
    for (let i = 0; i < cellCount; i++) {
      if (i > 0 && r.chance(0.3)) {
        const source = markdownCell();
        cells.push({
          cell_type: 'markdown',
          metadata: {},
          source: asLines ? toLines(source) : source
        });
        continue;
      }
      const { source } = codeCell(codeIndex++);
      cells.push({
        cell_type: 'code',
        execution_count: null,
        metadata: {},
        outputs: [],
        source: asLines ? toLines(source) : source
      });
    }
    return {
      cells,
      metadata: {
        kernelspec: {
          display_name: 'Python 3',
          language: 'python',
          name: 'python3'
        },
        language_info: { name: 'python', version: '3.11.7' }
      },
      nbformat: 4,
      nbformat_minor: 5
    };
  };

  return { random: r, notebook, setupCell, laterImportCell, importLines };
}

/**
 * Notebooks until their code cells hold at least `targetBytes` of source
 * (UTF-8), as .ipynb files store them (source as a list of lines).
 */
export function generateCorpus(seed, targetBytes) {
  const generator = makeCorpusGenerator(seed);
  const notebooks = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const nb = generator.notebook(generator.random.int(15, 80));
    for (const cell of nb.cells) {
      if (cell.cell_type === 'code') {
        bytes += Buffer.byteLength(cell.source.join(''), 'utf8');
      }
    }
    notebooks.push(nb);
  }
  return { notebooks, bytes };
}
