/**
 * The jsdom side of the sidebar benchmark, run by `node
 * benchmarks/sidebar.mjs` through jest (benchmarks/jest.bench.config.js)
 * for the project's transforms and jsdom. Not a test: it measures (with
 * benchmarks/sidebar-harness.tsx) and writes its figures, as JSON, to the
 * file named by SIDEBAR_BENCH_OUT; it fails only when it cannot run.
 */
import * as fs from 'fs';
import * as inspector from 'inspector';
import * as React from 'react';
import { flushSync } from 'react-dom';
import * as v8 from 'v8';
import * as vm from 'vm';

import { IEnvironment, IRuns, Sidebar, SidebarBench } from './sidebar-harness';

interface IOptions {
  runs: IRuns;
  /** Profile when the expanded median misses this, or always with `profile`. */
  targetMs: number;
  profile: 'auto' | 'always' | 'never';
}

const DEV = process.env.NODE_ENV !== 'production';

// Untimed garbage collection between samples, so one sample does not pay
// for the garbage of the one before.
v8.setFlagsFromString('--expose-gc');
const gc: () => void = vm.runInNewContext('gc');

/**
 * jsdom's selector engine (nwsapi) keeps, per selector, the last element
 * it searched and its results, and its last context: each keeps a whole
 * unmounted tree alive (~430 MB for the expanded sidebar), so every later
 * sample would pay for marking it. Drop them; the next query of a new
 * tree recomputes them anyway. A jsdom artefact: browsers keep no DOM in
 * their selector caches.
 */
function releaseSelectorCaches(): void {
  const implSymbol = Object.getOwnPropertySymbols(document).find(
    symbol => symbol.description === 'impl'
  );
  const impl = implSymbol ? (document as any)[implSymbol] : null;
  for (const engine of [impl?._nwsapi, impl?._nwsapiDontThrow]) {
    engine?.selectResolvers?.clear();
  }
  const scratch = document.createElement('div');
  scratch.querySelector('div');
  scratch.matches('div');
}

const jsdomEnvironment: IEnvironment = {
  /**
   * act() with React's development build (as the unit tests do),
   * flushSync() with the production build, where act() does not exist.
   */
  commit(render) {
    if (DEV) {
      React.act(render);
    } else {
      flushSync(render);
    }
  },
  cpuMs() {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
  /**
   * Let the event loop run, as a browser would between two renders
   * (timers, rAF callbacks; without it jsdom's slotchange queue keeps
   * every unmounted tree alive), and collect the garbage.
   */
  async settle() {
    releaseSelectorCaches();
    for (let i = 0; i < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    gc();
  },
  progress(message) {
    const heap = process.memoryUsage().heapUsed / 1e6;
    process.stderr.write(`[bench] ${message} (heap ${heap.toFixed(0)} MB)\n`);
  }
};

// --- profile --------------------------------------------------------------

interface IProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface ICpuProfile {
  nodes: IProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function post(
  session: inspector.Session,
  method: string,
  params: Record<string, any> = {}
): Promise<any> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) =>
      error ? reject(error) : resolve(result)
    )
  );
}

const ROOT_DIR = `${process.cwd()}/`;

/** Where a frame's code comes from: a package, our src/, or the engine. */
function origin(frame: IProfileNode['callFrame']): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) {
    return frame.functionName.startsWith('(')
      ? frame.functionName
      : '(V8 builtins / native)';
  }
  const at = url.lastIndexOf('/node_modules/');
  if (at >= 0) {
    const parts = url.slice(at + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) {
    return 'node internals';
  }
  return url.startsWith(ROOT_DIR) ? url.slice(ROOT_DIR.length) : url;
}

/** Groups of packages, for the "time with X on the stack" figures. */
const GROUPS: [string, (origin: string) => boolean][] = [
  [
    'FAST web components (jp-button: @microsoft/fast-*, @jupyter/web-components)',
    o => o.startsWith('@microsoft/fast') || o === '@jupyter/web-components'
  ],
  [
    '@jupyter/react-components (Button wrapper, its effects)',
    o => o === '@jupyter/react-components'
  ],
  [
    '@jupyterlab/ui-components (ToolbarButtonComponent, LabIcon)',
    o => o === '@jupyterlab/ui-components'
  ],
  [
    'src/components (our render functions)',
    o => o.startsWith('src/components/')
  ],
  ['react-dom', o => o === 'react-dom'],
  ['jsdom (DOM implementation)', o => o === 'jsdom'],
  ['garbage collector', o => o === '(garbage collector)']
];

/** Sums over CPU profiles, by where the time was spent. */
class ProfileTotals {
  /** Self time by package (or src/ file, or engine category). */
  self = new Map<string, number>();
  /** Self time by function. */
  selfFunctions = new Map<string, number>();
  /** Time with a group's code anywhere on the stack. */
  onStack = new Map<string, number>();
  /** Time with a function of ours, @jupyter* or FAST on the stack. */
  inclusiveFunctions = new Map<string, number>();
  totalMs = 0;
  /** Samples inside Profiler.start/stop, left out. */
  inspectorMs = 0;

