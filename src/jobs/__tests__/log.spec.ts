import { JobLogModel } from '../log';
import { OverlaysAPI } from '../../tokens';

const JOB: OverlaysAPI.IJob = {
  id: 'j1',
  overlay: 'train',
  kind: 'build',
  backend: 'buildah',
  state: 'running',
  created: '2025-01-01T00:00:00.000Z',
  started: '2025-01-01T00:00:01.000Z',
  finished: null,
  image: null,
  digest: null,
  source_hash: null,
  error: null,
  log_size: 0,
  progress: {}
};

/** A server log that grows as the test appends to it. */
function fakeServer() {
  const server: {
    log: string;
    state: OverlaysAPI.JobState;
    offsets: number[];
    client: {
      job: jest.Mock<Promise<OverlaysAPI.IJob>, [string]>;
      jobLog: jest.Mock<Promise<OverlaysAPI.IJobLog>, [string, number?]>;
    };
  } = {
    log: '',
    state: 'running',
    offsets: [],
    client: {
      job: jest.fn(async (_id: string) => ({ ...JOB, state: server.state })),
      jobLog: jest.fn(async (_id: string, offset = 0) => {
        server.offsets.push(offset);
        const ended = server.state !== 'running';
        return {
          text: server.log.slice(offset),
          offset: server.log.length,
          ended
        };
      })
    }
  };
  return server;
}

describe('JobLogModel', () => {
  let model: JobLogModel;
  afterEach(() => model?.dispose());

  it('reads from where it stopped and stops once the job ended', async () => {
    const server = fakeServer();
    model = new JobLogModel({
      client: server.client,
      id: 'j1',
      autoStart: false
    });
    server.log = 'STEP 1/3: FROM base\n';
    await model.refresh();
    expect(model.text).toBe('STEP 1/3: FROM base\n');
    expect(model.job?.state).toBe('running');
    expect(model.ended).toBe(false);

    server.log += 'STEP 2/3: RUN pip install\n';
    await model.refresh();
    server.log += 'Successfully tagged localhost/w-train:abc\n';
    server.state = 'succeeded';
    await model.refresh();
    expect(model.text).toBe(server.log);
    expect(model.ended).toBe(true);
    expect(model.job?.state).toBe('succeeded');
    expect(server.offsets).toEqual([0, 20, 46]);

    await model.refresh();
    expect(server.offsets).toHaveLength(3);
  });

  it('keeps the error of a failed read and tries again later', async () => {
    const server = fakeServer();
    model = new JobLogModel({
      client: server.client,
      id: 'j1',
      autoStart: false
    });
    server.client.jobLog.mockRejectedValueOnce(new Error('No job j1'));
    await expect(model.refresh()).rejects.toThrow('No job j1');
    expect(model.error).toBe('No job j1');
    server.log = 'hello\n';
    await model.refresh();
    expect(model.error).toBeNull();
    expect(model.text).toBe('hello\n');
  });

  it('tails on its own until the job ends', async () => {
    const server = fakeServer();
    server.log = 'one\n';
    model = new JobLogModel({ client: server.client, id: 'j1', interval: 10 });
    const changed = new Promise<void>(resolve =>
      model.changed.connect(() => model.ended && resolve())
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    server.log += 'two\n';
    server.state = 'failed';
    await changed;
    expect(model.text).toBe('one\ntwo\n');
    const calls = server.client.jobLog.mock.calls.length;
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.client.jobLog.mock.calls.length).toBe(calls);
  });
});
