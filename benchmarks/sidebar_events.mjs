#!/usr/bin/env node
// The delay from a job's state change on the server to the Overlays sidebar
// showing it, in a real JupyterLab page (Debian's Chromium driven by the
// playwright-core of ui-tests/). benchmarks/jobs_list.py runs it against the
// server it started; on its own:
//
//   node benchmarks/sidebar_events.mjs --base http://127.0.0.1:8888/ \
//        --token <token> --overlay <name> --rounds 10
//
// The overlay must exist and fail its locks at once (jobs_list.py makes one
// without a Pipfile). Each round the page asks for a lock through the REST
// API; the sidebar learns of it only through JupyterLab's event stream (or
// its fallback poll, 30 s while idle). Two clocks of one machine are compared:
// the `emitted` stamp of the job's `failed` event, and Date.now() when
//  - a WebSocket of the page's own on api/events/subscribe receives it
//    (the baseline: the event's delivery, measured in the same run), and
//  - the sidebar's row of that job shows data-job-state="failed"
//    (a MutationObserver on the panel).
// It prints one JSON line: both lists of delays in milliseconds.

/* global document, window, MutationObserver -- page.evaluate runs in the page */

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PANEL = 'jp-overlays-panel';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    token: { type: 'string' },
    overlay: { type: 'string' },
    rounds: { type: 'string', default: '10' }
  }
});

const { chromium } = createRequire(path.join(ROOT, 'ui-tests', 'package.json'))(
  'playwright-core'
);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']
});
try {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 }
  });
  await page.goto(`${values.base}lab?token=${values.token}`);
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await page.locator(`.jp-SideBar [data-id="${PANEL}"]`).click();
  await page
    .locator(`#${PANEL} [data-overlay="${values.overlay}"]`)
    .waitFor({ timeout: 30000 });
  // Expanded, so the overlay's job rows are rendered.
  const toggle = page.locator(
    `#${PANEL} [data-overlay="${values.overlay}"] .jp-OverlaysPanel-toggle`
  );
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') {
    await toggle.click();
  }

  const result = await page.evaluate(
    async ({ overlay, rounds, panelId }) => {
      const xsrf = /_xsrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
      const panel = document.getElementById(panelId);
      const shown = new Map(); // job id → Date.now() when shown failed
      const delivered = new Map(); // job id → [emitted ms, received ms]
      const observer = new MutationObserver(() => {
        const now = Date.now();
        for (const row of panel.querySelectorAll(
          '[data-job-kind="lock"][data-job-state="failed"]'
        )) {
          const id = row.getAttribute('data-job-id');
          if (id && !shown.has(id)) {
            shown.set(id, now);
          }
        }
      });
      observer.observe(panel, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-job-state', 'data-job-id']
      });
      const socket = new WebSocket(
        `ws://${window.location.host}/api/events/subscribe`
      );
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      socket.onmessage = message => {
        const received = Date.now();
        const event = JSON.parse(message.data);
        if (event.state === 'failed' && typeof event.emitted === 'number') {
          delivered.set(event.id, [event.emitted * 1000, received]);
        }
      };
      const sidebar = [];
      const events = [];
      for (let round = 0; round < rounds; round++) {
        const response = await fetch('/overlays/jobs', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf },
          body: JSON.stringify({ overlay, kind: 'lock' })
        });
        const { id } = await response.json();
        const deadline = Date.now() + 60000;
        while (!(shown.has(id) && delivered.has(id))) {
          if (Date.now() > deadline) {
            throw new Error(`job ${id} not shown failed within 60 s`);
          }
          await new Promise(resolve => setTimeout(resolve, 5));
        }
        const [emitted, received] = delivered.get(id);
        events.push(received - emitted);
        sidebar.push(shown.get(id) - emitted);
        // Let the sidebar settle before the next round.
        await new Promise(resolve => setTimeout(resolve, 300));
      }
      observer.disconnect();
      socket.close();
      return { events, sidebar };
    },
    {
      overlay: values.overlay,
      rounds: Number(values.rounds),
      panelId: PANEL
    }
  );
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
