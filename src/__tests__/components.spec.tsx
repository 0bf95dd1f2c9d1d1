import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import {
  IOverlaysPanelProps,
  OverlaysPanelView
} from '../components/OverlaysPanelView';
import { BaseImageNote } from '../components/BaseImageNote';
import { BuildHistoryView } from '../components/BuildHistoryView';
import { ConfigFilesView } from '../components/ConfigFilesView';
import { DanglingTagsView } from '../components/DanglingTagsView';
import { FileChangesView } from '../components/FileChangesView';
import { IndexFlag } from '../components/IndexFlag';
import { OverlayItemView, sameOverlayItem } from '../components/OverlayList';
import { PlannedFiles } from '../components/PlannedFiles';
import { OverlaysModel } from '../model';
import { CommandIDs, OverlaysAPI } from '../tokens';
import { jobFixture } from '../jobs/__tests__/jobFixture';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyterlab_overlays');

const TOOLS: OverlaysAPI.IBuildTool[] = [
  {
    name: 'buildah',
    found: true,
    path: '/usr/bin/buildah',
    version: '1.28.2',
    usable: true,
    problem: null,
    install_hint: 'apt-get install buildah runc'
  },
  {
    name: 'podman',
    found: false,
    path: null,
    version: null,
    usable: false,
    problem: 'podman is not installed',
    install_hint: 'apt-get install podman runc'
  },
  {
    name: 'docker',
    found: true,
    path: '/usr/bin/docker',
    version: '28.2.2',
    usable: false,
    problem: 'the docker engine is not reachable',
    install_hint: 'start the docker daemon'
  }
];

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(server: OverlaysModel.IServerStatus, onRefresh = jest.fn()) {
  const props: IOverlaysPanelProps = {
    server,
    overlaysFolder: 'overlays',
    frontendVersion: '0.1.0',
    onRefresh,
    trans
  };
  act(() => root.render(<OverlaysPanelView {...props} />));
  return onRefresh;
}

