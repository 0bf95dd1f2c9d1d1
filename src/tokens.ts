/**
 * Public names of the extension: the `IOverlays` token, plugin and command
 * ids, REST payload types.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';

import type { OverlaysClient } from './api';
import type { JobsModel } from './jobs/model';
import type { IOverlaysSettings } from './settings';
import type { BuildHistory } from './jobs/history';
import type { RuntimeImageInfo } from './jobs/images';
import type { IndexChecks } from './workspace/indexChecks';
import type { OverlaysWorkspace } from './workspace/model';

/**
 * The id of the core plugin, which provides `IOverlays`; the extension's
 * settings live in its schema, `schema/plugin.json`.
 */
export const PLUGIN_ID = 'jupyterlab-overlays:plugin';

/**
 * The overlays of the workspace: what the extension's plugins share, and
 * what other extensions can require.
 */
export interface IOverlays {
  /** The typed client of the server extension's REST API. */
  readonly client: OverlaysClient;
  /** The user's settings, as last read. */
  readonly settings: IOverlaysSettings;
  /** The server extension's version and build tools, as last asked. */
  readonly server: IOverlays.IServerStatus;
  /** The overlays of the workspace, their notebooks and packages. */
  readonly workspace: OverlaysWorkspace;
  /** Their lock and build jobs and runtime images, polled from the server. */
  readonly jobs: JobsModel;
  /** What the package index says of the overlays' packages (asked later). */
  readonly indexChecks: IndexChecks;
  /** The overlays' build histories, read when the user opens them. */
  readonly history: BuildHistory;
  /** Whether each runtime image is still there, and its size. */
  readonly images: RuntimeImageInfo;
  /** The overlays the sidebar shows expanded. */
  readonly expanded: ReadonlySet<string>;
  /** The frontend's version, compared with the server's. */
  readonly frontendVersion: string;
  /** Emitted whenever any of the above changes. */
  readonly changed: ISignal<IOverlays, void>;
  /** Show an overlay expanded. */
  expand(name: string): void;
  /** Expand a collapsed overlay, collapse an expanded one. */
  toggle(name: string): void;
  /** Ask the server again for its version and build tools. */
  refreshServer(): Promise<void>;
}

/**
 * The token of the workspace's overlays.
 */
export const IOverlays = new Token<IOverlays>(
  'jupyterlab-overlays:IOverlays',
  "The workspace's overlays: settings, server state, overlays, their jobs and runtime images."
);

