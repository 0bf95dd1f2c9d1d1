import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IImportEnvironment } from './imports/resolve';
import { OverlaysAPI } from './tokens';

/**
 * A typed client of the server extension's REST API.
 */
export class OverlaysClient {
  constructor(options: OverlaysClient.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  /**
   * The server connection settings used for every request.
   */
  readonly serverSettings: ServerConnection.ISettings;

  /**
   * `GET overlays/info`: version and local build tools.
   */
  info(): Promise<OverlaysAPI.IInfo> {
    return this._request<OverlaysAPI.IInfo>('info');
  }

  /**
   * `GET overlays/environment`: what a kernelspec's Python has installed.
   */
  environment(
    kernel: string,
    refresh = false
  ): Promise<OverlaysAPI.IEnvironment> {
    const query = URLExt.objectToQueryString({
      kernel,
      ...(refresh ? { refresh: '1' } : {})
    });
    return this._request<OverlaysAPI.IEnvironment>(`environment${query}`);
  }

  /**
   * `GET overlays/config-files/<name>`: `.thoth.yaml` or `.aicoe-ci.yaml`,
   * which the contents API hides.
   */
  configFile(name: string): Promise<OverlaysAPI.IConfigFile> {
    return this._request<OverlaysAPI.IConfigFile>(
      `config-files/${encodeURIComponent(name)}`
    );
  }

  /**
   * `PUT overlays/config-files/<name>`. With `expectedLastModified` (the
   * file's time as read, null for a file that did not exist) the server
   * refuses (409) to write over a file that changed since.
   */
  saveConfigFile(
    name: string,
    content: string,
    expectedLastModified?: string | null
  ): Promise<OverlaysAPI.IConfigFile> {
    const body =
      expectedLastModified === undefined
        ? { content }
        : { content, expected_last_modified: expectedLastModified };
    return this._request<OverlaysAPI.IConfigFile>(
      `config-files/${encodeURIComponent(name)}`,
      { method: 'PUT', body: JSON.stringify(body) }
    );
  }

  /**
   * `GET overlays/jobs`: jobs, newest first; every one, a page of them
   * (`limit`, `before`), or the current ones (`view: 'current'`). A string
   * is the overlay whose jobs to list.
   */
  jobs(
    query: OverlaysAPI.JobsQuery | string = {}
  ): Promise<OverlaysAPI.IJobList> {
    const { overlay, view, limit, before } =
      typeof query === 'string' ? { overlay: query } : query;
    const params: Record<string, string> = {};
    if (overlay) {
      params.overlay = overlay;
    }
    if (view && view !== 'all') {
      params.view = view;
    }
    if (limit !== undefined) {
      params.limit = String(limit);
    }
    if (before) {
      params.before = before;
    }
    const search = Object.keys(params).length
      ? URLExt.objectToQueryString(params)
      : '';
    return this._request<OverlaysAPI.IJobList>(`jobs${search}`);
  }

  /**
   * `GET overlays/index-check`: whether each package can be installed from
   * the package index for that Python, which project provides each dotted
   * import path of `imports`, and what each of `uses` (`package:a.b`) needs.
   */
  indexCheck(
    names: string[],
    python: string,
    imports: string[] = [],
    uses: string[] = []
  ): Promise<OverlaysAPI.IIndexCheck> {
    const query = [
      ...names.map(name => `name=${encodeURIComponent(name)}`),
      ...imports.map(module => `import=${encodeURIComponent(module)}`),
      ...uses.map(use => `use=${encodeURIComponent(use)}`),
      `python=${encodeURIComponent(python)}`
    ].join('&');
    return this._request<OverlaysAPI.IIndexCheck>(`index-check?${query}`);
  }

  /**
   * `GET overlays/images`: whether built images are still there, and their
   * sizes.
   */
  images(refs: string[]): Promise<OverlaysAPI.IImages> {
    const query = refs.map(ref => `image=${encodeURIComponent(ref)}`).join('&');
    return this._request<OverlaysAPI.IImages>(`images?${query}`);
  }

  /**
   * `GET overlays/providers`: the distribution that declares each import
   * name, for names the bundled table does not know.
   */
  providers(modules: string[]): Promise<OverlaysAPI.IProviders> {
    const query = modules
      .map(name => `module=${encodeURIComponent(name)}`)
      .join('&');
    return this._request<OverlaysAPI.IProviders>(`providers?${query}`);
  }

  /**
   * `GET overlays/jobs/<id>`.
   */
  job(id: string): Promise<OverlaysAPI.IJob> {
    return this._request<OverlaysAPI.IJob>(`jobs/${encodeURIComponent(id)}`);
  }

  /**
   * `POST overlays/jobs`: queue a lock or build job; the server answers with
   * the active job of that overlay and kind when its source is unchanged.
   */
  submitJob(
    overlay: string,
    kind: OverlaysAPI.JobKind,
    runtimeImage?: OverlaysAPI.IRegistrationSettings
  ): Promise<OverlaysAPI.IJob> {
    return this._request<OverlaysAPI.IJob>('jobs', {
      method: 'POST',
      body: JSON.stringify({
        overlay,
        kind,
        ...(runtimeImage ? { runtime_image: runtimeImage } : {})
      })
    });
  }

  /**
   * `POST overlays/overlay-renamed`: an overlay was renamed (`newName`) or
   * deleted (null); its Elyra runtime image follows.
   */
  /**
   * `POST overlays/jobs/<id>/register`: make the image of a build that
   * succeeded (an earlier one: a way back) its overlay's runtime image.
   */
  registerJob(
    id: string,
    runtimeImage?: OverlaysAPI.IRegistrationSettings
  ): Promise<OverlaysAPI.IRegistration> {
    return this._request<OverlaysAPI.IRegistration>(
      `jobs/${encodeURIComponent(id)}/register`,
      {
        method: 'POST',
        body: JSON.stringify(
          runtimeImage ? { runtime_image: runtimeImage } : {}
        )
      }
    );
  }

  overlayRenamed(
    overlay: string,
    newName: string | null,
    runtimeImage?: OverlaysAPI.IRegistrationSettings
  ): Promise<OverlaysAPI.IRenamed> {
    return this._request<OverlaysAPI.IRenamed>('overlay-renamed', {
      method: 'POST',
      body: JSON.stringify({
        overlay,
        new_name: newName,
        ...(runtimeImage ? { runtime_image: runtimeImage } : {})
      })
    });
  }

  /**
   * `DELETE overlays/jobs/<id>`: cancel a queued or running job.
   */
  cancelJob(id: string): Promise<OverlaysAPI.IJob> {
    return this._request<OverlaysAPI.IJob>(`jobs/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  /**
   * `GET overlays/jobs/<id>/log?offset=N`: the log from byte `offset`.
   */
  jobLog(id: string, offset = 0): Promise<OverlaysAPI.IJobLog> {
    const query = URLExt.objectToQueryString({ offset: String(offset) });
    return this._request<OverlaysAPI.IJobLog>(
      `jobs/${encodeURIComponent(id)}/log${query}`
    );
  }

  /**
   * `GET overlays/overlay-status`: the overlay's source hash and lock state.
   */
  overlayStatus(overlay: string): Promise<OverlaysAPI.IOverlayStatus> {
    const query = URLExt.objectToQueryString({ overlay });
    return this._request<OverlaysAPI.IOverlayStatus>(`overlay-status${query}`);
  }

  private async _request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const settings = this.serverSettings;
    const url = URLExt.join(settings.baseUrl, 'overlays', path);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, settings);
    } catch (error) {
      throw new ServerConnection.NetworkError(error as TypeError);
    }
    const text = await response.text();
    const data = Private.parseJSON(text);
    if (!response.ok) {
      const message =
        (data && typeof data === 'object' && (data as any).message) || text;
      throw new ServerConnection.ResponseError(response, message);
    }
    return data as T;
  }
}

/**
 * A namespace for OverlaysClient statics.
 */
export namespace OverlaysClient {
  /**
   * The options used to create a client.
   */
  export interface IOptions {
    /**
     * The server settings; JupyterLab's own come from
     * `app.serviceManager.serverSettings`.
     */
    serverSettings?: ServerConnection.ISettings;
  }
}

/**
 * The environment payload as the import resolver takes it.
 */
export function importEnvironment(
  payload: OverlaysAPI.IEnvironment
): IImportEnvironment {
  const packages: IImportEnvironment['packages'] = {};
  for (const [name, distributions] of Object.entries(payload.packages ?? {})) {
    packages[name] = distributions.map(item => ({
      distribution: item.distribution,
      version: item.version ?? ''
    }));
  }
  return {
    pythonVersion: payload.python_version,
    ...(payload.stdlib ? { stdlib: payload.stdlib } : {}),
    packages
  };
}

/**
 * Whether `error` is the server answering 404 for a path: for `overlays/info`
 * that means the server extension is not loaded.
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof ServerConnection.ResponseError &&
    error.response.status === 404
  );
}

namespace Private {
  export function parseJSON(text: string): unknown {
    if (!text) {
      return null;
    }
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
}
