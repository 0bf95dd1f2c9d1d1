import { nullTranslator } from '@jupyterlab/translation';

import type { OverlaysAPI } from '../../tokens';
import { runningJobs } from '../running';
import { jobFixture } from './jobFixture';

const trans = nullTranslator.load('jupyterlab_overlays');

function job(
  id: string,
  fields: Partial<OverlaysAPI.IJob> = {}
): OverlaysAPI.IJob {
  return jobFixture(id, {
    state: 'running',
    created: '2026-01-01T00:00:00.000Z',
    started: '2026-01-01T00:00:00.000Z',
    ...fields
  });
}

describe('runningJobs', () => {
  it('lists the queued and running jobs, oldest first, in words', () => {
    const now = Date.parse('2026-01-01T00:02:30.000Z');
    const items = runningJobs(
      [
        job('q', {
          overlay: 'prep',
          kind: 'lock',
          state: 'queued',
          created: '2026-01-01T00:01:00.000Z',
          started: null
        }),
        job('done', { state: 'succeeded' }),
        job('r')
      ],
      now,
      trans
    );
    expect(items).toEqual([
      {
        id: 'r',
        label: 'train: build',
        labelTitle:
          'The build of overlay "train", running for 2 minutes. Click to show its log.',
        detail: 'running for 2 minutes'
      },
      {
        id: 'q',
        label: 'prep: lock',
        labelTitle:
          'The lock of overlay "prep", queued. Click to show its log.',
        detail: 'queued'
      }
    ]);
    expect(
      runningJobs([job('r')], Date.parse('2026-01-01T00:00:09.000Z'), trans)[0]
        .detail
    ).toBe('running for 9 seconds');
  });
});