describe('OverlaysPanelView', () => {
  it('says how build steps are isolated, and warns when only chroot works', () => {
    const tool = (isolation: 'oci' | 'chroot') => ({
      ...TOOLS[0],
      isolation,
      isolation_problem:
        isolation === 'chroot' ? 'OCI isolation failed here' : null
    });
    for (const isolation of ['oci', 'chroot'] as const) {
      render({
        state: 'ready',
        info: {
          version: '0.1.0',
          build_tools: [tool(isolation)],
          preferred_build_tool: 'buildah'
        },
        error: null
      });
      const shown = container.querySelector('[data-isolation]')!;
      expect(shown.getAttribute('data-isolation')).toBe(isolation);
      expect(shown.textContent).toContain(
        isolation === 'oci' ? 'OCI isolation' : 'weaker'
      );
    }
    expect(
      container
        .querySelector('[data-isolation="chroot"]')!
        .getAttribute('title')
    ).toBe('OCI isolation failed here');
  });

  it('lists every build tool with its state', () => {
    render({
      state: 'ready',
      info: {
        version: '0.1.0',
        build_tools: TOOLS,
        preferred_build_tool: 'buildah'
      },
      error: null
    });
    const items = [
      ...container.querySelectorAll('.jp-OverlaysPanel-buildTool')
    ];
    expect(items.map(item => item.getAttribute('data-tool'))).toEqual([
      'buildah',
      'podman',
      'docker'
    ]);
    expect(items[0].textContent).toContain('version 1.28.2');
    expect(items[0].textContent).toContain('used');
    expect(items[0].classList).toContain('jp-mod-usable');
    expect(items[1].textContent).toContain('not installed');
    expect(items[1].textContent).toContain('apt-get install podman runc');
    expect(items[2].textContent).toContain('found, not usable');
    // The tool's own error is folded away, one click from view.
    const why = items[2].querySelector('details')!;
    expect(why.open).toBe(false);
    expect(why.querySelector('summary')!.textContent).toBe(
      'Why it cannot be used'
    );
    expect(why.textContent).toContain('the docker engine is not reachable');
    expect(container.querySelector('[role="alert"]')).toBeNull();
    expect(container.textContent).toContain('overlays');
  });

  it('shows where cluster builds go instead of local tools', () => {
    const cluster: OverlaysAPI.ICluster = {
      server: 'https://api.example:6443',
      namespace: 'alice-project',
      credentials: 'service account',
      openshift: true,
      registry:
        'image-registry.openshift-image-registry.svc:5000/alice-project',
      builder_image: 'quay.io/buildah/stable:v1.39',
      base_image: 'docker.io/library/python:3.11-slim-bookworm',
      error: null
    };
    const info = (c: OverlaysAPI.ICluster) => ({
      state: 'ready' as const,
      info: {
        version: '0.1.0',
        build_backend: 'kubernetes' as const,
        cluster: c,
        build_tools: TOOLS,
        preferred_build_tool: null
      },
      error: null
    });
    render(info(cluster));
    expect(container.querySelector('.jp-OverlaysPanel-buildTool')).toBeNull();
    const value = (key: string) =>
      container.querySelector(`[data-cluster="${key}"] code`)?.textContent;
    expect(value('server')).toBe('https://api.example:6443');
    expect(value('namespace')).toBe('alice-project');
    expect(value('registry')).toBe(cluster.registry);
    expect(value('builder')).toBe('quay.io/buildah/stable:v1.39');
    expect(value('base')).toBe(cluster.base_image);
    expect(container.textContent).toContain('OpenShift project');
    expect(container.querySelector('[role="alert"]')).toBeNull();

    render(
      info({
        namespace: null,
        builder_image: 'b',
        base_image: 'p',
        error: 'no Kubernetes configuration'
      })
    );
    const alert = container.querySelector('[role="alert"]')!;
    expect(alert.textContent).toContain(
      'The cluster cannot be used for builds.'
    );
    expect(alert.querySelector('details')!.textContent).toContain(
      'no Kubernetes configuration'
    );
    expect(container.querySelector('[data-cluster="server"]')).toBeNull();
  });

  it('warns when no build tool is usable', () => {
    render({
      state: 'ready',
      info: {
        version: '0.1.0',
        build_tools: TOOLS.slice(1),
        preferred_build_tool: null
      },
      error: null
    });
    expect(container.textContent).toContain('No usable build tool was found');
  });

  it('says clearly when the server extension is missing', () => {
    render({ state: 'missing', info: null, error: 'Not Found' });
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('server extension is not running');
    expect(container.querySelector('.jp-OverlaysPanel-buildTools')).toBeNull();
  });

  it('names both versions on a mismatch', () => {
    render({
      state: 'mismatch',
      info: {
        version: '0.0.9',
        build_tools: TOOLS,
        preferred_build_tool: 'buildah'
      },
      error: null
    });
    const alert = container.querySelector('[role="alert"]');
    expect(alert?.textContent).toContain('version 0.0.9');
    expect(alert?.textContent).toContain('version 0.1.0');
  });

  it('shows the error message of a failed request', () => {
    render({ state: 'error', info: null, error: 'Forbidden' });
    expect(container.querySelector('[role="alert"]')?.textContent).toContain(
      'Forbidden'
    );
  });

  it('calls onRefresh from the refresh button', () => {
    const onRefresh = render({ state: 'error', info: null, error: 'x' });
    const button = container.querySelector<HTMLElement>(
      '.jp-ToolbarButtonComponent'
    );
    expect(button).not.toBeNull();
    act(() => button!.click());
    expect(onRefresh).toHaveBeenCalledTimes(1);
  });
});

