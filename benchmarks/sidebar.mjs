#!/usr/bin/env node
// Benchmark of the Overlays sidebar's render time: OverlaysPanelView with
// the OverlayList child for 200 overlays and 2,000 notebooks.
//
//   node benchmarks/sidebar.mjs              (from the repository root)
//   node benchmarks/sidebar.mjs --quick      (fewer runs)
//   node benchmarks/sidebar.mjs --profile    (profile even when (b) passes)
//   node benchmarks/sidebar.mjs --no-profile (never profile)
//   node benchmarks/sidebar.mjs --build=production|development|both|none
//   node benchmarks/sidebar.mjs --no-browser (skip the Chromium cross-check)
//   node benchmarks/sidebar.mjs --no-jobs    (render without a job service)
//
// The components import @jupyterlab/ui-components, ESM that only the jest
// transforms of the project turn into something node loads, so the
// measurements run inside jest: benchmarks/sidebar.bench.tsx, with
// benchmarks/jest.bench.config.js (the project's jest.config.js, matching
// only benchmarks/*.bench.tsx, which `jlpm jest` never collects), in
// jsdom. jsdom is not a browser: no style, no layout, no paint, and its DOM
// and custom elements cost differently. The figures are jsdom figures.
//
// It runs jest once per React build: production (what a JupyterLab build
// ships; commits with flushSync, act() does not exist there) and
// development (what jest uses by default; commits with act(), as the unit
// tests do). The overlays come from benchmarks/sidebar-fixture.mjs, seeded.
// When the expanded render misses its target it profiles that render
// (CPU profile, and the same render with ToolbarButtonComponent replaced,
// benchmarks/ui-components-switch.tsx).
//
// Then, as a cross-check and when both are found, the same measurements in
// headless Chromium (CHROMIUM_PATH or /usr/bin/chromium, driven by the
// playwright-core of ui-tests/): benchmarks/sidebar.browser.tsx bundled
// with rspack into a temporary folder, React's production build, with the
// sidebar's style/base.css (no JupyterLab theme), style and layout forced.
// First renders get a fresh page each: in one page every unmounted
// <jp-button> stays behind (2 MediaQueryList listeners each, counted) and
// each mount is slower than the one before; the same-page series shows it.
// It reports; it never fails on a missed target. Jest only transpiles;
// type-check the benchmark with `npx tsc -p benchmarks/tsconfig.bench.json`.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import {
  describeJobs,
  describeOverlays,
  generateJobs,
  generateOverlays
} from './sidebar-fixture.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

const args = process.argv.slice(2);
const argv = new Set(args);
const QUICK = argv.has('--quick');
const BROWSER = !argv.has('--no-browser');
const JOBS = !argv.has('--no-jobs');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PROFILE = argv.has('--profile')
  ? 'always'
  : argv.has('--no-profile')
    ? 'never'
    : 'auto';
const BUILD_ARG =
  args.find(arg => arg.startsWith('--build='))?.slice('--build='.length) ??
  'both';
const BUILDS = {
  both: ['production', 'development'],
  none: []
}[BUILD_ARG] ?? [BUILD_ARG];
if (!BUILDS.every(build => ['production', 'development'].includes(build))) {
  console.error(`unknown --build=${BUILD_ARG}`);
  process.exit(2);
}

const JOBS_SEED = 20240613;
const FIXTURE = {
  seed: 20240612,
  overlays: 200,
  membersPerOverlay: 10,
  meanPackages: 8,
  outOfDate: 6
};
const RUNS = QUICK
  ? {
      warmup: 1,
      collapsed: 5,
      expanded: 3,
      toggles: 5,
      noops: 5,
      variantRuns: 2,
      profileMounts: 1
    }
  : {
      warmup: 2,
      collapsed: 15,
      expanded: 9,
      toggles: 15,
      noops: 15,
      variantRuns: 5,
      profileMounts: 3
    };
const TARGET_MS = 200;

// --- helpers -------------------------------------------------------------

const fixed = (value, digits = 1) => value.toFixed(digits);
const verdict = ok => (ok ? 'PASS' : 'MISS');
const ms = value => `${fixed(value)} ms`;

function section(title) {
  console.log(`\n== ${title}`);
}

function table(rows) {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map(row => String(row[i]).length))
  );
  for (const row of rows) {
    console.log(
      row
        .map((cell, i) => String(cell).padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    );
  }
}

