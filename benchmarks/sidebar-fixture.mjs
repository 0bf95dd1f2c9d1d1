// Deterministic workspace for the sidebar benchmark: overlays as
// OverlaysWorkspace.overlays holds them (IOverlay of src/workspace/model.ts),
// with realistic names, member notebooks and Pipfile packages. Same seed,
// same overlays, on every machine.

import { makeRandom } from './corpus.mjs';

const DOMAINS = [
  'churn',
  'fraud',
  'demand',
  'credit-risk',
  'nlp',
  'vision',
  'forecast',
  'anomaly',
  'pricing',
  'recsys',
  'sentiment',
  'ocr',
  'etl',
  'geo',
  'ab-test',
  'supply-chain',
  'claims',
  'energy',
  'genomics',
  'telemetry',
  'search',
  'ads',
  'inventory',
  'marketing',
  'hr-analytics',
  'sensor',
  'speech',
  'retail',
  'logistics',
  'clinical'
];

const PURPOSES = [
  'model',
  'eda',
  'pipeline',
  'training',
  'features',
  'serving',
  'reports',
  'baseline',
  'experiments',
  'dashboard',
  'scoring',
  'labeling'
];

const TEAMS = ['data-science', 'analytics', 'ml-platform', 'research', 'ops'];

const STEPS = [
  'download-data',
  'explore',
  'clean',
  'feature-engineering',
  'train-baseline',
  'train',
  'tune-hyperparameters',
  'evaluate',
  'explain',
  'compare-runs',
  'export-model',
  'batch-score',
  'drift-check',
  'report',
  'plots',
  'sql-extract',
  'join-sources',
  'validate-schema'
];

/**
 * [Pipfile key, import names, candidates when several distributions
 * provide the import].
 */
const PACKAGES = [
  ['numpy', ['numpy']],
  ['pandas', ['pandas']],
  ['scipy', ['scipy']],
  ['matplotlib', ['matplotlib']],
  ['seaborn', ['seaborn']],
  ['plotly', ['plotly']],
  ['scikit-learn', ['sklearn']],
  ['statsmodels', ['statsmodels']],
  ['xgboost', ['xgboost']],
  ['lightgbm', ['lightgbm']],
  ['catboost', ['catboost']],
  ['torch', ['torch']],
  ['torchvision', ['torchvision']],
  ['tensorflow', ['tensorflow'], ['tensorflow', 'tensorflow-cpu']],
  ['keras', ['keras']],
  ['transformers', ['transformers']],
  ['datasets', ['datasets']],
  ['tokenizers', ['tokenizers']],
  ['sentencepiece', ['sentencepiece']],
  ['spacy', ['spacy']],
  ['nltk', ['nltk']],
  ['gensim', ['gensim']],
  [
    'opencv-python',
    ['cv2'],
    ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python']
  ],
  ['Pillow', ['PIL'], ['Pillow', 'pillow-simd']],
  ['scikit-image', ['skimage']],
  ['PyYAML', ['yaml']],
  ['requests', ['requests']],
  ['httpx', ['httpx']],
  ['beautifulsoup4', ['bs4']],
  ['lxml', ['lxml']],
  ['SQLAlchemy', ['sqlalchemy']],
  ['psycopg2-binary', ['psycopg2'], ['psycopg2', 'psycopg2-binary']],
  ['pymongo', ['pymongo']],
  ['redis', ['redis']],
  ['boto3', ['boto3']],
  ['google-cloud-storage', ['google.cloud.storage']],
  ['google-cloud-bigquery', ['google.cloud.bigquery']],
  ['azure-storage-blob', ['azure.storage.blob']],
  ['pyarrow', ['pyarrow']],
  ['fastparquet', ['fastparquet']],
  ['polars', ['polars']],
  ['dask', ['dask']],
  ['distributed', ['distributed']],
  ['pyspark', ['pyspark']],
  ['mlflow', ['mlflow']],
  ['wandb', ['wandb']],
  ['optuna', ['optuna']],
  ['hyperopt', ['hyperopt']],
  ['shap', ['shap']],
  ['lime', ['lime']],
  ['joblib', ['joblib']],
  ['tqdm', ['tqdm']],
  ['click', ['click']],
  ['python-dotenv', ['dotenv']],
  ['pydantic', ['pydantic']],
  ['fastapi', ['fastapi']],
  ['uvicorn', ['uvicorn']],
  ['flask', ['flask']],
  ['streamlit', ['streamlit']],
  ['dash', ['dash']],
  ['bokeh', ['bokeh']],
  ['altair', ['altair']],
  ['folium', ['folium']],
  ['geopandas', ['geopandas']],
  ['shapely', ['shapely']],
  ['pyproj', ['pyproj']],
  ['networkx', ['networkx']],
  ['sympy', ['sympy']],
  ['numba', ['numba']],
  ['cython', ['Cython']],
  ['pytz', ['pytz']],
  ['python-dateutil', ['dateutil']],
  ['prophet', ['prophet'], ['prophet', 'fbprophet']],
  ['pmdarima', ['pmdarima']],
  ['sktime', ['sktime']],
  ['imbalanced-learn', ['imblearn']],
  ['category-encoders', ['category_encoders']],
  ['openpyxl', ['openpyxl']],
  ['xlrd', ['xlrd']],
  ['tabulate', ['tabulate']],
  ['rich', ['rich']],
  ['ipywidgets', ['ipywidgets']],
  ['great-expectations', ['great_expectations']],
  ['pandera', ['pandera']],
  ['feast', ['feast']],
  ['onnx', ['onnx']],
  ['onnxruntime', ['onnxruntime'], ['onnxruntime', 'onnxruntime-gpu']],
  ['librosa', ['librosa']],
  ['soundfile', ['soundfile']],
  ['pytesseract', ['pytesseract']],
  ['faiss-cpu', ['faiss'], ['faiss-cpu', 'faiss-gpu']],
  ['sentence-transformers', ['sentence_transformers']],
  ['langdetect', ['langdetect']],
  ['pyodbc', ['pyodbc']],
  ['kafka-python', ['kafka'], ['kafka-python', 'confluent-kafka']],
  ['elasticsearch', ['elasticsearch']]
];

