/**
 * The measurements of the sidebar benchmark, shared by its jsdom side
 * (benchmarks/sidebar.bench.tsx, under jest) and its browser side
 * (benchmarks/sidebar.browser.tsx, in headless Chromium). Each side brings
 * an IEnvironment: how to commit, what to do between samples.
 *
 * It renders what the Overlays sidebar renders (src/widgets/OverlaysPanel):
 * OverlaysPanelView with the OverlayList child.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { DOM } from '@microsoft/fast-element';
import * as React from 'react';
import { createRoot } from 'react-dom/client';

import { IOverlayListProps, OverlayList } from '../src/components/OverlayList';
import {
  IOverlaysPanelProps,
  OverlaysPanelView
} from '../src/components/OverlaysPanelView';
import type { JobsModel } from '../src/jobs/model';
import type { RunCommand } from '../src/tokens';
import type { IOverlay } from '../src/workspace/types';
import { setVariant, Variant } from './ui-components-switch';

export type { Variant };

/** Run counts. */
export interface IRuns {
  warmup: number;
  collapsed: number;
  expanded: number;
  toggles: number;
  noops: number;
  variantRuns: number;
  profileMounts: number;
}

/** What differs between jsdom and a browser. */
export interface IEnvironment {
  /** Render synchronously, until committed with passive effects flushed. */
  commit(render: () => void): void;
  /** Force style and layout (browser only). */
  layout?(container: HTMLElement): void;
  /** CPU time of the process so far, in ms (node only). */
  cpuMs?(): number;
  /**
   * Between samples, untimed: let the event loop run, release what the
   * environment holds on to, collect the garbage.
   */
  settle(): Promise<void>;
  progress(message: string): void;
}

// --- statistics -----------------------------------------------------------

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Nearest-rank percentile. */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
};

export interface ISummary {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  times: number[];
}

export const summary = (times: number[]): ISummary => ({
  runs: times.length,
  median: median(times),
  p95: percentile(times, 95),
  min: Math.min(...times),
  max: Math.max(...times),
  times
});

// --- the sidebar ----------------------------------------------------------

const trans = nullTranslator.load('jupyterlab_overlays');

const SERVER: IOverlaysPanelProps['server'] = {
  state: 'ready',
  info: {
    version: '0.1.0',
    build_tools: [
      {
        name: 'buildah',
        found: true,
        path: '/usr/bin/buildah',
        version: '1.28.2',
        usable: true,
        problem: null,
        install_hint: 'apt-get install buildah runc'
      },
      {
        name: 'podman',
        found: false,
        path: null,
        version: null,
        usable: false,
        problem: 'podman is not installed',
        install_hint: 'apt-get install podman runc'
      },
      {
        name: 'docker',
        found: true,
        path: '/usr/bin/docker',
        version: '28.2.2',
        usable: false,
        problem: 'the docker engine is not reachable',
        install_hint: 'start the docker daemon'
      }
    ],
    preferred_build_tool: 'buildah'
  },
  error: null
};

export class Sidebar {
  /**
   * `jobs`: each overlay's jobs, as JobsModel.summary() gives them; null
   * renders the sidebar without a job service (no job rows).
   */
  constructor(
    readonly overlays: IOverlay[],
    readonly jobs: Record<string, JobsModel.IOverlayJobs> | null = null
  ) {}

  readonly run: RunCommand = () => undefined;

  /**
   * The element the widget renders: new closures and a new expanded set,
   * as OverlaysPanel.render() makes on each model change.
   */
  element(expanded: ReadonlySet<string>): JSX.Element {
    const props = this.props(expanded);
    return (
      <OverlaysPanelView {...props.panel}>
        <OverlayList {...props.list} />
      </OverlaysPanelView>
    );
  }

