#!/usr/bin/env node
// Benchmark of the Overlays sidebar's render time in headless Chromium: the
// panel (OverlaysPanelView with OverlayList) for 200 overlays and 2,000
// notebooks, their packages and job badges.
//
//   node benchmarks/sidebar.mjs            (from the repository root)
//   node benchmarks/sidebar.mjs --quick    (fewer runs)
//
// benchmarks/sidebar.page.tsx is bundled with rspack (React's production
// build, as JupyterLab ships it) and run with the sidebar's own CSS in
// Debian's Chromium (CHROMIUM_PATH or /usr/bin/chromium), driven by the
// playwright-core of ui-tests/. Each first render gets a fresh page (the
// first opening of the sidebar), collapsed and all expanded: the time to
// the commit and to the layout after it. Then, in one page: toggling one
// overlay (to layout) and a re-render with nothing changed (to commit).
// It reports medians and p95 against the targets; it never fails.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const QUICK = process.argv.includes('--quick');
const RUNS = {
  collapsed: QUICK ? 5 : 21,
  expanded: QUICK ? 3 : 11,
  toggles: 40
};
const SIZE = {
  overlays: 200,
  notebooks: 2000,
  packagesPerOverlay: 4,
  seed: 20261206
};
const TARGET_MS = 200;

function requireFrom(folder, name) {
  return createRequire(path.join(folder, 'package.json'))(name);
}

/** benchmarks/sidebar.page.tsx as one script for the page. */
async function bundle(dir) {
  const { rspack } = requireFrom(ROOT, '@rspack/core');
  const compiler = rspack({
    mode: 'production',
    context: ROOT,
    entry: path.join(HERE, 'sidebar.page.tsx'),
    output: { path: dir, filename: 'page.js' },
    target: 'web',
    devtool: false,
    resolve: {
      extensions: ['.tsx', '.ts', '.js'],
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
        // ESM packages importing without extensions, as JupyterLab's build allows.
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
  return fs.readFileSync(path.join(dir, 'page.js'), 'utf8');
}

/** Median and nearest-rank p95 of some times (ms). */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median =
    sorted.length % 2
      ? sorted[middle]
      : (sorted[middle - 1] + sorted[middle]) / 2;
  const p95 =
    sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
  return { median, p95 };
}

const ms = value => `${value.toFixed(1)} ms`;

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`no Chromium at ${CHROMIUM}: nothing measured`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sidebar-bench-'));
  const started = performance.now();
  try {
    const script = await bundle(dir);
    const css = fs.readFileSync(path.join(ROOT, 'style', 'base.css'), 'utf8');
    const { chromium } = requireFrom(
      path.join(ROOT, 'ui-tests'),
      'playwright-core'
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox']
    });
    const page = async () => {
      const opened = await browser.newPage({
        viewport: { width: 1280, height: 900 }
      });
      await opened.setContent(
        `<!doctype html><html><head><style>${css}\n` +
          '.jp-OverlaysPanel { width: 300px; height: 860px; }' +
          '</style></head><body></body></html>'
      );
      await opened.addScriptTag({ content: script });
      return opened;
    };
    try {
      const rows = [];
      for (const expand of [false, true]) {
        const samples = [];
        for (let i = 0; i < (expand ? RUNS.expanded : RUNS.collapsed); i++) {
          const fresh = await page();
          samples.push(
            await fresh.evaluate(
              ([size, all]) => globalThis.sidebarBench.mount(size, all),
              [SIZE, expand]
            )
          );
          await fresh.close();
        }
        const commit = summary(samples.map(sample => sample.commitMs));
        const layout = summary(samples.map(sample => sample.layoutMs));
        rows.push([
          expand ? 'all expanded' : 'all collapsed',
          samples.length,
          samples[0].elements,
          ms(commit.median),
          ms(layout.median),
          ms(layout.p95),
          layout.median < TARGET_MS ? 'met' : 'missed'
        ]);
      }
      const one = await page();
      await one.evaluate(
        size => globalThis.sidebarBench.mount(size, false),
        SIZE
      );
      const { toggles, noops } = await one.evaluate(
        times => globalThis.sidebarBench.interact(times),
        RUNS.toggles
      );
      await one.close();

      console.log(
        `Chromium ${browser.version()}, ${SIZE.overlays} overlays, ${SIZE.notebooks} notebooks ` +
          `(seed ${SIZE.seed}); load ${os.loadavg()[0].toFixed(2)}`
      );
      console.log(
        '\nfirst render, a fresh page each (target: laid out in < 200 ms)'
      );
      const header = [
        '',
        'runs',
        'elements',
        'commit',
        'laid out',
        'p95',
        'target'
      ];
      for (const row of [header, ...rows]) {
        console.log(
          row.map((cell, i) => String(cell).padEnd(i ? 11 : 15)).join('')
        );
      }
      const toggle = summary(toggles);
      const noop = summary(noops);
      console.log(
        `\nin one page: toggle one overlay ${ms(toggle.median)} (p95 ${ms(toggle.p95)}), ` +
          `re-render with nothing changed ${ms(noop.median)} (p95 ${ms(noop.p95)})`
      );
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