describe('sameOverlayItem', () => {
  const overlay: any = { name: 'a', members: [], packages: [] };
  const base: any = {
    overlay,
    expanded: false,
    onToggle: () => undefined,
    run: () => undefined,
    trans,
    jobs: { build: null, lock: null, lastBuilt: null, status: null, now: 1 }
  };

  it('skips a row whose overlay, expansion and jobs did not change', () => {
    expect(
      sameOverlayItem(base, { ...base, jobs: { ...base.jobs, now: 2 } })
    ).toBe(true);
  });

  it('re-renders a row that changed', () => {
    expect(sameOverlayItem(base, { ...base, expanded: true })).toBe(false);
    expect(sameOverlayItem(base, { ...base, overlay: { ...overlay } })).toBe(
      false
    );
    expect(
      sameOverlayItem(base, {
        ...base,
        jobs: {
          ...base.jobs,
          runtimeImage: { name: 'overlay-a', image: 'x:1', store: 'file' }
        }
      })
    ).toBe(false);
    const running = { state: 'running' };
    expect(
      sameOverlayItem(
        { ...base, jobs: { ...base.jobs, build: running } },
        { ...base, jobs: { ...base.jobs, build: running, now: 2 } }
      )
    ).toBe(false);
  });
});

describe('OverlayItemView', () => {
  const overlay: any = {
    name: 'train_',
    nameProblem: 'separators',
    folder: 'overlays/train_',
    hasPipfile: true,
    pipfileError: null,
    members: [],
    packages: []
  };
  const jobs: any = {
    build: null,
    lock: null,
    lastBuilt: null,
    status: null,
    now: 1
  };

  it('asks to rename an overlay whose name an earlier version accepted, and offers no build', () => {
    const run = jest.fn();
    act(() =>
      root.render(
        <OverlayItemView
          overlay={overlay}
          expanded={false}
          onToggle={() => undefined}
          jobs={jobs}
          run={run}
          trans={trans}
        />
      )
    );
    const notice = container.querySelector('[role="alert"]');
    expect(notice?.textContent).toContain('rename the overlay');
    expect(container.querySelector('.jp-OverlaysPanel-jobs')).toBeNull();
    act(() => notice!.querySelector('button')!.click());
    expect(run).toHaveBeenCalledWith(CommandIDs.rename, { name: 'train_' });
  });

  it('shows the jobs of an overlay with a valid name', () => {
    act(() =>
      root.render(
        <OverlayItemView
          overlay={{ ...overlay, name: 'train', nameProblem: null }}
          expanded={false}
          onToggle={() => undefined}
          jobs={jobs}
          run={jest.fn()}
          trans={trans}
        />
      )
    );
    expect(container.querySelector('[role="alert"]')).toBeNull();
    expect(container.querySelector('.jp-OverlaysPanel-jobs')).not.toBeNull();
  });

  it('names the cell of a member notebook that does not parse, and the locked versions', () => {
    act(() =>
      root.render(
        <OverlayItemView
          overlay={{
            ...overlay,
            name: 'train',
            nameProblem: null,
            members: ['nb/train.ipynb'],
            packages: [
              {
                name: 'pandas',
                key: 'pandas',
                specifier: '*',
                source: 'identity',
                modules: ['pandas'],
                optional: false,
                ambiguous: false,
                locked: '2.2.3'
              }
            ],
            syntaxErrors: [{ path: 'nb/train.ipynb', cell: 4, line: 2 }]
          }}
          expanded={true}
          onToggle={() => undefined}
          jobs={jobs}
          run={jest.fn()}
          trans={trans}
        />
      )
    );
    expect(
      container.querySelector('[data-hint="syntax-error"]')?.textContent
    ).toBe(
      'nb/train.ipynb: cell 4 does not parse (line 2): imports after the error may be missed.'
    );
    const locked = container.querySelector('.jp-OverlaysPanel-locked')!;
    expect(locked.textContent).toBe('locked 2.2.3');
    expect(locked.getAttribute('title')).toBe('Pipfile.lock pins pandas 2.2.3');
  });
});