export namespace IOverlays {
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

/**
 * The jupyter_server event a job change emits (jupyterlab_overlays/events/job.yaml).
 */
export const JOB_EVENT =
  'https://events.jupyter.org/jupyterlab_overlays/job/v1';

/**
 * The id of the Overlays panel in the left sidebar.
 */
export const PANEL_ID = 'jp-overlays-panel';

/**
 * Run a command with arguments (the only way the sidebar and the log
 * viewer act).
 */
export type RunCommand = (command: string, args: Record<string, any>) => void;

/**
 * Command ids, `jupyterlab-overlays:verb-noun`.
 */
export namespace CommandIDs {
  export const openPanel = 'jupyterlab-overlays:open-panel';
  export const refreshInfo = 'jupyterlab-overlays:refresh-info';
  export const refresh = 'jupyterlab-overlays:refresh-overlays';
  export const create = 'jupyterlab-overlays:create-overlay';
  export const addTo = 'jupyterlab-overlays:add-to-overlay';
  export const removeFrom = 'jupyterlab-overlays:remove-from-overlay';
  export const reextract = 'jupyterlab-overlays:reextract-overlay';
  export const writePipfile = 'jupyterlab-overlays:write-pipfile';
  export const rename = 'jupyterlab-overlays:rename-overlay';
  export const remove = 'jupyterlab-overlays:delete-overlay';
  export const openPipfile = 'jupyterlab-overlays:open-pipfile';
  export const editPackage = 'jupyterlab-overlays:edit-package';
  export const addPackage = 'jupyterlab-overlays:add-package';
  export const removePackage = 'jupyterlab-overlays:remove-package';
  export const replacePackage = 'jupyterlab-overlays:replace-package';
  export const holdBackPackages = 'jupyterlab-overlays:hold-back-packages';
  export const useProviders = 'jupyterlab-overlays:use-providers';
  export const pickDistribution = 'jupyterlab-overlays:pick-distribution';
  export const build = 'jupyterlab-overlays:build-overlay';
  export const lock = 'jupyterlab-overlays:lock-overlay';
  export const cancelJob = 'jupyterlab-overlays:cancel-job';
  export const openJobLog = 'jupyterlab-overlays:open-job-log';
  export const copyImage = 'jupyterlab-overlays:copy-image-name';
  export const toggleHistory = 'jupyterlab-overlays:toggle-build-history';
  export const openRuntimeImage = 'jupyterlab-overlays:open-runtime-image';
  export const useBuild = 'jupyterlab-overlays:use-build-image';
  export const applyImages = 'jupyterlab-overlays:apply-overlay-images';
  export const createPipeline = 'jupyterlab-overlays:create-pipeline';
  export const openConfigFile = 'jupyterlab-overlays:open-config-file';
  export const saveConfigFile = 'jupyterlab-overlays:save-config-file';
}

/**
 * Payloads of the server's REST API under `<base_url>/overlays/`.
 */
export namespace OverlaysAPI {
  /**
   * One local container build tool as the server found it.
   */
  export interface IBuildTool {
    /** `buildah`, `podman` or `docker`. */
    name: string;
    /** Whether the executable is on the server's PATH. */
    found: boolean;
    path: string | null;
    version: string | null;
    /** Whether the tool can build images here. */
    usable: boolean;
    /** Why the tool cannot be used, when it cannot. */
    problem: string | null;
    /** What to install to get the tool. */
    install_hint: string;
    /**
     * How its builds isolate their steps (buildah, podman): `oci`, or the
     * weaker `chroot` when OCI isolation does not work here.
     */
    isolation?: 'oci' | 'chroot' | 'daemon' | null;
    /** Why OCI isolation is not used, when it is not. */
    isolation_problem?: string | null;
  }

  /**
   * The cluster that builds run on, as the server sees it.
   */
  export interface ICluster {
    /** The API server's URL (absent when it cannot be reached). */
    server?: string;
    namespace: string | null;
    /** `service account`, or the kubeconfig file the credentials come from. */
    credentials?: string;
    openshift?: boolean;
    /** Where images are pushed: registry and path. */
    registry?: string;
    builder_image: string;
    base_image: string;
    /** Why the cluster cannot be used, when it cannot. */
    error: string | null;
  }

  /**
   * `GET overlays/info`.
   */
  export interface IInfo {
    version: string;
    /** Where images are built: on this machine, or as Kubernetes Jobs. */
    build_backend?: 'local' | 'kubernetes';
    /** Where cluster builds go (`build_backend` `kubernetes`), else null. */
    cluster?: ICluster | null;
    build_tools: IBuildTool[];
    preferred_build_tool: string | null;
    /**
     * Defaults derived from the server: the project name of images, the
     * overlays folder builds come from.
     */
    defaults?: {
      project?: string;
      overlays_dir?: string;
      /** What generated Containerfiles start from. */
      base_image?: string;
      /** The Debian suite of a base image made on this server; else null. */
      base_image_debian_suite?: string | null;
    };
  }

