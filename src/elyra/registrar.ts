/**
 * Keeps the Elyra runtime images of overlays in step with their builds:
 * registers an overlay's image when a build succeeds (and, at start, any
 * newest successful build not registered yet), renames and removes the
 * runtime image with its overlay. State and signals only; no React.
 */
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type { JobsModel } from '../jobs/model';
import { runtimeImageName } from '../overlay/names';
import type { OverlaysAPI } from '../tokens';
import {
  IRuntimeImage,
  IRuntimeImageStore,
  isOverlayImage,
  NotOurImageError,
  ownerOf,
  PullPolicy,
  runtimeImageFor,
  sameRuntimeImage
} from './runtimeImages';

/**
 * What happened to one overlay's runtime image.
 */
export interface IRegistration {
  overlay: string;
  /** The runtime image name, `overlay-<name>`. */
  name: string;
  /** The image it names; null once removed. */
  image: string | null;
  outcome: 'created' | 'updated' | 'unchanged' | 'removed' | 'failed';
  /** Where: Elyra's REST API or the runtime-image files. */
  store: 'elyra' | 'file' | null;
  /** Why it failed. */
  error?: string;
}

/**
 * What the sidebar shows of a registration: null once the runtime image is
 * gone (or was never there).
 */
export function sidebarState(
  registration: IRegistration
): JobsModel.IRuntimeImageState | null {
  if (registration.outcome === 'failed') {
    return {
      name: registration.name,
      image: registration.image,
      store: registration.store,
      error: registration.error ?? ''
    };
  }
  if (registration.image === null) {
    return null;
  }
  return {
    name: registration.name,
    image: registration.image,
    store: registration.store
  };
}

export class RuntimeImageRegistrar implements IDisposable {
  constructor(options: RuntimeImageRegistrar.IOptions) {
    this._findStore = options.findStore;
    this._settings = options.settings;
    this._folder = options.folder;
    this._current = options.current;
    this._trans = options.trans ?? nullTranslator.load('jupyterlab_overlays');
  }

