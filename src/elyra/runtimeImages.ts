/**
 * Elyra runtime images of overlays: what to register for a built image, and
 * two stores to register it in — Elyra's REST API when Elyra is installed in
 * the server, else the runtime-image JSON files (through this extension's
 * server), which Elyra finds whenever it is installed.
 *
 * Only images tagged `overlay` are replaced or removed: a runtime image the
 * user made under the same name is left alone and reported.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { runtimeImageName } from '../overlay/names';

/** The tag every runtime image of an overlay carries. */
export const OVERLAY_TAG = 'overlay';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export const PULL_POLICIES: readonly PullPolicy[] = [
  'Always',
  'IfNotPresent',
  'Never'
];

/**
 * A runtime image instance as Elyra stores and serves it.
 */
export interface IRuntimeImage {
  /** The instance name (the file name without `.json`). */
  name: string;
  schema_name: 'runtime-image';
  display_name: string;
  metadata: {
    image_name: string;
    description?: string;
    pull_policy?: PullPolicy;
    pull_secret?: string;
    tags?: string[];
  };
}

/**
 * Whether a runtime image was made for overlays (tagged `overlay`).
 */
export function isOverlayImage(
  image: Pick<IRuntimeImage, 'metadata'>
): boolean {
  return (image.metadata?.tags ?? []).includes(OVERLAY_TAG);
}

/**
 * The overlay a runtime image of this extension names in its tags (the tag
 * other than `overlay`; `overlay` itself for an overlay of that name); null
 * when it cannot tell.
 */
export function ownerOf(image: Pick<IRuntimeImage, 'metadata'>): string | null {
  const tags = image.metadata?.tags ?? [];
  if (!tags.includes(OVERLAY_TAG)) {
    return null;
  }
  const others = tags.filter(tag => tag !== OVERLAY_TAG);
  return others.length === 1 ? others[0] : others.length ? null : OVERLAY_TAG;
}

/**
 * What was built, as the runtime image describes it.
 */
export interface IBuiltImage {
  /** Overlay name. */
  overlay: string;
  /** `name:tag` of the image. */
  image: string;
  /** The source hash the build recorded. */
  sourceHash: string | null;
  /** The overlay's folder, e.g. `overlays/train`. */
  folder: string;
}

/**
 * The runtime image to register for a built overlay image.
 */
export function runtimeImageFor(
  built: IBuiltImage,
  pullPolicy: PullPolicy
): IRuntimeImage {
  const source = built.sourceHash
    ? ` (source hash ${built.sourceHash.slice(0, 12)})`
    : '';
  return {
    name: runtimeImageName(built.overlay),
    schema_name: 'runtime-image',
    display_name: `Overlay ${built.overlay}`,
    metadata: {
      image_name: built.image,
      description: `Built by jupyterlab-overlays from ${built.folder}${source}`,
      pull_policy: pullPolicy,
      // Elyra wants unique tags: an overlay named "overlay" has one.
      tags: [...new Set([OVERLAY_TAG, built.overlay])]
    }
  };
}

/**
 * Whether two runtime images say the same (the name aside).
 */
export function sameRuntimeImage(a: IRuntimeImage, b: IRuntimeImage): boolean {
  const tags = (image: IRuntimeImage) =>
    [...(image.metadata.tags ?? [])].sort();
  return (
    a.display_name === b.display_name &&
    a.metadata.image_name === b.metadata.image_name &&
    (a.metadata.description ?? '') === (b.metadata.description ?? '') &&
    (a.metadata.pull_policy ?? 'IfNotPresent') ===
      (b.metadata.pull_policy ?? 'IfNotPresent') &&
    JSON.stringify(tags(a)) === JSON.stringify(tags(b))
  );
}

/**
 * A runtime image that exists and was not made by this extension.
 */
export class NotOurImageError extends Error {
  constructor(readonly imageName: string) {
    super(
      `A runtime image named ${imageName} already exists and was not made by jupyterlab-overlays; it was left alone.`
    );
    this.name = 'NotOurImageError';
  }
}

/**
 * Where runtime images are kept.
 */
export interface IRuntimeImageStore {
  /** `elyra`: Elyra's REST API; `file`: JSON files through this extension. */
  readonly kind: 'elyra' | 'file';
  /** Every runtime image. */
  list(): Promise<IRuntimeImage[]>;
  /** Create or replace an overlay image (never an image not ours). */
  save(image: IRuntimeImage): Promise<void>;
  /** Remove an overlay image; false when there was none. */
  remove(name: string): Promise<boolean>;
}

/**
 * A request relative to the server's base URL.
 */
export type Request = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * Requests through `ServerConnection` (token, XSRF) to a Jupyter server.
 */