  /**
   * What the package index says of one package name.
   */
  export interface IIndexVerdict {
    name: string;
    status:
      | 'ok'
      | 'missing'
      | 'no-wheel'
      | 'yanked'
      | 'renamed'
      | 'dependency'
      | 'dependency-no-wheel'
      | 'held-back'
      | 'pinned'
      | 'provided'
      | 'needs'
      | 'gone'
      | 'network'
      | 'unknown';
    /**
     * For `renamed`: the package to use instead; for `pinned`: the version
     * specifier to use instead (`*`); for `provided`: the packages to use;
     * for `needs`: the packages it needs that nothing installs.
     */
    use: string | null;
    detail: string | null;
    /**
     * For `held-back`: the caps to add, by package (`{ matplotlib: '<3.11' }`);
     * for `needs` (the sidebar's, from `uses`): the packages to add, not in
     * the overlay yet (`{ six: '*' }`), and caps to add (`{ setuptools:
     * '<82.0.0' }`); for `gone`: the cap that brings the module back.
     */
    pins?: Record<string, string> | null;
    /**
     * For `provided` (the sidebar's, from `imports`): the package each import
     * path is in (`{ 'zc.lockfile': 'zc-lockfile' }`).
     */
    providers?: Record<string, string> | null;
  }

  /**
   * Which project on the index provides a dotted import path (null: none of
   * the candidates does, or the index could not be asked: `unknown`).
   */
  export interface IImportProvider {
    module: string;
    provider: string | null;
    detail: string | null;
    unknown: boolean;
  }

  /**
   * What importing a package's module needs beyond what the package brings
   * (`undeclared`: `colorcet.plotting` imports matplotlib, which colorcet
   * does not require), that the release has no such module (`gone`), or
   * that importing it fetches a URL (`network`: `cenpy` asks
   * api.census.gov).
   */
  export interface IModuleUse {
    package: string;
    module: string;
    status: 'ok' | 'gone' | 'undeclared' | 'network' | 'unknown';
    /** The top-level import names nothing installs (`['six']`). */
    needs: string[];
    /** The project whose modules import them, when not `package` (`empyrical`). */
    by: string | null;
    detail: string | null;
    /**
     * Caps that bring back what a project's newest release removed: for
     * `gone`, the package's own (`{ 'scikit-learn': '<0.24' }`); for
     * `undeclared`, a needed name's project (`{ setuptools: '<82.0.0' }`).
     */
    caps?: Record<string, string>;
  }

  /**
   * `GET overlays/index-check`.
   */
  export interface IIndexCheck {
    index: string;
    results: IIndexVerdict[];
    imports?: IImportProvider[];
    uses?: IModuleUse[];
  }

  /**
   * `GET overlays/images?image=…`: whether each built image is still where
   * builds put it, and its size as the build tool prints it; null when the
   * backend cannot tell (images pushed by cluster builds).
   */
  export interface IImages {
    images: Record<string, { exists: boolean; size: string | null } | null>;
  }

  /**
   * `GET overlays/providers?module=…`: the distribution that declares each
   * module the server's table knows, and the release it was read from.
   */
  export interface IProviders {
    source: string;
    providers: Record<string, { distribution: string; version: string }>;
  }

  /**
   * `GET/PUT overlays/config-files/<name>`.
   */
  export interface IConfigFile {
    name: string;
    exists: boolean;
    content: string | null;
    last_modified: string | null;
  }

  /**
   * `GET overlays/environment?kernel=…`.
   */
  export interface IEnvironment {
    kernel: string;
    cached: boolean;
    python_version: string;
    executable: string;
    stdlib: string[] | null;
    packages: Record<
      string,
      { distribution: string; version: string | null }[]
    >;
    warnings: string[];
  }

  /**
   * What a job does: build the overlay's image, or lock its Pipfile.
   */
  export type JobKind = 'build' | 'lock';

  export type JobState =
    'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

  /**
   * A lock or build job (`GET overlays/jobs/<id>`).
   */
  export interface IJob {
    id: string;
    overlay: string;
    kind: JobKind;
    /** The backend that runs it, e.g. `buildah`, `pipenv`. */
    backend: string;
    state: JobState;
    /** ISO 8601 UTC times. */
    created: string;
    started: string | null;
    finished: string | null;
    /** `name:tag` of the built image. */
    image: string | null;
    digest: string | null;
    /** Hash of the overlay's Pipfile, Pipfile.lock and Containerfile. */
    source_hash: string | null;
    /** Why it failed or was cancelled. */
    error: string | null;
    log_size: number;
    /**
     * Build progress, e.g. `{step: 3, steps: 7}`; empty when unknown. Cluster
     * builds add their pod, and why it waits while it is pending.
     */
    progress: { step?: number; steps?: number; pod?: string; waiting?: string };
  }

