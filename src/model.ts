import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { isNotFound, OverlaysClient } from './api';
import { JobsModel } from './jobs/model';
import { DEFAULT_SETTINGS, IOverlaysSettings } from './settings';
import { OverlaysAPI } from './tokens';
import { VERSION } from './version';
import { OverlaysWorkspace } from './workspace/model';

/**
 * The workspace model behind the Overlays panel: the user's settings and
 * what the server extension reports. State and signals only; no React.
 */
export class OverlaysModel implements IDisposable {
  constructor(options: OverlaysModel.IOptions) {
    this._client = options.client;
    this._frontendVersion = options.frontendVersion ?? VERSION;
    this.workspace = options.workspace ?? null;
    this.workspace?.changed.connect(this._forward, this);
    this.jobs = options.jobs ?? null;
    this.jobs?.changed.connect(this._forward, this);
  }

  /**
   * The lock and build jobs; null without a job service (unit tests).
   */
  readonly jobs: JobsModel | null;

  /**
   * The overlays of the workspace; null without file access (unit tests).
   */
  readonly workspace: OverlaysWorkspace | null;

  /**
   * Emitted whenever anything the panel shows changes.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get settings(): IOverlaysSettings {
    return this._settings;
  }
  set settings(value: IOverlaysSettings) {
    if (JSON.stringify(value) === JSON.stringify(this._settings)) {
      return;
    }
    this._settings = value;
    this._changed.emit();
  }

  /**
   * The state of the server extension as last seen.
   */
  get server(): OverlaysModel.IServerStatus {
    return this._server;
  }

  /**
   * The overlays shown expanded in the sidebar.
   */
  get expanded(): ReadonlySet<string> {
    return this._expanded;
  }

  /**
   * Show an overlay expanded.
   */
  expand(name: string): void {
    if (!this._expanded.has(name)) {
      this._expanded = new Set([...this._expanded, name]);
      this._changed.emit();
    }
  }

  /**
   * An overlay's Elyra runtime image, as last registered; null when none.
   */
  runtimeImage(name: string): JobsModel.IRuntimeImageState | null {
    return this._runtimeImages.get(name) ?? null;
  }

  /**
   * Record what happened to an overlay's runtime image (null: removed).
   */
  setRuntimeImage(
    overlay: string,
    state: JobsModel.IRuntimeImageState | null
  ): void {
    const next = new Map(this._runtimeImages);
    if (state) {
      next.set(overlay, state);
    } else {
      next.delete(overlay);
    }
    this._runtimeImages = next;
    this._changed.emit();
  }

  /**
   * Expand a collapsed overlay, collapse an expanded one.
   */
  toggle(name: string): void {
    const next = new Set(this._expanded);
    if (!next.delete(name)) {
      next.add(name);
    }
    this._expanded = next;
    this._changed.emit();
  }

  /**
   * The version of this frontend, compared with the server's.
   */
  get frontendVersion(): string {
    return this._frontendVersion;
  }

  /**
   * Ask the server for its version and build tools. Concurrent calls share one
   * request; errors end up in `server.state`, never thrown.
   */
  refreshServer(): Promise<void> {
    if (!this._pending) {
      this._pending = this._fetchServer().finally(() => {
        this._pending = null;
      });
    }
    return this._pending;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.workspace?.changed.disconnect(this._forward, this);
    this.jobs?.changed.disconnect(this._forward, this);
    Signal.clearData(this);
  }

  private async _fetchServer(): Promise<void> {
    this._setServer({ ...this._server, state: 'loading' });
    let next: OverlaysModel.IServerStatus;
    try {
      const info = await this._client.info();
      next = {
        state: info.version === this._frontendVersion ? 'ready' : 'mismatch',
        info,
        error: null
      };
    } catch (error) {
      next = {
        state: isNotFound(error) ? 'missing' : 'error',
        info: null,
        error: error instanceof Error ? error.message : String(error)
      };
    }
    if (!this._isDisposed) {
      this._setServer(next);
    }
  }

  private _forward(): void {
    this._changed.emit();
  }

  private _setServer(status: OverlaysModel.IServerStatus): void {
    this._server = status;
    this._changed.emit();
  }

  private _client: Pick<OverlaysClient, 'info'>;
  private _frontendVersion: string;
  private _settings: IOverlaysSettings = DEFAULT_SETTINGS;
  private _server: OverlaysModel.IServerStatus = {
    state: 'loading',
    info: null,
    error: null
  };
  private _pending: Promise<void> | null = null;
  private _expanded: ReadonlySet<string> = new Set();
  private _runtimeImages = new Map<string, JobsModel.IRuntimeImageState>();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

/**
 * A namespace for OverlaysModel statics.
 */
export namespace OverlaysModel {
  /**
   * The options used to create a model.
   */
  export interface IOptions {
    /**
     * The REST client (anything with `info()`).
     */
    client: Pick<OverlaysClient, 'info'>;

    /**
     * The frontend version to compare with the server's; defaults to VERSION.
     */
    frontendVersion?: string;

    /**
     * The workspace's overlays.
     */
    workspace?: OverlaysWorkspace;

    /**
     * The lock and build jobs of the overlays.
     */
    jobs?: JobsModel;
  }

  /**
   * - `loading`: a request is under way;
   * - `ready`: the server extension answered with this frontend's version;
   * - `mismatch`: it answered with another version;
   * - `missing`: the server has no such endpoint (extension not loaded);
   * - `error`: any other failure (network, 5xx, 403…).
   */
  export type ServerState =
    'loading' | 'ready' | 'mismatch' | 'missing' | 'error';

  export interface IServerStatus {
    state: ServerState;
    /** The last answer of `overlays/info`, when there is one. */
    info: OverlaysAPI.IInfo | null;
    /** The error message, for `missing` and `error`. */
    error: string | null;
  }
}