// --- jest ----------------------------------------------------------------

/** Run the bench file under jest with one React build; its JSON results. */
function runJest(build, fixturePath, dir, profile) {
  const require = createRequire(path.join(ROOT, 'package.json'));
  const jest = require.resolve('jest/bin/jest');
  const out = path.join(dir, `results-${build}.json`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        jest,
        '--config',
        path.join('benchmarks', 'jest.bench.config.js'),
        '--runInBand',
        '--ci',
        '--silent=false'
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: build === 'production' ? 'production' : 'test',
          SIDEBAR_BENCH_FIXTURE: fixturePath,
          SIDEBAR_BENCH_OUT: out,
          SIDEBAR_BENCH_OPTIONS: JSON.stringify({
            runs: RUNS,
            targetMs: TARGET_MS,
            profile
          })
        },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let log = '';
    let pending = '';
    const relay = chunk => {
      const text = chunk.toString();
      log += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (line.startsWith('[bench] ')) {
          console.log(`  ${line.slice('[bench] '.length)}`);
        }
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', reject);
    child.on('close', code => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0 || !fs.existsSync(out)) {
        console.log(log);
        reject(new Error(`jest exited with ${code} (${build} build)`));
        return;
      }
      const results = JSON.parse(fs.readFileSync(out, 'utf8'));
      results.jestSeconds = seconds;
      resolve(results);
    });
  });
}

// --- Chromium --------------------------------------------------------------

/** Resolve `name` from the repository root, then from ui-tests/. */
function resolveFrom(name) {
  for (const where of [ROOT, path.join(ROOT, 'ui-tests')]) {
    try {
      return createRequire(path.join(where, 'package.json')).resolve(name);
    } catch {
      // next
    }
  }
  return null;
}

/** Bundle benchmarks/sidebar.browser.tsx with rspack; the bundle's text. */
async function bundle(dir) {
  const { rspack } = createRequire(path.join(ROOT, 'package.json'))(
    '@rspack/core'
  );
  const compiler = rspack({
    mode: 'production',
    context: ROOT,
    entry: path.join(HERE, 'sidebar.browser.tsx'),
    output: { path: dir, filename: 'sidebar.browser.js' },
    target: 'web',
    devtool: false,
    resolve: {
      extensions: ['.tsx', '.ts', '.js'],
      alias: {
        '@jupyterlab/ui-components$': path.join(
          HERE,
          'ui-components-switch.tsx'
        )
      },
      fallback: { path: false, url: false, process: false }
    },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          loader: 'builtin:swc-loader',
          options: {
            jsc: {
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'classic' } },
              target: 'es2022'
            }
          },
          type: 'javascript/auto'
        },
        // ESM packages that import without extensions (as JupyterLab's
        // own build allows).
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.svg$/, type: 'asset/source' },
        { test: /\.css$/, type: 'asset/source' }
      ]
    },
    performance: { hints: false }
  });
  const stats = await new Promise((resolve, reject) =>
    compiler.run((error, result) => (error ? reject(error) : resolve(result)))
  );
  await new Promise(resolve => compiler.close(resolve));
  if (stats.hasErrors()) {
    throw new Error(stats.toString({ all: false, errors: true }));
  }
  return fs.readFileSync(path.join(dir, 'sidebar.browser.js'), 'utf8');
}

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

const summarise = times => ({
  runs: times.length,
  median: median(times),
  p95: percentile(times, 95),
  min: Math.min(...times),
  max: Math.max(...times),
  times
});

/**
 * The measurements in headless Chromium; null when it cannot run here.
 * First renders in a fresh page each (the first opening of the sidebar),
 * then (a) to (d) mount after mount in one page.
 */
