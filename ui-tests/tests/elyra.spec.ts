import { expect, test } from '@jupyterlab/galata';

import {
  buildOverlay,
  notebook,
  PANEL,
  pipelineV8,
  readFile
} from './workspace';

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

  // The sidebar says so.
  const flag = page.locator(
    `#${PANEL} [data-overlay="${name}"] [data-flag="runtime-image"]`
  );
  await expect(flag).toHaveText(`Elyra: overlay-${name}`);

  // Listed in Elyra's Runtime Images panel.
  await page.sidebar.openTab('elyra-metadata:runtime-images');
  const images = page.locator('#elyra-metadata\\:runtime-images');
  await expect(images.getByText(`Overlay ${name}`)).toBeVisible();

  // The sidebar's flag opens the entry in Elyra's own editor.
  await page.sidebar.openTab(PANEL);
  await flag.click();
  const editorTab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: `Overlay ${name}`
  });
  await expect(editorTab).toBeVisible();
  await expect(
    page.locator('.elyra-metadataEditor input').first()
  ).toBeVisible();

  // A pipeline open in the text editor (Open With), not Elyra's: changed
  // through that editor's document too.
  await page.contents.uploadContent(
    pipelineV8([
      { id: 'n1', op: 'execute-notebook-node', filename: 'step.ipynb' }
    ]),
    'text',
    `${tmpPath}/as-text.pipeline`
  );
  await page.sidebar.openTab('filebrowser');
  await page.filebrowser.openDirectory(tmpPath);
  await page.click('.jp-DirListing-item >> text=as-text.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Open With');
  await page
    .locator('.lm-Menu-itemLabel')
    .filter({ hasText: /^Editor$/ })
    .click();
  const textTab = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: 'as-text.pipeline'
  });
  await expect(textTab).toBeVisible();
  await page.click('.jp-DirListing-item >> text=as-text.pipeline', {
    button: 'right'
  });
  await page.click('.lm-Menu-item >> text=Apply Overlay Images to Pipeline');
  const textDialog = page.locator('.jp-Dialog');
  await expect(textDialog).toContainText('Changed 1 node.');
  await textDialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(
    page.locator('.jp-FileEditor:visible .cm-content')
  ).toContainText(`"runtime_image": "${image}"`);
  await expect(textTab).not.toHaveClass(/jp-mod-dirty/);
  await textTab.locator('.lm-TabBar-tabCloseIcon').click();

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

  // A new pipeline from the overlay's two notebooks, in the order picked:
  // step2 first. It opens in Elyra's editor.
  await page.contents.uploadContent(
    notebook(name),
    'text',
    `${tmpPath}/step2.ipynb`
  );
  await page.sidebar.openTab('filebrowser');
  await page.click('.jp-DirListing-content', {
    button: 'right',
    position: { x: 40, y: 200 }
  });
  await page.click('.lm-Menu-item >> text=Create Pipeline from Overlays…');
  await dialog
    .getByRole('button', { name: `Move ${tmpPath}/step2.ipynb up` })
    .click();
  await dialog.locator('.jp-OverlaysPipelineDialog-name').fill('ordered');
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
  const ordered = page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab', {
    hasText: 'ordered.pipeline'
  });
  await expect(ordered).toBeVisible();
  const made = JSON.parse(
    (await readFile(page, `${tmpPath}/ordered.pipeline`))!
  );
  const nodes = made.pipelines[0].nodes;
  expect(
    nodes.map((node: any) => node.app_data.component_parameters.filename)
  ).toEqual(['step2.ipynb', 'step.ipynb']);
  expect(nodes[1].inputs[0].links[0].node_id_ref).toBe(nodes[0].id);
  expect(
    nodes.map((node: any) => node.app_data.component_parameters.runtime_image)
  ).toEqual([image, image]);
  const canvas = page.locator('.lm-DockPanel-widget:visible').last();
  await expect(canvas.getByText('step2').first()).toBeVisible({
    timeout: 60 * 1000
  });

  // Renaming the overlay renames its runtime image; deleting removes it.
  const runtimeImage = async (overlay: string) =>
    (
      await page.request.get(
        `/elyra/metadata/runtime-images/overlay-${overlay}`
      )
    ).status();
  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  const row = panel.locator(`[data-overlay="${name}"]`);
  await row.getByTitle('Rename the overlay').click();
  await page.locator('.jp-Dialog input').fill(`${name}-new`);
  await page.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(panel.locator(`[data-overlay="${name}-new"]`)).toBeVisible();
  await expect.poll(() => runtimeImage(`${name}-new`)).toBe(200);
  await expect.poll(() => runtimeImage(name)).toBe(404);
  const renamed = await page.request.get(
    `/elyra/metadata/runtime-images/overlay-${name}-new`
  );
  expect((await renamed.json()).metadata.image_name).toBe(image);

  await panel
    .locator(`[data-overlay="${name}-new"]`)
    .getByTitle('Delete the overlay')
    .click();
  await page.locator('.jp-Dialog-button.jp-mod-warn').click();
  await expect.poll(() => runtimeImage(`${name}-new`)).toBe(404);
});
