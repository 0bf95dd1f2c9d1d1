import { expect, test } from '@jupyterlab/galata';

import {
  notebook,
  PANEL,
  pipfile,
  readFile,
  serverJobs,
  serverPython
} from './workspace';

/**
 * Real image builds with buildah (the server uses fresh storage each run, see
 * jupyter_server_test_config.py). The first build of a run also makes the
 * offline base image from Debian packages, so the budget is generous and the
 * test count small.
 */

const BUILD_TIMEOUT = 5 * 60 * 1000;

test.setTimeout(8 * 60 * 1000);

test('build an overlay, read its log, cancel a second build', async ({
  page,
  tmpPath
}) => {
  const name = `six-${Date.now() % 100000}`;
  const python = await serverPython(page);
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await page.contents.uploadContent(
    notebook(name),
    'text',
    `${tmpPath}/uses_six.ipynb`
  );

  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  await panel.getByTitle('Refresh overlays and build tools').click();
  const overlay = panel.locator(`[data-overlay="${name}"]`);
  await expect(overlay).toBeVisible();
  await expect(overlay.locator('[data-flag="lock-missing"]')).toBeVisible();

  // Build: queued or running at once, then succeeded with the image name.
  const started = Date.now();
  await overlay.locator('[data-action="build"]').click();
  const build = overlay.locator('[data-job-kind="build"]');
  await expect(build).toHaveAttribute('data-job-state', /queued|running/);
  await expect(overlay.locator('[data-action="build"]')).toBeDisabled();
  await expect(build).toHaveAttribute('data-job-state', 'running', {
    timeout: 30 * 1000
  });
  await expect(build.locator('.jp-OverlaysPanel-jobElapsed')).toHaveText(
    /^\d\d:\d\d$/
  );
  await expect(page.locator('.jp-OverlaysJobsStatus')).toHaveText(
    '1 build running'
  );
  await expect(build).toHaveAttribute('data-job-state', 'succeeded', {
    timeout: BUILD_TIMEOUT
  });
  const firstBuild = (Date.now() - started) / 1000;
  const image = build.locator('.jp-OverlaysPanel-image');
  await expect(image).toHaveText(
    new RegExp(`^localhost/.*-${name}:[0-9a-f]+$`)
  );
  // Copying the image name says so.
  await build.getByTitle('Copy the image name').click();
  await expect(
    page
      .locator('.jp-toast-container, .Toastify')
      .getByText(`Copied ${await image.textContent()} to the clipboard`)
  ).toBeVisible();
  await expect(page.locator('.jp-OverlaysJobsStatus')).toBeHidden();

  // The server agrees.
  const [built] = await serverJobs(page, name);
  expect(built.state).toBe('succeeded');
  expect(built.image).toBe(await image.textContent());

  // The log viewer shows the build's output and its state.
  const saved = page.waitForRequest(
    request =>
      request.method() === 'PUT' &&
      request.url().includes('/api/workspaces') &&
      (request.postData() ?? '').includes('jupyterlab-overlays-job-log')
  );
  await build.getByTitle('Show log').click();
  const log = page.locator('.jp-OverlaysJobLog');
  await expect(log.locator('.jp-OverlaysJobLog-text')).toContainText('STEP');
  await expect(log.locator('.jp-OverlaysJobLog-text')).toContainText(
    `Built ${built.image}`
  );
  await expect(
    page.locator('.jp-OverlaysJobLog-state[data-job-state="succeeded"]')
  ).toBeVisible();

  // After a reload the layout restorer reopens it, read again from the server.
  // (A plain reload: Galata's own waits for the Launcher to be the current tab.)
  await saved;
  await Promise.all([
    page.waitForEvent('load'),
    page.evaluate(() => window.location.reload())
  ]);
  await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
  await expect(log.locator('.jp-OverlaysJobLog-text')).toContainText(
    `Built ${built.image}`
  );
  // It opens at the end of the log, as it was left (a build log is longer than
  // the panel), not at the top.
  await expect
    .poll(() =>
      log.evaluate(node => [
        node.scrollHeight > node.clientHeight * 2,
        node.scrollHeight - node.scrollTop - node.clientHeight < 24
      ])
    )
    .toEqual([true, true]);
  await page.sidebar.openTab(PANEL);

  // A package more: the overlay changed since its build; build, then cancel.
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"', 'numpy = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await panel.getByTitle('Refresh overlays and build tools').click();
  await expect(overlay.locator('[data-flag="changed"]')).toBeVisible({
    timeout: 15 * 1000
  });
  const again = Date.now();
  await overlay.locator('[data-action="build"]').click();
  await expect(build).toHaveAttribute('data-job-state', 'running', {
    timeout: 30 * 1000
  });
  // JupyterLab's Running panel lists it beside kernels and terminals.
  await page.sidebar.openTab('jp-running-sessions');
  const running = page.locator('#jp-running-sessions .jp-OverlaysRunningJob');
  await expect(running).toHaveCount(1);
  await expect(running).toContainText(`${name}: build`);
  await page.sidebar.openTab(PANEL);
  await build.getByTitle('Cancel the build').click();
  // At once: "cancelling…" until the server says cancelled, never "running".
  await expect(build.locator('.jp-OverlaysPanel-jobState')).toHaveText(
    /^(cancelling…|cancelled)$/,
    { timeout: 1000 }
  );
  await expect(build).toHaveAttribute('data-job-state', 'cancelled', {
    timeout: 60 * 1000
  });
  const cancelAfter = (Date.now() - again) / 1000;
  await page.sidebar.openTab('jp-running-sessions');
  await expect(running).toHaveCount(0);
  await page.sidebar.openTab(PANEL);

  const jobs = await serverJobs(page, name);
  expect(jobs.map(job => job.state)).toEqual(['cancelled', 'succeeded']);
  expect(jobs[0].image).toBeNull();

  test.info().annotations.push(
    { type: 'first build (s)', description: firstBuild.toFixed(1) },
    {
      type: 'second build cancelled after (s)',
      description: cancelAfter.toFixed(1)
    }
  );
  console.log(
    `first build ${firstBuild.toFixed(1)} s; second build cancelled after ${cancelAfter.toFixed(1)} s`
  );
});

