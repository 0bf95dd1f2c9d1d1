import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { OverlaysClient } from '../api';
import { OverlaysAPI } from '../tokens';

/**
 * The log of one job, read from the server from byte 0 and then tailed from
 * the offset it reached, until the server says the job ended and the log was
 * read to its end. State and signals only; no React.
 */
export class JobLogModel implements IDisposable {
  constructor(options: JobLogModel.IOptions) {
    this.id = options.id;
    this._client = options.client;
    this._poll = new Poll({
      auto: false,
      factory: () => this._tick(),
      frequency: {
        interval: options.interval ?? 1000,
        backoff: true,
        max: 30 * 1000
      },
      name: `jupyterlab-overlays:job-log:${options.id}`,
      standby: 'when-hidden'
    });
    if (options.autoStart ?? true) {
      void this._poll.start();
    }
  }

  /**
   * The job id.
   */
  readonly id: string;

  /**
   * Emitted when the text, the job or the error changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The log read so far.
   */
  get text(): string {
    return this._text;
  }

  /**
   * The job as last read; null before the first answer.
   */
  get job(): OverlaysAPI.IJob | null {
    return this._job;
  }

  /**
   * Whether the job has ended and its whole log was read: no more polling.
   */
  get ended(): boolean {
    return this._ended;
  }

  /**
   * Why the last request failed; null after a good one.
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Read the job and the log from where the last read stopped.
   */
  async refresh(): Promise<void> {
    if (this._ended) {
      return;
    }
    try {
      const [job, log] = await Promise.all([
        this._client.job(this.id),
        this._client.jobLog(this.id, this._offset)
      ]);
      if (this._isDisposed) {
        return;
      }
      this._job = job;
      this._text += log.text;
      this._offset = log.offset;
      this._ended = log.ended;
      this._error = null;
    } catch (error) {
      if (!this._isDisposed) {
        this._error = error instanceof Error ? error.message : String(error);
        this._changed.emit();
      }
      throw error;
    }
    this._changed.emit();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _tick(): Promise<void> {
    await this.refresh();
    if (this._ended) {
      void this._poll.stop();
    }
  }

  private _client: JobLogModel.IClient;
  private _poll: Poll;
  private _text = '';
  private _offset = 0;
  private _job: OverlaysAPI.IJob | null = null;
  private _ended = false;
  private _error: string | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * A namespace for JobLogModel statics.
 */
export namespace JobLogModel {
  /**
   * The part of the REST client the log model uses.
   */
  export type IClient = Pick<OverlaysClient, 'job' | 'jobLog'>;

  /**
   * The options used to create a job log model.
   */
  export interface IOptions {
    client: IClient;
    /** The job id. */
    id: string;
    /** Milliseconds between reads while the job runs; default 1000. */
    interval?: number;
    /** Start tailing at once; default true (tests call `refresh`). */
    autoStart?: boolean;
  }
}