  props(expanded: ReadonlySet<string>): {
    panel: IOverlaysPanelProps;
    list: IOverlayListProps;
  } {
    return {
      panel: {
        server: SERVER,
        overlaysFolder: 'overlays',
        frontendVersion: '0.1.0',
        onRefresh: () => undefined,
        trans
      },
      list: {
        overlays: this.overlays,
        problems: [],
        scanning: false,
        expanded,
        onToggle: () => undefined,
        jobsOf: this.jobs ? name => this.jobs![name] : undefined,
        run: this.run,
        trans
      }
    };
  }

  get all(): ReadonlySet<string> {
    return new Set(this.overlays.map(overlay => overlay.name));
  }
}

// --- DOM size -------------------------------------------------------------

export interface IDomCount {
  /** Elements and text nodes in the light DOM, the container excluded. */
  nodes: number;
  elements: number;
  textNodes: number;
  svgElements: number;
  jpButtons: number;
  nativeButtons: number;
  /**
   * `<input slot="form-associated-proxy">`: FAST adds one per jp-button
   * where ElementInternals is missing (jsdom).
   */
  formProxies: number;
  shadowRoots: number;
  /** Nodes inside shadow roots (FAST templates and their styles). */
  shadowNodes: number;
  /** Rows, when expanded. */
  members: number;
  packages: number;
  /** Job badges (lock and build), with a job service. */
  jobs: number;
}

export function domCount(container: HTMLElement): IDomCount {
  let nodes = 0;
  let textNodes = 0;
  let shadowNodes = 0;
  let shadowRoots = 0;
  const walk = (node: Node, inShadow: boolean) => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (inShadow) {
        shadowNodes++;
      } else {
        nodes++;
        if (child.nodeType === Node.TEXT_NODE) {
          textNodes++;
        }
      }
      const shadowRoot = (child as Element).shadowRoot;
      if (shadowRoot) {
        shadowRoots++;
        walk(shadowRoot, true);
      }
      walk(child, inShadow);
    }
  };
  walk(container, false);
  const count = (selector: string) =>
    container.querySelectorAll(selector).length;
  return {
    nodes,
    elements: count('*'),
    textNodes,
    svgElements: count('svg'),
    jpButtons: count('jp-button'),
    nativeButtons: count('button'),
    formProxies: count('input[slot="form-associated-proxy"]'),
    shadowRoots,
    shadowNodes,
    members: count('.jp-OverlaysPanel-member'),
    packages: count('.jp-OverlaysPanel-package'),
    jobs: count('.jp-OverlaysPanel-job')
  };
}

// --- timing ---------------------------------------------------------------

export interface ITimed {
  /** Until React committed, passive effects included. */
  commitMs: number;
  /**
   * Until idle: the commit, then the microtasks it queued (slotchange
   * events of the web components' slots), then FAST's update queue (what a
   * browser runs in the next animation frame).
   */
  idleMs: number;
  /** And style and layout forced (browser only; else equal to idleMs). */
  layoutMs: number;
  /**
   * CPU time until idle, of the whole process (GC threads too): less
   * sensitive than wall time to other processes on a busy machine. Node
   * only; else NaN.
   */
  cpuMs: number;
}

export interface IMounted {
  container: HTMLDivElement;
  root: ReturnType<typeof createRoot>;
}

export interface IMountTimes {
  commit: ISummary;
  idle: ISummary;
  layout: ISummary;
  cpu: ISummary;
}

const now = () => performance.now();

async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

async function tick(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0));
}

/**
 * The benchmark of one sidebar in one environment.
 */
export class SidebarBench {
  constructor(
    readonly sidebar: Sidebar,
    readonly env: IEnvironment
  ) {}

  /** Time a synchronous render and the deferred work it leaves. */
  async timed(
    render: () => void,
    container: () => HTMLElement
  ): Promise<ITimed> {
    const cpu = this.env.cpuMs?.() ?? NaN;
    const start = now();
    render();
    const committed = now();
    await drainMicrotasks();
    DOM.processUpdates();
    await drainMicrotasks();
    const idle = now();
    const cpuMs = (this.env.cpuMs?.() ?? NaN) - cpu;
    this.env.layout?.(container());
    const laidOut = now();
    return {
      commitMs: committed - start,
      idleMs: idle - start,
      layoutMs: laidOut - start,
      cpuMs
    };
  }

