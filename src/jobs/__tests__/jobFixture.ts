import type { OverlaysAPI } from '../../tokens';

/**
 * A job as the server describes it, for tests: a queued build of `train`,
 * with `fields` on top.
 */
export function jobFixture(
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