  add(profile: ICpuProfile): void {
    const byId = new Map(profile.nodes.map(node => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) {
        parent.set(child, node.id);
      }
    }
    const bump = (map: Map<string, number>, key: string, ms: number) =>
      map.set(key, (map.get(key) ?? 0) + ms);
    const inInspector = (id: number) => {
      for (
        let at: number | undefined = id;
        at !== undefined;
        at = parent.get(at)
      ) {
        const frame = byId.get(at)!.callFrame;
        if (frame.functionName === 'dispatch' && !frame.url) {
          return true;
        }
      }
      return false;
    };
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      // Starting and stopping the profiler (Session.post) is not the mount.
      if (inInspector(id)) {
        this.inspectorMs += ms;
        return;
      }
      this.totalMs += ms;
      const frame = byId.get(id)!.callFrame;
      const where = origin(frame);
      bump(this.self, where, ms);
      bump(
        this.selfFunctions,
        `${frame.functionName || '(anonymous)'}  [${where}]`,
        ms
      );
      const groups = new Set<string>();
      const functions = new Set<string>();
      for (
        let at: number | undefined = id;
        at !== undefined;
        at = parent.get(at)
      ) {
        const caller = byId.get(at)!.callFrame;
        const o = origin(caller);
        for (const [group, test] of GROUPS) {
          if (test(o)) {
            groups.add(group);
          }
        }
        if (
          o.startsWith('src/components/') ||
          o.startsWith('@jupyter') ||
          o.startsWith('@microsoft/fast')
        ) {
          functions.add(`${caller.functionName || '(anonymous)'}  [${o}]`);
        }
      }
      groups.forEach(group => bump(this.onStack, group, ms));
      functions.forEach(fn => bump(this.inclusiveFunctions, fn, ms));
    });
  }

  toJSON() {
    const top = (map: Map<string, number>, n: number) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([name, ms]) => ({ name, ms }));
    return {
      totalMs: this.totalMs,
      inspectorMs: this.inspectorMs,
      selfByOrigin: top(this.self, 12),
      selfByFunction: top(this.selfFunctions, 15),
      onStack: GROUPS.map(([group]) => ({
        name: group,
        ms: this.onStack.get(group) ?? 0
      })),
      inclusiveFunctions: top(this.inclusiveFunctions, 20)
    };
  }
}

/** CPU profiles of `mounts` expanded mounts, each profiled on its own. */
async function cpuProfile(bench: SidebarBench, mounts: number) {
  const session = new inspector.Session();
  session.connect();
  const totals = new ProfileTotals();
  let mountMs = 0;
  try {
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', {
      interval: 100
    });
    for (let i = 0; i < mounts; i++) {
      const element = bench.sidebar.element(bench.sidebar.all);
      await post(session, 'Profiler.start');
      const mounted = await bench.mount(element);
      const { profile } = await post(session, 'Profiler.stop');
      mountMs += mounted.idleMs;
      totals.add(profile as ICpuProfile);
      await bench.unmount(mounted);
    }
    await post(session, 'Profiler.disable');
  } finally {
    session.disconnect();
  }
  jsdomEnvironment.progress(`profiled ${mounts} expanded mounts`);
  return { mounts, mountMs, ...totals.toJSON() };
}

// --- main -----------------------------------------------------------------

it('measures the Overlays sidebar', async () => {
  const fixturePath = process.env.SIDEBAR_BENCH_FIXTURE;
  const outPath = process.env.SIDEBAR_BENCH_OUT;
  if (!fixturePath || !outPath) {
    throw new Error(
      'Run the benchmark with `node benchmarks/sidebar.mjs` from the repository root.'
    );
  }
  const options: IOptions = JSON.parse(process.env.SIDEBAR_BENCH_OPTIONS!);
  const { runs } = options;
  (globalThis as any).IS_REACT_ACT_ENVIRONMENT = DEV;
  const started = performance.now();
  const fixture = JSON.parse(fs.readFileSync(fixturePath, 'utf8'));
  const bench = new SidebarBench(
    new Sidebar(fixture.overlays, fixture.jobs),
    jsdomEnvironment
  );
  jsdomEnvironment.progress(
    `React ${React.version} (${DEV ? 'development' : 'production'} build)`
  );
  const results = await bench.measure(runs);

  const miss = results.expanded.commit.median >= options.targetMs;
  let profile = null;
  let variants = null;
  if (options.profile === 'always' || (options.profile === 'auto' && miss)) {
    jsdomEnvironment.progress('profiling the expanded mount');
    profile = await cpuProfile(bench, runs.profileMounts);
    variants = await bench.variants(runs);
  }

  fs.writeFileSync(
    outPath,
    JSON.stringify({
      react: React.version,
      build: DEV ? 'development' : 'production',
      commitWith: DEV ? 'act()' : 'flushSync()',
      userAgent: navigator.userAgent,
      ...results,
      profile,
      variants,
      seconds: (performance.now() - started) / 1000
    })
  );
});