  /** A fresh root: create it and render `element`, all timed. */
  async mount(element: JSX.Element): Promise<IMounted & ITimed> {
    const mounted = {} as IMounted;
    const times = await this.timed(
      () => {
        mounted.container = document.createElement('div');
        mounted.container.className = 'jp-OverlaysPanel';
        document.body.appendChild(mounted.container);
        mounted.root = createRoot(mounted.container);
        this.env.commit(() => mounted.root.render(element));
      },
      () => mounted.container
    );
    return { ...mounted, ...times };
  }

  /** Unmount and settle, untimed. */
  async unmount({ container, root }: IMounted): Promise<void> {
    this.env.commit(() => root.unmount());
    DOM.processUpdates();
    container.remove();
    await this.env.settle();
  }

  /** Fresh mounts: `warmup` untimed, then `runs` timed. */
  async freshMounts(
    expanded: ReadonlySet<string>,
    warmup: number,
    runs: number,
    label: string
  ): Promise<IMountTimes> {
    const times: Record<keyof IMountTimes, number[]> = {
      commit: [],
      idle: [],
      layout: [],
      cpu: []
    };
    for (let i = 0; i < warmup + runs; i++) {
      const mounted = await this.mount(this.sidebar.element(expanded));
      if (i >= warmup) {
        times.commit.push(mounted.commitMs);
        times.idle.push(mounted.idleMs);
        times.layout.push(mounted.layoutMs);
        times.cpu.push(mounted.cpuMs);
      }
      await this.unmount(mounted);
    }
    const result = {
      commit: summary(times.commit),
      idle: summary(times.idle),
      layout: summary(times.layout),
      cpu: summary(times.cpu)
    };
    this.env.progress(
      `${label}: median ${result.commit.median.toFixed(1)} ms to commit, ` +
        `${result.idle.median.toFixed(1)} ms to idle, over ${runs} mounts`
    );
    return result;
  }

  /** Mount once and count the DOM. */
  async dom(expanded: ReadonlySet<string>): Promise<IDomCount> {
    const probe = await this.mount(this.sidebar.element(expanded));
    const count = domCount(probe.container);
    await this.unmount(probe);
    return count;
  }

  /**
   * Re-render an existing root with each step's element; times to idle
   * (to layout in a browser), the first `warmup` untimed. The event loop
   * runs between steps.
   */
  async rerenders(
    mounted: IMounted,
    steps: (() => JSX.Element)[],
    warmup: number
  ): Promise<number[]> {
    const times: number[] = [];
    for (const [i, step] of steps.entries()) {
      const element = step();
      const { layoutMs } = await this.timed(
        () => this.env.commit(() => mounted.root.render(element)),
        () => mounted.container
      );
      if (i >= warmup) {
        times.push(layoutMs);
      }
      await tick();
    }
    return times;
  }

  async toggles(runs: IRuns) {
    const sidebar = this.sidebar;
    const names = sidebar.overlays.map(overlay => overlay.name);
    const count = runs.warmup + runs.toggles;
    const pick = (i: number) => names[(i * 37 + 11) % names.length];

    // From all collapsed: expand one, then collapse it again.
    const collapsed = await this.mount(sidebar.element(new Set()));
    const expandOne: number[] = [];
    const collapseBack: number[] = [];
    for (let i = 0; i < count; i++) {
      const [open, close] = await this.rerenders(
        collapsed,
        [
          () => sidebar.element(new Set([pick(i)])),
          () => sidebar.element(new Set())
        ],
        0
      );
      if (i >= runs.warmup) {
        expandOne.push(open);
        collapseBack.push(close);
      }
    }
    await this.unmount(collapsed);

    // From all expanded: collapse one, then expand it again.
    const all = sidebar.all;
    const expanded = await this.mount(sidebar.element(all));
    const collapseOne: number[] = [];
    const expandBack: number[] = [];
    for (let i = 0; i < count; i++) {
      const without = new Set(all);
      without.delete(pick(i));
      const [close, open] = await this.rerenders(
        expanded,
        [() => sidebar.element(without), () => sidebar.element(new Set(all))],
        0
      );
      if (i >= runs.warmup) {
        collapseOne.push(close);
        expandBack.push(open);
      }
    }
    await this.unmount(expanded);
    this.env.progress('(c) toggles done');
    return {
      fromCollapsed: {
        expandOne: summary(expandOne),
        collapseBack: summary(collapseBack)
      },
      fromExpanded: {
        collapseOne: summary(collapseOne),
        expandBack: summary(expandBack)
      }
    };
  }

