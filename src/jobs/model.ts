import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import type { Event } from '@jupyterlab/services';

import { isNotFound, OverlaysClient } from '../api';
import { isActive, JOB_EVENT, OverlaysAPI } from '../tokens';
import type { ImageInfo } from './images';

/**
 * The lock and build jobs of the workspace's overlays, and each overlay's
 * source hash and lock state, kept fresh by polling the server: fast while a
 * job is queued or running, slowly otherwise, not at all while the page is
 * hidden. State and signals only; no React.
 */
export class JobsModel implements IDisposable {
  constructor(options: JobsModel.IOptions) {
    this._client = options.client;
    this._overlays = options.overlays;
    this._clock = options.clock ?? Date.now;
    this._registration = options.registration ?? (() => undefined);
    // With the server's events, polling is only a fallback.
    this._events = options.events ?? null;
    this._fast = options.fastInterval ?? (this._events ? 5000 : 1000);
    this._slow = options.slowInterval ?? (this._events ? 30000 : 10000);
    this._events?.stream.connect(this._onEvent, this);
    this._now = this._clock();
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: this._frequency(),
      name: 'jupyterlab-overlays:jobs',
      standby: 'when-hidden'
    });
    if (options.autoStart ?? true) {
      void this._poll.start();
    }
  }

  /**
   * Emitted whenever a job, a status or the clock changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emitted once when a job seen queued or running has ended.
   */
  get jobEnded(): ISignal<this, OverlaysAPI.IJob> {
    return this._jobEnded;
  }

  /**
   * Emitted when the server has registered the runtime image of a build seen
   * ending, or moved or removed one after a rename or a delete.
   */
  get registered(): ISignal<this, OverlaysAPI.IRegistration> {
    return this._registered;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The current jobs, newest first: every queued or running one and, per
   * overlay, the newest of each kind and the newest successful build (the
   * server's `view=current`), not the whole history.
   */
  get jobs(): readonly OverlaysAPI.IJob[] {
    return this._jobs;
  }

  /**
   * How many jobs are running (not queued).
   */
  get runningCount(): number {
    return this._jobs.filter(job => job.state === 'running').length;
  }

  /**
   * How many jobs are queued or running.
   */
  get activeCount(): number {
    return this._jobs.filter(isActive).length;
  }

  /**
   * The time (ms since the epoch) of the last refresh: running times are
   * measured up to it, so views stay pure functions of the model.
   */
  get now(): number {
    return this._now;
  }

  /**
   * The message of the last failed refresh; null after a good one.
   */
  get error(): string | null {
    return this._error;
  }

  job(id: string): OverlaysAPI.IJob | null {
    return this._jobs.find(job => job.id === id) ?? null;
  }

  /**
   * The newest job of an overlay of a kind.
   */
  latest(overlay: string, kind: OverlaysAPI.JobKind): OverlaysAPI.IJob | null {
    return (
      this._jobs.find(job => job.overlay === overlay && job.kind === kind) ??
      null
    );
  }

  /**
   * The overlay's newest successful build.
   */
  lastBuilt(overlay: string): OverlaysAPI.IJob | null {
    return (
      this._jobs.find(
        job =>
          job.overlay === overlay &&
          job.kind === 'build' &&
          job.state === 'succeeded'
      ) ?? null
    );
  }

  /**
   * The overlay's Elyra runtime image as the server last registered it (or
   * why it could not); null when it has none.
   */
  runtimeImage(overlay: string): OverlaysAPI.IRegistration | null {
    const registration = this._runtimeImages[overlay];
    return registration &&
      (registration.image !== null || registration.outcome === 'failed')
      ? registration
      : null;
  }

  /**
   * The overlay's source hash and lock state, as last asked.
   */
  status(overlay: string): OverlaysAPI.IOverlayStatus | null {
    return this._statuses.get(overlay) ?? null;
  }

  /**
   * What the sidebar shows about the jobs of one overlay.
   */
  summary(overlay: string): JobsModel.IOverlayJobs {
    return {
      build: this.latest(overlay, 'build'),
      lock: this.latest(overlay, 'lock'),
      lastBuilt: this.lastBuilt(overlay),
      status: this.status(overlay),
      runtimeImage: this.runtimeImage(overlay),
      cancelling: this._cancelling,
      now: this._now
    };
  }

  /**
   * Ask the server for the current jobs (`view: 'current'`: every active job
   * and, per overlay, the newest of each kind and the newest good build); the
   * statuses too when polling slowly or when a job has ended (it may have
   * written a lock). A job seen active at the last refresh that the answer no
   * longer holds (say an older build that ended while a newer one waited) is
   * asked for by id, so `jobEnded` misses no end. Rejects when the jobs cannot
   * be read, so the poll backs off.
   */
  async refresh(): Promise<void> {
    let list: OverlaysAPI.IJob[];
    let images: Record<string, OverlaysAPI.IRegistration>;
    let dropped: Map<string, OverlaysAPI.IJob | null>;
    try {
      const answer = await this._client.jobs({ view: 'current' });
      list = answer.jobs;
      images = answer.runtime_images ?? {};
      dropped = await this._dropped(list);
    } catch (error) {
      this._error = error instanceof Error ? error.message : String(error);
      this._changed.emit();
      throw error;
    }
    if (this._isDisposed) {
      return;
    }
    const before = new Map(this._jobs.map(job => [job.id, job]));
    const ended = list.filter(
      job => isActive(before.get(job.id)) && !isActive(job)
    );
    // Active jobs the answer does not hold: ended ones are reported, and
    // active ones (submitted after the list was read) stay, so the poll keeps
    // its pace and sees them end. One the server no longer has goes.
    const answered = new Set(list.map(job => job.id));
    const stillActive: OverlaysAPI.IJob[] = [];
    for (const job of this._jobs) {
      if (!isActive(job) || answered.has(job.id)) {
        continue;
      }
      const now = dropped.has(job.id) ? dropped.get(job.id)! : job;
      if (now === null) {
        continue;
      } else if (isActive(now)) {
        stillActive.push(now);
      } else {
        ended.push(now);
      }
    }
    const wasFast = this.activeCount > 0;
    this._runtimeImages = images;
    this._jobs =
      stillActive.length > 0
        ? Private.newestFirst([...list, ...stillActive])
        : list;
    this._error = null;
    this._now = this._clock();
    this._updateFrequency();
    if (ended.length > 0 || !wasFast) {
      await this.refreshStatuses();
    }
    this._changed.emit();
    for (const job of ended) {
      this._jobEnded.emit(job);
      // The server registers a build before it records it as ended.
      const registration = images[job.overlay];
      if (registration?.job_id === job.id && job.kind === 'build') {
        this._registered.emit(registration);
      }
    }
  }

  /**
   * Ask the server for the source hash and lock state of every overlay; an
   * overlay the server cannot answer for has no status.
   */
  async refreshStatuses(): Promise<void> {
    const names = [...this._overlays()];
    const answers = await Promise.all(
      names.map(name => this._client.overlayStatus(name).catch(() => null))
    );
    if (this._isDisposed) {
      return;
    }
    const next = new Map<string, OverlaysAPI.IOverlayStatus>();
    answers.forEach((status, index) => {
      if (status) {
        next.set(names[index], status);
      }
    });
    if (JSON.stringify([...next]) !== JSON.stringify([...this._statuses])) {
      this._statuses = next;
      this._changed.emit();
    }
  }

  /**
   * Queue a lock or build job of an overlay and poll fast until it ends.
   * Errors (bad name, no folder, no job service) are thrown.
   */
  async submit(
    overlay: string,
    kind: OverlaysAPI.JobKind
  ): Promise<OverlaysAPI.IJob> {
    const job = await this._client.submitJob(
      overlay,
      kind,
      kind === 'build' ? this._registration() : undefined
    );
    this._put(job);
    return job;
  }

  /**
   * Make the image of a build that succeeded (an earlier one: a way back)
   * its overlay's Elyra runtime image. Errors are thrown.
   */
  async registerBuild(id: string): Promise<OverlaysAPI.IRegistration> {
    const registration = await this._client.registerJob(
      id,
      this._registration()
    );
    this._runtimeImages = {
      ...this._runtimeImages,
      [registration.overlay]: registration
    };
    this._changed.emit();
    this._registered.emit(registration);
    return registration;
  }

  /**
   * Tell the server an overlay was renamed (`newName`) or deleted (null), so
   * its runtime image and, on a rename, its job history follow. Errors are
   * thrown.
   */
  async overlayRenamed(overlay: string, newName: string | null): Promise<void> {
    const answer = await this._client.overlayRenamed(
      overlay,
      newName,
      this._registration()
    );
    const next = { ...this._runtimeImages };
    delete next[overlay];
    for (const registration of answer.runtime_images) {
      if (registration.overlay !== overlay) {
        next[registration.overlay] = registration;
      }
    }
    this._runtimeImages = next;
    this._changed.emit();
    for (const registration of answer.runtime_images) {
      // A rename says it once (its own notification); only a failure adds one.
      if (newName === null || registration.outcome === 'failed') {
        this._registered.emit(registration);
      }
    }
    if (newName !== null && (answer.jobs_moved ?? 0) > 0) {
      // Its builds and locks are now the new name's: show them there.
      await this.refresh().catch(() => undefined);
    }
  }

  /**
   * Cancel a queued or running job. Errors (e.g. it has ended) are thrown.
   */
  async cancel(id: string): Promise<OverlaysAPI.IJob> {
    // The server answers once the job has ended (its processes stopped, its
    // containers removed): seconds in which the job shows as cancelling.
    this._cancelling = new Set([...this._cancelling, id]);
    this._changed.emit();
    try {
      const job = await this._client.cancelJob(id);
      this._put(job);
      return job;
    } finally {
      const next = new Set(this._cancelling);
      next.delete(id);
      this._cancelling = next;
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._events?.stream.disconnect(this._onEvent, this);
    this._poll.dispose();
    Signal.clearData(this);
  }

  /**
   * A job changed on the server: read the current jobs now.
   */
  private _onEvent(_: unknown, event: Event.Emission): void {
    if (event.schema_id === JOB_EVENT && !this._isDisposed) {
      void this._poll.refresh();
    }
  }

  /**
   * Take a job the server just answered with, then refresh at once (which
   * also moves the poll to the rate that fits).
   */
  private _put(job: OverlaysAPI.IJob): void {
    const index = this._jobs.findIndex(item => item.id === job.id);
    this._jobs =
      index < 0
        ? [job, ...this._jobs]
        : this._jobs.map(item => (item.id === job.id ? job : item));
    this._changed.emit();
    if (!this._isDisposed) {
      void this._poll.refresh();
    }
  }

  /**
   * The jobs active at the last refresh that `list` does not hold, as the
   * server has them now (`GET jobs/<id>`); null for one it no longer has.
   * Other failures reject, and the refresh with them (nothing is lost: the
   * next refresh asks again).
   */
  private async _dropped(
    list: readonly OverlaysAPI.IJob[]
  ): Promise<Map<string, OverlaysAPI.IJob | null>> {
    const answered = new Set(list.map(job => job.id));
    const missing = this._jobs.filter(
      job => isActive(job) && !answered.has(job.id)
    );
    const found = await Promise.all(
      missing.map(job =>
        this._client.job(job.id).catch(error => {
          if (isNotFound(error)) {
            return null;
          }
          throw error;
        })
      )
    );
    return new Map(missing.map((job, index) => [job.id, found[index]]));
  }

  private _frequency() {
    const interval = this.activeCount > 0 ? this._fast : this._slow;
    return { interval, backoff: true, max: Math.max(interval, this._slow) * 6 };
  }

  private _updateFrequency(): void {
    const frequency = this._frequency();
    if (frequency.interval !== this._poll.frequency.interval) {
      this._poll.frequency = frequency;
    }
  }

  private _client: JobsModel.IClient;
  private _overlays: () => readonly string[];
  private _clock: () => number;
  private _fast: number;
  private _slow: number;
  private _now: number;
  private _poll: Poll;
  private _registration: () => OverlaysAPI.IRegistrationSettings | undefined;
  private _events: Event.IManager | null;
  private _jobs: readonly OverlaysAPI.IJob[] = [];
  private _runtimeImages: Record<string, OverlaysAPI.IRegistration> = {};
  private _cancelling: ReadonlySet<string> = new Set();
  private _statuses = new Map<string, OverlaysAPI.IOverlayStatus>();
  private _error: string | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _jobEnded = new Signal<this, OverlaysAPI.IJob>(this);
  private _registered = new Signal<this, OverlaysAPI.IRegistration>(this);
}

/**
 * A namespace for JobsModel statics.
 */
export namespace JobsModel {
  /**
   * The part of the REST client the model uses.
   */
  export type IClient = Pick<
    OverlaysClient,
    | 'jobs'
    | 'job'
    | 'submitJob'
    | 'cancelJob'
    | 'overlayStatus'
    | 'overlayRenamed'
    | 'registerJob'
  >;

  /**
   * The options used to create a jobs model.
   */
  export interface IOptions {
    client: IClient;
    /** The names of the overlays whose status to ask for. */
    overlays: () => readonly string[];
    /**
     * The server's event stream: a job change refreshes at once, and polling
     * is only a fallback.
     */
    events?: Event.IManager;
    /**
     * Milliseconds between refreshes while a job is active; default 1000, or
     * 5000 with events.
     */
    fastInterval?: number;
    /** Milliseconds between refreshes otherwise; default 10000, or 30000 with events. */
    slowInterval?: number;
    /** Start polling at once; default true (tests call `refresh`). */
    autoStart?: boolean;
    /** The clock, for tests; default Date.now. */
    clock?: () => number;
    /**
     * Whether and how the server registers a build as an Elyra runtime image
     * (the user's settings); undefined: the server's defaults.
     */
    registration?: () => OverlaysAPI.IRegistrationSettings | undefined;
  }

  /**
   * The jobs of one overlay, as the sidebar shows them.
   */
  export interface IOverlayJobs {
    /** The newest build job. */
    build: OverlaysAPI.IJob | null;
    /** The newest lock job. */
    lock: OverlaysAPI.IJob | null;
    /** The newest successful build. */
    lastBuilt: OverlaysAPI.IJob | null;
    /** Its current source hash and lock state. */
    status: OverlaysAPI.IOverlayStatus | null;
    /** The time of the last refresh (ms), to measure running times. */
    now: number;
    /** Its Elyra runtime image, as the server last registered it. */
    runtimeImage?: OverlaysAPI.IRegistration | null;
    /** Whether that image is still there and its size (undefined: not known yet). */
    runtimeImageInfo?: ImageInfo | null;
    /** The jobs being cancelled (of every overlay). */
    cancelling?: ReadonlySet<string>;
  }
}

namespace Private {
  /**
   * Jobs newest first by creation time; the order given among equal times.
   */
  export function newestFirst(
    jobs: readonly OverlaysAPI.IJob[]
  ): OverlaysAPI.IJob[] {
    return [...jobs].sort((a, b) =>
      a.created < b.created ? 1 : a.created > b.created ? -1 : 0
    );
  }
}
