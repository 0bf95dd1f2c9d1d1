#!/usr/bin/env node
// Benchmark of src/imports: extraction throughput against CPython `ast`, and
// re-extraction of a 1,000-cell notebook after a one-cell edit.
//
//   node benchmarks/imports.mjs            (from the repository root)
//   node benchmarks/imports.mjs --quick    (fewer runs, smaller corpus)
//   node benchmarks/imports.mjs --profile  (also: where extraction time goes)
//
// src/imports is compiled and loaded as the command-line tools load src/
// (scripts/compile-src.mjs). The CPython side is benchmarks/ast_baseline.py,
// run with .venv/bin/python. The corpus comes from benchmarks/corpus.mjs,
// seeded, so every run measures the same notebooks. It reports; it never
// fails on a missed target.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { loadSource } from '../scripts/compile-src.mjs';
import { generateCorpus, makeCorpusGenerator, makeRandom } from './corpus.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

const argv = new Set(process.argv.slice(2));
const QUICK = argv.has('--quick');
const PROFILE = argv.has('--profile');

const CORPUS_SEED = 20240611;
const EDIT_SEED = 7;
const CORPUS_BYTES = QUICK ? 1_000_000 : 5_000_000;
const THROUGHPUT = { warmup: 2, runs: QUICK ? 3 : 11 };
const AST = { warmup: 1, runs: QUICK ? 3 : 7, prefilterRuns: QUICK ? 2 : 5 };
const COLD = { warmup: 3, runs: QUICK ? 5 : 15 };
const EDITS = { warmup: 30, runs: QUICK ? 100 : 400 };
const NOTEBOOK_CELLS = 1000;
const TARGET_RATIO = 2;
const TARGET_EDIT_MS = 5;

// --- helpers -------------------------------------------------------------

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Nearest-rank percentile. */
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

const fixed = (value, digits = 2) => value.toFixed(digits);
const verdict = ok => (ok ? 'PASS' : 'MISS');

/** Time `fn` `runs` times after `warmup` untimed calls; milliseconds. */
function timeRuns(fn, { warmup, runs }) {
  let sink = 0;
  for (let i = 0; i < warmup; i++) {
    sink += fn();
  }
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    sink += fn();
    times.push(performance.now() - start);
  }
  return { times, sink };
}

function section(title) {
  console.log(`\n== ${title}`);
}

// --- build ---------------------------------------------------------------

function build() {
  const start = performance.now();
  const lib = loadSource('imports/index');
  const lezer = path.relative(
    ROOT,
    createRequire(path.join(ROOT, 'package.json')).resolve('@lezer/python')
  );
  console.log(
    `loaded src/imports (scripts/compile-src.mjs) in ${fixed((performance.now() - start) / 1000, 1)} s; ` +
      `@lezer/python from ${lezer}`
  );
  return lib;
}

// --- corpus --------------------------------------------------------------

function codeCells(notebooks) {
  const cells = [];
  notebooks.forEach((notebook, n) => {
    notebook.cells.forEach((cell, c) => {
      if (cell.cell_type === 'code') {
        cells.push({ n, c, source: cell.source.join('') });
      }
    });
  });
  return cells;
}

function describeCorpus(lib, notebooks, bytes) {
  const cells = codeCells(notebooks);
  const allCells = notebooks.reduce((sum, nb) => sum + nb.cells.length, 0);
  let withImports = 0;
  let withMagics = 0;
  let cellMagics = 0;
  for (const { source } of cells) {
    if (lib.extractCell(source).imports.length) {
      withImports++;
    }
    if (/^\s*[%!]/m.test(source)) {
      withMagics++;
    }
    if (source.startsWith('%%')) {
      cellMagics++;
    }
  }
  const pct = count => `${fixed((100 * count) / cells.length, 1)}%`;
  console.log(
    `${notebooks.length} notebooks, ${allCells} cells, ${cells.length} code cells; ` +
      `${fixed(bytes / 1e6)} MB of code-cell source (MB = 10^6 bytes, UTF-8)`
  );
  console.log(
    `code cells with imports ${pct(withImports)}, with IPython lines ${pct(withMagics)}, ` +
      `cell magics ${pct(cellMagics)}; mean code cell ${Math.round(bytes / cells.length)} bytes`
  );
  return cells;
}

