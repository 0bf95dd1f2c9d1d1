/**
 * The page of the sidebar benchmark (benchmarks/sidebar.mjs bundles it with
 * rspack and runs it in headless Chromium): what the Overlays panel renders
 * (OverlaysPanelView with the OverlayList child) for a seeded workspace of
 * many overlays, notebooks, packages and jobs, timed to the commit and to the
 * next layout.
 */
import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { flushSync } from 'react-dom';
import { createRoot, Root } from 'react-dom/client';

import { OverlayList } from '../src/components/OverlayList';
import { OverlaysPanelView } from '../src/components/OverlaysPanelView';
import type { JobsModel } from '../src/jobs/model';
import type { OverlaysAPI } from '../src/tokens';
import type { IOverlay } from '../src/workspace/types';

const trans = nullTranslator.load('jupyterlab_overlays');
const PACKAGES = [
  'numpy',
  'pandas',
  'scikit-learn',
  'requests',
  'torch',
  'matplotlib',
  'seaborn',
  'scipy',
  'boto3',
  'pyarrow',
  'xgboost',
  'tqdm'
];

/** Ended jobs; a few active ones are placed by `workspace` (one runs at a time). */
const ENDED: OverlaysAPI.JobState[] = ['succeeded', 'succeeded', 'failed'];

/** The size of the workspace rendered. */
export interface IWorkspaceSize {
  overlays: number;
  notebooks: number;
  packagesPerOverlay: number;
  seed: number;
}

/** mulberry32: the same workspace on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function job(
  overlay: string,
  n: number,
  next: () => number,
  active?: OverlaysAPI.JobState
): OverlaysAPI.IJob {
  const state = active ?? ENDED[Math.floor(next() * ENDED.length)];
  return {
    id: `${overlay}-${n}`,
    overlay,
    kind: n % 2 ? 'lock' : 'build',
    backend: 'local',
    state,
    created: '2026-12-01T10:00:00.000Z',
    started: state === 'queued' ? null : '2026-12-01T10:00:01.000Z',
    finished:
      state === 'succeeded' || state === 'failed'
        ? '2026-12-01T10:01:00.000Z'
        : null,
    image:
      state === 'succeeded' ? `localhost/demo-${overlay}:0123456789ab` : null,
    digest: null,
    source_hash: 'ab'.repeat(32),
    error:
      state === 'failed'
        ? 'build failed at step 5/7: ERROR: No matching distribution'
        : null,
    log_size: 1000,
    progress: state === 'running' ? { step: 3, steps: 7 } : {}
  };
}

/** A seeded workspace: its overlays and the jobs of each. */
export function workspace(size: IWorkspaceSize): {
  overlays: IOverlay[];
  jobs: Record<string, JobsModel.IOverlayJobs>;
} {
  const next = random(size.seed);
  const overlays: IOverlay[] = [];
  const jobs: Record<string, JobsModel.IOverlayJobs> = {};
  const perOverlay = Math.max(1, Math.round(size.notebooks / size.overlays));
  for (let i = 0; i < size.overlays; i++) {
    const name = `step-${String(i).padStart(3, '0')}-${Math.floor(next() * 1e6).toString(36)}`;
    const count = 1 + Math.floor(next() * size.packagesPerOverlay * 2);
    overlays.push({
      name,
      nameProblem: null,
      folder: `overlays/${name}`,
      hasPipfile: true,
      pipfileError: null,
      pythonVersion: '3.11',
      packages: Array.from({ length: count }, (_, p) => {
        const key = `${PACKAGES[p % PACKAGES.length]}${p >= PACKAGES.length ? `-${p}` : ''}`;
        return {
          name: key,
          key,
          specifier: next() < 0.5 ? '*' : '==1.2.3',
          source: 'table',
          modules: [key.replace(/-/g, '_')],
          optional: next() < 0.1,
          ambiguous: next() < 0.05
        };
      }),
      members: Array.from(
        { length: perOverlay },
        (_, m) => `notebooks/${name}/step_${m}.ipynb`
      ),
      inThoth: true,
      inAicoe: true,
      overrides: {},
      outOfDate: next() < 0.2
    });
    // As on a server: one job running, a few queued, the others ended.
    const active = i === 0 ? 'running' : i < 4 ? 'queued' : undefined;
    const build = active || next() < 0.6 ? job(name, 0, next, active) : null;
    const lock = next() < 0.6 ? job(name, 1, next) : null;
    jobs[name] = {
      build,
      lock,
      lastBuilt: build?.state === 'succeeded' ? build : null,
      status: { overlay: name, source_hash: 'ab'.repeat(32), lock: 'current' },
      runtimeImage: null,
      now: Date.parse('2026-12-01T10:02:00.000Z')
    };
  }
  return { overlays, jobs };
}

const SERVER = {
  state: 'ready' as const,
  info: { version: '0.1.0', build_tools: [], preferred_build_tool: null },
  error: null
};

/** The sidebar, as OverlaysPanel.render() makes it on a model change. */
function sidebar(
  data: ReturnType<typeof workspace>,
  expanded: ReadonlySet<string>
): JSX.Element {
  return (
    <OverlaysPanelView
      server={SERVER}
      overlaysFolder="overlays"
      frontendVersion="0.1.0"
      onRefresh={() => undefined}
      trans={trans}
    >
      <OverlayList
        overlays={data.overlays}
        problems={[]}
        scanning={false}
        expanded={expanded}
        onToggle={toggle}
        jobsOf={jobsOf}
        run={run}
        trans={trans}
      />
    </OverlaysPanelView>
  );
}

// Stable callbacks, as the widget has (the rows are memoised on them).
let current: ReturnType<typeof workspace> | null = null;
const toggle = (): void => undefined;
const run = (): void => undefined;
const jobsOf = (name: string) => current!.jobs[name];

let root: Root | null = null;
let container: HTMLElement | null = null;

/** Commit a render and measure it, then the layout that follows. */
function timed(element: JSX.Element): { commitMs: number; layoutMs: number } {
  const start = performance.now();
  flushSync(() => root!.render(element));
  const committed = performance.now();
  void container!.getBoundingClientRect().height;
  return { commitMs: committed - start, layoutMs: performance.now() - start };
}

/** The first render of the sidebar in this page, collapsed or expanded. */
function mount(size: IWorkspaceSize, expand: boolean) {
  current = workspace(size);
  container = document.createElement('div');
  container.className = 'jp-OverlaysPanel';
  document.body.appendChild(container);
  root = createRoot(container);
  const all = new Set(current.overlays.map(overlay => overlay.name));
  return {
    ...timed(sidebar(current, expand ? all : new Set())),
    elements: container.getElementsByTagName('*').length
  };
}

/** After `mount` (collapsed): toggling one overlay, and a render with nothing changed. */
function interact(times: number) {
  const data = current!;
  const toggles: number[] = [];
  const noops: number[] = [];
  let expanded: ReadonlySet<string> = new Set();
  for (let i = 0; i < times; i++) {
    const name = data.overlays[(i * 7) % data.overlays.length].name;
    expanded = new Set(expanded.has(name) ? [] : [name]);
    toggles.push(timed(sidebar(data, expanded)).layoutMs);
    noops.push(timed(sidebar(data, expanded)).commitMs);
  }
  return { toggles, noops };
}

(window as any).sidebarBench = { mount, interact, react: React.version };
