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

describe('OverlaysClient jobs', () => {
  function recording(body: unknown) {
    const calls: { method: string; url: string; body: string | null }[] = [];
    const fetch = jest.fn(async (input: RequestInfo, init?: RequestInit) => {
      const request = typeof input === 'string' ? null : input;
      const url = new URL(request ? request.url : (input as string));
      // JupyterLab appends a cache-busting `&<time>=` to GET requests.
      for (const key of [...url.searchParams.keys()]) {
        if (/^\d+$/.test(key)) {
          url.searchParams.delete(key);
        }
      }
      calls.push({
        method: request?.method ?? init?.method ?? 'GET',
        url: url.pathname + url.search,
        body: request ? await request.text() : ((init?.body as string) ?? null)
      });
      return new Response(JSON.stringify(body), { status: 200 });
    });
    const serverSettings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: fetch as any
    });
    return { client: new OverlaysClient({ serverSettings }), calls };
  }

  it('builds the job requests of the REST API', async () => {
    const { client, calls } = recording({});
    await client.jobs();
    await client.jobs('train');
    await client.job('abc');
    await client.submitJob('train', 'build');
    await client.cancelJob('abc');
    await client.jobLog('abc', 120);
    await client.overlayStatus('train');
    expect(calls.map(call => [call.method, call.url])).toEqual([
      ['GET', '/overlays/jobs'],
      ['GET', '/overlays/jobs?overlay=train'],
      ['GET', '/overlays/jobs/abc'],
      ['POST', '/overlays/jobs'],
      ['DELETE', '/overlays/jobs/abc'],
      ['GET', '/overlays/jobs/abc/log?offset=120'],
      ['GET', '/overlays/overlay-status?overlay=train']
    ]);
    expect(JSON.parse(calls[3].body!)).toEqual({
      overlay: 'train',
      kind: 'build'
    });
  });

  it('puts the paging and view parameters of GET jobs in the query', async () => {
    const { client, calls } = recording({ jobs: [], next: null });
    await client.jobs({});
    await client.jobs({ view: 'current' });
    await client.jobs({ view: 'current', overlay: 'train' });
    await client.jobs({ limit: 50 });
    await client.jobs({ limit: 20, before: 'f00d' });
    await client.jobs({ overlay: 'a b', limit: 1, view: 'all' });
    expect(calls.map(call => call.url)).toEqual([
      '/overlays/jobs',
      '/overlays/jobs?view=current',
      '/overlays/jobs?overlay=train&view=current',
      '/overlays/jobs?limit=50',
      '/overlays/jobs?limit=20&before=f00d',
      '/overlays/jobs?overlay=a+b&limit=1'
    ]);
  });

  it('does not type paging with view=current', () => {
    const { client } = recording({ jobs: [], next: null });
    // Compiled, never run: ts-jest fails the test file if an error is missing.
    const untyped = () => [
      // @ts-expect-error: view=current takes no limit
      client.jobs({ view: 'current', limit: 5 }),
      // @ts-expect-error: nor before
      client.jobs({ view: 'current', before: 'f00d' }),
      // @ts-expect-error: only 'all' and 'current'
      client.jobs({ view: 'everything' })
    ];
    expect(typeof untyped).toBe('function');
  });
});