describe('ConfigFilesView', () => {
  it('opens each file and says what its tools would miss', () => {
    const onOpen = jest.fn();
    act(() =>
      root.render(
        <ConfigFilesView
          files={[
            { name: '.thoth.yaml', exists: true },
            { name: '.aicoe-ci.yaml', exists: false }
          ]}
          findings={[
            { file: '.thoth.yaml', kind: 'missing-key', key: 'managers' },
            {
              file: '.thoth.yaml',
              kind: 'placeholder',
              key: 'registry-org',
              overlay: 'train',
              value: 'my-org'
            }
          ]}
          onOpen={onOpen}
          trans={trans}
        />
      )
    );
    const thoth = container.querySelector('[data-config-file=".thoth.yaml"]')!;
    expect(
      [...thoth.querySelectorAll('[data-finding]')].map(i => i.textContent)
    ).toEqual([
      'No managers: Kebechet will not update the overlays\' locks (add e.g. "- name: update").',
      'registry-org of "train" is "my-org", an example: AICoE CI cannot push with it.'
    ]);
    const aicoe = container.querySelector(
      '[data-config-file=".aicoe-ci.yaml"]'
    )!;
    expect(aicoe.textContent).toContain('not created yet');
    expect(aicoe.querySelector('[data-finding]')).toBeNull();
    const open = aicoe.querySelector('button')!;
    expect(open.getAttribute('title')).toBe(
      'Create .aicoe-ci.yaml in an editor'
    );
    act(() => open.click());
    expect(onOpen).toHaveBeenCalledWith('.aicoe-ci.yaml');
  });
});

describe('BuildHistoryView', () => {
  function build(
    id: string,
    fields: Partial<OverlaysAPI.IJob> = {}
  ): OverlaysAPI.IJob {
    return jobFixture(id, {
      state: 'succeeded',
      created: '2026-01-02T03:04:05.000Z',
      started: '2026-01-02T03:04:05.000Z',
      finished: '2026-01-02T03:05:35.000Z',
      image: `localhost/w-train:${id}`,
      ...fields
    });
  }

  it('opens on demand, marks the image Elyra uses and offers the others', () => {
    const calls: [string, any][] = [];
    const run = (command: string, args: any) => calls.push([command, args]);
    act(() =>
      root.render(
        <BuildHistoryView
          name="train"
          history={undefined}
          registeredJob="b3"
          currentHash={'a'.repeat(64)}
          run={run}
          trans={trans}
        />
      )
    );
    const toggle = container.querySelector('button')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(container.querySelector('li')).toBeNull();
    act(() => toggle.click());
    expect(calls).toEqual([[CommandIDs.toggleHistory, { name: 'train' }]]);

    const builds = [
      build('b3'),
      build('b2', { state: 'failed', image: null, error: 'boom' }),
      build('b1', { source_hash: 'b'.repeat(64) }),
      build('b0', { source_hash: 'b'.repeat(64) })
    ];
    const images = {
      'localhost/w-train:b3': { exists: true, size: '212 MB' },
      'localhost/w-train:b1': { exists: true, size: '198 MB' },
      'localhost/w-train:b0': { exists: false, size: null }
    };
    act(() =>
      root.render(
        <BuildHistoryView
          name="train"
          history={{ builds, images, loading: false, error: null }}
          registeredJob="b3"
          currentHash={'a'.repeat(64)}
          run={run}
          trans={trans}
        />
      )
    );
    const rows = [...container.querySelectorAll('[data-history-job]')];
    expect(rows.map(row => row.getAttribute('data-history-job'))).toEqual([
      'b3',
      'b2',
      'b1',
      'b0'
    ]);
    expect(rows[0].textContent).toContain('in Elyra');
    expect(rows[0].textContent).toContain('212 MB');
    // An image removed since: said so, and not offered.
    expect(rows[3].textContent).toContain('image removed');
    expect(rows[3].textContent).not.toContain('Use in Elyra');
    expect(rows[0].textContent).toContain('01:30');
    expect(rows[0].textContent).not.toContain('Use in Elyra');
    expect(rows[1].textContent).toContain('failed');
    expect(rows[1].textContent).not.toContain('Use in Elyra');
    expect(rows[2].textContent).toContain('earlier files');
    const use = [...rows[2].querySelectorAll('button')].find(
      button => button.textContent === 'Use in Elyra'
    )!;
    act(() => use.click());
    expect(calls[1]).toEqual([CommandIDs.useBuild, { id: 'b1' }]);
  });

  it('says when there is nothing yet, and why it cannot be read', () => {
    act(() =>
      root.render(
        <BuildHistoryView
          name="train"
          history={{
            builds: [],
            images: {},
            loading: false,
            error: 'Forbidden'
          }}
          registeredJob={null}
          currentHash={null}
          run={() => 0}
          trans={trans}
        />
      )
    );
    expect(container.textContent).toContain(
      'The history cannot be read: Forbidden'
    );
    act(() =>
      root.render(
        <BuildHistoryView
          name="train"
          history={{ builds: [], images: {}, loading: false, error: null }}
          registeredJob={null}
          currentHash={null}
          run={() => 0}
          trans={trans}
        />
      )
    );
    expect(container.textContent).toContain('No builds yet.');
  });
});

