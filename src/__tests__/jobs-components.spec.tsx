import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';
import { act } from 'react';
import { createRoot, Root } from 'react-dom/client';

import { JobLogState, JobLogView } from '../components/JobLogView';
import {
  changedSinceBuild,
  formatElapsed,
  IOverlayJobsProps,
  OverlayJobs,
  truncate
} from '../components/OverlayJobs';
import { runningLabel } from '../components/JobsStatusView';
import { endedMessage } from '../jobs/notify';
import { JobsModel } from '../jobs/model';
import { CommandIDs, OverlaysAPI } from '../tokens';
import { jobFixture } from '../jobs/__tests__/jobFixture';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyterlab_overlays');
const HASH = 'a'.repeat(64);
const START = Date.parse('2025-01-01T10:00:00.000Z');

function job(fields: Partial<OverlaysAPI.IJob> = {}): OverlaysAPI.IJob {
  return jobFixture('j1', {
    created: '2025-01-01T09:59:59.000Z',
    source_hash: HASH,
    ...fields
  });
}

function jobs(fields: Partial<JobsModel.IOverlayJobs> = {}) {
  return {
    build: null,
    lock: null,
    lastBuilt: null,
    status: { overlay: 'train', source_hash: HASH, lock: 'current' as const },
    now: START,
    ...fields
  };
}

let container: HTMLDivElement;
let root: Root;
let calls: [string, Record<string, any>][];

