import { JobsModel } from '../model';
import { OverlaysAPI } from '../../tokens';

function job(
  id: string,
  fields: Partial<OverlaysAPI.IJob> = {}
): OverlaysAPI.IJob {
  return {
    id,
    overlay: 'train',
    kind: 'build',
    backend: 'buildah',
    state: 'queued',
    created: '2025-01-01T00:00:00.000Z',
    started: null,
    finished: null,
    image: null,
    digest: null,
    source_hash: 'a'.repeat(64),
    error: null,
    log_size: 0,
    progress: {},
    ...fields
  };
}

/** A client whose answers the test sets. */
class FakeClient implements JobsModel.IClient {
  list: OverlaysAPI.IJob[] = [];
  statuses: Record<string, OverlaysAPI.IOverlayStatus> = {};
  submitted: [string, string][] = [];
  cancelled: string[] = [];
  failJobs: Error | null = null;

  jobs = jest.fn(async () => {
    if (this.failJobs) {
      throw this.failJobs;
    }
    return { jobs: [...this.list] };
  });

  overlayStatus = jest.fn(async (name: string) => {
    const status = this.statuses[name];
    if (!status) {
      throw new Error(`No overlay ${name}`);
    }
    return status;
  });

  submitJob = jest.fn(async (overlay: string, kind: OverlaysAPI.JobKind) => {
    this.submitted.push([overlay, kind]);
    const created = job(`new-${this.submitted.length}`, { overlay, kind });
    this.list = [created, ...this.list];
    return created;
  });

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

function makeModel(overlays: string[] = ['train', 'prep']) {
  client = new FakeClient();
  time = 1_000_000;
  model = new JobsModel({
    client,
    overlays: () => overlays,
    autoStart: false,
    clock: () => time
  });
  return model;
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
