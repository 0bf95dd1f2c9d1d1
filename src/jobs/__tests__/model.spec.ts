import { ServerConnection } from '@jupyterlab/services';

import { JobsModel } from '../model';
import { Signal } from '@lumino/signaling';

import { isActive, JOB_EVENT, OverlaysAPI } from '../../tokens';
import { jobFixture } from './jobFixture';

function job(
  id: string,
  fields: Partial<OverlaysAPI.IJob> = {}
): OverlaysAPI.IJob {
  return jobFixture(id, fields);
}

/**
 * `view=current` as the server makes it from every job (newest first): each
 * active job and, per overlay, the newest of each kind and the newest
 * succeeded build, each once.
 */
function currentView(jobs: OverlaysAPI.IJob[]): OverlaysAPI.IJob[] {
  const seen = new Set<string>();
  return jobs.filter(job => {
    const keys = [`newest ${job.overlay} ${job.kind}`];
    if (isActive(job)) {
      keys.push(`active ${job.id}`);
    }
    if (job.kind === 'build' && job.state === 'succeeded') {
      keys.push(`built ${job.overlay}`);
    }
    const fresh = keys.filter(key => !seen.has(key));
    keys.forEach(key => seen.add(key));
    return fresh.length > 0;
  });
}

/** A client whose answers the test sets. */
class FakeClient implements JobsModel.IClient {
  /** Every job the server has, newest first. */
  list: OverlaysAPI.IJob[] = [];
  statuses: Record<string, OverlaysAPI.IOverlayStatus> = {};
  submitted: [string, string][] = [];
  cancelled: string[] = [];
  failJobs: Error | null = null;
  failJob: Error | null = null;
  /** What the server says of each overlay's runtime image. */
  images: Record<string, OverlaysAPI.IRegistration> = {};
  renamed: [string, string | null][] = [];

  jobs = jest.fn(async (query: OverlaysAPI.JobsQuery | string = {}) => {
    if (this.failJobs) {
      throw this.failJobs;
    }
    const current = typeof query !== 'string' && query.view === 'current';
    return {
      jobs: current ? currentView(this.list) : [...this.list],
      next: null,
      ...(current ? { runtime_images: { ...this.images } } : {})
    };
  });

  job = jest.fn(async (id: string) => {
    if (this.failJob) {
      throw this.failJob;
    }
    const found = this.list.find(item => item.id === id);
    if (!found) {
      throw new ServerConnection.ResponseError(
        new Response('{"message": "No job"}', { status: 404 }),
        `No job ${id}`
      );
    }
    return found;
  });

  overlayStatus = jest.fn(async (name: string) => {
    const status = this.statuses[name];
    if (!status) {
      throw new Error(`No overlay ${name}`);
    }
    return status;
  });

  overlayRenamed = jest.fn(async (overlay: string, newName: string | null) => {
    this.renamed.push([overlay, newName]);
    const moved = this.images[overlay];
    const answers: OverlaysAPI.IRegistration[] = [
      { ...moved, image: null, outcome: 'removed' }
    ];
    let moves = 0;
    if (newName) {
      answers.push({
        ...moved,
        overlay: newName,
        name: `overlay-${newName}`,
        outcome: 'created'
      });
      this.list = this.list.map(item => {
        if (item.overlay !== overlay || isActive(item)) {
          return item;
        }
        moves += 1;
        return { ...item, overlay: newName };
      });
    }
    return { runtime_images: answers, jobs_moved: moves };
  });

  submitJob = jest.fn(async (overlay: string, kind: OverlaysAPI.JobKind) => {
    this.submitted.push([overlay, kind]);
    const created = job(`new-${this.submitted.length}`, { overlay, kind });
    this.list = [created, ...this.list];
    return created;
  });

  registerJob = jest.fn(
    async (
      id: string,
      settings?: OverlaysAPI.IRegistrationSettings
    ): Promise<OverlaysAPI.IRegistration> => {
      const found = this.list.find(item => item.id === id)!;
      const answer = registration({
        overlay: found.overlay,
        name: `overlay-${found.overlay}`,
        image: found.image,
        job_id: id,
        outcome: settings?.pull_policy === 'Always' ? 'updated' : 'created'
      });
      this.images = { ...this.images, [found.overlay]: answer };
      return answer;
    }
  );

