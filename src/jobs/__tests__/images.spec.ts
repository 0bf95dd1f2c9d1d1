import { Signal } from '@lumino/signaling';

import type { OverlaysAPI } from '../../tokens';
import { RuntimeImageInfo } from '../images';
import { jobFixture } from './jobFixture';

describe('RuntimeImageInfo', () => {
  it('asks once per image, keeps the answer, and asks again after a job ends', async () => {
    const ended = new Signal<any, OverlaysAPI.IJob>({});
    let fail = false;
    const images = jest.fn(async (refs: string[]) => {
      if (fail) {
        throw new Error('offline');
      }
      return {
        images: Object.fromEntries(
          refs.map(ref => [
            ref,
            ref.startsWith('quay.io/')
              ? null
              : ref === 'x:gone'
                ? { exists: false, size: null }
                : { exists: true, size: '1 MB' }
          ])
        )
      };
    });
    const info = new RuntimeImageInfo({
      client: { images } as any,
      jobs: { jobEnded: ended } as any
    });
    let changes = 0;
    info.changed.connect(() => (changes += 1));
    expect(info.get('x:1')).toBeUndefined();
    expect(info.get('x:1')).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(images).toHaveBeenCalledTimes(1);
    expect(info.get('x:1')).toEqual({ exists: true, size: '1 MB' });
    expect(changes).toBe(1);
    info.get('x:gone');
    info.get('quay.io/team/x:1');
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(info.get('x:gone')).toEqual({ exists: false, size: null });
    // A cluster image the server cannot tell about.
    expect(info.get('quay.io/team/x:1')).toBeNull();
    expect(images).toHaveBeenCalledTimes(3);

    // A job ended: asked again; a failed request says nothing.
    ended.emit(jobFixture('b2'));
    fail = true;
    expect(info.get('x:1')).toBeUndefined();
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(info.get('x:1')).toBeNull();
    info.dispose();
    expect(info.isDisposed).toBe(true);
  });
});