async function runBrowser(overlays, jobs, dir) {
  const playwright = resolveFrom('playwright-core');
  if (!playwright || !fs.existsSync(CHROMIUM)) {
    console.log(
      `(Chromium cross-check skipped: ${!playwright ? 'no playwright-core' : `no ${CHROMIUM}`})`
    );
    return null;
  }
  const started = performance.now();
  const script = await bundle(path.join(dir, 'bundle'));
  const css = fs.readFileSync(path.join(ROOT, 'style', 'base.css'), 'utf8');
  const { chromium } = createRequire(playwright)(playwright);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--js-flags=--expose-gc', '--no-sandbox']
  });
  const benchPage = async () => {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 }
    });
    await page.setContent(
      `<!doctype html><html><head><style>${css}\n` +
        `.jp-OverlaysPanel { width: 300px; height: 860px; }</style></head><body></body></html>`
    );
    await page.addScriptTag({ content: script });
    return page;
  };
  try {
    const fresh = {};
    for (const variant of Object.keys(VARIANT_NAMES)) {
      fresh[variant] = {};
      for (const expanded of [false, true]) {
        const runs =
          variant === 'real'
            ? expanded
              ? RUNS.expanded
              : RUNS.collapsed
            : RUNS.variantRuns;
        const samples = [];
        for (let i = 0; i < runs; i++) {
          const page = await benchPage();
          samples.push(
            await page.evaluate(
              options => globalThis.sidebarBench.cold(options),
              { overlays, jobs, expanded, variant, count: i === 0 }
            )
          );
          await page.close();
        }
        fresh[variant][expanded ? 'expanded' : 'collapsed'] = {
          commit: summarise(samples.map(sample => sample.commitMs)),
          idle: summarise(samples.map(sample => sample.idleMs)),
          layout: summarise(samples.map(sample => sample.layoutMs)),
          dom: samples[0].dom
        };
      }
      console.log(`  fresh pages, variant ${variant} done`);
    }
    const page = await benchPage();
    // Fewer mounts in one page: each leaves its <jp-button>s behind.
    const results = await page.evaluate(
      options => globalThis.sidebarBench.run(options),
      {
        overlays,
        jobs,
        runs: {
          ...RUNS,
          warmup: 1,
          collapsed: Math.min(RUNS.collapsed, 5),
          expanded: Math.min(RUNS.expanded, 3)
        }
      }
    );
    await page.close();
    results.fresh = fresh;
    results.browserSeconds = (performance.now() - started) / 1000;
    results.version = browser.version();
    return results;
  } finally {
    await browser.close();
  }
}

function reportBrowser(results) {
  section(
    `Chromium ${results.version} (headless), React ${results.react} production build, ` +
      `flushSync(), style and layout forced`
  );
  console.log(
    `a real browser engine, headless, on this machine, with the sidebar's own CSS only ` +
      `(no JupyterLab theme); adoptedStyleSheets ${results.adoptedStyleSheets ? 'yes' : 'no'}, ` +
      `ElementInternals ${results.elementInternals ? 'yes' : 'no'}, gc between samples ${results.gc ? 'yes' : 'no'}; ` +
      `"until laid out": until idle, then style and layout forced (getBoundingClientRect), paint not included`
  );
  const real = results.fresh.real;
  describeDom('all collapsed', real.collapsed.dom);
  describeDom('all expanded', real.expanded.dom);
  for (const [label, key] of [
    ['(a) first render, all collapsed', 'collapsed'],
    ['(b) first render, all expanded', 'expanded']
  ]) {
    const { commit, idle, layout } = real[key];
    console.log(
      `${label}, a fresh page per sample: until committed median ${ms(commit.median)}, ` +
        `p95 ${ms(commit.p95)}; until idle median ${ms(idle.median)}; until laid out median ` +
        `${ms(layout.median)}, p95 ${ms(layout.p95)}; over ${commit.runs} pages (no warm-up: cold)`
    );
  }
  console.log(
    `what if (benchmarks/ui-components-switch.tsx), a fresh page per sample, median of ${RUNS.variantRuns} ` +
      `(as is: of ${RUNS.collapsed} and ${RUNS.expanded}):`
  );
  reportVariants(results.fresh, 'layout');

  section('Chromium, mount after mount in one page');
  const series = (label, summary) =>
    `${label}: ${summary.times.map(time => fixed(time, 0)).join(', ')} ms`;
  console.log(
    `first mount of the page ${ms(results.firstMount.commitMs)} until committed; then ` +
      series('(a) collapsed, until committed', results.collapsed.commit)
  );
  console.log(series('(b) expanded, until committed', results.expanded.commit));
  const mql = results.mediaQueryListeners;
  console.log(
    `MediaQueryList listeners: ${mql.added} added, ${mql.removed} removed, for ` +
      `${mql.jpButtonsCreated} <jp-button> created (${results.jpButtonsLeft} still mounted): ` +
      `${fixed((mql.added - mql.removed) / mql.jpButtonsCreated, 2)} listeners left per <jp-button>, ` +
      `each holding its unmounted element`
  );
  const t = results.toggle;
  const n = results.noop;
  console.log(
    `(c) toggle one overlay, until laid out, median: from all collapsed, expand one ` +
      `${ms(t.fromCollapsed.expandOne.median)}, collapse it back ${ms(t.fromCollapsed.collapseBack.median)}; ` +
      `from all expanded, collapse one ${ms(t.fromExpanded.collapseOne.median)}, ` +
      `expand it back ${ms(t.fromExpanded.expandBack.median)} (after the mounts above)`
  );
  console.log(
    `(d) re-render with nothing changed, until laid out, median: same props objects ` +
      `collapsed ${ms(n.collapsed.sameProps.median)}, expanded ${ms(n.expanded.sameProps.median)}; ` +
      `identical element collapsed ${fixed(n.collapsed.sameElement.median, 3)} ms, ` +
      `expanded ${fixed(n.expanded.sameElement.median, 3)} ms`
  );
  console.log(`(Chromium: bundle and run ${fixed(results.browserSeconds)} s)`);
}

