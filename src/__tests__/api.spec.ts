import { ServerConnection } from '@jupyterlab/services';

import { isNotFound, OverlaysClient } from '../api';

function clientAnswering(status: number, body: string) {
  const calls: string[] = [];
  const fetch = jest.fn(async (input: RequestInfo) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    // JupyterLab appends a cache-busting query to GET requests.
    calls.push(url.origin + url.pathname);
    return new Response(body, { status });
  });
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/lab-base/',
    fetch: fetch as any
  });
  return { client: new OverlaysClient({ serverSettings }), calls };
}

describe('OverlaysClient', () => {
  it('GETs <base_url>/overlays/info and parses the JSON', async () => {
    const info = {
      version: '1.0.0',
      build_tools: [],
      preferred_build_tool: null
    };
    const { client, calls } = clientAnswering(200, JSON.stringify(info));
    await expect(client.info()).resolves.toEqual(info);
    expect(calls).toEqual(['http://localhost:8888/lab-base/overlays/info']);
  });

  it('throws a ResponseError carrying the server message', async () => {
    const { client } = clientAnswering(
      500,
      JSON.stringify({ message: 'probe exploded' })
    );
    const error = await client.info().catch(e => e);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.message).toBe('probe exploded');
    expect(isNotFound(error)).toBe(false);
  });

  it('recognises a 404 as a missing server extension', async () => {
    const { client } = clientAnswering(404, '<html>Not Found</html>');
    const error = await client.info().catch(e => e);
    expect(isNotFound(error)).toBe(true);
    expect(error.message).toBe('<html>Not Found</html>');
  });

  it('wraps a failed fetch in a NetworkError', async () => {
    const serverSettings = ServerConnection.makeSettings({
      fetch: (async () => {
        throw new TypeError('connection refused');
      }) as any
    });
    const client = new OverlaysClient({ serverSettings });
    const error = await client.info().catch(e => e);
    expect(error).toBeInstanceOf(ServerConnection.NetworkError);
    expect(isNotFound(error)).toBe(false);
  });
});
