import { expect, test } from '@jupyterlab/galata';

import { buildOverlay, pipelineV8, readFile } from './workspace';

/**
 * The Elyra hand-off with a real Elyra 4.1.1 in the server (project
 * "elyra", port 8900): a build is registered through Elyra's API and listed
 * in its Runtime Images panel; Apply Overlay Images changes a pipeline open
 * in Elyra's Pipeline Editor through its document.
 */

test.setTimeout(10 * 60 * 1000);

test('a build is listed among Elyra runtime images and set on an open pipeline', async ({
  page,
  tmpPath
}) => {
  const name = `elyra-${Date.now() % 100000}`;
  const image = await buildOverlay(page, name, `${tmpPath}/step.ipynb`);

  // Registered through Elyra, which serves it.
  await expect(
    page.getByText(`as the runtime image overlay-${name} in Elyra`)
  ).toBeVisible({ timeout: 30 * 1000 });
  const response = await page.request.get(
    `/elyra/metadata/runtime-images/overlay-${name}`
  );
  expect(response.ok()).toBe(true);
  expect(await response.json()).toMatchObject({
    name: `overlay-${name}`,
    display_name: `Overlay ${name}`,
    metadata: { image_name: image, tags: ['overlay', name] }
  });

  // Listed in Elyra's Runtime Images panel.
  await page.sidebar.openTab('elyra-metadata:runtime-images');
  const images = page.locator('#elyra-metadata\\:runtime-images');
  await expect(images.getByText(`Overlay ${name}`)).toBeVisible();

  // A pipeline open in Elyra's Pipeline Editor gets the image.
  await page.contents.uploadContent(
    pipelineV8([
      { id: 'n1', op: 'execute-notebook-node', filename: 'step.ipynb' }
    ]),
    'text',
    `${tmpPath}/flow.pipeline`
  );
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.open(`${tmpPath}/flow.pipeline`);
  const tab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: 'flow.pipeline'
  });
  await expect(tab).toBeVisible();
  const editor = page.locator('.lm-DockPanel-widget:visible').last();
  await expect(editor.getByText('step.ipynb').first()).toBeVisible({
    timeout: 60 * 1000
  });

  await page.filebrowser.openDirectory(tmpPath);
  await page.click('.jp-DirListing-item >> text=flow.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Apply Overlay Images to Pipeline');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('Changed 1 node.');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);

  // Saved through the editor's document: the file has it, the tab is clean.
  await expect
    .poll(async () => {
      const text = await readFile(page, `${tmpPath}/flow.pipeline`);
      return JSON.parse(text!).pipelines[0].nodes[0].app_data
        .component_parameters.runtime_image;
    })
    .toBe(image);
  await expect(tab).not.toHaveClass(/jp-mod-dirty/);

  // Elyra's editor holds the change, and knows the image by its runtime
  // image's name (the strings are the same).
  await tab.click();
  await editor.getByText('step.ipynb').first().click({ button: 'right' });
  await page.getByText('Open Properties', { exact: true }).click();
  const select = editor.locator(`select:has(option[value="${image}"])`);
  await expect(select).toHaveValue(image, { timeout: 30 * 1000 });
  await expect(select.locator('option:checked')).toHaveText(`Overlay ${name}`);
});