// --- report --------------------------------------------------------------

function describeDom(label, dom) {
  const extra =
    dom.members > 0
      ? `; ${dom.members} member rows, ${dom.packages} package rows`
      : '';
  const jobs = dom.jobs > 0 ? `; ${dom.jobs} job badges` : '';
  console.log(
    `DOM, ${label}: ${dom.nodes} light-DOM nodes (${dom.elements} elements, ` +
      `${dom.textNodes} text) + ${dom.shadowNodes} nodes in ${dom.shadowRoots} shadow roots; ` +
      `${dom.jpButtons} <jp-button> (${dom.formProxies} of the light-DOM elements are their ` +
      `form-proxy <input>s, a jsdom fallback), ${dom.nativeButtons} native <button>, ` +
      `${dom.svgElements} <svg>${extra}${jobs}`
  );
}

function describeMounts(label, result, warmup) {
  const { commit, idle, cpu } = result;
  console.log(
    `${label}: until committed median ${ms(commit.median)}, p95 ${ms(commit.p95)} ` +
      `(min ${fixed(commit.min)}, max ${fixed(commit.max)}); until idle median ${ms(idle.median)}, ` +
      `p95 ${ms(idle.p95)}; CPU time until idle median ${ms(cpu.median)}; ` +
      `over ${commit.runs} fresh mounts (${warmup} warm-up)`
  );
}

function report(results) {
  section(
    `React ${results.react}, ${results.build} build (commits with ${results.commitWith}), jsdom`
  );
  console.log(
    `jsdom, not a real browser: no style, layout or paint; custom elements and ` +
      `DOM calls cost differently (${results.userAgent})`
  );
  console.log(
    `"until committed": createRoot + render until React's commit, passive effects included; ` +
      `"until idle": and the microtasks it queued (jsdom's slotchange events) and FAST's ` +
      `update queue (a browser's next animation frame)`
  );
  console.log(
    `first mount of the process (cold: JIT, first FAST template use), collapsed: ` +
      `${ms(results.firstMount.commitMs)} until committed, ${ms(results.firstMount.idleMs)} until idle ` +
      `(CPU ${ms(results.firstMount.cpuMs)})`
  );
  describeDom('all collapsed', results.dom.collapsed);
  describeDom('all expanded', results.dom.expanded);
  describeMounts(
    '(a) first render, all collapsed',
    results.collapsed,
    RUNS.warmup
  );
  describeMounts(
    '(b) first render, all expanded',
    results.expanded,
    RUNS.warmup
  );
  const t = results.toggle;
  console.log(
    `(c) toggle one overlay, until idle, median over ${t.fromCollapsed.expandOne.runs} toggles ` +
      `(${RUNS.warmup} warm-up): from all collapsed, expand one ${ms(t.fromCollapsed.expandOne.median)}, ` +
      `collapse it back ${ms(t.fromCollapsed.collapseBack.median)}; from all expanded, ` +
      `collapse one ${ms(t.fromExpanded.collapseOne.median)}, expand it back ${ms(t.fromExpanded.expandBack.median)}`
  );
  const n = results.noop;
  console.log(
    `(d) re-render with nothing changed, until idle, median over ${n.collapsed.sameProps.runs}: ` +
      `new elements from the same props objects (every component runs again) ` +
      `collapsed ${ms(n.collapsed.sameProps.median)}, expanded ${ms(n.expanded.sameProps.median)}; ` +
      `the identical element (React bails out) collapsed ${fixed(n.collapsed.sameElement.median, 3)} ms, ` +
      `expanded ${fixed(n.expanded.sameElement.median, 3)} ms`
  );
  console.log(
    `(jest run ${fixed(results.jestSeconds)} s, of which measuring ${fixed(results.seconds)} s)`
  );
  if (results.profile) {
    reportProfile(results);
  }
}