  /**
   * Emitted for each registration, removal or failure.
   */
  get registered(): ISignal<this, IRegistration> {
    return this._registered;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The last registration of each overlay, by overlay name.
   */
  get registrations(): ReadonlyMap<string, IRegistration> {
    return this._registrations;
  }

  /**
   * Where runtime images go: found once, found again after a failure.
   */
  store(): Promise<IRuntimeImageStore> {
    if (!this._store) {
      this._store = this._findStore();
      this._store.catch(() => (this._store = null));
    }
    return this._store;
  }

  /**
   * Register the image of a successful build; nothing when turned off, for
   * a job that is not a successful build, or for one that is no longer its
   * overlay's newest successful build (an older build seen ending after a
   * newer one, or a build of an overlay renamed or deleted meanwhile).
   */
  register(job: OverlaysAPI.IJob): Promise<IRegistration | null> {
    if (
      !this._settings().enabled ||
      job.kind !== 'build' ||
      job.state !== 'succeeded' ||
      !job.image ||
      this._current(job.overlay)?.id !== job.id
    ) {
      return Promise.resolve(null);
    }
    return this._serial(() => this._save(job.overlay, job));
  }

  /**
   * Register each overlay's newest successful build when its runtime image is
   * missing or names another image (at start: builds that ended while no
   * JupyterLab was open). One listing of the store for all of them. Images
   * already right are announced as `unchanged` (not in the result).
   */
  reconcile(builds: OverlaysAPI.IJob[]): Promise<IRegistration[]> {
    if (!this._settings().enabled || !builds.length) {
      return Promise.resolve([]);
    }
    return this._serial(async () => {
      let store: IRuntimeImageStore;
      let existing: Map<string, IRuntimeImage>;
      try {
        store = await this.store();
        existing = new Map(
          (await store.list()).map(image => [image.name, image])
        );
      } catch (error) {
        // Not worth a notification per overlay at start; the next build says.
        console.warn('jupyterlab-overlays: cannot list runtime images', error);
        return [];
      }
      const results: IRegistration[] = [];
      for (const job of builds) {
        const wanted = this._wanted(job.overlay, job);
        const current = existing.get(wanted.name);
        if (current && sameRuntimeImage(current, wanted)) {
          // Nothing to write; still known, for the sidebar.
          this._emit({
            overlay: job.overlay,
            name: wanted.name,
            image: wanted.metadata.image_name,
            outcome: 'unchanged',
            store: store.kind
          });
          continue;
        }
        results.push(await this._save(job.overlay, job));
      }
      return results;
    });
  }

  /**
   * Follow an overlay renamed (`newName`) or deleted (`newName` null): the
   * old runtime image goes; a renamed overlay with a build gets one under its
   * new name, for the same image.
   */
  renamed(
    name: string,
    newName: string | null,
    build: OverlaysAPI.IJob | null
  ): Promise<IRegistration[]> {
    if (!this._settings().enabled) {
      return Promise.resolve([]);
    }
    return this._serial(async () => {
      const results: IRegistration[] = [];
      const oldImage = runtimeImageName(name);
      const keep = newName !== null && runtimeImageName(newName) === oldImage;
      if (keep) {
        this._registrations.delete(name);
      } else {
        results.push(await this._remove(name));
      }
      if (newName !== null && build?.image) {
        results.push(await this._save(newName, build, name));
      }
      return results;
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _wanted(overlay: string, job: OverlaysAPI.IJob): IRuntimeImage {
    return runtimeImageFor(
      {
        overlay,
        image: job.image!,
        sourceHash: job.source_hash,
        folder: this._folder(overlay)
      },
      this._settings().pullPolicy
    );
  }

  private async _save(
    overlay: string,
    job: OverlaysAPI.IJob,
    previousOwner: string = overlay
  ): Promise<IRegistration> {
    const wanted = this._wanted(overlay, job);
    let store: IRuntimeImageStore | null = null;
    try {
      store = await this.store();
      const current = (await store.list()).find(
        image => image.name === wanted.name
      );
      if (current && isOverlayImage(current)) {
        const owner = ownerOf(current);
        if (owner !== null && owner !== previousOwner && owner !== overlay) {
          throw new Error(
            this._trans.__(
              'The runtime image %1 belongs to the overlay %2; rename one of the two overlays.',
              wanted.name,
              owner
            )
          );
        }
        // What the user set in Elyra and this extension does not manage.
        if (current.metadata.pull_secret) {
          wanted.metadata.pull_secret = current.metadata.pull_secret;
        }
      }
      let outcome: IRegistration['outcome'] = current ? 'updated' : 'created';
      if (current && sameRuntimeImage(current, wanted)) {
        outcome = 'unchanged';
      } else {
        await store.save(wanted);
      }
      return this._emit({
        overlay,
        name: wanted.name,
        image: wanted.metadata.image_name,
        outcome,
        store: store.kind
      });
    } catch (error) {
      return this._emit({
        overlay,
        name: wanted.name,
        image: wanted.metadata.image_name,
        outcome: 'failed',
        store: store?.kind ?? null,
        error: this._message(error)
      });
    }
  }

  private async _remove(overlay: string): Promise<IRegistration> {
    const name = runtimeImageName(overlay);
    let store: IRuntimeImageStore | null = null;
    try {
      store = await this.store();
      const current = (await store.list()).find(image => image.name === name);
      const owner = current ? ownerOf(current) : null;
      // Nothing there, or another overlay's (same name once lower-cased).
      const removed =
        current !== undefined &&
        (owner === null || owner === overlay) &&
        (await store.remove(name));
      return this._emit({
        overlay,
        name,
        image: null,
        outcome: removed ? 'removed' : 'unchanged',
        store: store.kind
      });
    } catch (error) {
      return this._emit({
        overlay,
        name,
        image: null,
        outcome: 'failed',
        store: store?.kind ?? null,
        error: this._message(error)
      });
    }
  }

  private _emit(registration: IRegistration): IRegistration {
    if (registration.image === null && registration.outcome !== 'failed') {
      this._registrations.delete(registration.overlay);
    } else {
      this._registrations.set(registration.overlay, registration);
    }
    this._registered.emit(registration);
    return registration;
  }

  /** What the user reads about a failure. */
  private _message(error: unknown): string {
    if (error instanceof NotOurImageError) {
      return this._trans.__(
        'A runtime image named %1 already exists and was not made by jupyterlab-overlays; it was left alone.',
        error.imageName
      );
    }
    return error instanceof Error ? error.message : String(error);
  }

  /** One change to the store at a time, in the order asked. */
  private _serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this._queue.then(work, work);
    this._queue = next.catch(() => undefined);
    return next;
  }

  private _findStore: () => Promise<IRuntimeImageStore>;
  private _settings: () => RuntimeImageRegistrar.ISettings;
  private _folder: (overlay: string) => string;
  private _current: (overlay: string) => OverlaysAPI.IJob | null;
  private _trans: TranslationBundle;
  private _store: Promise<IRuntimeImageStore> | null = null;
  private _queue: Promise<unknown> = Promise.resolve();
  private _registrations = new Map<string, IRegistration>();
  private _registered = new Signal<this, IRegistration>(this);
  private _isDisposed = false;
}

export namespace RuntimeImageRegistrar {
  export interface ISettings {
    /** Register runtime images at all. */
    enabled: boolean;
    pullPolicy: PullPolicy;
  }

  export interface IOptions {
    findStore: () => Promise<IRuntimeImageStore>;
    settings: () => ISettings;
    /** The overlay's folder, for the description. */
    folder: (overlay: string) => string;
    /**
     * The build whose image an overlay's runtime image should name: its
     * newest successful build; null for an overlay that does not exist.
     */
    current: (overlay: string) => OverlaysAPI.IJob | null;
    /** Messages of failures the user reads. */
    trans?: TranslationBundle;
  }
}