const SOURCES = [
  ['table', 45],
  ['environment', 25],
  ['identity', 10],
  ['pip-magic', 8],
  ['override', 5],
  ['pipfile', 7]
];

/** PEP 503 normalised name. */
const normalise = key => key.toLowerCase().replace(/[-_.]+/g, '-');

function weighted(random, table) {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [value, weight] of table) {
    roll -= weight;
    if (roll < 0) {
      return value;
    }
  }
  return table[table.length - 1][0];
}

function specifier(random, source) {
  if (source === 'pipfile' && random.chance(0.5)) {
    return '*';
  }
  const version = `${random.int(0, 4)}.${random.int(0, 30)}.${random.int(0, 12)}`;
  return random.chance(0.8) ? `==${version}` : `>=${version}`;
}

/**
 * `overlays` overlays of `membersPerOverlay` notebooks each and a mean of
 * `meanPackages` Pipfile packages; `outOfDate` of them out of date.
 */
export function generateOverlays({
  seed,
  overlays: count,
  membersPerOverlay,
  meanPackages,
  outOfDate
}) {
  const random = makeRandom(seed);
  const names = new Set();
  while (names.size < count) {
    const base = `${random.pick(DOMAINS)}-${random.pick(PURPOSES)}`;
    names.add(names.has(base) ? `${base}-${random.int(2, 9)}` : base);
  }
  const sorted = [...names].sort();
  const stale = new Set(random.sample(sorted, outOfDate));
  return sorted.map(name => {
    const team = random.pick(TEAMS);
    const members = random
      .sample(STEPS, membersPerOverlay)
      .map((step, i) => {
        const folder = random.chance(0.7) ? 'notebooks' : 'analysis';
        const number = String(i + 1).padStart(2, '0');
        return `${team}/${name}/${folder}/${number}-${step}.ipynb`;
      })
      .sort();
    const overrides = {};
    const packageCount = random.int(meanPackages - 3, meanPackages + 3);
    const packages = random
      .sample(PACKAGES, packageCount)
      .map(([key, modules, candidates]) => {
        let source = weighted(random, SOURCES);
        const ambiguous =
          !!candidates && source !== 'override' && random.chance(0.35);
        if (source === 'override') {
          overrides[modules[0]] = key;
        }
        if (ambiguous) {
          source = 'table';
        }
        return {
          name: normalise(key),
          key,
          specifier: specifier(random, source),
          source,
          modules: source === 'pipfile' ? [] : modules,
          optional: source !== 'pipfile' && random.chance(0.1),
          ambiguous,
          ...(ambiguous ? { candidates } : {})
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    return {
      name,
      folder: `overlays/${name}`,
      hasPipfile: true,
      pipfileError: null,
      pythonVersion: random.chance(0.6) ? '3.11' : '3.12',
      packages,
      members,
      inThoth: random.chance(0.9),
      inAicoe: random.chance(0.7),
      overrides,
      outOfDate: stale.has(name)
    };
  });
}

const hex = (random, length) =>
  Array.from({ length }, () => random.int(0, 15).toString(16)).join('');

/** The time the jobs are seen at (ms): JobsModel.IOverlayJobs.now. */
export const JOBS_NOW = Date.parse('2026-06-12T10:00:00Z');

function job(random, overlay, kind, state, sourceHash, minutesAgo) {
  const created = JOBS_NOW - minutesAgo * 60_000;
  const started = state === 'queued' ? null : created + 2_000;
  const finished = ['queued', 'running'].includes(state)
    ? null
    : started + random.int(20, 400) * 1000;
  const iso = time => (time === null ? null : new Date(time).toISOString());
  const digest = `sha256:${hex(random, 64)}`;
  return {
    id: hex(random, 12),
    overlay,
    kind,
    backend: kind === 'build' ? 'buildah' : 'pipenv',
    state,
    created: iso(created),
    started: iso(started),
    finished: iso(finished),
    image:
      kind === 'build' && state === 'succeeded'
        ? `localhost/${overlay}:${sourceHash.slice(0, 12)}`
        : null,
    digest: kind === 'build' && state === 'succeeded' ? digest : null,
    source_hash: sourceHash,
    error:
      state === 'failed'
        ? 'pipenv lock: ResolutionFailure: could not find a version that matches numpy==4.30.2 (from -r requirements)'
        : state === 'cancelled'
          ? 'cancelled by the user'
          : null,
    log_size: state === 'queued' ? 0 : random.int(2_000, 400_000),
    progress: state === 'running' ? { step: random.int(1, 6), steps: 7 } : {}
  };
}

/**
 * The lock and build jobs of each overlay, as JobsModel.summary() gives
 * them to the sidebar: most built and locked, some changed since, a few
 * running, queued or failed.
 */
export function generateJobs(seed, overlays) {
  const random = makeRandom(seed);
  const jobs = {};
  for (const { name, hasPipfile } of overlays) {
    const sourceHash = hex(random, 64);
    const status = {
      overlay: name,
      source_hash: sourceHash,
      lock: !hasPipfile
        ? 'missing'
        : weighted(random, [
            ['current', 60],
            ['stale', 10],
            ['missing', 30]
          ])
    };
    const buildState = weighted(random, [
      [null, 35],
      ['succeeded', 52],
      ['failed', 5],
      ['cancelled', 2],
      ['running', 4],
      ['queued', 2]
    ]);
    const lockState = weighted(random, [
      [null, 45],
      ['succeeded', 50],
      ['running', 3],
      ['failed', 2]
    ]);
    // A tenth of the built overlays changed since their last build.
    const builtHash = random.chance(0.1) ? hex(random, 64) : sourceHash;
    const build = buildState
      ? job(random, name, 'build', buildState, builtHash, random.int(1, 5000))
      : null;
    const lastBuilt =
      build?.state === 'succeeded'
        ? build
        : build && random.chance(0.5)
          ? job(random, name, 'build', 'succeeded', builtHash, 9000)
          : null;
    jobs[name] = {
      build,
      lock: lockState
        ? job(random, name, 'lock', lockState, sourceHash, random.int(1, 5000))
        : null,
      lastBuilt,
      status,
      now: JOBS_NOW
    };
  }
  return jobs;
}

/** Counts that describe the generated jobs. */
export function describeJobs(jobs) {
  const count = {};
  for (const { build, lock } of Object.values(jobs)) {
    for (const item of [build, lock]) {
      if (item) {
        const key = `${item.kind} ${item.state}`;
        count[key] = (count[key] ?? 0) + 1;
      }
    }
  }
  return count;
}

/** Counts that describe the generated overlays. */
export function describeOverlays(overlays) {
  const packages = overlays.flatMap(overlay => overlay.packages);
  const bySource = {};
  for (const pkg of packages) {
    bySource[pkg.source] = (bySource[pkg.source] ?? 0) + 1;
  }
  return {
    overlays: overlays.length,
    notebooks: overlays.reduce((sum, o) => sum + o.members.length, 0),
    packages: packages.length,
    optional: packages.filter(pkg => pkg.optional).length,
    ambiguous: packages.filter(pkg => pkg.ambiguous).length,
    outOfDate: overlays.filter(overlay => overlay.outOfDate).length,
    bySource
  };
}