function reportProfile(results) {
  const { profile, variants } = results;
  section(
    `Profile, ${results.build} build: ${profile.mounts} expanded mounts, ` +
      `${ms(profile.mountMs)} timed (slowed by the profiler), ${ms(profile.totalMs)} sampled ` +
      `(${ms(profile.inspectorMs)} inside Profiler.start/stop left out)`
  );
  const pct = value => `${fixed((100 * value) / profile.totalMs)}%`;
  console.log('time with this code anywhere on the stack (groups overlap):');
  for (const { name, ms: time } of profile.onStack) {
    console.log(`  ${pct(time).padStart(6)}  ${name}`);
  }
  console.log('self time by package / file:');
  for (const { name, ms: time } of profile.selfByOrigin) {
    console.log(`  ${pct(time).padStart(6)}  ${name}`);
  }
  console.log('self time by function (top 15):');
  for (const { name, ms: time } of profile.selfByFunction) {
    console.log(`  ${pct(time).padStart(6)}  ${name}`);
  }
  console.log('inclusive time of functions of ours, @jupyter*, FAST (top 20):');
  for (const { name, ms: time } of profile.inclusiveFunctions) {
    console.log(`  ${pct(time).padStart(6)}  ${name}`);
  }
  if (variants) {
    section(
      `What if, ${results.build} build: the same sidebar with ToolbarButtonComponent and the ` +
        `icons swapped (benchmarks/ui-components-switch.tsx; src/ unchanged), until committed, ` +
        `median of ${RUNS.variantRuns} mounts (1 warm-up)`
    );
    reportVariants(variants, 'commit');
  }
}

const VARIANT_NAMES = {
  real: 'as is: ToolbarButtonComponent (<jp-button>)',
  'plain-button': 'native <button> + the same LabIcon svg',
  'plain-button-no-svg': 'native <button>, every LabIcon an empty <span>'
};

/** The variants table; `stage` is 'commit' or 'layout' (browser). */
function reportVariants(variants, stage) {
  const label = stage === 'commit' ? 'until committed' : 'until laid out';
  const rows = [
    [
      'variant',
      `(a) ${label}`,
      `(b) ${label}`,
      'expanded DOM nodes (light + shadow)',
      'target',
      '(b)'
    ]
  ];
  for (const [variant, result] of Object.entries(variants)) {
    rows.push([
      VARIANT_NAMES[variant] ?? variant,
      ms(result.collapsed[stage].median),
      ms(result.expanded[stage].median),
      `${(result.dom ?? result.expanded.dom).nodes} + ${(result.dom ?? result.expanded.dom).shadowNodes}`,
      `< ${TARGET_MS} ms`,
      verdict(result.expanded[stage].median < TARGET_MS)
    ]);
  }
  table(rows);
}

// --- main ----------------------------------------------------------------