  async noops(runs: IRuns) {
    const result: Record<
      string,
      { sameProps: ISummary; sameElement: ISummary }
    > = {};
    for (const [state, expanded] of [
      ['collapsed', new Set<string>()],
      ['expanded', this.sidebar.all]
    ] as const) {
      const props = this.sidebar.props(expanded);
      const element = (
        <OverlaysPanelView {...props.panel}>
          <OverlayList {...props.list} />
        </OverlaysPanelView>
      );
      const mounted = await this.mount(element);
      const count = runs.warmup + runs.noops;
      // New elements from the very same props objects: every component
      // runs again (none is memoised) and React finds nothing to change.
      const sameProps = await this.rerenders(
        mounted,
        Array.from(
          { length: count },
          () => () =>
            React.createElement(
              OverlaysPanelView,
              props.panel,
              React.createElement(OverlayList, props.list)
            )
        ),
        runs.warmup
      );
      // The identical element: React bails out at the root.
      const sameElement = await this.rerenders(
        mounted,
        Array.from({ length: count }, () => () => element),
        runs.warmup
      );
      await this.unmount(mounted);
      result[state] = {
        sameProps: summary(sameProps),
        sameElement: summary(sameElement)
      };
    }
    this.env.progress('(d) no-op re-renders done');
    return result;
  }

  /** (a) to (d), with a cold first mount and the DOM sizes. */
  async measure(runs: IRuns) {
    // The very first mount pays for JIT, FAST template compilation and
    // first-use caches, as the first opening of the sidebar in a page does.
    const first = await this.mount(this.sidebar.element(new Set()));
    const firstMount = {
      commitMs: first.commitMs,
      idleMs: first.idleMs,
      layoutMs: first.layoutMs,
      cpuMs: first.cpuMs
    };
    await this.unmount(first);
    this.env.progress(
      `first mount ${firstMount.commitMs.toFixed(0)} ms to commit`
    );
    const dom = {
      collapsed: await this.dom(new Set()),
      expanded: await this.dom(this.sidebar.all)
    };
    const collapsed = await this.freshMounts(
      new Set(),
      runs.warmup,
      runs.collapsed,
      '(a) collapsed'
    );
    const expanded = await this.freshMounts(
      this.sidebar.all,
      runs.warmup,
      runs.expanded,
      '(b) expanded'
    );
    const toggle = await this.toggles(runs);
    const noop = await this.noops(runs);
    return { firstMount, dom, collapsed, expanded, toggle, noop };
  }

  /**
   * The collapsed and expanded first renders with each variant of
   * ToolbarButtonComponent and the icons (benchmarks/ui-components-switch).
   */
  async variants(runs: IRuns) {
    const result: Record<string, unknown> = {};
    const variants: Variant[] = ['real', 'plain-button', 'plain-button-no-svg'];
    for (const variant of variants) {
      setVariant(variant);
      try {
        const collapsed = await this.freshMounts(
          new Set(),
          1,
          runs.variantRuns,
          `variant ${variant}, collapsed`
        );
        const expanded = await this.freshMounts(
          this.sidebar.all,
          1,
          runs.variantRuns,
          `variant ${variant}, expanded`
        );
        result[variant] = {
          collapsed,
          expanded,
          dom: await this.dom(this.sidebar.all)
        };
      } finally {
        setVariant('real');
      }
    }
    return result;
  }
}
