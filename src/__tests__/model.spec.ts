import { ServerConnection } from '@jupyterlab/services';

import { OverlaysClient } from '../api';
import { JobsModel } from '../jobs/model';
import { OverlaysModel } from '../model';
import { DEFAULT_SETTINGS } from '../settings';
import { OverlaysAPI } from '../tokens';
import { MemoryFiles } from '../workspace/memoryFiles';
import { OverlaysWorkspace } from '../workspace/model';

const INFO: OverlaysAPI.IInfo = {
  version: '0.1.0',
  build_tools: [
    {
      name: 'buildah',
      found: true,
      path: '/usr/bin/buildah',
      version: '1.28.2',
      usable: true,
      problem: null,
      install_hint: 'apt-get install buildah'
    }
  ],
  preferred_build_tool: 'buildah'
};

function modelWith(info: () => Promise<OverlaysAPI.IInfo>) {
  const client = new OverlaysClient();
  const infoMock = jest.fn(info);
  client.info = infoMock;
  const model = new OverlaysModel({
    client,
    frontendVersion: '0.1.0',
    workspace: new OverlaysWorkspace({
      files: new MemoryFiles(),
      access: null,
      environment: null,
      settings: () => ({ ...DEFAULT_SETTINGS, overlaysFolder: 'overlays' })
    }),
    jobs: new JobsModel({ client, overlays: () => [], autoStart: false })
  });
  return { model, client: { info: infoMock } };
}

describe('OverlaysModel', () => {
  it('starts loading and becomes ready when the versions match', async () => {
    const { model } = modelWith(async () => INFO);
    expect(model.server.state).toBe('loading');
    await model.refreshServer();
    expect(model.server).toEqual({ state: 'ready', info: INFO, error: null });
  });

  it('reports a version mismatch', async () => {
    const { model } = modelWith(async () => ({ ...INFO, version: '0.0.9' }));
    await model.refreshServer();
    expect(model.server.state).toBe('mismatch');
    expect(model.server.info?.version).toBe('0.0.9');
  });

  it('reports a missing server extension on 404', async () => {
    const { model } = modelWith(async () => {
      throw new ServerConnection.ResponseError(
        new Response('', { status: 404 }),
        'Not Found'
      );
    });
    await model.refreshServer();
    expect(model.server).toEqual({
      state: 'missing',
      info: null,
      error: 'Not Found'
    });
  });

  it('reports other failures as errors with their message', async () => {
    const { model } = modelWith(async () => {
      throw new ServerConnection.ResponseError(
        new Response('', { status: 403 }),
        'Forbidden'
      );
    });
    await model.refreshServer();
    expect(model.server.state).toBe('error');
    expect(model.server.error).toBe('Forbidden');
  });

  it('shares one request between concurrent refreshes', async () => {
    const { model, client } = modelWith(async () => INFO);
    await Promise.all([model.refreshServer(), model.refreshServer()]);
    expect(client.info).toHaveBeenCalledTimes(1);
    await model.refreshServer();
    expect(client.info).toHaveBeenCalledTimes(2);
  });

  it('emits changed when the server state or the settings change', async () => {
    const { model } = modelWith(async () => INFO);
    const seen: string[] = [];
    model.changed.connect(() => seen.push(model.server.state));
    await model.refreshServer();
    expect(seen).toEqual(['loading', 'ready']);

    model.settings = { ...DEFAULT_SETTINGS };
    expect(seen).toHaveLength(2);
    model.settings = { ...DEFAULT_SETTINGS, pin: 'none' };
    expect(seen).toHaveLength(3);
    expect(model.settings.pin).toBe('none');
  });

  it('stops emitting once disposed', async () => {
    const { model } = modelWith(async () => INFO);
    const listener = jest.fn();
    model.changed.connect(listener);
    model.dispose();
    expect(model.isDisposed).toBe(true);
    await model.refreshServer();
    expect(listener).not.toHaveBeenCalled();
  });
});