async function main() {
  const started = performance.now();
  const require = createRequire(path.join(ROOT, 'package.json'));
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}); ` +
      `jest ${require('jest/package.json').version}, jsdom ${require('jsdom/package.json').version}, ` +
      `react-dom ${require('react-dom/package.json').version}` +
      (QUICK ? ' — QUICK mode' : '')
  );

  section('Fixture');
  const overlays = generateOverlays(FIXTURE);
  const described = describeOverlays(overlays);
  console.log(
    `${described.overlays} overlays, ${described.notebooks} member notebooks, ` +
      `${described.packages} Pipfile packages (${described.optional} optional, ` +
      `${described.ambiguous} ambiguous); ${described.outOfDate} overlays out of date; ` +
      `package sources: ${Object.entries(described.bySource)
        .map(([source, count]) => `${source} ${count}`)
        .join(', ')}`
  );
  console.log(
    `e.g. ${overlays[0].name}: ${overlays[0].members[0]}, packages ` +
      overlays[0].packages.map(pkg => `${pkg.key}${pkg.specifier}`).join(' ')
  );
  const jobs = JOBS ? generateJobs(JOBS_SEED, overlays) : null;
  console.log(
    jobs
      ? `with a job service: job rows of every overlay (Lock and Build buttons); jobs ` +
          Object.entries(describeJobs(jobs))
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', ')
      : 'without a job service (--no-jobs): no job rows'
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidebar-bench-'));
  const all = {};
  let chromium = null;
  try {
    const fixturePath = path.join(dir, 'overlays.json');
    fs.writeFileSync(fixturePath, JSON.stringify({ overlays, jobs }));
    for (const [i, build] of BUILDS.entries()) {
      section(`Running jest, React ${build} build`);
      // Profile one build only, unless asked: the DOM work is the same.
      const profile = PROFILE === 'auto' && i > 0 ? 'never' : PROFILE;
      all[build] = await runJest(build, fixturePath, dir, profile);
    }
    if (BROWSER) {
      section('Running headless Chromium (cross-check)');
      chromium = await runBrowser(overlays, jobs, dir);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  for (const build of BUILDS) {
    report(all[build]);
  }
  if (chromium) {
    reportBrowser(chromium);
  }

  section('Summary');
  const rows = [
    ['figure', 'where', 'median', 'p95', 'CPU median', 'target', '']
  ];
  for (const build of BUILDS) {
    const results = all[build];
    for (const [label, key] of [
      ['(a) first render, all collapsed', 'collapsed'],
      ['(b) first render, all expanded', 'expanded']
    ]) {
      for (const [stage, name] of [
        ['commit', 'until committed'],
        ['idle', 'until idle']
      ]) {
        const { median, p95 } = results[key][stage];
        rows.push([
          `${label}, ${name}`,
          `jsdom, React ${build}`,
          ms(median),
          ms(p95),
          stage === 'idle' ? ms(results[key].cpu.median) : '',
          `< ${TARGET_MS} ms`,
          verdict(median < TARGET_MS)
        ]);
      }
    }
    const t = results.toggle;
    const n = results.noop;
    for (const [label, result] of [
      ['(c) toggle: expand one, from all collapsed', t.fromCollapsed.expandOne],
      [
        '(c) toggle: collapse one, from all expanded',
        t.fromExpanded.collapseOne
      ],
      ['(d) no-op re-render (same props), collapsed', n.collapsed.sameProps],
      ['(d) no-op re-render (same props), expanded', n.expanded.sameProps]
    ]) {
      rows.push([
        label,
        `jsdom, React ${build}`,
        ms(result.median),
        ms(result.p95),
        '',
        '',
        ''
      ]);
    }
  }
  if (chromium) {
    for (const [label, key] of [
      ['(a) first render, all collapsed', 'collapsed'],
      ['(b) first render, all expanded', 'expanded']
    ]) {
      for (const [stage, name] of [
        ['commit', 'until committed'],
        ['layout', 'until laid out']
      ]) {
        const { median, p95 } = chromium.fresh.real[key][stage];
        rows.push([
          `${label}, ${name}`,
          'Chromium, fresh page',
          ms(median),
          ms(p95),
          '',
          `< ${TARGET_MS} ms`,
          verdict(median < TARGET_MS)
        ]);
      }
    }
    const t = chromium.toggle;
    const n = chromium.noop;
    for (const [label, result] of [
      ['(c) toggle: expand one, from all collapsed', t.fromCollapsed.expandOne],
      [
        '(c) toggle: collapse one, from all expanded',
        t.fromExpanded.collapseOne
      ],
      ['(d) no-op re-render (same props), collapsed', n.collapsed.sameProps],
      ['(d) no-op re-render (same props), expanded', n.expanded.sameProps]
    ]) {
      rows.push([
        label,
        'Chromium, one page',
        ms(result.median),
        ms(result.p95),
        '',
        '',
        ''
      ]);
    }
  }
  table(rows);
  console.log(
    'PASS/MISS on the median wall time. CPU: of the whole process, GC threads included. ' +
      '(c) and (d): until idle (Chromium: until laid out), for information. The Chromium ' +
      'rows are the render time a user sees; the jsdom rows (no real layout, 3-6x slower) ' +
      'track the React work between runs.'
  );
  console.log(`\ntotal ${fixed((performance.now() - started) / 1000)} s`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