describe('BaseImageNote', () => {
  const UBI = 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest';
  const LOCAL = 'localhost/overlays-base:bookworm';

  it('says what the image starts from, and when AICoE CI builds on another base', () => {
    act(() =>
      root.render(
        <BaseImageNote
          base={{ image: LOCAL, from: 'server' }}
          debianSuite="bookworm"
          aicoeBase={UBI}
          trans={trans}
        />
      )
    );
    expect(container.textContent).toBe(
      `Image based on ${LOCAL} (Debian bookworm, made on this server).` +
        `AICoE CI builds it on ${UBI} instead: packages that need system libraries can behave differently there.`
    );
    act(() =>
      root.render(
        <BaseImageNote
          base={{ image: UBI, from: 'containerfile' }}
          debianSuite="bookworm"
          aicoeBase={UBI}
          trans={trans}
        />
      )
    );
    expect(container.textContent).toBe(
      `Image based on ${UBI} (its Containerfile says so).`
    );
    act(() =>
      root.render(
        <BaseImageNote
          base={undefined}
          debianSuite={null}
          aicoeBase={UBI}
          trans={trans}
        />
      )
    );
    expect(container.innerHTML).toBe('');
  });
});

describe('FileChangesView', () => {
  it('shows each file with its diff; a removed file folded', () => {
    act(() =>
      root.render(
        <FileChangesView
          changes={[
            {
              path: '.thoth.yaml',
              before: 'runtime_environments:\n  - name: train\n',
              after: 'runtime_environments:\n  - name: fit\n'
            },
            {
              path: 'overlays/train/Pipfile',
              before: '[packages]\nsix = "*"\n',
              after: null
            }
          ]}
          trans={trans}
        />
      )
    );
    const [thoth, pipfile] = [...container.querySelectorAll('details')];
    expect(thoth.open).toBe(true);
    expect(thoth.querySelector('summary')!.textContent).toBe(
      '.thoth.yaml +1 −1'
    );
    expect(
      [...thoth.querySelectorAll('.jp-OverlaysFileChanges-line')].map(
        line => line.textContent
      )
    ).toEqual([
      '@@ -1,2 +1,2 @@',
      ' runtime_environments:',
      '-  - name: train',
      '+  - name: fit'
    ]);
    expect(pipfile.open).toBe(false);
    expect(pipfile.querySelector('summary')!.textContent).toBe(
      'overlays/train/Pipfile removed'
    );
  });
});