// --- 1. throughput -------------------------------------------------------

function measureThroughput(lib, notebooks, bytes) {
  const run = () => {
    let found = 0;
    for (const notebook of notebooks) {
      found += lib.extractNotebook(notebook).imports.length;
    }
    return found;
  };
  const { times } = timeRuns(run, THROUGHPUT);
  const ms = median(times);
  return { ms, mbPerS: bytes / 1e6 / (ms / 1000), runs: times.length };
}

/**
 * Like-for-like with the ast baseline, which parses every cell: the same
 * work as extractNotebook, but with extractImports' `includes('import')`
 * shortcut defeated by a trailing `#import` comment line on every cell.
 */
function measureEveryCellParsed(lib, notebooks, bytes) {
  const run = () => {
    let found = 0;
    for (const notebook of notebooks) {
      for (const cell of notebook.cells) {
        if (cell.cell_type === 'code') {
          const code = lib.prepareCell(lib.cellSource(cell.source)).code;
          found += lib.extractImports(code + '\n#import').length;
        }
      }
    }
    return found;
  };
  const { times } = timeRuns(run, { warmup: 1, runs: THROUGHPUT.runs });
  const ms = median(times);
  return { ms, mbPerS: bytes / 1e6 / (ms / 1000), runs: times.length };
}

/** Per code cell, our sorted top-level modules (static imports only). */
function ourCellModules(lib, notebooks) {
  const perCell = [];
  let dynamic = 0;
  for (const notebook of notebooks) {
    const byCell = new Map();
    for (const item of lib.extractNotebook(notebook).imports) {
      if (item.kind === 'dynamic') {
        dynamic++;
        continue;
      }
      const set = byCell.get(item.cell) ?? new Set();
      set.add(item.module.split('.')[0]);
      byCell.set(item.cell, set);
    }
    notebook.cells.forEach((cell, index) => {
      if (cell.cell_type === 'code') {
        perCell.push([...(byCell.get(index) ?? [])].sort());
      }
    });
  }
  return { perCell, dynamic };
}

// --- 2. CPython ast ------------------------------------------------------