beforeEach(() => {
  container = document.createElement('div');
  document.body.appendChild(container);
  root = createRoot(container);
  calls = [];
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(fields: Partial<JobsModel.IOverlayJobs>, hasPipfile = true) {
  const props: IOverlayJobsProps = {
    name: 'train',
    jobs: jobs(fields),
    hasPipfile,
    run: (command, args) => calls.push([command, args]),
    trans
  };
  act(() => root.render(<OverlayJobs {...props} />));
}

const button = (action: string) =>
  container.querySelector(`[data-action="${action}"]`) as HTMLButtonElement;
const byTitle = (title: string) =>
  container.querySelector(`[title="${title}"]`) as HTMLElement;

describe('OverlayJobs', () => {
  it('offers Lock and Build, which run their commands', () => {
    render({});
    expect(button('lock').disabled).toBe(false);
    act(() => button('build').click());
    act(() => button('lock').click());
    expect(calls).toEqual([
      [CommandIDs.build, { name: 'train' }],
      [CommandIDs.lock, { name: 'train' }]
    ]);
    expect(container.querySelector('[data-job-kind]')).toBeNull();
  });

  it('cannot lock or build without a readable Pipfile', () => {
    render({}, false);
    expect(button('lock').disabled).toBe(true);
    expect(button('build').disabled).toBe(true);
  });

  it('shows a queued build, with Build disabled and Cancel', () => {
    render({ build: job() });
    const badge = container.querySelector('[data-job-kind="build"]')!;
    expect(badge.getAttribute('data-job-state')).toBe('queued');
    expect(badge.textContent).toContain('queued');
    expect(button('build').disabled).toBe(true);
    expect(button('lock').disabled).toBe(false);
    act(() => byTitle('Cancel the build').click());
    expect(calls).toEqual([[CommandIDs.cancelJob, { id: 'j1' }]]);
  });

  it('shows a build being cancelled as cancelling, without a second Cancel', () => {
    render({
      build: job({ state: 'running', started: '2025-01-01T10:00:00.000Z' }),
      cancelling: new Set(['j1'])
    });
    const badge = container.querySelector('[data-job-kind="build"]')!;
    expect(badge.getAttribute('data-job-state')).toBe('running');
    expect(badge.getAttribute('data-job-cancelling')).toBe('true');
    expect(badge.textContent).toContain('cancelling…');
    expect(badge.textContent).not.toContain('running');
    expect(byTitle('Cancel the build')).toBeNull();

    // Another job's cancel leaves this one as it is.
    render({
      build: job({ state: 'running', started: '2025-01-01T10:00:00.000Z' }),
      cancelling: new Set(['other'])
    });
    expect(badge.textContent).toContain('running');
    expect(byTitle('Cancel the build')).not.toBeNull();
  });

  it('shows a running build with its time and step', () => {
    render({
      build: job({
        state: 'running',
        started: '2025-01-01T10:00:00.000Z',
        progress: { step: 3, steps: 7 }
      }),
      now: START + 83_000
    });
    const badge = container.querySelector('[data-job-state="running"]')!;
    expect(
      badge.querySelector('.jp-OverlaysPanel-jobElapsed')?.textContent
    ).toBe('01:23');
    expect(badge.textContent).toContain('step 3 of 7');
  });

  it('shows the pod of a cluster build, and why it waits while pending', () => {
    const waiting =
      'Unschedulable: 0/3 nodes are available: 3 Insufficient memory.';
    render({
      build: job({
        state: 'running',
        backend: 'kubernetes',
        started: '2025-01-01T10:00:00.000Z',
        progress: { pod: 'overlay-build-train-0123abcd-x7k2p', waiting }
      })
    });
    const badge = container.querySelector('[data-job-state="running"]')!;
    const why = badge.querySelector('.jp-OverlaysPanel-jobWaiting')!;
    expect(why.textContent).toBe(`waiting: ${waiting}`);
    expect(why.getAttribute('title')).toBe(waiting);
    expect(why.getAttribute('role')).toBe('status');
    const pod = badge.querySelector('.jp-OverlaysPanel-jobPod')!;
    expect(pod.textContent).toBe('overlay-build-train-0123abcd-x7k2p');
    expect(pod.getAttribute('title')).toBe(
      'Kubernetes pod overlay-build-train-0123abcd-x7k2p'
    );
    // Once it runs, the reason goes; a local build has neither.
    render({
      build: job({
        state: 'running',
        started: '2025-01-01T10:00:00.000Z',
        progress: { step: 1, steps: 3 }
      })
    });
    expect(container.querySelector('.jp-OverlaysPanel-jobWaiting')).toBeNull();
    expect(container.querySelector('.jp-OverlaysPanel-jobPod')).toBeNull();
  });

  it('shows a built image with a copy button and the log button', () => {
    const image = 'localhost/work-train:0123456789ab';
    render({ build: job({ state: 'succeeded', image }), lastBuilt: job() });
    expect(
      container.querySelector('.jp-OverlaysPanel-image')?.textContent
    ).toBe(image);
    expect(byTitle('Cancel the build')).toBeNull();
    act(() => byTitle('Copy the image name').click());
    act(() => byTitle('Show log').click());
    expect(calls).toEqual([
      [CommandIDs.copyImage, { image }],
      [CommandIDs.openJobLog, { id: 'j1' }]
    ]);
  });

  it('shows why a job failed, cut short, all of it in the tooltip', () => {
    const error = 'pip install failed: ' + 'x'.repeat(200);
    render({ lock: job({ kind: 'lock', state: 'failed', error }) });
    const shown = container.querySelector('.jp-OverlaysPanel-jobError')!;
    expect(shown.getAttribute('title')).toBe(error);
    expect(shown.textContent).toBe(truncate(error, 80));
    expect(shown.textContent!.length).toBe(80);
  });

  it('flags a source changed since the last build and a stale lock', () => {
    render({
      lastBuilt: job({ state: 'succeeded', source_hash: 'b'.repeat(64) }),
      status: { overlay: 'train', source_hash: HASH, lock: 'stale' }
    });
    expect(container.querySelector('[data-flag="changed"]')).not.toBeNull();
    expect(container.querySelector('[data-flag="lock-stale"]')).not.toBeNull();
  });
});

describe('changedSinceBuild', () => {
  it('is false without a build, when unchanged, and while building the change', () => {
    const old = job({ state: 'succeeded', source_hash: 'b'.repeat(64) });
    expect(changedSinceBuild(jobs())).toBe(false);
    expect(changedSinceBuild(jobs({ lastBuilt: job() }))).toBe(false);
    expect(changedSinceBuild(jobs({ lastBuilt: old }))).toBe(true);
    expect(
      changedSinceBuild(
        jobs({ lastBuilt: old, build: job({ state: 'running' }) })
      )
    ).toBe(false);
  });
});

describe('small texts', () => {
  it('formats running times', () => {
    expect(formatElapsed(0)).toBe('00:00');
    expect(formatElapsed(61_999)).toBe('01:01');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('00:00');
  });

  it('counts running jobs for the status bar', () => {
    expect(runningLabel(0, 0, trans)).toBe('');
    expect(runningLabel(1, 0, trans)).toBe('1 build running');
    expect(runningLabel(2, 1, trans)).toBe('2 builds running, 1 lock running');
  });

  it('says how a job ended', () => {
    expect(
      endedMessage(job({ state: 'succeeded', image: 'localhost/w:1' }), trans)
    ).toBe('Built train: localhost/w:1');
    expect(
      endedMessage(job({ kind: 'lock', state: 'failed', error: 'no' }), trans)
    ).toBe('The lock of train failed: no');
    expect(endedMessage(job({ state: 'cancelled' }), trans)).toBe(
      'The build of train was cancelled'
    );
  });
});

describe('JobLogView', () => {
  it('shows the text and why the job failed', () => {
    act(() =>
      root.render(
        <>
          <JobLogState job={job({ state: 'failed' })} trans={trans} />
          <JobLogView
            text={'STEP 1/2: FROM base\n'}
            job={job({ state: 'failed', error: 'exit status 1' })}
            error={null}
            trans={trans}
          />
        </>
      )
    );
    expect(container.querySelector('pre')?.textContent).toBe(
      'STEP 1/2: FROM base\n'
    );
    expect(container.textContent).toContain('exit status 1');
    expect(
      container
        .querySelector('.jp-OverlaysJobLog-state')
        ?.getAttribute('data-job-state')
    ).toBe('failed');
  });
});

describe('the Elyra runtime image flag', () => {
  it('names the runtime image, and says where it is kept', () => {
    render({
      runtimeImage: {
        overlay: 'train',
        name: 'overlay-train',
        image: 'localhost/demo-train:abc',
        outcome: 'created',
        store: 'file',
        job_id: 'b1',
        error: null
      }
    });
    const flag = container.querySelector('[data-flag="runtime-image"]')!;
    expect(flag.textContent).toBe('Elyra: overlay-train');
    expect(flag.getAttribute('title')).toContain('a file Elyra reads');
    expect(flag.getAttribute('title')).toContain('localhost/demo-train:abc');
  });

  it('says when it could not be registered, with the reason', () => {
    render({
      runtimeImage: {
        overlay: 'train',
        name: 'overlay-train',
        image: 'x:1',
        outcome: 'failed',
        store: 'elyra',
        job_id: 'b1',
        error: 'A runtime image named overlay-train already exists'
      }
    });
    expect(container.querySelector('[data-flag="runtime-image"]')).toBeNull();
    const flag = container.querySelector('[data-flag="runtime-image-failed"]')!;
    expect(flag.textContent).toBe('not registered with Elyra');
    expect(flag.getAttribute('title')).toContain('already exists');
  });

  it('warns when Elyra names a build of earlier files', () => {
    const registered = {
      overlay: 'train',
      name: 'overlay-train',
      image: 'localhost/demo-train:old',
      outcome: 'updated' as const,
      store: 'elyra' as const,
      job_id: 'b1',
      error: null,
      source_hash: 'b'.repeat(64)
    };
    render({ runtimeImage: registered });
    const flag = container.querySelector('[data-flag="runtime-image-stale"]')!;
    expect(flag.textContent).toBe('Elyra: overlay-train (earlier files)');
    expect(flag.getAttribute('title')).toContain(
      'It was built from earlier files'
    );
    render({ runtimeImage: { ...registered, source_hash: HASH } });
    expect(
      container.querySelector('[data-flag="runtime-image"]')!.textContent
    ).toBe('Elyra: overlay-train');
  });

  it("gives the image's size, and warns when the image is gone", () => {
    const registered = {
      overlay: 'train',
      name: 'overlay-train',
      image: 'localhost/demo-train:abc',
      outcome: 'updated' as const,
      store: 'elyra' as const,
      job_id: 'b1',
      error: null,
      source_hash: HASH
    };
    render({
      runtimeImage: registered,
      runtimeImageInfo: { exists: true, size: '412 MB' }
    });
    let flag = container.querySelector('[data-flag="runtime-image"]')!;
    expect(flag.textContent).toBe('Elyra: overlay-train');
    expect(flag.getAttribute('title')).toBe(
      'Elyra runtime image overlay-train: localhost/demo-train:abc (412 MB) (open it in Elyra)'
    );
    render({
      runtimeImage: registered,
      runtimeImageInfo: { exists: false, size: null }
    });
    flag = container.querySelector('[data-flag="runtime-image-removed"]')!;
    expect(flag.textContent).toBe('Elyra: overlay-train (image removed)');
    expect(flag.getAttribute('title')).toContain(
      'The image is no longer on this server'
    );
    // Not known (a cluster image): the flag as before.
    render({ runtimeImage: registered, runtimeImageInfo: null });
    expect(
      container
        .querySelector('[data-flag="runtime-image"]')!
        .getAttribute('title')
    ).toBe(
      'Elyra runtime image overlay-train: localhost/demo-train:abc (open it in Elyra)'
    );
  });

  it("opens an entry Elyra keeps in Elyra's editor", () => {
    render({
      runtimeImage: {
        overlay: 'train',
        name: 'overlay-train',
        image: 'x:1',
        outcome: 'created',
        store: 'elyra',
        job_id: 'b1',
        error: null
      }
    });
    const flag = container.querySelector('[data-flag="runtime-image"]')!;
    expect(flag.tagName).toBe('BUTTON');
    expect(flag.getAttribute('title')).toContain('(open it in Elyra)');
    act(() => (flag as HTMLButtonElement).click());
    expect(calls).toEqual([
      [CommandIDs.openRuntimeImage, { name: 'overlay-train' }]
    ]);
  });

  it('is absent without a registration', () => {
    render({});
    expect(container.querySelector('[data-flag^="runtime-image"]')).toBeNull();
  });
});
