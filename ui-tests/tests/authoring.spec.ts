import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as path from 'path';

import { notebook, PANEL, readFile } from './workspace';

const DEMO = path.resolve(__dirname, '..', '..', 'demo');

/** `.thoth.yaml` / `.aicoe-ci.yaml`, which the contents API hides. */
async function readConfig(
  page: IJupyterLabPageFixture,
  name: string
): Promise<string | null> {
  const response = await page.request.get(`/overlays/config-files/${name}`);
  expect(response.ok()).toBe(true);
  return (await response.json()).content;
}

async function createFromFileBrowser(
  page: IJupyterLabPageFixture,
  folder: string,
  notebook: string,
  name?: string
) {
  await page.filebrowser.openDirectory(folder);
  await page.click(
    `.jp-DirListing-item[data-file-type="notebook"] >> text=${notebook}`,
    {
      button: 'right'
    }
  );
  await page.click('.lm-Menu-item >> text=Create Overlay…');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-OverlaysDialog-name')).toBeVisible();
  if (name) {
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
  }
  await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
  await expect(dialog).toHaveCount(0);
}

test.describe('Overlay authoring', () => {
  test.beforeEach(async ({ page, tmpPath }) => {
    await page.contents.uploadDirectory(
      path.join(DEMO, 'notebooks'),
      `${tmpPath}/notebooks`
    );
  });

  test('create an overlay from the file browser, then re-extract after a new import', async ({
    page,
    tmpPath
  }) => {
    const name = `dl-${Date.now() % 100000}`;
    await createFromFileBrowser(
      page,
      `${tmpPath}/notebooks`,
      'download_dataset.ipynb',
      name
    );
    // The notebook is not open: the action still ends with one notification,
    // with its Undo.
    const toast = page
      .locator('.jp-toast-container, .Toastify')
      .getByText(`Created overlay "${name}" with 1 notebook.`);
    await expect(toast).toHaveCount(1);

    // The sidebar shows it, expanded, with the packages of the notebook.
    const overlay = page.locator(`#${PANEL} [data-overlay="${name}"]`);
    await expect(overlay).toBeVisible();
    await expect(overlay.locator('.jp-OverlaysPanel-package')).toHaveCount(3);
    for (const pkg of ['python-dotenv', 'requests', 'tqdm']) {
      await expect(overlay.locator(`[data-package="${pkg}"]`)).toBeVisible();
    }
    await expect(overlay.locator('[data-package="requests"]')).toContainText(
      '>=2.31'
    );
    await expect(overlay.locator('.jp-OverlaysPanel-member')).toHaveText([
      `${tmpPath}/notebooks/download_dataset.ipynb`
    ]);

    // Its Pipfile and both YAML files are on disk.
    const pipfile = await readFile(page, `overlays/${name}/Pipfile`);
    expect(pipfile).toContain(
      '[packages]\npython-dotenv = "*"\nrequests = ">=2.31"\ntqdm = "*"\n'
    );
    expect(pipfile).toMatch(/\[requires\]\npython_version = "3\.\d+"/);
    expect(await readConfig(page, '.thoth.yaml')).toContain(
      `- name: ${name}\n`
    );
    const aicoe = await readConfig(page, '.aicoe-ci.yaml');
    expect(aicoe).toContain(`- name: ${name}\n`);
    expect(aicoe).toContain('build-stratergy: Source');

    // What the image starts from here, and that AICoE CI builds it on UBI.
    const ubi = 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest';
    expect(aicoe).toContain(`base-image: ${ubi}`);
    const base = overlay.locator('.jp-OverlaysPanel-baseImage');
    await expect(base.locator('.jp-OverlaysPanel-hint')).toHaveText(
      'Image based on localhost/overlays-base:bookworm (Debian bookworm, made on this server).'
    );
    await expect(base.locator('[role="note"]')).toHaveText(
      `AICoE CI builds it on ${ubi} instead: packages that need system libraries can behave differently there.`
    );

    // A new import, saved: the overlay is out of date.
    await page.sidebar.openTab('filebrowser');
    await page.notebook.openByPath(
      `${tmpPath}/notebooks/download_dataset.ipynb`
    );
    await page.notebook.addCell('code', 'import seaborn as sns');
    await page.notebook.save();
    await page.sidebar.openTab(PANEL);
    await expect(overlay.locator('.jp-OverlaysPanel-badge')).toContainText(
      'out of date'
    );

    // Re-extract previews the change before writing it.
    await overlay.getByTitle('Re-extract packages from the notebooks').click();
    const dialog = page.locator('.jp-Dialog');
    // The preview asks the package index (PyPI) about seaborn first.
    await expect(dialog.locator('[data-change="+seaborn"]')).toBeVisible({
      timeout: 20000
    });
    await expect(
      dialog.locator('[data-change="+seaborn"] input')
    ).toBeChecked();
    expect(await readFile(page, `overlays/${name}/Pipfile`)).not.toContain(
      'seaborn'
    );
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(overlay.locator('[data-package="seaborn"]')).toBeVisible();
    await expect(overlay.locator('.jp-OverlaysPanel-badge')).toHaveCount(0);
    expect(await readFile(page, `overlays/${name}/Pipfile`)).toContain(
      'seaborn = '
    );
  });

  test('a multi-selection in the file browser makes one overlay of every notebook', async ({
    page,
    tmpPath
  }) => {
    await page.filebrowser.openDirectory(`${tmpPath}/notebooks`);
    const item = (name: string) =>
      page.locator(
        `.jp-DirListing-item[data-file-type="notebook"] >> text=${name}`
      );
    await item('download_dataset.ipynb').click();
    await item('preprocess_dataset.ipynb').click({
      modifiers: ['ControlOrMeta']
    });
    await item('preprocess_dataset.ipynb').click({ button: 'right' });
    await page.click('.lm-Menu-item >> text=Create Overlay…');
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-OverlaysDialog-notebooks')).toContainText(
      '2 notebooks'
    );
    const name = `both-${Date.now() % 100000}`;
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    const overlay = page.locator(`#${PANEL} [data-overlay="${name}"]`);
    // Create asks the package index (PyPI) first: seconds on a busy machine.
    await expect(overlay.locator('.jp-OverlaysPanel-member')).toHaveCount(2, {
      timeout: 20000
    });
    await expect(
      overlay.locator('[data-package="scikit-learn"]')
    ).toBeVisible();
    await expect(overlay.locator('[data-package="requests"]')).toBeVisible();

    // Remove one of them again from the file browser's context menu.
    await page.sidebar.openTab('filebrowser');
    await item('download_dataset.ipynb').click();
    await item('download_dataset.ipynb').click({ button: 'right' });
    await page.click('.lm-Menu-item >> text=Remove from Overlay');
    await page.sidebar.openTab(PANEL);
    await expect(overlay.locator('.jp-OverlaysPanel-member')).toHaveCount(1);
  });

  test('the name is validated as you type', async ({ page, tmpPath }) => {
    await page.filebrowser.openDirectory(`${tmpPath}/notebooks`);
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=train_model.ipynb',
      {
        button: 'right'
      }
    );
    await page.click('.lm-Menu-item >> text=Create Overlay…');
    const dialog = page.locator('.jp-Dialog');
    const input = dialog.locator('.jp-OverlaysDialog-name');
    await expect(input).toHaveValue(/^train-model/);
    const accept = dialog.locator('.jp-Dialog-button.jp-mod-accept');

    await input.fill('../escape');
    await expect(dialog.locator('.jp-OverlaysDialog-problem')).toContainText(
      'not a valid overlay name'
    );
    await expect(accept).toBeDisabled();
    await input.fill('');
    await expect(dialog.locator('.jp-OverlaysDialog-problem')).toContainText(
      'needs a name'
    );
    await input.fill('ok_name');
    await expect(dialog.locator('.jp-OverlaysDialog-problem')).toHaveText('');
    await expect(accept).toBeEnabled();
    await dialog.locator('.jp-Dialog-button.jp-mod-reject').click();
    expect(await page.contents.fileExists('overlays/ok_name/Pipfile')).toBe(
      false
    );
  });

  test('an open notebook with unsaved changes is tagged through its model, with Undo', async ({
    page,
    tmpPath
  }) => {
    const notebook = `${tmpPath}/notebooks/preprocess_dataset.ipynb`;
    await page.notebook.openByPath(notebook);
    await page.notebook.addCell('code', 'x = 1');
    // Unsaved: the tag must not be written to the file behind the editor.
    await page.notebook.activate('preprocess_dataset.ipynb');
    const name = `prep-${Date.now() % 100000}`;
    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-command="jupyterlab-overlays:create-overlay"]'
      )
      .click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(
      page.locator(`#${PANEL} [data-overlay="${name}"]`)
    ).toBeVisible();

    const onDisk = JSON.parse((await readFile(page, notebook))!);
    expect(onDisk.metadata.overlay).toBeUndefined();
    const inEditor = await page.evaluate(path => {
      const app = (window as any).jupyterapp;
      const widget = app.shell
        .widgets('main')
        .find((w: any) => w.context?.path === path);
      return widget.context.model.getMetadata('overlay');
    }, notebook);
    expect(inEditor).toEqual({ name });

    // One notification for the action says the tag is not saved yet, and
    // its Undo goes through the model again, removing the overlay Create made.
    const toast = page
      .locator('.jp-toast-container, .Toastify')
      .getByText(`Created overlay "${name}" with 1 notebook.`);
    await expect(toast).toContainText(
      'Save preprocess_dataset.ipynb to keep its new tag.'
    );
    await page
      .locator('.jp-toast-container, .Toastify')
      .getByRole('button', { name: 'Undo' })
      .first()
      .click();
    await expect
      .poll(() =>
        page.evaluate(path => {
          const app = (window as any).jupyterapp;
          const widget = Array.from(app.shell.widgets('main')).find(
            (w: any) => w.context?.path === path
          ) as any;
          return widget.context.model.getMetadata('overlay') ?? null;
        }, notebook)
      )
      .toBeNull();
    await expect(
      page.locator(`#${PANEL} [data-overlay="${name}"]`)
    ).toHaveCount(0);

    await page.notebook.save();
    const saved = JSON.parse((await readFile(page, notebook))!);
    expect(saved.metadata.overlay).toBeUndefined();
  });

  test('a notebook of another overlay moves only when the user agrees', async ({
    page,
    tmpPath
  }) => {
    const stamp = Date.now() % 100000;
    const [first, second] = [`first-${stamp}`, `second-${stamp}`];
    const notebook = `${tmpPath}/notebooks/download_dataset.ipynb`;
    await createFromFileBrowser(
      page,
      `${tmpPath}/notebooks`,
      'download_dataset.ipynb',
      first
    );
    const members = (name: string) =>
      page.locator(
        `#${PANEL} [data-overlay="${name}"] .jp-OverlaysPanel-member`
      );
    await expect(members(first)).toHaveText([notebook]);

    // Create a second overlay of the same notebook: asked first; Cancel
    // leaves it where it was.
    const ask = async () => {
      await page.sidebar.openTab('filebrowser');
      await page.click(
        '.jp-DirListing-item[data-file-type="notebook"] >> text=download_dataset.ipynb',
        { button: 'right' }
      );
      await page.click('.lm-Menu-item >> text=Create Overlay…');
      const dialog = page.locator('.jp-Dialog');
      await dialog.locator('.jp-OverlaysDialog-name').fill(second);
      await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
      const move = page.locator('.jp-Dialog [data-dialog="move-notebooks"]');
      await expect(move).toContainText(`${notebook} moves from ${first}`);
      await expect(move).toContainText(`${first} is left without notebooks.`);
      return page.locator('.jp-Dialog');
    };
    let dialog = await ask();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await page.sidebar.openTab(PANEL);
    await expect(members(first)).toHaveText([notebook]);
    await expect(
      page.locator(`#${PANEL} [data-overlay="${second}"]`)
    ).toHaveCount(0);

    dialog = await ask();
    await dialog.getByRole('button', { name: 'Move' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(members(second)).toHaveText([notebook]);
    await expect(members(first)).toHaveCount(0);
  });

  test('a duplicated notebook that joins its original overlay is announced, and can leave', async ({
    page,
    tmpPath
  }) => {
    const name = `dup-${Date.now() % 100000}`;
    const folder = `${tmpPath}/notebooks`;
    await createFromFileBrowser(page, folder, 'download_dataset.ipynb', name);
    const members = page.locator(
      `#${PANEL} [data-overlay="${name}"] .jp-OverlaysPanel-member`
    );
    await expect(members).toHaveText([`${folder}/download_dataset.ipynb`]);

    await page.sidebar.openTab('filebrowser');
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=download_dataset.ipynb',
      { button: 'right' }
    );
    await page.click('.lm-Menu-item >> text=Duplicate');
    const copy = `${folder}/download_dataset-Copy1.ipynb`;
    const toasts = page.locator('.jp-toast-container, .Toastify');
    await expect(
      toasts.getByText(
        `"download_dataset-Copy1.ipynb" carries the tag of the notebook it was copied from: it joined the overlay "${name}"`
      )
    ).toBeVisible();
    await page.sidebar.openTab(PANEL);
    await expect(members).toHaveText([
      `${folder}/download_dataset-Copy1.ipynb`,
      `${folder}/download_dataset.ipynb`
    ]);

    // The file browser shows both notebooks' overlay beside their names.
    await page.sidebar.openTab('filebrowser');
    // (Playwright's text includes the mark, drawn by ::after.)
    const mark = (file: string) =>
      page
        .locator(
          '.jp-DirListing-item[data-file-type="notebook"] .jp-DirListing-itemText'
        )
        .filter({ hasText: new RegExp(`^${file.replace(/\./g, '\\.')}`) });
    await expect(mark('download_dataset.ipynb')).toHaveAttribute(
      'data-overlay',
      name
    );
    await expect(mark('download_dataset-Copy1.ipynb')).toHaveAttribute(
      'data-overlay',
      name
    );
    await expect(mark('train_model.ipynb')).not.toHaveAttribute('data-overlay');

    await toasts
      .getByRole('button', { name: 'Remove the tag' })
      .first()
      .click();
    await expect(mark('download_dataset-Copy1.ipynb')).not.toHaveAttribute(
      'data-overlay'
    );
    await page.sidebar.openTab(PANEL);
    await expect(members).toHaveText([`${folder}/download_dataset.ipynb`]);
    await expect
      .poll(
        async () => JSON.parse((await readFile(page, copy))!).metadata.overlay
      )
      .toBeUndefined();
  });

  test('a rename and a delete show their changes to the YAML files first', async ({
    page,
    tmpPath
  }) => {
    const name = `yaml-${Date.now() % 100000}`;
    await createFromFileBrowser(
      page,
      `${tmpPath}/notebooks`,
      'train_model.ipynb',
      name
    );
    const panel = page.locator(`#${PANEL}`);
    const rename = async () => {
      await panel
        .locator(`[data-overlay="${name}"]`)
        .getByTitle('Rename the overlay')
        .click();
      const ask = page.locator('.jp-Dialog');
      await ask.locator('input').fill(`${name}-fit`);
      await ask.locator('.jp-Dialog-button.jp-mod-accept').click();
      const review = page.locator('.jp-Dialog [data-dialog="file-changes"]');
      await expect(review).toBeVisible();
      return review;
    };

    // The diff of each YAML file; Cancel writes nothing.
    let review = await rename();
    const thoth = review.locator('[data-file=".thoth.yaml"]');
    await expect(thoth.locator('.jp-mod-remove')).toContainText([
      `- name: ${name}`
    ]);
    await expect(thoth.locator('.jp-mod-add')).toContainText([
      `- name: ${name}-fit`
    ]);
    await expect(review.locator('[data-file=".aicoe-ci.yaml"]')).toBeVisible();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Cancel' })
      .click();
    await expect(panel.locator(`[data-overlay="${name}"]`)).toBeVisible();
    expect(await readConfig(page, '.thoth.yaml')).toContain(
      `- name: ${name}\n`
    );

    review = await rename();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Rename' })
      .click();
    await expect(panel.locator(`[data-overlay="${name}-fit"]`)).toBeVisible();
    expect(await readConfig(page, '.thoth.yaml')).toContain(
      `- name: ${name}-fit\n`
    );

    // One notification for the rename; its Undo puts the old name back and
    // the notebook stays listed under it (never orphaned).
    const toasts = page.locator('.jp-toast-container, .Toastify');
    const renamed = toasts.getByText(`Renamed "${name}" to "${name}-fit".`);
    await expect(renamed).toHaveCount(1);
    await toasts.getByRole('button', { name: 'Undo' }).first().click();
    await expect(panel.locator(`[data-overlay="${name}"]`)).toBeVisible();
    await expect(
      panel.locator(`[data-overlay="${name}"] .jp-OverlaysPanel-member`)
    ).toHaveText([`${tmpPath}/notebooks/train_model.ipynb`]);
    expect(await readConfig(page, '.thoth.yaml')).toContain(
      `- name: ${name}\n`
    );
    review = await rename();
    await page
      .locator('.jp-Dialog')
      .getByRole('button', { name: 'Rename' })
      .click();
    await expect(panel.locator(`[data-overlay="${name}-fit"]`)).toBeVisible();

    // Deleting asks once, with the entries it removes and the Pipfile.
    await panel
      .locator(`[data-overlay="${name}-fit"]`)
      .getByTitle('Delete the overlay')
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog).toContainText(`Delete "${name}-fit"?`);
    await expect(
      dialog.locator('[data-file=".thoth.yaml"] .jp-mod-remove', {
        hasText: `- name: ${name}-fit`
      })
    ).toHaveCount(1);
    await expect(
      dialog.locator(`[data-file="overlays/${name}-fit/Pipfile"] summary`)
    ).toContainText('removed');
    await dialog.locator('.jp-Dialog-button.jp-mod-warn').click();
    await expect(panel.locator(`[data-overlay="${name}-fit"]`)).toHaveCount(0);
    expect(await readConfig(page, '.thoth.yaml')).not.toContain(
      `- name: ${name}-fit\n`
    );
  });

  test('Create and Add to Overlay show the files they write before writing', async ({
    page,
    tmpPath
  }) => {
    const name = `plan-${Date.now() % 100000}`;
    const pipfilePath = `overlays/${name}/Pipfile`;
    const files = page.locator('.jp-Dialog [data-dialog="planned-files"]');
    await page.filebrowser.openDirectory(`${tmpPath}/notebooks`);
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=preprocess_dataset.ipynb',
      { button: 'right' }
    );
    await page.click('.lm-Menu-item >> text=Create Overlay…');
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    // Folded under one line: the new Pipfile and both YAML files.
    await expect(files.locator('summary').first()).toContainText(
      `Files it writes (3): ${pipfilePath}, .thoth.yaml, .aicoe-ci.yaml`
    );
    await files.locator('summary').first().click();
    const pipfileDiff = files.locator(`[data-file="${pipfilePath}"] pre`);
    await expect(pipfileDiff).toContainText('+pandas = "*"');
    await expect(files.locator('[data-file=".thoth.yaml"] pre')).toContainText(
      `+  - name: ${name}`
    );
    // An invalid name has nothing to show; a valid one again has its plan.
    await dialog.locator('.jp-OverlaysDialog-name').fill('a/b');
    await expect(files).toHaveCount(0);
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    await expect(files.locator('summary').first()).toContainText(
      'Files it writes (3)'
    );
    expect(await readFile(page, pipfilePath)).toBeNull();
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(() => readFile(page, pipfilePath))
      .toContain('pandas = "*"');
    const written = await readFile(page, pipfilePath);
    // The create ends by showing the overlay in the sidebar.
    await expect(
      page.locator(`#${PANEL} [data-overlay="${name}"]`)
    ).toBeVisible();

    // Add to Overlay: the Pipfile's diff for the overlay chosen.
    await page.sidebar.openTab('filebrowser');
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=train_model.ipynb',
      { button: 'right' }
    );
    await page.click('.lm-Menu-item >> text=Add to Overlay…');
    await dialog.locator('.jp-OverlaysDialog-overlay').selectOption(name);
    await expect(files.locator('summary').first()).toHaveText(
      `Files it writes: ${pipfilePath}`
    );
    await files.locator('summary').first().click();
    await expect(pipfileDiff).toContainText('+joblib = "*"');
    await expect(pipfileDiff).not.toContainText('-pandas');
    expect(await readFile(page, pipfilePath)).toBe(written);
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(() => readFile(page, pipfilePath))
      .toContain('joblib = "*"');
    await page.sidebar.openTab(PANEL);
    await expect(
      page.locator(
        `#${PANEL} [data-overlay="${name}"] .jp-OverlaysPanel-member`
      )
    ).toHaveCount(2);
  });

  test('Create holds back and places imports as the index says, shows it first, and the sidebar says why', async ({
    page,
    tmpPath
  }) => {
    const name = `held-${Date.now() % 100000}`;
    const folder = `${tmpPath}/notebooks`;
    test.setTimeout(180000);
    const content = JSON.parse(notebook(null));
    content.cells[0].source = ['import arviz\n', 'import zc.lockfile\n'];
    await page.contents.uploadContent(
      JSON.stringify(content),
      'text',
      `${folder}/posterior.ipynb`
    );
    await page.filebrowser.openDirectory(folder);
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=posterior.ipynb',
      { button: 'right' }
    );
    await page.click('.lm-Menu-item >> text=Create Overlay…');
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    await dialog.getByLabel('Python version').selectOption('3.11');
    // Asked of the real package index (PyPI): arviz 0.23.4 is its last release
    // for Python 3.11, and matplotlib 3.11 came after, dropping Python 3.10.
    const files = dialog.locator('[data-dialog="planned-files"]');
    await files.locator('summary').first().click({ timeout: 60000 });
    const pipfile = files.locator(`[data-file="overlays/${name}/Pipfile"] pre`);
    await expect(pipfile).toContainText(
      '+matplotlib = "<3.11"  # held back: arviz has no newer release for Python 3.11',
      { timeout: 60000 }
    );
    // zc is a placeholder project; zc.lockfile is in zc-lockfile: an override.
    await expect(pipfile).toContainText('+zc-lockfile = "*"');
    await expect(
      files.locator(`[data-file="overlays/${name}/overlay.json"] pre`)
    ).toContainText('"zc.lockfile": "zc-lockfile"');
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(() => readFile(page, `overlays/${name}/Pipfile`))
      .toContain('matplotlib = "<3.11"  # held back: arviz');
    const overlay = page.locator(`#${PANEL} [data-overlay="${name}"]`);
    await expect(
      overlay.locator('[data-package="matplotlib"] .jp-OverlaysPanel-heldFor')
    ).toHaveText('held back for arviz', { timeout: 60000 });
    // arviz is still its last release for this Python, told quietly: nothing to fix.
    const flag = overlay.locator(
      '[data-package="arviz"] [data-index-status="held-back"]'
    );
    await expect(flag).toHaveAttribute('data-settled', 'true');
    await expect(flag.getByRole('button')).toHaveCount(0);
    await expect(
      overlay.locator('[data-package="zc-lockfile"] .jp-OverlaysPanel-source')
    ).toHaveText('your pick');
    await expect(overlay.locator('[data-package="zc"]')).toHaveCount(0);
  });

  test('Create adds what a module imports that its package does not require, and the sidebar names a module a release no longer has, with the cap that brings it back', async ({
    page,
    tmpPath
  }) => {
    const name = `needs-${Date.now() % 100000}`;
    const folder = `${tmpPath}/notebooks`;
    test.setTimeout(180000);
    const content = JSON.parse(notebook(null));
    content.cells[0].source = [
      'from colorcet.plotting import swatches\n',
      'from sklearn.datasets.base import load_iris\n',
      'import seaborn.apionly as sns\n'
    ];
    await page.contents.uploadContent(
      JSON.stringify(content),
      'text',
      `${folder}/palettes.ipynb`
    );
    await page.filebrowser.openDirectory(folder);
    await page.click(
      '.jp-DirListing-item[data-file-type="notebook"] >> text=palettes.ipynb',
      { button: 'right' }
    );
    // Read from the real package index (PyPI): colorcet/plotting.py imports
    // matplotlib, which colorcet asks for only with an extra. The first reading
    // takes longer than the plan waits: the dialog plans again when it comes.
    await page.click('.lm-Menu-item >> text=Create Overlay…');
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('.jp-OverlaysDialog-name').fill(name);
    await dialog.getByLabel('Python version').selectOption('3.11');
    const files = dialog.locator('[data-dialog="planned-files"]');
    await files.locator('summary').first().click({ timeout: 60000 });
    const pipfile = files.locator(`[data-file="overlays/${name}/Pipfile"] pre`);
    await expect(pipfile).toContainText(
      '+matplotlib = "*"  # imported by colorcet.plotting; colorcet does not require it',
      { timeout: 60000 }
    );
    await dialog.locator('.jp-Dialog-button.jp-mod-accept').click();
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(() => readFile(page, `overlays/${name}/Pipfile`))
      .toContain('matplotlib = "*"  # imported by colorcet.plotting');
    const overlay = page.locator(`#${PANEL} [data-overlay="${name}"]`);
    // What colorcet needs is in the Pipfile: told quietly, nothing to fix.
    const needs = overlay.locator(
      '[data-package="colorcet"] [data-index-status="needs"]'
    );
    await expect(needs).toHaveAttribute('data-settled', 'true', {
      timeout: 60000
    });
    await expect(needs.getByRole('button')).toHaveCount(0);
    await expect(
      overlay.locator('[data-package="matplotlib"] [data-needed-by]')
    ).toHaveText('needed by colorcet');
    // scikit-learn removed sklearn.datasets.base (0.24): no release with a
    // wheel for 3.11 has it, so there is no cap to offer.
    const sklearn = overlay.locator(
      '[data-package="scikit-learn"] [data-index-status="gone"]'
    );
    await expect(sklearn).toHaveText('no module sklearn.datasets.base', {
      timeout: 60000
    });
    await expect(sklearn).toHaveAttribute(
      'title',
      /no release of scikit-learn with a wheel for Python 3\.11 has it/
    );
    // seaborn removed seaborn.apionly in 0.12.0: the flag offers the cap, the
    // Pipfile gets it, and the flag goes.
    const seaborn = overlay.locator(
      '[data-package="seaborn"] [data-index-status="gone"]'
    );
    await expect(seaborn).toHaveText('no module seaborn.apionlyUse <0.12.0', {
      timeout: 60000
    });
    await seaborn.getByRole('button', { name: 'Use <0.12.0' }).click();
    await expect
      .poll(() => readFile(page, `overlays/${name}/Pipfile`))
      .toMatch(/^seaborn = "<0\.12\.0"/m);
    await expect(seaborn).toHaveCount(0, { timeout: 60000 });
  });
});
