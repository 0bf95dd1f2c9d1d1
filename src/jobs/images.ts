/**
 * What the build tool says of the images Elyra runs (each overlay's runtime
 * image): whether it is still there and its size, asked once per image
 * reference when the sidebar first shows it, and again when a job ends
 * (an image may have been built or removed).
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { OverlaysClient } from '../api';
import type { JobsModel } from './model';

/** Whether an image is still where its build put it, and its size. */
export type ImageInfo = { exists: boolean; size: string | null };

export class RuntimeImageInfo implements IDisposable {
  constructor(options: RuntimeImageInfo.IOptions) {
    this._client = options.client;
    options.jobs.jobEnded.connect(this._forget, this);
  }

  /** Emitted when an answer arrives. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * What is known of an image: undefined until the server answers (the
   * first call asks), null when it cannot tell (cluster images, an older
   * server, offline).
   */
  get(ref: string): ImageInfo | null | undefined {
    if (!this._known.has(ref) && !this._asking.has(ref)) {
      void this._ask(ref);
    }
    return this._known.get(ref);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _ask(ref: string): Promise<void> {
    this._asking.add(ref);
    let info: ImageInfo | null;
    try {
      info = (await this._client.images([ref])).images[ref] ?? null;
    } catch {
      info = null;
    }
    this._asking.delete(ref);
    if (!this._isDisposed) {
      this._known.set(ref, info);
      this._changed.emit();
    }
  }

  private _forget(): void {
    if (this._known.size) {
      this._known.clear();
      this._changed.emit();
    }
  }

  private _client: Pick<OverlaysClient, 'images'>;
  private _known = new Map<string, ImageInfo | null>();
  private _asking = new Set<string>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace RuntimeImageInfo {
  export interface IOptions {
    client: Pick<OverlaysClient, 'images'>;
    jobs: Pick<JobsModel, 'jobEnded'>;
  }
}
