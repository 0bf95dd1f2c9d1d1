import { Signal } from '@lumino/signaling';

import type { OverlaysAPI } from '../../tokens';
import { BuildHistory, HISTORY_LIMIT } from '../history';
import { jobFixture } from './jobFixture';

function job(
  id: string,
  fields: Partial<OverlaysAPI.IJob> = {}
): OverlaysAPI.IJob {
  return jobFixture(id, { state: 'succeeded', image: `x:${id}`, ...fields });
}

describe('BuildHistory', () => {
  const ended = new Signal<any, OverlaysAPI.IJob>({});
  let answer: OverlaysAPI.IJob[];
  let fail: Error | null;
  const jobs = jest.fn(async (query: any) => {
    if (fail) {
      throw fail;
    }
    return {
      jobs: answer.filter(j => j.overlay === query.overlay),
      next: null
    };
  });
  const images = jest.fn(async (refs: string[]) => ({
    images: Object.fromEntries(
      refs.map(ref => [ref, { exists: ref !== 'x:gone', size: '1 MB' }])
    )
  }));
  let history: BuildHistory;

  beforeEach(() => {
    answer = [
      job('b2'),
      job('l1', { kind: 'lock', image: null }),
      job('b1', { state: 'failed', image: null })
    ];
    fail = null;
    jobs.mockClear();
    images.mockClear();
    history = new BuildHistory({
      client: { jobs, images } as any,
      jobs: { jobEnded: ended } as any
    });
  });

  afterEach(() => history.dispose());

  it('is read only when asked for, and keeps the builds', async () => {
    expect(history.get('train')).toBeUndefined();
    expect(jobs).not.toHaveBeenCalled();
    const loading = history.load('train');
    expect(history.get('train')?.loading).toBe(true);
    await loading;
    expect(jobs).toHaveBeenCalledWith({
      overlay: 'train',
      limit: HISTORY_LIMIT
    });
    expect(history.get('train')).toEqual({
      builds: [answer[0], answer[2]],
      images: { 'x:b2': { exists: true, size: '1 MB' } },
      loading: false,
      error: null
    });
    // Only the images of builds that succeeded are asked about.
    expect(images).toHaveBeenCalledWith(['x:b2']);
  });

  it("is read again when one of that overlay's jobs ends, not another's", async () => {
    await history.load('train');
    const before = history.get('train');
    ended.emit(job('p1', { overlay: 'prep' }));
    expect(jobs).toHaveBeenCalledTimes(1);
    answer = [job('b3'), ...answer];
    ended.emit(job('b3'));
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(jobs).toHaveBeenCalledTimes(2);
    expect(history.get('train')).not.toBe(before);
    expect(history.get('train')?.builds.map(b => b.id)).toEqual([
      'b3',
      'b2',
      'b1'
    ]);
  });

  it('keeps what it had and says why when the server cannot be read', async () => {
    await history.load('train');
    fail = new Error('offline');
    await history.load('train');
    expect(history.get('train')).toMatchObject({
      loading: false,
      error: 'offline'
    });
    expect(history.get('train')?.builds).toHaveLength(2);
  });

  it('forgets a history, and an answer arriving after that is dropped', async () => {
    const loading = history.load('train');
    history.forget('train');
    await loading;
    expect(history.get('train')).toBeUndefined();
  });
});