export function serverRequest(settings: ServerConnection.ISettings): Request {
  return async (path, init = {}) => {
    try {
      return await ServerConnection.makeRequest(
        URLExt.join(settings.baseUrl, path),
        init,
        settings
      );
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
  };
}

async function failure(response: Response): Promise<Error> {
  const text = await response.text();
  let message = text;
  try {
    const data = JSON.parse(text);
    message = data?.message ?? data?.reason ?? text;
  } catch {
    // not JSON: keep the text
  }
  return new ServerConnection.ResponseError(response, message);
}

const ELYRA_PATH = 'elyra/metadata/runtime-images';

/**
 * Elyra's REST API: `GET/POST elyra/metadata/runtime-images`,
 * `GET/PUT/DELETE …/<name>`.
 */
export class ElyraRestStore implements IRuntimeImageStore {
  constructor(private readonly _request: Request) {}

  readonly kind = 'elyra';

  async list(): Promise<IRuntimeImage[]> {
    const response = await this._request(ELYRA_PATH);
    if (!response.ok) {
      throw await failure(response);
    }
    const data = await response.json();
    return (data?.['runtime-images'] ?? []) as IRuntimeImage[];
  }

  async get(name: string): Promise<IRuntimeImage | null> {
    const response = await this._request(
      `${ELYRA_PATH}/${encodeURIComponent(name)}`
    );
    if (response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw await failure(response);
    }
    return (await response.json()) as IRuntimeImage;
  }

  /**
   * POST; when the name exists (409), PUT — but only over an overlay image.
   */
  async save(image: IRuntimeImage): Promise<void> {
    const body = JSON.stringify(image);
    const created = await this._request(ELYRA_PATH, { method: 'POST', body });
    if (created.ok) {
      return;
    }
    if (created.status !== 409) {
      throw await failure(created);
    }
    const existing = await this.get(image.name);
    if (existing && !isOverlayImage(existing)) {
      throw new NotOurImageError(image.name);
    }
    const updated = await this._request(
      `${ELYRA_PATH}/${encodeURIComponent(image.name)}`,
      { method: 'PUT', body }
    );
    if (!updated.ok) {
      throw await failure(updated);
    }
  }

  async remove(name: string): Promise<boolean> {
    const existing = await this.get(name);
    if (!existing) {
      return false;
    }
    if (!isOverlayImage(existing)) {
      throw new NotOurImageError(name);
    }
    const response = await this._request(
      `${ELYRA_PATH}/${encodeURIComponent(name)}`,
      { method: 'DELETE' }
    );
    if (!response.ok && response.status !== 404) {
      throw await failure(response);
    }
    return response.ok;
  }
}

const FILE_PATH = 'overlays/runtime-images';

/**
 * The runtime-image files, through `overlays/runtime-images` of this
 * extension's server (for servers without Elyra).
 */
export class FileStore implements IRuntimeImageStore {
  constructor(private readonly _request: Request) {}

  readonly kind = 'file';

  async list(): Promise<IRuntimeImage[]> {
    const response = await this._request(FILE_PATH);
    if (!response.ok) {
      throw await failure(response);
    }
    const data = await response.json();
    return ((data?.images ?? []) as any[])
      .filter(item => !item.error)
      .map(item => ({
        name: item.name,
        schema_name: 'runtime-image',
        display_name: item.display_name,
        metadata: item.metadata ?? {}
      }));
  }

  async save(image: IRuntimeImage): Promise<void> {
    const { name, ...instance } = image;
    const response = await this._request(
      `${FILE_PATH}/${encodeURIComponent(name)}`,
      { method: 'PUT', body: JSON.stringify(instance) }
    );
    if (!response.ok) {
      // 409: an image not ours, or a file that is not JSON (the server says).
      throw await failure(response);
    }
  }

  async remove(name: string): Promise<boolean> {
    const response = await this._request(
      `${FILE_PATH}/${encodeURIComponent(name)}`,
      { method: 'DELETE' }
    );
    if (response.status === 404) {
      return false;
    }
    if (!response.ok) {
      throw await failure(response);
    }
    return true;
  }
}

/**
 * Elyra's REST store when the server answers `elyra/metadata/runtime-images`,
 * the file store when it has no such route (404); otherwise (Elyra failing,
 * the server unreachable) it rejects.
 */
export async function findStore(request: Request): Promise<IRuntimeImageStore> {
  const response = await request(ELYRA_PATH);
  if (response.ok) {
    return new ElyraRestStore(request);
  }
  if (response.status === 404) {
    return new FileStore(request);
  }
  // Elyra is there but failing (or a proxy is): try again next time rather
  // than writing files behind its back.
  throw await failure(response);
}