  cancelJob = jest.fn(async (id: string) => {
    this.cancelled.push(id);
    this.list = this.list.map(item =>
      item.id === id ? { ...item, state: 'cancelled' as const } : item
    );
    return this.list.find(item => item.id === id)!;
  });
}

let model: JobsModel;
let client: FakeClient;
let time: number;

function makeModel(
  overlays: string[] = ['train', 'prep'],
  registration?: () => OverlaysAPI.IRegistrationSettings
) {
  client = new FakeClient();
  time = 1_000_000;
  model = new JobsModel({
    client,
    overlays: () => overlays,
    autoStart: false,
    clock: () => time,
    registration
  });
  return model;
}

function registration(
  fields: Partial<OverlaysAPI.IRegistration> = {}
): OverlaysAPI.IRegistration {
  return {
    overlay: 'train',
    name: 'overlay-train',
    image: 'localhost/w-train:aaa',
    outcome: 'created',
    store: 'file',
    job_id: 'b1',
    error: null,
    ...fields
  };
}

afterEach(() => model?.dispose());

describe('JobsModel', () => {
  it('keeps the newest build and lock job per overlay and the last good build', async () => {
    makeModel();
    client.list = [
      job('b3', { state: 'failed', error: 'no space left' }),
      job('l1', { kind: 'lock', state: 'succeeded' }),
      job('b2', { state: 'succeeded', image: 'localhost/w-train:aaa' }),
      job('p1', { overlay: 'prep', state: 'running' }),
      job('b1', { state: 'succeeded', image: 'localhost/w-train:old' })
    ];
    await model.refresh();
    expect(model.latest('train', 'build')?.id).toBe('b3');
    expect(model.latest('train', 'lock')?.id).toBe('l1');
    expect(model.lastBuilt('train')?.image).toBe('localhost/w-train:aaa');
    expect(model.latest('prep', 'lock')).toBeNull();
    expect(model.runningCount).toBe(1);
    expect(model.activeCount).toBe(1);
    expect(model.job('p1')?.overlay).toBe('prep');
    expect(model.summary('train')).toEqual({
      build: client.list[0],
      lock: client.list[1],
      lastBuilt: client.list[2],
      status: null,
      runtimeImage: null,
      cancelling: new Set(),
      now: time
    });
  });

  it('asks for the status of every overlay; one the server refuses has none', async () => {
    makeModel();
    client.statuses.train = {
      overlay: 'train',
      source_hash: 'b'.repeat(64),
      lock: 'stale'
    };
    await model.refresh();
    expect(model.status('train')?.lock).toBe('stale');
    expect(model.status('prep')).toBeNull();
    expect(client.overlayStatus).toHaveBeenCalledTimes(2);
  });

  it('emits jobEnded once, only for a job it saw active', async () => {
    makeModel();
    client.list = [
      job('old', { state: 'succeeded' }),
      job('b1', { state: 'running' })
    ];
    const ended: string[] = [];
    model.jobEnded.connect((_, item) => ended.push(item.id));
    await model.refresh();
    expect(ended).toEqual([]);

    client.list = [
      job('old', { state: 'succeeded' }),
      job('b1', { state: 'succeeded', image: 'localhost/w-train:abc' })
    ];
    client.statuses.train = {
      overlay: 'train',
      source_hash: 'a'.repeat(64),
      lock: 'current'
    };
    await model.refresh();
    expect(ended).toEqual(['b1']);
    // The job's end refreshed the statuses even though the poll was fast.
    expect(model.status('train')?.lock).toBe('current');
    await model.refresh();
    expect(ended).toEqual(['b1']);
  });

  it('asks the server for the current view only', async () => {
    makeModel();
    await model.refresh();
    expect(client.jobs).toHaveBeenCalledTimes(1);
    expect(client.jobs).toHaveBeenCalledWith({ view: 'current' });
    expect(client.job).not.toHaveBeenCalled();
  });

  it('keeps only the current jobs of a long history', async () => {
    makeModel();
    const old = Array.from({ length: 50 }, (_, index) =>
      job(`old${index}`, {
        overlay: index % 2 ? 'train' : 'prep',
        kind: index % 3 ? 'build' : 'lock',
        state: index % 5 ? 'failed' : 'succeeded'
      })
    );
    client.list = [job('b9', { state: 'running' }), ...old];
    await model.refresh();
    expect(model.jobs.length).toBeLessThanOrEqual(2 * 3 + 1);
    expect(model.jobs.map(item => item.id)).toEqual(
      currentView(client.list).map(item => item.id)
    );
    expect(model.latest('train', 'build')?.id).toBe('b9');
    expect(model.lastBuilt('prep')?.state).toBe('succeeded');
    expect(model.activeCount).toBe(1);
  });

  it('emits jobEnded for an active job that dropped out of the current view', async () => {
    makeModel();
    const ended: OverlaysAPI.IJob[] = [];
    model.jobEnded.connect((_, item) => ended.push(item));
    // An older build runs while a newer one of the same overlay waits.
    client.list = [
      job('b2', { state: 'queued', source_hash: 'b'.repeat(64) }),
      job('b1', { state: 'running' }),
      job('b0', { state: 'failed' })
    ];
    await model.refresh();
    expect(model.jobs.map(item => item.id)).toEqual(['b2', 'b1']);
    expect(model.activeCount).toBe(2);

    // b1 fails and b2 starts: b1 is neither active, nor the newest build, nor
    // a good one, so the current view leaves it out.
    client.list = [
      job('b2', { state: 'running', source_hash: 'b'.repeat(64) }),
      job('b1', { state: 'failed', error: 'no space left' }),
      job('b0', { state: 'failed' })
    ];
    await model.refresh();
    expect(client.job).toHaveBeenCalledTimes(1);
    expect(client.job).toHaveBeenCalledWith('b1');
    expect(ended.map(item => [item.id, item.state, item.error])).toEqual([
      ['b1', 'failed', 'no space left']
    ]);
    expect(model.jobs.map(item => item.id)).toEqual(['b2']);
    expect(model.job('b1')).toBeNull();
    expect(model.latest('train', 'build')?.id).toBe('b2');
    expect(model.runningCount).toBe(1);

    // Once reported, never again, and not asked for again.
    client.job.mockClear();
    await model.refresh();
    expect(client.job).not.toHaveBeenCalled();
    expect(ended).toHaveLength(1);
  });

  it('also reports jobs that ended in the view and out of it at once', async () => {
    makeModel();
    const ended: string[] = [];
    model.jobEnded.connect((_, item) => ended.push(item.id));
    client.list = [
      job('b2', { state: 'queued' }),
      job('b1', { state: 'running' }),
      job('l1', { kind: 'lock', overlay: 'prep', state: 'running' })
    ];
    await model.refresh();
    client.list = [
      job('b2', { state: 'succeeded', image: 'localhost/w-train:b2' }),
      job('b1', { state: 'cancelled' }),
      job('l1', { kind: 'lock', overlay: 'prep', state: 'succeeded' })
    ];
    await model.refresh();
    expect(ended.sort()).toEqual(['b1', 'b2', 'l1']);
    expect(model.activeCount).toBe(0);
    expect(model.lastBuilt('train')?.id).toBe('b2');
  });

  it('forgets an active job the server no longer has, without an end', async () => {
    makeModel();
    const ended = jest.fn();
    model.jobEnded.connect(ended);
    client.list = [job('b1', { state: 'running' })];
    await model.refresh();
    client.list = [];
    await model.refresh();
    expect(client.job).toHaveBeenCalledWith('b1');
    expect(model.jobs).toEqual([]);
    expect(model.activeCount).toBe(0);
    expect(ended).not.toHaveBeenCalled();
  });

  it('rejects and keeps the job active when it cannot be asked for', async () => {
    makeModel();
    const ended: string[] = [];
    model.jobEnded.connect((_, item) => ended.push(item.id));
    client.list = [
      job('b2', { state: 'queued' }),
      job('b1', { state: 'running' })
    ];
    await model.refresh();
    client.list = [
      job('b2', { state: 'running' }),
      job('b1', { state: 'failed' })
    ];
    client.failJob = new Error('server gone');
    await expect(model.refresh()).rejects.toThrow('server gone');
    expect(model.error).toBe('server gone');
    expect(model.activeCount).toBe(2);
    expect(ended).toEqual([]);
    client.failJob = null;
    await model.refresh();
    expect(ended).toEqual(['b1']);
    expect(model.error).toBeNull();
  });

  it('keeps a job submitted while the list was on its way', async () => {
    makeModel();
    // The server read its list before the job was made: it is not in it.
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    client.jobs.mockImplementationOnce(async () => {
      await gate;
      return { jobs: [], next: null };
    });
    const refreshing = model.refresh();
    const submitted = await model.submit('train', 'build');
    release();
    await refreshing;
    expect(model.job(submitted.id)?.state).toBe('queued');
    expect(model.activeCount).toBe(1);
  });

  it('does not ask for statuses on every fast tick', async () => {
    makeModel();
    client.list = [job('b1', { state: 'running' })];
    await model.refresh();
    client.overlayStatus.mockClear();
    await model.refresh();
    await model.refresh();
    expect(client.overlayStatus).not.toHaveBeenCalled();
  });

  it('measures time with its clock at each refresh', async () => {
    makeModel();
    await model.refresh();
    expect(model.now).toBe(1_000_000);
    time += 5000;
    expect(model.now).toBe(1_000_000);
    await model.refresh();
    expect(model.now).toBe(1_005_000);
  });

  it('shows a submitted job at once, and a cancelled one', async () => {
    makeModel();
    const changed = jest.fn();
    model.changed.connect(changed);
    const submitted = await model.submit('train', 'build');
    expect(client.submitted).toEqual([['train', 'build']]);
    expect(model.latest('train', 'build')).toEqual(submitted);
    expect(model.activeCount).toBe(1);
    expect(changed).toHaveBeenCalled();

    const cancelled = await model.cancel(submitted.id);
    expect(cancelled.state).toBe('cancelled');
    expect(model.latest('train', 'build')?.state).toBe('cancelled');
    expect(model.activeCount).toBe(0);
  });

  it('holds a job as cancelling until the server has answered the cancel', async () => {
    makeModel();
    const submitted = await model.submit('train', 'build');
    let answer!: () => void;
    const answered = new Promise<void>(resolve => (answer = resolve));
    const original = client.cancelJob.getMockImplementation()!;
    client.cancelJob.mockImplementationOnce(async (id: string) => {
      await answered;
      return original(id);
    });
    const cancelling = model.cancel(submitted.id);
    expect(model.summary('train').cancelling?.has(submitted.id)).toBe(true);
    answer();
    await cancelling;
    expect(model.summary('train').cancelling?.size).toBe(0);
    expect(model.latest('train', 'build')?.state).toBe('cancelled');

    // A cancel the server refuses (the job had ended) is not left cancelling.
    client.cancelJob.mockRejectedValueOnce(new Error('has already ended'));
    await expect(model.cancel(submitted.id)).rejects.toThrow('already ended');
    expect(model.summary('train').cancelling?.size).toBe(0);
  });

  it('passes server errors of submit and cancel on', async () => {
    makeModel();
    client.submitJob.mockRejectedValueOnce(new Error('No overlay "x"'));
    await expect(model.submit('x', 'lock')).rejects.toThrow('No overlay');
    expect(model.jobs).toEqual([]);
  });

  it('remembers why a refresh failed and rejects, so the poll backs off', async () => {
    makeModel();
    client.failJobs = new Error('server gone');
    await expect(model.refresh()).rejects.toThrow('server gone');
    expect(model.error).toBe('server gone');
    client.failJobs = null;
    await model.refresh();
    expect(model.error).toBeNull();
  });

  it("keeps each overlay's runtime image as the server registered it", async () => {
    makeModel();
    client.images = {
      train: registration(),
      prep: registration({
        overlay: 'prep',
        name: 'overlay-prep',
        outcome: 'failed',
        error: 'not ours'
      })
    };
    await model.refresh();
    expect(model.runtimeImage('train')?.image).toBe('localhost/w-train:aaa');
    expect(model.summary('train').runtimeImage?.name).toBe('overlay-train');
    expect(model.runtimeImage('prep')?.error).toBe('not ours');
    expect(model.runtimeImage('other')).toBeNull();
  });

  it('reports the registration of a build it saw end, once', async () => {
    makeModel();
    client.list = [job('b1', { state: 'running' })];
    await model.refresh();
    const registered = jest.fn();
    model.registered.connect((_, item) => registered(item.job_id));
    client.list = [job('b1', { state: 'succeeded', image: 'x:1' })];
    client.images = { train: registration({ job_id: 'b1' }) };
    await model.refresh();
    await model.refresh();
    expect(registered.mock.calls).toEqual([['b1']]);
  });

  it('goes back to an earlier build: its image becomes the runtime image', async () => {
    makeModel(['train'], () => ({ register: true, pull_policy: 'Always' }));
    client.list = [
      job('b2', { state: 'succeeded', image: 'x:2' }),
      job('b1', { state: 'succeeded', image: 'x:1' })
    ];
    client.images = { train: registration({ job_id: 'b2', image: 'x:2' }) };
    await model.refresh();
    const registered = jest.fn();
    model.registered.connect((_, item) => registered(item.job_id, item.image));
    await model.registerBuild('b1');
    expect(client.registerJob.mock.calls).toEqual([
      ['b1', { register: true, pull_policy: 'Always' }]
    ]);
    expect(model.runtimeImage('train')?.job_id).toBe('b1');
    expect(model.summary('train').runtimeImage?.image).toBe('x:1');
    expect(registered.mock.calls).toEqual([['b1', 'x:1']]);
  });

  it("sends the user's registration settings with a build, not with a lock", async () => {
    makeModel(['train'], () => ({ register: false, pull_policy: 'Always' }));
    await model.submit('train', 'build');
    await model.submit('train', 'lock');
    expect(client.submitJob.mock.calls).toEqual([
      ['train', 'build', { register: false, pull_policy: 'Always' }],
      ['train', 'lock', undefined]
    ]);
  });

  it('follows a rename and a delete of an overlay', async () => {
    makeModel();
    client.images = { train: registration() };
    await model.refresh();
    const registered = jest.fn();
    model.registered.connect((_, item) =>
      registered(item.overlay, item.outcome)
    );
    await model.overlayRenamed('train', 'fit');
    expect(client.renamed).toEqual([['train', 'fit']]);
    expect(model.runtimeImage('train')).toBeNull();
    expect(model.runtimeImage('fit')?.name).toBe('overlay-fit');
    // The rename's own notification says it: no more for its runtime image.
    expect(registered.mock.calls).toEqual([]);
    await model.overlayRenamed('fit', null);
    expect(registered.mock.calls.map(call => call[1])).toEqual(['removed']);
  });

  it('shows the history of a renamed overlay under its new name', async () => {
    makeModel();
    client.images = { train: registration() };
    client.list = [
      job('b1', { overlay: 'train', state: 'succeeded', image: 'i:1' }),
      job('l1', { overlay: 'train', kind: 'lock', state: 'succeeded' })
    ];
    await model.refresh();
    expect(model.summary('train').lastBuilt?.id).toBe('b1');
    await model.overlayRenamed('train', 'fit');
    expect(model.summary('fit').lastBuilt?.id).toBe('b1');
    expect(model.summary('fit').lock?.id).toBe('l1');
    expect(model.summary('train').lastBuilt).toBeNull();
  });

  it("refreshes at once on the server's job events, and polls slowly", async () => {
    const stream = new Signal<any, any>({});
    client = new FakeClient();
    model = new JobsModel({
      client,
      overlays: () => ['train'],
      events: { stream } as any
    });
    await new Promise(resolve => setTimeout(resolve, 50)); // the first poll
    client.jobs.mockClear();
    client.list = [job('b1', { state: 'running' })];
    stream.emit({ schema_id: 'https://example.org/other/v1' });
    stream.emit({ schema_id: JOB_EVENT, id: 'b1', state: 'running' });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(client.jobs).toHaveBeenCalledTimes(1);
    expect(model.job('b1')?.state).toBe('running');
    model.dispose();
    stream.emit({ schema_id: JOB_EVENT, id: 'b1', state: 'failed' });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(client.jobs).toHaveBeenCalledTimes(1);
  });

  it('stops emitting once disposed', async () => {
    makeModel();
    const changed = jest.fn();
    model.changed.connect(changed);
    model.dispose();
    expect(model.isDisposed).toBe(true);
    await model.refresh();
    expect(changed).not.toHaveBeenCalled();
  });
});
