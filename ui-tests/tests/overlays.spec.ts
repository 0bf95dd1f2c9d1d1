import { expect, test } from '@jupyterlab/galata';

import { notebook, readFile } from './workspace';

const PANEL = 'jp-overlays-panel';

test.describe('Overlays panel', () => {
  test('loads the extension without errors', async ({ page }) => {
    const errors: string[] = [];
    page.on('console', message => {
      if (message.type() === 'error' && message.text().includes('overlays')) {
        errors.push(message.text());
      }
    });
    await page.goto();
    await expect(page.sidebar.getTabLocator(PANEL)).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('opens from the sidebar and lists the build tools', async ({ page }) => {
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await expect(
      panel.getByRole('heading', { name: 'Overlays' })
    ).toBeVisible();

    const tools = panel.locator('.jp-OverlaysPanel-buildTool');
    await expect(tools).toHaveCount(3);
    expect(
      await tools.evaluateAll(items => items.map(i => i.dataset.tool))
    ).toEqual(['buildah', 'podman', 'docker']);

    // The test machines install buildah (scripts/install-system.sh).
    const buildah = panel.locator('[data-tool="buildah"]');
    await expect(buildah).toHaveClass(/jp-mod-usable/);
    await expect(buildah).toContainText(/version \d+\.\d+/);
    await expect(buildah).toContainText('used');
    // docker answers here without an engine: its own words are folded away.
    const docker = panel.locator('[data-tool="docker"]');
    const why = docker.locator('details.jp-OverlaysPanel-buildToolProblem');
    if (await why.count()) {
      expect(
        await why.evaluate(node => (node as HTMLDetailsElement).open)
      ).toBe(false);
      await expect(why.locator('summary')).toHaveText('Why it cannot be used');
    } else {
      // A machine without docker: what to install, in one line.
      await expect(
        docker.locator('.jp-OverlaysPanel-installHint')
      ).toBeVisible();
    }
    await expect(panel.getByRole('alert')).toHaveCount(0);
    await expect(panel.locator('.jp-OverlaysPanel-settingValue')).toHaveText(
      'overlays'
    );
  });

  test('opens from the View menu', async ({ page }) => {
    await page.menu.clickMenuItem('View>Show Overlays Panel');
    await expect(page.locator(`#${PANEL}`)).toBeVisible();
    expect(await page.sidebar.isTabOpen(PANEL)).toBe(true);
  });

  test('says so when the server extension does not answer', async ({
    page
  }) => {
    // Stand in for a server without the extension: its route answers 404.
    await page.route(/\/overlays\/info/, route =>
      route.fulfill({ status: 404, body: 'Not Found' })
    );
    await page.reload();
    await page.sidebar.openTab(PANEL);
    await expect(page.locator(`#${PANEL}`).getByRole('alert')).toContainText(
      'server extension is not running'
    );
  });

  test('keeps the overlays a user expanded across a reload', async ({
    page
  }) => {
    const name = `kept-${Date.now() % 100000}`;
    await page.contents.uploadContent(
      '[packages]\nsix = "*"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const toggle = panel
      .locator(`[data-overlay="${name}"]`)
      .locator('.jp-OverlaysPanel-toggle');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');

    // The state database saves to the workspace; wait for that save.
    const saved = page.waitForRequest(
      request =>
        request.method() === 'PUT' &&
        request.url().includes('/api/workspaces') &&
        (request.postData() ?? '').includes(name)
    );
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await saved;

    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => window.location.reload())
    ]);
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    // The layout restorer reopens the panel.
    await expect(panel).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');

    // Collapsed again, it stays collapsed.
    const collapsed = page.waitForRequest(
      request =>
        request.method() === 'PUT' &&
        request.url().includes('/api/workspaces') &&
        !(request.postData() ?? '').includes(`"${name}"`)
    );
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await collapsed;
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => window.location.reload())
    ]);
    await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
    // The layout restorer reopens the panel.
    await expect(panel).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  });

  test("shows an overlay's full name beside its badges at the default width", async ({
    page
  }) => {
    const name = `download-dataset-${Date.now() % 100000}`;
    // A Pipfile that does not parse: the overlay carries a badge beside its name.
    await page.contents.uploadContent(
      '[packages\nsix = "*"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await expect(
      overlay.locator('.jp-OverlaysPanel-badge').first()
    ).toBeVisible();

    const label = overlay.locator('.jp-OverlaysPanel-overlayName');
    await expect(label).toHaveAttribute('title', name);
    const [shown, full] = await label.evaluate(element => [
      element.clientWidth,
      element.scrollWidth
    ]);
    expect(full).toBeLessThanOrEqual(shown);

    // Re-extracting an overlay does not look like refreshing the panel.
    const icon = (title: string) =>
      panel
        .getByTitle(title)
        .locator('svg')
        .first()
        .evaluate(svg => svg.outerHTML);
    expect(await icon('Re-extract packages from the notebooks')).not.toEqual(
      await icon('Refresh overlays and build tools')
    );
  });

  test('shows a version specifier on one line at the default width', async ({
    page
  }) => {
    const name = `versions-${Date.now() % 100000}`;
    await page.contents.uploadContent(
      '[packages]\nscikit-learn = ">=1.3.0,<2.0.0,!=1.3.1"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    const specifier = overlay.locator(
      '[data-package="scikit-learn"] .jp-OverlaysPanel-specifier'
    );
    await expect(specifier).toHaveText('>=1.3.0,<2.0.0,!=1.3.1');
    await expect(specifier).toHaveAttribute(
      'title',
      'Edit the version of scikit-learn (>=1.3.0,<2.0.0,!=1.3.1)'
    );
    // One line box holds the version, and the row stays inside the panel.
    const lines = (selector: string) =>
      overlay
        .locator(`[data-package="scikit-learn"] ${selector}`)
        .evaluate(element => {
          const range = document.createRange();
          range.selectNodeContents(element);
          return new Set([...range.getClientRects()].map(rect => rect.top))
            .size;
        });
    expect(await lines('.jp-OverlaysPanel-specifier')).toBe(1);
    const [row, box] = await Promise.all([
      overlay.locator('[data-package="scikit-learn"]').boundingBox(),
      panel.boundingBox()
    ]);
    expect(row!.x + row!.width).toBeLessThanOrEqual(box!.x + box!.width);
  });

  test('asks before deleting an overlay in plain words', async ({ page }) => {
    const name = `plain-${Date.now() % 100000}`;
    await page.contents.uploadContent(
      '[packages]\nsix = "*"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    await panel
      .locator(`[data-overlay="${name}"]`)
      .getByTitle('Delete the overlay')
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(
      `Delete "${name}"? This removes overlays/${name} with its Pipfile and its entries in .thoth.yaml and .aicoe-ci.yaml. No notebook belongs to it.`
    );
    await expect(dialog).not.toContainText('untag');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(panel.locator(`[data-overlay="${name}"]`)).toBeVisible();
  });

  test('checks a new name as you type it when renaming', async ({ page }) => {
    const stamp = Date.now() % 100000;
    const taken = `train-model-${stamp}`;
    const name = `prep-${stamp}`;
    for (const overlay of [taken, name]) {
      await page.contents.uploadContent(
        '[packages]\nsix = "*"\n',
        'text',
        `overlays/${overlay}/Pipfile`
      );
    }
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    await panel
      .locator(`[data-overlay="${name}"]`)
      .getByTitle('Rename the overlay')
      .click();
    const dialog = page.locator('.jp-Dialog');
    const input = dialog.locator('input');
    const problem = dialog.locator('.jp-OverlaysDialog-problem');
    const rename = dialog.locator('.jp-Dialog-button.jp-mod-accept');
    await expect(rename).toHaveText('Rename');
    await expect(problem).toHaveText('Type a new name.');
    await expect(rename).toBeDisabled();

    await input.fill(`Train-Model-${stamp}`);
    await expect(problem).toHaveText(
      `There is already an overlay named "${taken}": overlay names must differ by more than letter case, since image names are lower case.`
    );
    await expect(rename).toBeDisabled();
    await input.fill(`${name}_`);
    await expect(problem).toContainText('put a single "-", "_" or "__"');
    // Enter on a bad name asks again, with what was typed.
    await input.press('Enter');
    await expect(dialog.locator('input')).toHaveValue(`${name}_`);

    await dialog.locator('input').fill(`${name}-data`);
    await expect(problem).toHaveText('');
    await expect(rename).toBeEnabled();
    await rename.click();
    await expect(panel.locator(`[data-overlay="${name}-data"]`)).toBeVisible();
    await expect(panel.locator(`[data-overlay="${name}"]`)).toHaveCount(0);
  });

  test('opens .thoth.yaml from the sidebar, saves it, and says what Kebechet misses', async ({
    page
  }) => {
    const put = (content: string) =>
      page.evaluate(async content => {
        const xsrf = /_xsrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
        const response = await fetch('/overlays/config-files/.thoth.yaml', {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf },
          body: JSON.stringify({ content })
        });
        return response.status;
      }, content);
    const read = async () =>
      (
        await (
          await page.request.get('/overlays/config-files/.thoth.yaml')
        ).json()
      ).content as string | null;
    const original = await read();
    try {
      expect(
        await put(
          'host: khemenu.thoth-station.ninja\noverlays_dir: overlays\nruntime_environments: []\n'
        )
      ).toBe(200);
      await page.sidebar.openTab(PANEL);
      const panel = page.locator(`#${PANEL}`);
      await panel.getByTitle('Refresh overlays and build tools').click();
      const thoth = panel.locator('[data-config-file=".thoth.yaml"]');
      await expect(thoth.locator('[data-finding="missing-key"]')).toHaveText(
        'No managers: Kebechet will not update the overlays\' locks (add e.g. "- name: update").'
      );

      await thoth.getByRole('button', { name: '.thoth.yaml' }).click();
      const editor = page.locator('.jp-OverlaysConfigEditor');
      await expect(editor).toBeVisible();
      await expect(editor.locator('.cm-content')).toContainText(
        'overlays_dir: overlays'
      );
      await editor.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('managers:\n  - name: update\n');
      await expect(
        page.locator('.lm-TabBar-tab.jp-mod-dirty', { hasText: '.thoth.yaml' })
      ).toBeVisible();
      await page.keyboard.press('Control+s');
      await expect(thoth.locator('[data-finding="missing-key"]')).toHaveCount(
        0
      );
      await expect(
        page.locator('.lm-TabBar-tab.jp-mod-dirty', { hasText: '.thoth.yaml' })
      ).toHaveCount(0);
      expect(await read()).toContain('managers:\n  - name: update');
    } finally {
      await put(original ?? '');
    }
  });

  test('flags packages the index does not have or renamed, with their fix', async ({
    page,
    tmpPath
  }) => {
    const name = `index-${Date.now() % 100000}`;
    // A member imports a name no project on the index has.
    const content = JSON.parse(notebook(name));
    content.cells[0].source = ['import six\n', 'import nosuch_overlays_x\n'];
    await page.contents.uploadContent(
      JSON.stringify(content),
      'text',
      `${tmpPath}/member.ipynb`
    );
    await page.contents.uploadContent(
      '[packages]\nsix = "*"\nsksurv = "*"\nfbprophet = "*"\nnosuch-overlays-x = "*"\n\n[requires]\npython_version = "3.11"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    // Asked of the real package index (PyPI) after the sidebar is drawn.
    const missing = overlay.locator(
      '[data-package="sksurv"] [data-index-status="missing"]'
    );
    await expect(missing).toContainText('not on the index', { timeout: 30000 });
    await expect(
      overlay.locator('[data-package="six"] [data-index-status]')
    ).toHaveCount(0);
    const renamed = overlay.locator(
      '[data-package="fbprophet"] [data-index-status="renamed"]'
    );
    await expect(renamed).toContainText('renamed: use prophet');
    await renamed.getByRole('button', { name: 'Use prophet' }).click();
    await expect(overlay.locator('[data-package="prophet"]')).toBeVisible();
    await missing.getByRole('button', { name: 'Remove' }).click();
    await expect(overlay.locator('[data-package="sksurv"]')).toHaveCount(0);
    // Removing the imported name ignores its import: not proposed again.
    const imported = overlay.locator(
      '[data-package="nosuch-overlays-x"] [data-index-status="missing"]'
    );
    await imported.getByRole('button', { name: 'Remove' }).click();
    await expect(
      overlay.locator('[data-package="nosuch-overlays-x"]')
    ).toHaveCount(0);
    await expect(overlay.getByText('out of date')).toHaveCount(0);
    expect(await readFile(page, `overlays/${name}/overlay.json`)).toContain(
      '"nosuch_overlays_x": ""'
    );
    const pipfile = (await readFile(page, `overlays/${name}/Pipfile`))!;
    expect(pipfile).toContain('prophet = "*"');
    expect(pipfile).not.toContain('sksurv');
    expect(pipfile).not.toContain('fbprophet');
    expect(pipfile).not.toContain('nosuch');
  });

  test('flags a pin with no wheel and a release its Python holds back, with their fix', async ({
    page
  }) => {
    const name = `pins-${Date.now() % 100000}`;
    await page.contents.uploadContent(
      '[packages]\narviz = "*"\nscikit-learn = "==0.20.3"\n\n[requires]\npython_version = "3.11"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    // Asked of the real package index (PyPI): scikit-learn 0.20.3 has no wheel
    // for Python 3.11; arviz 0.23.4 is its last release for 3.11 (1.0 needs
    // 3.12), and matplotlib 3.11 came after, dropping Python 3.10.
    const pinned = overlay.locator(
      '[data-package="scikit-learn"] [data-index-status="pinned"]'
    );
    await expect(pinned).toContainText('no wheel for this version', {
      timeout: 60000
    });
    await expect(pinned).toHaveAttribute(
      'title',
      /no wheel of scikit-learn==0\.20\.3 for Python 3\.11/
    );
    const held = overlay.locator(
      '[data-package="arviz"] [data-index-status="held-back"]'
    );
    await expect(held).toContainText('last release for this Python', {
      timeout: 60000
    });
    await pinned.getByRole('button', { name: 'Any version' }).click();
    await expect(pinned).toHaveCount(0);
    await held.getByRole('button', { name: /^Hold back .*matplotlib/ }).click();
    await expect(overlay.locator('[data-package="matplotlib"]')).toContainText(
      '<3.11'
    );
    // Held back now: the flag stays, quietly, with nothing left to click.
    await expect(held).toHaveAttribute('data-settled', 'true');
    await expect(held.getByRole('button')).toHaveCount(0);
    await expect(
      overlay.locator('[data-package="matplotlib"] .jp-OverlaysPanel-heldFor')
    ).toHaveText('held back for arviz');
    const pipfile = (await readFile(page, `overlays/${name}/Pipfile`))!;
    expect(pipfile).toContain('scikit-learn = "*"');
    expect(pipfile).toContain('matplotlib = "<3.11"');
  });

  test('flags a namespace import the index places in another package, with its fix', async ({
    page,
    tmpPath
  }) => {
    const name = `ns-${Date.now() % 100000}`;
    const path = `${tmpPath}/lock.ipynb`;
    const content = JSON.parse(notebook(name));
    content.cells[0].source = ['import six\n', 'import zc.lockfile\n'];
    await page.contents.uploadContent(JSON.stringify(content), 'text', path);
    await page.contents.uploadContent(
      '[packages]\nsix = "*"\nzc = "*"\n\n[requires]\npython_version = "3.11"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    // Asked of the real package index (PyPI): the project zc exists, but its
    // files hold no zc/lockfile; zc.lockfile's do.
    const provided = overlay.locator(
      '[data-package="zc"] [data-index-status="provided"]'
    );
    await expect(provided).toContainText('import is in zc-lockfile', {
      timeout: 60000
    });
    await expect(provided).toHaveAttribute(
      'title',
      'zc.lockfile is in the package zc-lockfile, not in zc'
    );
    await provided.getByRole('button', { name: 'Use zc-lockfile' }).click();
    await expect(overlay.locator('[data-package="zc-lockfile"]')).toBeVisible();
    await expect(overlay.locator('[data-package="zc"]')).toHaveCount(0);
    const pipfile = (await readFile(page, `overlays/${name}/Pipfile`))!;
    expect(pipfile).toContain('zc-lockfile = "*"');
    expect(pipfile).not.toMatch(/^zc = /m);
    expect(
      JSON.parse((await readFile(page, `overlays/${name}/overlay.json`))!)
    ).toEqual({ overrides: { 'zc.lockfile': 'zc-lockfile' } });
    // Not out of date: the override keeps the import's package.
    await expect(overlay.getByText('out of date')).toHaveCount(0);
  });

  test('says what to do with an overlay that has no packages', async ({
    page
  }) => {
    const name = `empty-${Date.now() % 100000}`;
    await page.contents.uploadContent(
      '[packages]\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    await expect(overlay).toContainText('Packages (0)');
    await expect(overlay.locator('[data-hint="no-packages"]')).toContainText(
      'add notebooks to this overlay'
    );
  });

  test('lists notebooks tagged to a missing overlay, and removes the tag', async ({
    page,
    tmpPath
  }) => {
    const gone = `gone-${Date.now() % 100000}`;
    const path = `${tmpPath}/orphan.ipynb`;
    await page.contents.uploadContent(notebook(gone), 'text', path);
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const item = panel.locator(`[data-dangling="${gone}"]`);
    await expect(item).toContainText(
      `${path} is tagged to "${gone}", which does not exist.`
    );
    await expect(item.getByRole('button', { name: 'Create it' })).toBeVisible();
    await item.getByRole('button', { name: 'Remove the tag' }).click();
    await expect(item).toHaveCount(0);
    expect(JSON.parse((await readFile(page, path))!).metadata.overlay).toBe(
      undefined
    );
  });

  test("names a member's cell that does not parse, and the locked versions", async ({
    page,
    tmpPath
  }) => {
    const name = `broken-${Date.now() % 100000}`;
    const path = `${tmpPath}/broken.ipynb`;
    const content = JSON.parse(notebook(name));
    content.cells.push({
      cell_type: 'code',
      execution_count: null,
      id: 'b2',
      metadata: {},
      outputs: [],
      source: ['import pandas\n', 'df = pandas.DataFrame(\n']
    });
    await page.contents.uploadContent(JSON.stringify(content), 'text', path);
    await page.contents.uploadContent(
      '[packages]\nsix = "*"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.contents.uploadContent(
      JSON.stringify({ _meta: {}, default: { six: { version: '==1.17.0' } } }),
      'text',
      `overlays/${name}/Pipfile.lock`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    await expect(overlay.locator('[data-hint="syntax-error"]')).toHaveText(
      `${path}: cell 2 does not parse (line 2): imports after the error may be missed.`
    );
    await expect(
      overlay.locator('[data-package="six"] .jp-OverlaysPanel-locked')
    ).toHaveText('locked 1.17.0');
  });

  test('offers to write the Pipfile of an overlay folder without one', async ({
    page
  }) => {
    const name = `bare-${Date.now() % 100000}`;
    await page.contents.createDirectory(`overlays/${name}`);
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    // The scan reads every overlay the earlier tests left: slow on a busy machine.
    await expect(overlay).toContainText('no Pipfile', { timeout: 30000 });
    await overlay.getByRole('button', { name: 'Write the Pipfile' }).click();
    await expect(overlay).not.toContainText('no Pipfile');
    await expect(overlay.locator('[data-action="lock"]')).toBeEnabled();
    expect(await page.contents.fileExists(`overlays/${name}/Pipfile`)).toBe(
      true
    );
  });

  test("names the tab of an overlay's Pipfile after the overlay", async ({
    page
  }) => {
    const stamp = Date.now() % 100000;
    const names = [`tab-a-${stamp}`, `tab-b-${stamp}`];
    for (const name of names) {
      await page.contents.uploadContent(
        '[packages]\nsix = "*"\n',
        'text',
        `overlays/${name}/Pipfile`
      );
    }
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    for (const name of names) {
      await panel
        .locator(`[data-overlay="${name}"]`)
        .getByTitle('Open the Pipfile')
        .click();
    }
    for (const name of names) {
      const tab = page.locator(
        `#jp-main-dock-panel .lm-TabBar-tab[data-overlay-file="${name}"]`
      );
      await expect(tab).toHaveCount(1);
      // The label stays the file's name (a document widget renames its file
      // to its label); the overlay's name follows it.
      await expect(tab.locator('.lm-TabBar-tabLabel')).toHaveText('Pipfile');
      expect(
        await tab
          .locator('.lm-TabBar-tabLabel')
          .evaluate(label => getComputedStyle(label, '::after').content)
      ).toBe(`" (${name})"`);
    }
    // Nothing was renamed.
    await page.waitForTimeout(1000);
    for (const name of names) {
      expect(await page.contents.fileExists(`overlays/${name}/Pipfile`)).toBe(
        true
      );
      expect(
        await page.contents.fileExists(`overlays/${name}/Pipfile (${name})`)
      ).toBe(false);
    }
  });

  test('looks the same in the light and the dark theme at the default width', async ({
    page,
    tmpPath
  }) => {
    // Fixed names and files: the screenshots compare with the committed ones.
    const name = 'screens-train-model';
    // No imports: both packages come from the Pipfile, whatever the server's
    // kernel has installed.
    const content = JSON.parse(notebook(name));
    content.cells[0].source = ['print("train")'];
    await page.contents.uploadContent(
      JSON.stringify(content),
      'text',
      `${tmpPath}/train_model.ipynb`
    );
    await page.contents.uploadContent(
      '[packages]\nrequests = ">=2.31"\nsix = "*"\n\n[requires]\npython_version = "3.11"\n',
      'text',
      `overlays/${name}/Pipfile`
    );
    await page.sidebar.openTab(PANEL);
    const panel = page.locator(`#${PANEL}`);
    await panel.getByTitle('Refresh overlays and build tools').click();
    const overlay = panel.locator(`[data-overlay="${name}"]`);
    await overlay.locator('.jp-OverlaysPanel-toggle').click();
    await expect(overlay.locator('.jp-OverlaysPanel-baseImage')).toBeVisible();
    await expect(overlay.locator('[data-flag="lock-missing"]')).toBeVisible();
    // The sidebar at JupyterLab's default width.
    expect(Math.round((await panel.boundingBox())!.width)).toBeLessThanOrEqual(
      260
    );

    for (const theme of ['JupyterLab Light', 'JupyterLab Dark']) {
      await page.evaluate(
        name =>
          (window as any).jupyterapp.commands.execute('apputils:change-theme', {
            theme: name
          }),
        theme
      );
      const light = theme === 'JupyterLab Light';
      await expect(page.locator('body')).toHaveAttribute(
        'data-jp-theme-light',
        String(light)
      );
      await page.mouse.move(0, 0);
      await expect(overlay).toHaveScreenshot(
        light ? 'overlay-light.png' : 'overlay-dark.png',
        { maxDiffPixelRatio: 0.02, animations: 'disabled' }
      );
    }
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('apputils:change-theme', {
        theme: 'JupyterLab Light'
      })
    );
  });
});
