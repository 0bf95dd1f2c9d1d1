import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { isNotFound, OverlaysClient } from './api';
import { BuildHistory } from './jobs/history';
import { RuntimeImageInfo } from './jobs/images';
import { JobsModel } from './jobs/model';
import { DEFAULT_SETTINGS, IOverlaysSettings } from './settings';
import { IOverlays } from './tokens';
import { VERSION } from './version';
import { IndexChecks } from './workspace/indexChecks';
import { OverlaysWorkspace } from './workspace/model';

/**
 * The overlays of the workspace, what the `IOverlays` token provides: the
 * REST client, the user's settings, what the server extension reports, the
 * workspace's overlays and their jobs, and which overlays the sidebar shows
 * expanded. State and signals only; no React.
 */
export class OverlaysModel implements IOverlays, IDisposable {
  constructor(options: OverlaysModel.IOptions) {
    this.client = options.client;
    this._frontendVersion = options.frontendVersion ?? VERSION;
    this.workspace = options.workspace;
    this.workspace.changed.connect(this._forward, this);
    this.jobs = options.jobs;
    this.jobs.changed.connect(this._forward, this);
    this.indexChecks = new IndexChecks({ client: this.client });
    this.indexChecks.changed.connect(this._forward, this);
    this.history = new BuildHistory({ client: this.client, jobs: this.jobs });
    this.history.changed.connect(this._forward, this);
    this.images = new RuntimeImageInfo({
      client: this.client,
      jobs: this.jobs
    });
    this.images.changed.connect(this._forward, this);
    // After the workspace is read and drawn: the index is asked in the background.
    this.workspace.changed.connect(
      () => this.indexChecks.request(this.workspace.overlays),
      this
    );
  }

  /**
   * What the package index says of the overlays' packages.
   */
  readonly indexChecks: IndexChecks;

  /**
   * The overlays' build histories, read when the user opens them.
   */
  readonly history: BuildHistory;

  /**
   * Whether each runtime image is still there, and its size.
   */
  readonly images: RuntimeImageInfo;

  /**
   * The REST client of the server extension.
   */
  readonly client: OverlaysClient;

  /**
   * The lock and build jobs.
   */
  readonly jobs: JobsModel;

  /**
   * The overlays of the workspace.
   */
  readonly workspace: OverlaysWorkspace;

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
    this.workspace.changed.disconnect(this._forward, this);
    this.jobs.changed.disconnect(this._forward, this);
    this.indexChecks.dispose();
    this.history.dispose();
    this.images.dispose();
    Signal.clearData(this);
  }

  private async _fetchServer(): Promise<void> {
    this._setServer({ ...this._server, state: 'loading' });
    let next: OverlaysModel.IServerStatus;
    try {
      const info = await this.client.info();
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

  private _frontendVersion: string;
  private _settings: IOverlaysSettings = DEFAULT_SETTINGS;
  private _server: OverlaysModel.IServerStatus = {
    state: 'loading',
    info: null,
    error: null
  };
  private _pending: Promise<void> | null = null;
  private _expanded: ReadonlySet<string> = new Set();
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
     * The REST client.
     */
    client: OverlaysClient;

    /**
     * The frontend version to compare with the server's; defaults to VERSION.
     */
    frontendVersion?: string;

    /**
     * The workspace's overlays.
     */
    workspace: OverlaysWorkspace;

    /**
     * The lock and build jobs of the overlays.
     */
    jobs: JobsModel;
  }

  export type ServerState = IOverlays.ServerState;
  export type IServerStatus = IOverlays.IServerStatus;
}