function runAstBaseline(notebooks) {
  if (!fs.existsSync(PYTHON)) {
    console.log(`(no ${PYTHON}: CPython ast baseline skipped)`);
    return null;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-bench-'));
  const file = path.join(dir, 'corpus.json');
  try {
    fs.writeFileSync(file, JSON.stringify(notebooks));
    const result = spawnSync(
      PYTHON,
      [
        path.join(HERE, 'ast_baseline.py'),
        file,
        '--runs',
        String(AST.runs),
        '--warmup',
        String(AST.warmup),
        '--prefilter-runs',
        String(AST.prefilterRuns)
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }
    );
    if (result.status !== 0) {
      console.log(`ast baseline failed (exit ${result.status}):`);
      console.log(result.stderr || result.error);
      return null;
    }
    return JSON.parse(result.stdout);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function compareModules(cells, ours, ast) {
  const union = lists => new Set(lists.flatMap(list => list ?? []));
  const oursSet = union(ours.perCell);
  const astSet = union(ast.cells);
  const onlyOurs = [...oursSet].filter(m => !astSet.has(m)).sort();
  const onlyAst = [...astSet].filter(m => !oursSet.has(m)).sort();
  let differing = 0;
  let syntaxErrorCells = 0;
  let recoveredFromErrors = 0;
  const examples = [];
  ours.perCell.forEach((mine, i) => {
    const theirs = ast.cells[i];
    if (theirs === null) {
      syntaxErrorCells++;
      recoveredFromErrors += mine.length;
      return;
    }
    const sorted = [...new Set(theirs)].sort();
    if (mine.join(',') !== sorted.join(',')) {
      differing++;
      if (examples.length < 3) {
        examples.push({ cell: cells[i], ours: mine, ast: sorted });
      }
    }
  });
  console.log(
    `top-level modules found: ours ${oursSet.size}, ast ${astSet.size}; ` +
      `only ours: [${onlyOurs.join(', ')}], only ast: [${onlyAst.join(', ')}]`
  );
  console.log(
    `per code cell: ${cells.length - syntaxErrorCells - differing} agree, ${differing} differ` +
      ` (of the cells ast can parse); ${syntaxErrorCells} cells are SyntaxErrors for ast,` +
      ` from which ours recovers ${recoveredFromErrors} top-level imports;` +
      ` ours also finds ${ours.dynamic} dynamic imports (importlib), left out of the comparison`
  );
  for (const { cell, ours: mine, ast: theirs } of examples) {
    console.log(
      `  differs: notebook ${cell.n} cell ${cell.c}: ours [${mine}] ast [${theirs}]`
    );
    console.log('    ' + cell.source.split('\n').slice(0, 6).join('\n    '));
  }
  return {
    agree: onlyOurs.length === 0 && onlyAst.length === 0 && differing === 0,
    oursCount: oursSet.size,
    astCount: astSet.size
  };
}

// --- 3. re-extract after a one-cell edit ---------------------------------

function measureReextract(lib, asLines) {
  const generator = makeCorpusGenerator(EDIT_SEED);
  const notebook = generator.notebook(NOTEBOOK_CELLS, asLines);
  const code = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type === 'code') {
      code.push(index);
    }
  });
  const sourceOf = cell => (asLines ? cell.source.join('') : cell.source);

  // Cold: an empty cache, so every code cell is parsed.
  const cold = timeRuns(
    () =>
      lib.extractNotebook(notebook, new lib.ExtractionCache()).imports.length,
    COLD
  );

  // Warm: fill the cache once, then edit one cell (a different one each
  // time) by adding imports to it, and re-extract.
  const cache = new lib.ExtractionCache();
  lib.extractNotebook(notebook, cache);
  const filled = cache.size;
  const order = makeRandom(EDIT_SEED + 1).sample(code, code.length);
  const total = EDITS.warmup + EDITS.runs;
  if (total > order.length) {
    throw new Error(`${total} edits but only ${order.length} code cells`);
  }
  const times = [];
  for (let edit = 0; edit < total; edit++) {
    const cell = notebook.cells[order[edit]];
    const added = generator.importLines(generator.random.int(1, 3)).join('\n');
    const source = `${added}\n${sourceOf(cell)}`;
    cell.source = asLines ? source.split(/(?<=\n)/) : source;
    // Only the extraction is timed, not the edit.
    const start = performance.now();
    lib.extractNotebook(notebook, cache);
    const elapsed = performance.now() - start;
    if (edit >= EDITS.warmup) {
      times.push(elapsed);
    }
  }
  return {
    codeCells: code.length,
    coldMs: median(cold.times),
    coldRuns: cold.times.length,
    times,
    filled,
    parsedPerEdit: (cache.size - filled) / total
  };
}

// --- main ----------------------------------------------------------------