test('lock an overlay: running in the status bar, a notification, then stale after an edit', async ({
  page
}) => {
  const name = `lock-${Date.now() % 100000}`;
  const python = await serverPython(page);
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  await panel.getByTitle('Refresh overlays and build tools').click();
  const overlay = panel.locator(`[data-overlay="${name}"]`);
  await expect(overlay.locator('[data-flag="lock-missing"]')).toBeVisible();

  await overlay.locator('[data-action="lock"]').click();
  const lock = overlay.locator('[data-job-kind="lock"]');
  await expect(lock).toHaveAttribute('data-job-state', /queued|running/);
  await expect(overlay.locator('[data-action="lock"]')).toBeDisabled();

  // While it runs, the status bar says so; a click brings the panel back.
  const status = page.locator('.jp-OverlaysJobsStatus');
  await expect(status).toHaveText('1 lock running', { timeout: 30 * 1000 });
  await page.sidebar.openTab('filebrowser');
  await expect(panel).toBeHidden();
  await status.click();
  await expect(panel).toBeVisible();

  await expect(lock).toHaveAttribute('data-job-state', 'succeeded', {
    timeout: 3 * 60 * 1000
  });
  await expect(
    page.getByText(`Locked ${name}: Pipfile.lock written`)
  ).toBeVisible();
  await expect(status).toBeHidden();
  await expect(overlay.locator('[data-flag="lock-missing"]')).toHaveCount(0);
  const locked = JSON.parse(
    (await readFile(page, `overlays/${name}/Pipfile.lock`))!
  );
  expect(Object.keys(locked.default)).toEqual(['six']);

  // The Pipfile changes: the lock no longer matches it.
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"', 'idna = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await panel.getByTitle('Refresh overlays and build tools').click();
  await expect(overlay.locator('[data-flag="lock-stale"]')).toBeVisible({
    timeout: 15 * 1000
  });
});

test("go back to an earlier build's image from the build history", async ({
  page,
  tmpPath
}) => {
  const name = `back-${Date.now() % 100000}`;
  const python = await serverPython(page);
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await page.contents.uploadContent(
    notebook(name),
    'text',
    `${tmpPath}/uses_six.ipynb`
  );
  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  await panel.getByTitle('Refresh overlays and build tools').click();
  const overlay = panel.locator(`[data-overlay="${name}"]`);
  const build = overlay.locator('[data-job-kind="build"]');
  const buildOnce = async () => {
    await overlay.locator('[data-action="build"]').click();
    await expect(build).toHaveAttribute('data-job-state', 'succeeded', {
      timeout: BUILD_TIMEOUT
    });
    return (await build.locator('.jp-OverlaysPanel-image').textContent())!;
  };
  const first = await buildOnce();
  // Other files, another image.
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"']) + '# the second build\n',
    'text',
    `overlays/${name}/Pipfile`
  );
  await panel.getByTitle('Refresh overlays and build tools').click();
  await expect(overlay.locator('[data-flag="changed"]')).toBeVisible({
    timeout: 15 * 1000
  });
  const second = await buildOnce();
  expect(second).not.toBe(first);

  await expect(overlay.locator('[data-flag="runtime-image"]')).toHaveText(
    `Elyra: overlay-${name}`
  );
  // Its image and that image's size, as buildah prints it.
  await expect(overlay.locator('[data-flag="runtime-image"]')).toHaveAttribute(
    'title',
    new RegExp(`: ${second.replace(/[.:/]/g, '\\$&')} \\([\\d.]+ ?[kMG]?B\\)`)
  );
  // The history lists both; Elyra uses the newest.
  if (
    (await overlay
      .locator('.jp-OverlaysPanel-toggle')
      .getAttribute('aria-expanded')) !== 'true'
  ) {
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
  }
  await overlay.getByRole('button', { name: 'Build history' }).click();
  const rows = overlay.locator('[data-history-job]');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText(second);
  await expect(rows.nth(0)).toContainText('in Elyra');
  await expect(rows.nth(1)).toContainText(first);
  await expect(rows.nth(1)).toContainText('earlier files');
  // Both images are still here: their sizes, as buildah prints them.
  for (const index of [0, 1]) {
    await expect(
      rows.nth(index).locator('.jp-OverlaysPanel-imageSize')
    ).toHaveText(/^[\d.]+ ?[kMG]?B$/);
  }

  // Back to the first image.
  await rows.nth(1).getByRole('button', { name: 'Use in Elyra' }).click();
  await expect(
    page
      .locator('.jp-toast-container, .Toastify')
      .getByText(`The runtime image overlay-${name} now names ${first}`)
  ).toBeVisible();
  await expect(rows.nth(1)).toHaveAttribute('data-registered', 'true');
  await expect(rows.nth(0)).not.toHaveAttribute('data-registered', 'true');
  // Elyra now runs a build of earlier files than the overlay's: said so.
  await expect(overlay.locator('[data-flag="runtime-image-stale"]')).toHaveText(
    `Elyra: overlay-${name} (earlier files)`
  );
  const listing = await (
    await page.request.get('/overlays/runtime-images')
  ).json();
  const entry = listing.images.find(
    (image: any) => image.name === `overlay-${name}`
  );
  expect(entry.metadata.image_name).toBe(first);
});
