import { expect, test } from '@jupyterlab/galata';

import {
  buildOverlay,
  notebook,
  PANEL,
  pipelineV8,
  readFile,
  serverJobs
} from './workspace';

/**
 * The Elyra hand-off in a server without Elyra: a built image becomes a
 * runtime-image file; pipelines get overlay images through the file
 * browser's context menu, an open pipeline through its document.
 */

test.setTimeout(8 * 60 * 1000);

test('a build is registered, applied to an open pipeline, and used by a new pipeline', async ({
  page,
  tmpPath
}) => {
  const name = `flow-${Date.now() % 100000}`;
  const image = await buildOverlay(page, name, `${tmpPath}/step.ipynb`);
  expect(image).toMatch(new RegExp(`^localhost/.*-${name}:[0-9a-f]+$`));
  const [built] = await serverJobs(page, name);

  // Registered as an Elyra runtime image file (no Elyra in this server).
  await expect
    .poll(async () => {
      const response = await page.request.get('/overlays/runtime-images');
      const { images } = await response.json();
      return images.find((item: any) => item.name === `overlay-${name}`);
    })
    .toMatchObject({
      display_name: `Overlay ${name}`,
      metadata: {
        image_name: image,
        pull_policy: 'IfNotPresent',
        tags: ['overlay', name]
      },
      ours: true
    });
  const registered = await page.request.get('/overlays/runtime-images');
  const entry = (await registered.json()).images.find(
    (item: any) => item.name === `overlay-${name}`
  );
  expect(entry.metadata.description).toBe(
    `Built by jupyterlab-overlays from overlays/${name} (source hash ${built.source_hash!.slice(0, 12)})`
  );

  await expect(
    page.locator(
      `#${PANEL} [data-overlay="${name}"] [data-flag="runtime-image"]`
    )
  ).toHaveAttribute('title', /a file Elyra reads/);

  // A pipeline: our notebook, an untagged one, a script node.
  await page.contents.uploadContent(
    notebook(null),
    'text',
    `${tmpPath}/untagged.ipynb`
  );
  const flow = pipelineV8([
    { id: 'n1', op: 'execute-notebook-node', filename: 'step.ipynb' },
    { id: 'n2', op: 'execute-notebook-node', filename: 'untagged.ipynb' },
    { id: 'n3', op: 'execute-python-node', filename: 'load.py' }
  ]);
  await page.contents.uploadContent(flow, 'text', `${tmpPath}/flow.pipeline`);
  const old = JSON.stringify({
    doc_type: 'pipeline',
    version: '3.0',
    id: 'x',
    primary_pipeline: 'p',
    pipelines: [
      {
        id: 'p',
        nodes: [
          {
            id: 'n',
            type: 'execution_node',
            op: 'execute-notebook-node',
            app_data: { filename: 'step.ipynb', runtime_image: 'old:1' }
          }
        ],
        app_data: { version: 3 }
      }
    ]
  });
  await page.contents.uploadContent(old, 'text', `${tmpPath}/old.pipeline`);

  // Open the pipeline (a text editor here), then apply from the file browser.
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.open(`${tmpPath}/flow.pipeline`);
  const tab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: 'flow.pipeline'
  });
  await expect(tab).toBeVisible();
  await page.filebrowser.openDirectory(tmpPath);
  await page.click('.jp-DirListing-item >> text=flow.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Apply Overlay Images to Pipeline');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Changed 1 node.');
  await expect(
    dialog.locator('.jp-OverlaysApplySummary-changed li')
  ).toHaveText(`step.ipynb (${tmpPath}/step.ipynb) → ${image}`);
  await expect(
    dialog.locator('.jp-OverlaysApplySummary-noOverlay li')
  ).toHaveText(`untagged.ipynb (${tmpPath}/untagged.ipynb)`);
  await expect(
    dialog.locator('.jp-OverlaysApplySummary-skipped')
  ).toContainText('1 other node');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  // The open document changed (and, having no unsaved edits, was saved).
  await expect(page.locator('.jp-FileEditor .cm-content')).toContainText(
    `"runtime_image": "${image}"`
  );
  await expect(tab).not.toHaveClass(/jp-mod-dirty/);
  const saved = JSON.parse((await readFile(page, `${tmpPath}/flow.pipeline`))!);
  const params = saved.pipelines[0].nodes.map(
    (node: any) => node.app_data.component_parameters.runtime_image ?? null
  );
  expect(params).toEqual([image, null, null]);

  // With unsaved edits, the change goes into the editor and stays unsaved.
  await page.contents.uploadContent(flow, 'text', `${tmpPath}/edited.pipeline`);
  await page.filebrowser.open(`${tmpPath}/edited.pipeline`);
  const edited = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: 'edited.pipeline'
  });
  await page.locator('.jp-FileEditor:visible .cm-content').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type(' ');
  await expect(edited).toHaveClass(/jp-mod-dirty/);
  await page.click('.jp-DirListing-item >> text=edited.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Apply Overlay Images to Pipeline');
  await expect(dialog).toContainText('unsaved changes');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(
    page.locator('.jp-FileEditor:visible .cm-content')
  ).toContainText(`"runtime_image": "${image}"`);
  await expect(edited).toHaveClass(/jp-mod-dirty/);
  expect(await readFile(page, `${tmpPath}/edited.pipeline`)).toBe(flow);

  // An older format is explained and left alone.
  await page.click('.jp-DirListing-item >> text=old.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Apply Overlay Images to Pipeline');
  await expect(dialog).toContainText('Pipeline not changed');
  await expect(dialog).toContainText('version 3');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  expect(await readFile(page, `${tmpPath}/old.pipeline`)).toBe(old);

  // A new pipeline from the overlays: ours in it, with its image.
  await page.click('.jp-DirListing-content', {
    button: 'right',
    position: { x: 40, y: 200 }
  });
  await page.click('.lm-Menu-item >> text=Create Pipeline from Overlays…');
  const item = dialog.locator('.jp-OverlaysPipelineDialog-item', {
    hasText: `${tmpPath}/step.ipynb`
  });
  await expect(item).toContainText(`overlay ${name}`);
  await dialog.locator('.jp-OverlaysPipelineDialog-name').fill('made');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  await expect(
    page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
      hasText: 'made.pipeline'
    })
  ).toBeVisible();
  const made = JSON.parse((await readFile(page, `${tmpPath}/made.pipeline`))!);
  expect(made.pipelines[0].app_data.version).toBe(8);
  const node = made.pipelines[0].nodes.find(
    (item: any) => item.app_data.component_parameters.filename === 'step.ipynb'
  );
  expect(node.app_data.component_parameters.runtime_image).toBe(image);
});