  /**
   * `GET overlays/jobs`: newest first.
   */
  export interface IJobList {
    jobs: IJob[];
    /**
     * The id to pass as `before` for the next page; null on the last page,
     * without `limit`, and for `view: 'current'`.
     */
    next: string | null;
    /**
     * With `view: 'current'`: what happened to each overlay's Elyra runtime
     * image, by overlay.
     */
    runtime_images?: Record<string, IRegistration>;
  }

  /**
   * The pull policy of a runtime image, as Elyra names it.
   */
  export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

  /**
   * Whether and how the server registers a successful build as an Elyra
   * runtime image (sent with a build and with a rename).
   */
  export interface IRegistrationSettings {
    register: boolean;
    pull_policy: PullPolicy;
  }

  /**
   * What happened to an overlay's Elyra runtime image `overlay-<name>`,
   * which the server registers when a build succeeds.
   */
  export interface IRegistration {
    overlay: string;
    /** `overlay-<name>`. */
    name: string;
    /** The image it names; null once removed. */
    image: string | null;
    outcome: 'created' | 'updated' | 'unchanged' | 'removed' | 'failed';
    /** Elyra's API or a runtime-image file (Elyra not installed). */
    store: 'elyra' | 'file' | null;
    /** The build it names. */
    job_id: string | null;
    /** Why it failed. */
    error: string | null;
    /** The source hash of the build it names (older servers: absent). */
    source_hash?: string | null;
  }

  /**
   * `POST overlays/overlay-renamed`: the runtime images that followed, and
   * how many ended jobs now carry the new name.
   */
  export interface IRenamed {
    runtime_images: IRegistration[];
    jobs_moved?: number;
  }

  /**
   * The query of `GET overlays/jobs`: every job (`view: 'all'`, the default),
   * optionally in pages; or only the current ones (`view: 'current'`).
   */
  export type JobsQuery = IJobsPageQuery | IJobsCurrentQuery;

  /**
   * Jobs newest first, in pages when `limit` is given.
   */
  export interface IJobsPageQuery {
    view?: 'all';
    /** Only this overlay's jobs. */
    overlay?: string;
    /** At most this many jobs, 1 to 500; default: all of them. */
    limit?: number;
    /** Only jobs created before this job (the `next` of the previous page). */
    before?: string;
  }

  /**
   * What the sidebar shows: every queued or running job and, per overlay, its
   * newest job of each kind and its newest succeeded build; newest first,
   * each once. Bounded by the overlays, not by the history.
   */
  export interface IJobsCurrentQuery {
    view: 'current';
    /** Only this overlay's jobs. */
    overlay?: string;
    limit?: never;
    before?: never;
  }

  /**
   * `GET overlays/jobs/<id>/log?offset=N`.
   */
  export interface IJobLog {
    /** The log from the byte offset asked for. */
    text: string;
    /** The byte offset to ask for next. */
    offset: number;
    /** Whether the job has ended and the whole log was read. */
    ended: boolean;
  }

  /**
   * `GET overlays/overlay-status?overlay=<name>`.
   */
  export interface IOverlayStatus {
    overlay: string;
    /** The source hash a build of the overlay would record now. */
    source_hash: string;
    lock: 'missing' | 'stale' | 'current';
    /** What its image starts from: its own Containerfile's, else the server's. */
    base_image?: { image: string; from: 'server' | 'containerfile' };
  }
}

/**
 * Whether a job is still queued or running.
 */
export function isActive(job: OverlaysAPI.IJob | null | undefined): boolean {
  return job?.state === 'queued' || job?.state === 'running';
}