describe('DanglingTagsView', () => {
  it('offers to create the missing overlay or to remove the tags', () => {
    const calls: [string, any][] = [];
    const paths = ['a.ipynb', 'b.ipynb'];
    act(() =>
      root.render(
        <DanglingTagsView
          dangling={[{ overlay: 'gone', paths }]}
          run={(command, args) => calls.push([command, args])}
          trans={trans}
        />
      )
    );
    const item = container.querySelector('[data-dangling="gone"]')!;
    expect(item.textContent).toContain(
      '2 notebooks are tagged to "gone", which does not exist: a.ipynb, b.ipynb.'
    );
    const [create, remove] = [...item.querySelectorAll('button')];
    act(() => create.click());
    act(() => remove.click());
    expect(calls).toEqual([
      [CommandIDs.create, { paths, name: 'gone' }],
      [CommandIDs.removeFrom, { paths }]
    ]);
    act(() =>
      root.render(
        <DanglingTagsView dangling={[]} run={() => 0} trans={trans} />
      )
    );
    expect(container.innerHTML).toBe('');
  });
});

describe('PlannedFiles', () => {
  const render = (state: any) =>
    act(() => root.render(<PlannedFiles state={state} trans={trans} />));

  it('folds the files a dialog would write under one line', () => {
    render({ changes: null, error: null });
    const details = () =>
      container.querySelector<HTMLDetailsElement>(
        '[data-dialog="planned-files"]'
      )!;
    expect(details().dataset.state).toBe('busy');
    expect(details().textContent).toBe('Files it writes: working them out…');
    render({
      changes: [
        { path: 'overlays/a/Pipfile', before: null, after: '[packages]\n' },
        { path: '.thoth.yaml', before: 'a: 1\n', after: 'a: 1\nb: 2\n' }
      ],
      error: null
    });
    expect(details().open).toBe(false);
    expect(details().querySelector('summary')!.textContent).toBe(
      'Files it writes (2): overlays/a/Pipfile, .thoth.yaml'
    );
    expect(
      details().querySelector('[data-file=".thoth.yaml"] pre')!.textContent
    ).toContain('+b: 2');
    render({ changes: [], error: null });
    expect(details().textContent).toBe('Files it writes: none');
    render({ changes: null, error: '.thoth.yaml is not YAML' });
    expect(details().dataset.state).toBe('error');
    expect(details().textContent).toBe(
      'Files it writes: cannot tell (.thoth.yaml is not YAML)'
    );
  });
});

