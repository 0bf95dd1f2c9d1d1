/**
 * Files and server state the build and pipeline tests share.
 */
import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';

/** The major.minor version of the server's kernel Python. */
export async function serverPython(
  page: IJupyterLabPageFixture
): Promise<string> {
  const response = await page.request.get(
    '/overlays/environment?kernel=python3'
  );
  expect(response.ok()).toBe(true);
  const version: string = (await response.json()).python_version;
  return version.split('.').slice(0, 2).join('.');
}

export function pipfile(python: string, packages: string[]): string {
  return [
    '[[source]]',
    'url = "https://pypi.org/simple"',
    'verify_ssl = true',
    'name = "pypi"',
    '',
    '[packages]',
    ...packages,
    '',
    '[requires]',
    `python_version = "${python}"`,
    ''
  ].join('\n');
}

/** A notebook importing six, tagged to `overlay` (untagged when null). */
export function notebook(overlay: string | null): string {
  return JSON.stringify({
    cells: [
      {
        cell_type: 'code',
        execution_count: null,
        id: 'a1',
        metadata: {},
        outputs: [],
        source: ['import six\n', 'print(six.__version__)']
      }
    ],
    metadata: {
      kernelspec: {
        display_name: 'Python 3',
        language: 'python',
        name: 'python3'
      },
      ...(overlay ? { overlay: { name: overlay } } : {})
    },
    nbformat: 4,
    nbformat_minor: 5
  });
}

export async function serverJobs(
  page: IJupyterLabPageFixture,
  overlay: string
) {
  const response = await page.request.get(`/overlays/jobs?overlay=${overlay}`);
  expect(response.ok()).toBe(true);
  return (await response.json()).jobs as {
    id: string;
    state: string;
    image: string | null;
    source_hash: string | null;
    error: string | null;
  }[];
}

export const PANEL = 'jp-overlays-panel';
export const BUILD_TIMEOUT = 5 * 60 * 1000;

/**
 * Make an overlay `name` needing six, tagged on `notebookPath`, build it
 * from the sidebar, and answer the built image.
 */
export async function buildOverlay(
  page: IJupyterLabPageFixture,
  name: string,
  notebookPath: string
): Promise<string> {
  const python = await serverPython(page);
  await page.contents.uploadContent(
    pipfile(python, ['six = "*"']),
    'text',
    `overlays/${name}/Pipfile`
  );
  await page.contents.uploadContent(notebook(name), 'text', notebookPath);
  await page.sidebar.openTab(PANEL);
  const panel = page.locator(`#${PANEL}`);
  await panel.getByTitle('Refresh overlays and build tools').click();
  const overlay = panel.locator(`[data-overlay="${name}"]`);
  await expect(overlay).toBeVisible();
  await overlay.locator('[data-action="build"]').click();
  const build = overlay.locator('[data-job-kind="build"]');
  await expect(build).toHaveAttribute('data-job-state', 'succeeded', {
    timeout: BUILD_TIMEOUT
  });
  return (await build.locator('.jp-OverlaysPanel-image').textContent()) ?? '';
}

/** A text file of the server's workspace; null when missing. */
export async function readFile(
  page: IJupyterLabPageFixture,
  file: string
): Promise<string | null> {
  const response = await page.request.get(
    `/api/contents/${file}?type=file&format=text&content=1`
  );
  return response.ok() ? (await response.json()).content : null;
}

/** A version-8 pipeline as Elyra's editor writes it, with these nodes. */
export function pipelineV8(
  nodes: { id: string; op: string; filename: string; image?: string }[]
): string {
  return JSON.stringify(
    {
      doc_type: 'pipeline',
      version: '3.0',
      json_schema:
        'http://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json',
      id: 'elyra-auto-generated-pipeline',
      primary_pipeline: 'primary',
      pipelines: [
        {
          id: 'primary',
          nodes: nodes.map((node, index) => ({
            id: node.id,
            type: 'execution_node',
            op: node.op,
            app_data: {
              component_parameters: {
                dependencies: [],
                include_subdirectories: false,
                outputs: [],
                env_vars: [],
                kubernetes_pod_annotations: [],
                kubernetes_pod_labels: [],
                kubernetes_secrets: [],
                kubernetes_shared_mem_size: {},
                kubernetes_tolerations: [],
                mounted_volumes: [],
                filename: node.filename,
                ...(node.image ? { runtime_image: node.image } : {})
              },
              label: '',
              ui_data: {
                label: node.filename.replace(/^.*\//, ''),
                image: '/static/elyra/notebook.svg',
                x_pos: 75 + 250 * index,
                y_pos: 85,
                description: 'Run notebook file'
              }
            },
            inputs: [
              {
                id: 'inPort',
                app_data: {
                  ui_data: {
                    cardinality: { min: 0, max: -1 },
                    label: 'Input Port'
                  }
                }
              }
            ],
            outputs: [
              {
                id: 'outPort',
                app_data: {
                  ui_data: {
                    cardinality: { min: 0, max: -1 },
                    label: 'Output Port'
                  }
                }
              }
            ]
          })),
          app_data: {
            ui_data: { comments: [] },
            version: 8,
            properties: { name: 'flow', runtime: 'Generic' }
          },
          runtime_ref: ''
        }
      ],
      schemas: []
    },
    null,
    2
  );
}
