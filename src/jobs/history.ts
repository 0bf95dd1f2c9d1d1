/**
 * The build history of overlays, read when the user opens it (never before)
 * and read again when one of that overlay's jobs ends: the sidebar lists an
 * overlay's earlier builds and offers to go back to one of their images.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { OverlaysClient } from '../api';
import type { OverlaysAPI } from '../tokens';
import type { JobsModel } from './model';

/** Jobs asked for per overlay (builds and locks; the builds are kept). */
export const HISTORY_LIMIT = 30;
/** Images asked about at a time (the server takes at most 50). */
const IMAGES_LIMIT = 50;

export class BuildHistory implements IDisposable {
  constructor(options: BuildHistory.IOptions) {
    this._client = options.client;
    options.jobs.jobEnded.connect(this._onJobEnded, this);
  }

  /** Emitted when a history was read or failed to be. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * An overlay's history as last read; undefined until it is asked for. A
   * new object after each change, so views can compare by identity.
   */
  get(overlay: string): BuildHistory.IState | undefined {
    return this._states.get(overlay);
  }

  /**
   * Read an overlay's builds, newest first. Never throws: the error is kept
   * in its state for the view.
   */
  async load(overlay: string): Promise<void> {
    const before = this._states.get(overlay);
    this._set(overlay, {
      builds: before?.builds ?? [],
      images: before?.images ?? {},
      loading: true,
      error: null
    });
    let state: BuildHistory.IState;
    try {
      const answer = await this._client.jobs({
        overlay,
        limit: HISTORY_LIMIT
      });
      const builds = answer.jobs.filter(job => job.kind === 'build');
      state = {
        builds,
        images: await this._images(builds),
        loading: false,
        error: null
      };
    } catch (error) {
      state = {
        builds: before?.builds ?? [],
        images: before?.images ?? {},
        loading: false,
        error: (error as Error).message
      };
    }
    if (!this._isDisposed && this._states.has(overlay)) {
      this._set(overlay, state);
    }
  }

  /** Forget an overlay's history (closed, renamed or deleted). */
  forget(overlay: string): void {
    if (this._states.delete(overlay)) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._states.clear();
    Signal.clearData(this);
  }

  /**
   * Whether the builds' images are still there and their sizes; nothing
   * when the server cannot say (older server, offline).
   */
  private async _images(
    builds: OverlaysAPI.IJob[]
  ): Promise<BuildHistory.IState['images']> {
    const refs = [
      ...new Set(
        builds
          .filter(build => build.state === 'succeeded' && build.image)
          .map(build => build.image!)
      )
    ].slice(0, IMAGES_LIMIT);
    if (!refs.length) {
      return {};
    }
    try {
      return (await this._client.images(refs)).images;
    } catch {
      return {};
    }
  }

  private _set(overlay: string, state: BuildHistory.IState): void {
    this._states.set(overlay, state);
    this._changed.emit();
  }

  private _onJobEnded(_: JobsModel, job: OverlaysAPI.IJob): void {
    if (this._states.has(job.overlay)) {
      void this.load(job.overlay);
    }
  }

  private _client: Pick<OverlaysClient, 'jobs' | 'images'>;
  private _states = new Map<string, BuildHistory.IState>();
  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
}

export namespace BuildHistory {
  export interface IOptions {
    client: Pick<OverlaysClient, 'jobs' | 'images'>;
    jobs: Pick<JobsModel, 'jobEnded'>;
  }

  /**
   * What the view shows of an overlay's history.
   */
  export interface IState {
    /** Its builds, newest first (the last `HISTORY_LIMIT` jobs' builds). */
    builds: OverlaysAPI.IJob[];
    /** By image: still there, and its size (null: the server cannot tell). */
    images: OverlaysAPI.IImages['images'];
    loading: boolean;
    /** Why the history could not be read. */
    error: string | null;
  }
}