function main() {
  const started = performance.now();
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})` +
      (QUICK ? ' — QUICK mode' : '')
  );
  const lib = build();

  section('Corpus');
  const { notebooks, bytes } = generateCorpus(CORPUS_SEED, CORPUS_BYTES);
  const cells = describeCorpus(lib, notebooks, bytes);

  section('1. Extraction throughput: extractNotebook, no cache');
  const ours = measureThroughput(lib, notebooks, bytes);
  console.log(
    `ours: median ${fixed(ours.ms, 0)} ms per corpus over ${ours.runs} runs ` +
      `(${THROUGHPUT.warmup} warm-up) → ${fixed(ours.mbPerS)} MB/s`
  );

  const prepared = cells.map(cell => lib.prepareCell(cell.source).code);
  const withWord = prepared.filter(code => code.includes('import'));
  const characters = list => list.reduce((sum, code) => sum + code.length, 0);
  console.log(
    `(no cache, but extractImports skips the parse of a cell without the ` +
      `substring 'import': ${withWord.length} of ${cells.length} code cells, ` +
      `${fixed((100 * characters(withWord)) / characters(prepared), 1)}% of ` +
      `the characters, are parsed)`
  );
  const everyCell = measureEveryCellParsed(lib, notebooks, bytes);
  console.log(
    `ours with every cell parsed (no 'import' shortcut, like ast): median ` +
      `${fixed(everyCell.ms, 0)} ms over ${everyCell.runs} runs → ${fixed(everyCell.mbPerS)} MB/s`
  );

  section('2. CPython ast baseline, same corpus');
  const ast = runAstBaseline(notebooks);
  let agreement = null;
  if (ast) {
    if (ast.bytes !== bytes) {
      console.log(`warning: ast counted ${ast.bytes} bytes, ours ${bytes}`);
    }
    console.log(
      `ast (CPython ${ast.python}): median ${fixed(ast.median_s * 1000, 0)} ms over ` +
        `${ast.runs} runs (${ast.warmup} warm-up) → ${fixed(ast.mb_per_s)} MB/s; ` +
        `ratio ours/ast ${fixed(ours.mbPerS / ast.mb_per_s)}×`
    );
    if (ast.prefilter) {
      console.log(
        `ast with our "skip cells without 'import'" pre-filter: ` +
          `${fixed(ast.prefilter.mb_per_s)} MB/s (median of ${ast.prefilter.runs}); ` +
          `ratio ours/that ${fixed(ours.mbPerS / ast.prefilter.mb_per_s)}×`
      );
    }
    agreement = compareModules(cells, ourCellModules(lib, notebooks), ast);
  }

  section(
    `3. Re-extract a ${NOTEBOOK_CELLS}-cell notebook after editing one cell`
  );
  const edits = {};
  for (const [key, asLines] of [
    ['string', false],
    ['lines', true]
  ]) {
    const result = measureReextract(lib, asLines);
    edits[key] = result;
    const label = asLines
      ? 'sources as lists of lines (.ipynb on disk)'
      : 'sources as strings (JupyterLab model)';
    console.log(
      `${label}: ${result.codeCells} code cells; cold ${fixed(result.coldMs)} ms ` +
        `(median of ${result.coldRuns}); one-cell edit median ${fixed(median(result.times), 3)} ms, ` +
        `p95 ${fixed(percentile(result.times, 95), 3)} ms over ${result.times.length} edits ` +
        `(${EDITS.warmup} warm-up; ${fixed(result.parsedPerEdit)} cells parsed per edit) → ` +
        `${fixed(result.coldMs / median(result.times), 0)}× faster than cold`
    );
  }

  if (PROFILE) {
    profile(lib, notebooks);
  }

  section('Summary');
  const rows = [['figure', 'value', 'target', '']];
  rows.push([
    'ours: extractNotebook throughput',
    `${fixed(ours.mbPerS)} MB/s`,
    '',
    ''
  ]);
  rows.push([
    'ours: every cell parsed',
    `${fixed(everyCell.mbPerS)} MB/s`,
    '',
    ''
  ]);
  if (ast) {
    const ratio = ours.mbPerS / ast.mb_per_s;
    rows.push([
      'CPython ast throughput',
      `${fixed(ast.mb_per_s)} MB/s`,
      '',
      ''
    ]);
    rows.push([
      'ratio ours / ast (extractNotebook vs ast)',
      `${fixed(ratio)}×`,
      `≥ ${TARGET_RATIO}×`,
      verdict(ratio >= TARGET_RATIO)
    ]);
    const everyRatio = everyCell.mbPerS / ast.mb_per_s;
    rows.push([
      'like-for-like: both parse every cell',
      `${fixed(everyRatio)}×`,
      `≥ ${TARGET_RATIO}×`,
      verdict(everyRatio >= TARGET_RATIO)
    ]);
    if (ast.prefilter) {
      const filteredRatio = ours.mbPerS / ast.prefilter.mb_per_s;
      rows.push([
        "like-for-like: both skip cells without 'import'",
        `${fixed(filteredRatio)}×`,
        `≥ ${TARGET_RATIO}×`,
        verdict(filteredRatio >= TARGET_RATIO)
      ]);
    }
    rows.push([
      'top-level modules ours / ast',
      `${agreement.oursCount} / ${agreement.astCount}`,
      'same',
      agreement.agree ? 'same' : 'DIFFER'
    ]);
  } else {
    rows.push(['ratio ours / ast', 'n/a', `≥ ${TARGET_RATIO}×`, 'n/a']);
  }
  const edit = edits.string;
  rows.push(['1,000-cell cold extract', `${fixed(edit.coldMs)} ms`, '', '']);
  rows.push([
    'one-cell re-extract, median',
    `${fixed(median(edit.times), 3)} ms`,
    `< ${TARGET_EDIT_MS} ms`,
    verdict(median(edit.times) < TARGET_EDIT_MS)
  ]);
  rows.push([
    'one-cell re-extract, p95',
    `${fixed(percentile(edit.times, 95), 3)} ms`,
    `< ${TARGET_EDIT_MS} ms`,
    verdict(percentile(edit.times, 95) < TARGET_EDIT_MS)
  ]);
  rows.push([
    're-extract, list-of-lines sources, median',
    `${fixed(median(edits.lines.times), 3)} ms`,
    '(info)',
    ''
  ]);
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => row[i].length))
  );
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  }
  console.log(`\ntotal ${fixed((performance.now() - started) / 1000, 1)} s`);
}

// --- --profile: where the time goes --------------------------------------

function profile(lib, notebooks) {
  section('Profile: time per stage over the corpus (median of 3)');
  const { parser } = createRequire(import.meta.url)('@lezer/python');
  const sources = codeCells(notebooks).map(cell => cell.source);
  const prepared = sources.map(source => lib.prepareCell(source).code);
  const parsed = prepared.filter(code => code.includes('import'));
  const stage = (label, fn) => {
    const { times } = timeRuns(fn, { warmup: 1, runs: 3 });
    console.log(`${label.padEnd(52)} ${fixed(median(times), 0)} ms`);
    return median(times);
  };
  console.log(
    `${parsed.length} of ${sources.length} code cells contain 'import' after prepareCell ` +
      `(${fixed(
        (100 * parsed.reduce((sum, code) => sum + code.length, 0)) /
          prepared.reduce((sum, code) => sum + code.length, 0),
        1
      )}% of the characters)`
  );
  stage('cellSource join + prepareCell', () =>
    notebooks.reduce(
      (sum, nb) =>
        sum +
        nb.cells.reduce(
          (s, cell) =>
            cell.cell_type === 'code'
              ? s + lib.prepareCell(cell.source.join('')).code.length
              : s,
          0
        ),
      0
    )
  );
  stage('parser.parse (cells with "import")', () =>
    parsed.reduce((sum, code) => sum + parser.parse(code).length, 0)
  );
  stage('parser.parse + full cursor walk', () => {
    let nodes = 0;
    for (const code of parsed) {
      const cursor = parser.parse(code).cursor();
      do {
        nodes++;
      } while (cursor.next());
    }
    return nodes;
  });
  stage('extractImports (parse + walk + import nodes)', () =>
    prepared.reduce((sum, code) => sum + lib.extractImports(code).length, 0)
  );
  // What if the shortcut looked for `import` / `from` where a statement can
  // start (line start, after `;` or `:`) instead of anywhere, so that words
  // like "important" in comments no longer force a parse?
  const STATEMENT =
    /(?:^|[;:])[ \t\f]*(?:import|from)\b|__import__|import_module/m;
  const narrowed = prepared.filter(code => STATEMENT.test(code));
  const same = prepared.every(
    code => STATEMENT.test(code) || lib.extractImports(code).length === 0
  );
  console.log(
    `what-if: a statement-start pre-filter would parse ${narrowed.length} cells ` +
      `(${fixed(
        (100 * narrowed.reduce((sum, code) => sum + code.length, 0)) /
          prepared.reduce((sum, code) => sum + code.length, 0),
        1
      )}% of the characters); same imports found: ${same}`
  );
  stage('what-if: prepareCell + statement-start pre-filter', () =>
    sources.reduce((sum, source) => {
      const code = lib.prepareCell(source).code;
      return STATEMENT.test(code) ? sum + lib.extractImports(code).length : sum;
    }, 0)
  );
  stage('extractNotebook (everything)', () =>
    notebooks.reduce(
      (sum, nb) => sum + lib.extractNotebook(nb).imports.length,
      0
    )
  );
}

main();