describe('IndexFlag', () => {
  const verdict = (status: string, use: string | null = null): any => ({
    name: 'x',
    status,
    use,
    detail:
      status === 'no-wheel'
        ? 'no wheel for Python 3.11: built from source'
        : null
  });
  const show = (v: any) => {
    const calls: [string, any][] = [];
    act(() =>
      root.render(
        <IndexFlag
          overlay="train"
          pkg="fbprophet"
          verdict={v}
          run={(command, args) => calls.push([command, args])}
          trans={trans}
        />
      )
    );
    return calls;
  };

  it('offers the new name of a renamed package, and removing a missing one', () => {
    let calls = show(verdict('renamed', 'prophet'));
    const flag = container.querySelector('[data-index-status="renamed"]')!;
    expect(flag.textContent).toBe('renamed: use prophetUse prophet');
    act(() => flag.querySelector('button')!.click());
    expect(calls).toEqual([
      [
        CommandIDs.replacePackage,
        { name: 'train', package: 'fbprophet', replacement: 'prophet' }
      ]
    ]);
    calls = show(verdict('missing'));
    act(() => container.querySelector('button')!.click());
    expect(calls).toEqual([
      [
        CommandIDs.removePackage,
        { name: 'train', package: 'fbprophet', ignoreImports: true }
      ]
    ]);
  });

  it('holds back the dependencies of a last release in one click', () => {
    const calls = show({
      name: 'arviz',
      status: 'held-back',
      use: null,
      detail: 'arviz 0.23.4 is its last release for Python 3.11 (…)',
      pins: { matplotlib: '<3.11', sparse: '<0.18' }
    });
    const flag = container.querySelector('[data-index-status="held-back"]')!;
    expect(flag.getAttribute('title')).toContain('arviz 0.23.4');
    const button = flag.querySelector('button')!;
    expect(button.textContent).toBe('Hold back matplotlib, sparse');
    expect(button.getAttribute('title')).toBe(
      'Add to the Pipfile: matplotlib <3.11, sparse <0.18'
    );
    act(() => button.click());
    expect(calls).toEqual([
      [
        CommandIDs.holdBackPackages,
        {
          name: 'train',
          pins: { matplotlib: '<3.11', sparse: '<0.18' }
        }
      ]
    ]);
  });

  it('adds what a package imports but does not require in one click, and names a module that is gone', () => {
    const calls = show({
      name: 'colorcet',
      status: 'needs',
      use: 'matplotlib',
      detail: 'colorcet.plotting (colorcet 3.2.1) imports matplotlib, …',
      pins: { matplotlib: '*' }
    });
    const flag = container.querySelector('[data-index-status="needs"]')!;
    expect(flag.getAttribute('title')).toContain('colorcet.plotting');
    const button = flag.querySelector('button')!;
    expect(button.textContent).toBe('Add matplotlib');
    act(() => button.click());
    expect(calls).toEqual([
      [
        CommandIDs.holdBackPackages,
        { name: 'train', pins: { matplotlib: '*' } }
      ]
    ]);
    show({ name: 'colorcet', status: 'needs', use: '', detail: 'x', pins: {} });
    const settled = container.querySelector('[data-index-status="needs"]')!;
    expect(settled.getAttribute('data-settled')).toBe('true');
    expect(settled.querySelector('button')).toBeNull();
    show(verdict('gone', 'sklearn.datasets.base'));
    const gone = container.querySelector('[data-index-status="gone"]')!;
    expect(gone.textContent).toBe('no module sklearn.datasets.base');
    expect(gone.querySelector('button')).toBeNull();
    show({
      name: 'cenpy',
      status: 'network',
      use: null,
      detail: 'importing cenpy (cenpy 1.0.1) reaches the network (…)'
    });
    const network = container.querySelector('[data-index-status="network"]')!;
    expect(network.textContent).toBe('needs the network when imported');
    expect(network.getAttribute('title')).toContain('reaches the network');
    expect(network.querySelector('button')).toBeNull();
  });

  it('offers the caps that bring back what a release removed', () => {
    let calls = show({
      name: 'kats',
      status: 'needs',
      use: 'setuptools',
      detail:
        'kats.consts imports fbprophet: … (setuptools 82.0.0 removed pkg_resources, …)',
      pins: { setuptools: '<82.0.0' }
    });
    let button = container.querySelector<HTMLButtonElement>(
      '[data-index-status="needs"] button'
    )!;
    expect(button.textContent).toBe('Add setuptools');
    expect(button.getAttribute('title')).toBe(
      'Add to the Pipfile: setuptools <82.0.0'
    );
    act(() => button.click());
    expect(calls).toEqual([
      [
        CommandIDs.holdBackPackages,
        { name: 'train', pins: { setuptools: '<82.0.0' } }
      ]
    ]);
    calls = show({
      name: 'scikit-learn',
      status: 'gone',
      use: 'sklearn.datasets.base',
      detail: '… scikit-learn <0.24 has it',
      pins: { 'scikit-learn': '<0.24' }
    });
    const gone = container.querySelector('[data-index-status="gone"]')!;
    button = gone.querySelector('button')!;
    expect(gone.textContent).toBe('no module sklearn.datasets.baseUse <0.24');
    expect(button.getAttribute('title')).toBe(
      'Use a release that still has sklearn.datasets.base: scikit-learn <0.24'
    );
    act(() => button.click());
    expect(calls).toEqual([
      [
        CommandIDs.holdBackPackages,
        { name: 'train', pins: { 'scikit-learn': '<0.24' } }
      ]
    ]);
  });

  it('tells quietly of a held-back package whose caps the Pipfile has', () => {
    show({
      name: 'arviz',
      status: 'held-back',
      use: null,
      detail: 'arviz 0.23.4 is its last release for Python 3.11 (…)',
      pins: {}
    });
    const flag = container.querySelector('[data-index-status="held-back"]')!;
    expect(flag.textContent).toBe('last release for this Python');
    expect(flag.getAttribute('data-settled')).toBe('true');
    expect(flag.classList).toContain('jp-mod-settled');
    expect(flag.querySelector('button')).toBeNull();
  });

  it('offers the packages dotted imports are in, naming each in its tooltip', () => {
    const calls = show({
      name: 'zc',
      status: 'provided',
      use: 'zc-lockfile',
      detail: null,
      providers: { 'zc.lockfile': 'zc-lockfile' }
    });
    const flag = container.querySelector('[data-index-status="provided"]')!;
    expect(flag.getAttribute('title')).toBe(
      'zc.lockfile is in the package zc-lockfile, not in fbprophet'
    );
    const button = flag.querySelector('button')!;
    expect(button.textContent).toBe('Use zc-lockfile');
    act(() => button.click());
    expect(calls).toEqual([
      [
        CommandIDs.useProviders,
        {
          name: 'train',
          package: 'fbprophet',
          providers: { 'zc.lockfile': 'zc-lockfile' }
        }
      ]
    ]);
  });

  it('names the dependency built from source in its tooltip', () => {
    show({
      name: 'requests-kerberos',
      status: 'dependency-no-wheel',
      use: null,
      detail:
        'requests-kerberos 0.15.0 requires pyspnego[kerberos] → gssapi, which has no wheel …'
    });
    const flag = container.querySelector(
      '[data-index-status="dependency-no-wheel"]'
    )!;
    expect(flag.textContent).toBe('a dependency has no wheel');
    expect(flag.getAttribute('title')).toContain('→ gssapi');
    expect(flag.querySelector('button')).toBeNull();
  });

  it('lets a pinned version without a wheel be any version', () => {
    const calls = show({
      name: 'scikit-learn==0.20.3',
      status: 'pinned',
      use: '*',
      detail: 'no wheel of scikit-learn==0.20.3 for Python 3.11: …'
    });
    const flag = container.querySelector('[data-index-status="pinned"]')!;
    expect(flag.textContent).toBe('no wheel for this versionAny version');
    expect(flag.getAttribute('title')).toContain('no wheel of scikit-learn');
    act(() => flag.querySelector('button')!.click());
    expect(calls).toEqual([
      [
        CommandIDs.editPackage,
        { name: 'train', package: 'fbprophet', specifier: '*' }
      ]
    ]);
  });

  it('says why a package has no wheel, and nothing when all is well', () => {
    show(verdict('no-wheel'));
    const flag = container.querySelector('[data-index-status="no-wheel"]')!;
    expect(flag.getAttribute('title')).toContain('built from source');
    expect(flag.querySelector('button')).toBeNull();
    for (const status of ['ok', 'unknown']) {
      show(verdict(status));
      expect(container.innerHTML).toBe('');
    }
  });

  it('names the dependency that will not install in its tooltip', () => {
    show({
      name: 'kats',
      status: 'dependency',
      use: null,
      detail:
        'kats 0.2.0 requires fbprophet==0.7.1, which no longer installs (it became prophet): the build will fail'
    });
    const flag = container.querySelector('[data-index-status="dependency"]')!;
    expect(flag.textContent).toBe('a dependency will not install');
    expect(flag.getAttribute('title')).toContain('requires fbprophet==0.7.1');
    expect(flag.querySelector('button')).toBeNull();
  });
});
