import { expect, test } from '@jupyterlab/galata';

import { PANEL } from './workspace';

/**
 * The sidebar follows the server's job events: a job asked for through the REST
 * API alone (not by this page) shows in the sidebar within seconds, while the
 * fallback poll of an idle sidebar comes every 30 s.
 */
test('a job asked for elsewhere shows at once: the sidebar follows the job events', async ({
  page
}) => {
  const name = `events-${Date.now() % 100000}`;
  // A local package outside the workspace: the server refuses to lock it at once.
  await page.contents.uploadContent(
    '[packages]\nmine = {path = "/etc"}\n',
    'text',
    `overlays/${name}/Pipfile`
  );
  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  await panel.getByTitle('Refresh overlays and build tools').click();
  const overlay = panel.locator(`[data-overlay="${name}"]`);
  await expect(overlay).toBeVisible();

  const status = await page.evaluate(async overlay => {
    const xsrf = /_xsrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
    const response = await fetch('/overlays/jobs', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf },
      body: JSON.stringify({ overlay, kind: 'lock' })
    });
    return response.status;
  }, name);
  expect(status).toBe(202);
  const lock = overlay.locator('[data-job-kind="lock"]');
  await expect(lock).toHaveAttribute('data-job-state', 'failed', {
    timeout: 4000
  });
  await expect(lock).toContainText('outside the workspace');
});
