/**
 * The browser side of the sidebar benchmark: benchmarks/sidebar.mjs bundles
 * this file with rspack (React's production build) and runs it in headless
 * Chromium, as a cross-check of the jsdom figures. Same measurements
 * (benchmarks/sidebar-harness.tsx), plus style and layout, forced.
 */
import * as React from 'react';
import { flushSync } from 'react-dom';

import type { JobsModel } from '../src/jobs/model';
import type { IOverlay } from '../src/workspace/types';
import {
  domCount,
  IEnvironment,
  IRuns,
  Sidebar,
  SidebarBench
} from './sidebar-harness';
import { setVariant, Variant } from './ui-components-switch';

/**
 * MediaQueryList listeners added and removed: each FAST element with a
 * forced-colors style behaviour adds them when connected and should
 * remove them when disconnected. Counted, not changed.
 */
const mediaQueryListeners = { added: 0, removed: 0, jpButtonsCreated: 0 };
{
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (
    this: Document,
    ...args: Parameters<Document['createElement']>
  ) {
    if (args[0] === 'jp-button') {
      mediaQueryListeners.jpButtonsCreated++;
    }
    return createElement.apply(this, args);
  } as Document['createElement'];
  const proto = MediaQueryList.prototype;
  const addListener = proto.addListener;
  const removeListener = proto.removeListener;
  proto.addListener = function (listener) {
    mediaQueryListeners.added++;
    return addListener.call(this, listener);
  };
  proto.removeListener = function (listener) {
    mediaQueryListeners.removed++;
    return removeListener.call(this, listener);
  };
}

const messages: string[] = [];

const browserEnvironment: IEnvironment = {
  commit(render) {
    flushSync(render);
  },
  /** Style and layout of the whole sidebar, as the next frame would do. */
  layout(container) {
    void container.getBoundingClientRect().height;
  },
  async settle() {
    for (let i = 0; i < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    (window as any).gc?.();
  },
  progress(message) {
    messages.push(message);
  }
};

/**
 * One mount in this (fresh) page: the first opening of the sidebar.
 */
async function cold(options: {
  overlays: IOverlay[];
  jobs: Record<string, JobsModel.IOverlayJobs> | null;
  expanded: boolean;
  variant: Variant;
  count: boolean;
}) {
  setVariant(options.variant);
  const bench = new SidebarBench(
    new Sidebar(options.overlays, options.jobs),
    browserEnvironment
  );
  const mounted = await bench.mount(
    bench.sidebar.element(options.expanded ? bench.sidebar.all : new Set())
  );
  return {
    commitMs: mounted.commitMs,
    idleMs: mounted.idleMs,
    layoutMs: mounted.layoutMs,
    dom: options.count ? domCount(mounted.container) : null
  };
}

/** (a) to (d) in this one page, mount after mount. */
async function run(options: {
  overlays: IOverlay[];
  jobs: Record<string, JobsModel.IOverlayJobs> | null;
  runs: IRuns;
}) {
  const bench = new SidebarBench(
    new Sidebar(options.overlays, options.jobs),
    browserEnvironment
  );
  const started = performance.now();
  const results = await bench.measure(options.runs);
  const jpButtons = document.querySelectorAll('jp-button').length;
  return {
    react: React.version,
    userAgent: navigator.userAgent,
    adoptedStyleSheets: 'adoptedStyleSheets' in Document.prototype,
    elementInternals: 'attachInternals' in HTMLElement.prototype,
    gc: typeof (window as any).gc === 'function',
    ...results,
    mediaQueryListeners,
    jpButtonsLeft: jpButtons,
    messages,
    seconds: (performance.now() - started) / 1000
  };
}

(window as any).sidebarBench = { cold, run };
