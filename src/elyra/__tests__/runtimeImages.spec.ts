import { RuntimeImageRegistrar, sidebarState } from '../registrar';
import {
  ElyraRestStore,
  FileStore,
  findStore,
  IRuntimeImage,
  isOverlayImage,
  NotOurImageError,
  Request,
  runtimeImageFor,
  sameRuntimeImage
} from '../runtimeImages';
import type { OverlaysAPI } from '../../tokens';

/**
 * An in-memory server answering like Elyra's metadata API (POST 201 or 409,
 * PUT only over an existing name, DELETE 204) or like this extension's
 * runtime-images endpoint (PUT, DELETE, 409 for an image not ours).
 */
class FakeServer {
  constructor(readonly elyra: boolean) {}
  images = new Map<string, Omit<IRuntimeImage, 'name'>>();
  calls: string[] = [];

  request: Request = async (path, init = {}) => {
    const method = init.method ?? 'GET';
    this.calls.push(`${method} ${path}`);
    const body = init.body ? JSON.parse(init.body as string) : null;
    const json = (status: number, data?: unknown) =>
      new Response(data === undefined ? null : JSON.stringify(data), {
        status
      });
    const elyra = path.match(/^elyra\/metadata\/runtime-images(?:\/(.+))?$/);
    const file = path.match(/^overlays\/runtime-images(?:\/(.+))?$/);
    if (elyra && this.elyra) {
      const name = elyra[1] && decodeURIComponent(elyra[1]);
      if (!name && method === 'GET') {
        return json(200, {
          'runtime-images': [...this.images].map(([n, i]) => ({
            name: n,
            ...i
          }))
        });
      }
      if (!name && method === 'POST') {
        if (this.images.has(body.name)) {
          return json(409, { message: 'exists' });
        }
        const { name: n, ...rest } = body;
        this.images.set(n, rest);
        return json(201, body);
      }
      const image = this.images.get(name);
      if (!image) {
        return json(404, { message: 'not found' });
      }
      if (method === 'GET') {
        return json(200, { name, ...image });
      }
      if (method === 'PUT') {
        const rest = { ...body };
        delete rest.name;
        this.images.set(name, rest);
        return json(200, body);
      }
      if (method === 'DELETE') {
        this.images.delete(name);
        return json(204);
      }
    }
    if (file) {
      const name = file[1] && decodeURIComponent(file[1]);
      if (!name) {
        return json(200, {
          folder: '/tmp/metadata/runtime-images',
          images: [...this.images].map(([n, i]) => ({
            name: n,
            ...i,
            ours: isOverlayImage(i)
          }))
        });
      }
      const image = this.images.get(name);
      if (image && !isOverlayImage(image)) {
        return json(409, { message: 'not ours' });
      }
      if (method === 'PUT') {
        this.images.set(name, body);
        return json(200, { name, ...body });
      }
      if (method === 'DELETE') {
        if (!image) {
          return json(404, { message: 'missing' });
        }
        this.images.delete(name);
        return json(204);
      }
    }
    return json(404, { message: 'no route' });
  };
}

function job(overrides: Partial<OverlaysAPI.IJob> = {}): OverlaysAPI.IJob {
  return {
    id: 'j1',
    overlay: 'train',
    kind: 'build',
    backend: 'buildah',
    state: 'succeeded',
    created: '2026-11-27T10:00:00Z',
    started: '2026-11-27T10:00:01Z',
    finished: '2026-11-27T10:02:00Z',
    image: 'localhost/demo-train:3f2a9c1d0e4b',
    digest: null,
    source_hash: '3f2a9c1d0e4b5a6b7c8d9e0f',
    error: null,
    log_size: 10,
    progress: {},
    ...overrides
  };
}

const USERS_IMAGE = {
  schema_name: 'runtime-image' as const,
  display_name: 'Mine',
  metadata: { image_name: 'quay.io/me/mine:1', tags: ['mine'] }
};

describe('runtimeImageFor', () => {
  it('describes the build as the formats document says', () => {
    const image = runtimeImageFor(
      {
        overlay: 'train',
        image: 'localhost/demo-train:3f2a',
        sourceHash: 'abcdef0123456789abcdef',
        folder: 'overlays/train'
      },
      'Always'
    );
    expect(image).toEqual({
      name: 'overlay-train',
      schema_name: 'runtime-image',
      display_name: 'Overlay train',
      metadata: {
        image_name: 'localhost/demo-train:3f2a',
        description:
          'Built by jupyterlab-overlays from overlays/train (source hash abcdef012345)',
        pull_policy: 'Always',
        tags: ['overlay', 'train']
      }
    });
  });

  it('keeps tags unique for an overlay named "overlay"', () => {
    const image = runtimeImageFor(
      { overlay: 'overlay', image: 'x:1', sourceHash: null, folder: 'o' },
      'IfNotPresent'
    );
    expect(image.metadata.tags).toEqual(['overlay']);
    expect(image.metadata.description).not.toContain('source hash');
  });
});

describe('ElyraRestStore', () => {
  it('creates with POST, then replaces with PUT after a 409', async () => {
    const server = new FakeServer(true);
    const store = new ElyraRestStore(server.request);
    const first = runtimeImageFor(
      { overlay: 'train', image: 'a:1', sourceHash: 'h1', folder: 'o/train' },
      'IfNotPresent'
    );
    await store.save(first);
    expect(server.calls).toEqual(['POST elyra/metadata/runtime-images']);
    const second = {
      ...first,
      metadata: { ...first.metadata, image_name: 'a:2' }
    };
    await store.save(second);
    expect(server.calls.slice(1)).toEqual([
      'POST elyra/metadata/runtime-images',
      'GET elyra/metadata/runtime-images/overlay-train',
      'PUT elyra/metadata/runtime-images/overlay-train'
    ]);
    expect(server.images.get('overlay-train')!.metadata.image_name).toBe('a:2');
    expect(await store.list()).toHaveLength(1);
  });

  it('never replaces nor removes an image the user made', async () => {
    const server = new FakeServer(true);
    server.images.set('overlay-train', USERS_IMAGE);
    const store = new ElyraRestStore(server.request);
    const image = runtimeImageFor(
      { overlay: 'train', image: 'a:1', sourceHash: null, folder: 'o' },
      'IfNotPresent'
    );
    await expect(store.save(image)).rejects.toBeInstanceOf(NotOurImageError);
    await expect(store.remove('overlay-train')).rejects.toBeInstanceOf(
      NotOurImageError
    );
    expect(server.images.get('overlay-train')).toEqual(USERS_IMAGE);
    expect(server.calls.filter(call => call.startsWith('PUT'))).toEqual([]);
  });

  it('removes an overlay image, and says when there was none', async () => {
    const server = new FakeServer(true);
    const store = new ElyraRestStore(server.request);
    expect(await store.remove('overlay-train')).toBe(false);
    await store.save(
      runtimeImageFor(
        { overlay: 'train', image: 'a:1', sourceHash: null, folder: 'o' },
        'IfNotPresent'
      )
    );
    expect(await store.remove('overlay-train')).toBe(true);
    expect(server.images.size).toBe(0);
  });
});

describe('FileStore and findStore', () => {
  it('uses Elyra when the server answers its API, else the files', async () => {
    expect((await findStore(new FakeServer(true).request)).kind).toBe('elyra');
    expect((await findStore(new FakeServer(false).request)).kind).toBe('file');
  });

  it.each([403, 500, 502])(
    'rejects when Elyra answers %i, rather than writing files behind it',
    async status => {
      const failing: Request = async () =>
        new Response(JSON.stringify({ message: 'broken' }), { status });
      await expect(findStore(failing)).rejects.toThrow('broken');
      const offline: Request = () => Promise.reject(new TypeError('offline'));
      await expect(findStore(offline)).rejects.toThrow('offline');
    }
  );

  it('writes without the name in the body; 409 is an image not ours', async () => {
    const server = new FakeServer(false);
    const store = new FileStore(server.request);
    const image = runtimeImageFor(
      { overlay: 'train', image: 'a:1', sourceHash: null, folder: 'o' },
      'Never'
    );
    await store.save(image);
    expect(server.images.get('overlay-train')).not.toHaveProperty('name');
    expect(await store.list()).toEqual([image]);
    server.images.set('overlay-other', USERS_IMAGE);
    await expect(
      store.save({ ...image, name: 'overlay-other' })
    ).rejects.toThrow('not ours');
    expect(await store.remove('overlay-train')).toBe(true);
    expect(await store.remove('overlay-train')).toBe(false);
  });
});

describe('RuntimeImageRegistrar', () => {
  function registrar(
    server: FakeServer,
    settings: RuntimeImageRegistrar.ISettings = {
      enabled: true,
      pullPolicy: 'IfNotPresent'
    }
  ) {
    return new RuntimeImageRegistrar({
      findStore: () => findStore(server.request),
      settings: () => settings,
      folder: overlay => `overlays/${overlay}`,
      // Every job of these tests is its overlay's newest build (id j1).
      current: overlay => job({ overlay })
    });
  }

  it.each([true, false])(
    'registers a successful build (Elyra installed: %s)',
    async elyra => {
      const server = new FakeServer(elyra);
      const events: string[] = [];
      const r = registrar(server);
      r.registered.connect((_, reg) => events.push(reg.outcome));
      const result = await r.register(job());
      expect(result).toMatchObject({
        name: 'overlay-train',
        outcome: 'created',
        store: elyra ? 'elyra' : 'file',
        image: 'localhost/demo-train:3f2a9c1d0e4b'
      });
      expect((await r.register(job()))!.outcome).toBe('unchanged');
      expect(
        (await r.register(job({ image: 'localhost/demo-train:new' })))!.outcome
      ).toBe('updated');
      expect(server.images.get('overlay-train')!.metadata.image_name).toBe(
        'localhost/demo-train:new'
      );
      expect(events).toEqual(['created', 'unchanged', 'updated']);
      expect(r.registrations.get('train')!.outcome).toBe('updated');
    }
  );

  it('ignores failed builds, lock jobs, and everything when turned off', async () => {
    const server = new FakeServer(true);
    expect(await registrar(server).register(job({ state: 'failed' }))).toBe(
      null
    );
    expect(await registrar(server).register(job({ kind: 'lock' }))).toBe(null);
    const off = registrar(server, { enabled: false, pullPolicy: 'Never' });
    expect(await off.register(job())).toBe(null);
    expect(await off.renamed('train', null, null)).toEqual([]);
    expect(server.calls).toEqual([]);
  });

  it('reports an image the user made under the same name as a failure', async () => {
    const server = new FakeServer(true);
    server.images.set('overlay-train', USERS_IMAGE);
    const result = await registrar(server).register(job());
    expect(result!.outcome).toBe('failed');
    expect(result!.error).toContain('was not made by jupyterlab-overlays');
    expect(server.images.get('overlay-train')).toEqual(USERS_IMAGE);
  });

  it('reconciles: registers only what is missing or different', async () => {
    const server = new FakeServer(false);
    const r = registrar(server);
    await r.register(job());
    server.calls = [];
    const events: string[] = [];
    r.registered.connect((_, reg) =>
      events.push(`${reg.overlay} ${reg.outcome}`)
    );
    const results = await r.reconcile([
      job(),
      job({ overlay: 'prep', image: 'localhost/demo-prep:1' })
    ]);
    expect(results.map(reg => [reg.overlay, reg.outcome])).toEqual([
      ['prep', 'created']
    ]);
    expect(server.calls.filter(call => call.startsWith('PUT'))).toEqual([
      'PUT overlays/runtime-images/overlay-prep'
    ]);
    // The one already right is announced too (the sidebar shows it).
    expect(events).toEqual(['train unchanged', 'prep created']);
  });

  it('reconciles nothing, without throwing, when the store cannot be listed', async () => {
    const failing: Request = async () => new Response('boom', { status: 500 });
    const r = new RuntimeImageRegistrar({
      findStore: async () => new FileStore(failing),
      settings: () => ({ enabled: true, pullPolicy: 'IfNotPresent' }),
      folder: overlay => `overlays/${overlay}`,
      current: () => job()
    });
    const warn = jest
      .spyOn(console, 'warn')
      .mockImplementation(() => undefined);
    expect(await r.reconcile([job()])).toEqual([]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('follows a rename and a delete', async () => {
    const server = new FakeServer(true);
    const r = registrar(server);
    await r.register(job());
    const renamed = await r.renamed('train', 'fit', job());
    expect(renamed.map(reg => [reg.name, reg.outcome])).toEqual([
      ['overlay-train', 'removed'],
      ['overlay-fit', 'created']
    ]);
    expect([...server.images.keys()]).toEqual(['overlay-fit']);
    expect(server.images.get('overlay-fit')!.metadata.tags).toEqual([
      'overlay',
      'fit'
    ]);
    // Same image name after lower-casing: updated in place.
    const cased = await r.renamed('fit', 'Fit', job());
    expect(cased.map(reg => reg.outcome)).toEqual(['updated']);
    await r.renamed('Fit', null, null);
    expect(server.images.size).toBe(0);
    expect(r.registrations.size).toBe(0);
  });

  it('runs changes one at a time, in order', async () => {
    const server = new FakeServer(true);
    const r = registrar(server);
    await Promise.all([
      r.register(job({ image: 'a:1' })),
      r.register(job({ image: 'a:2' })),
      r.register(job({ image: 'a:3' }))
    ]);
    expect(server.images.get('overlay-train')!.metadata.image_name).toBe('a:3');
  });

  it('registers only the newest build of an overlay that exists', async () => {
    const server = new FakeServer(true);
    let current: OverlaysAPI.IJob | null = job({ id: 'j2', image: 'a:2' });
    const r = new RuntimeImageRegistrar({
      findStore: () => findStore(server.request),
      settings: () => ({ enabled: true, pullPolicy: 'IfNotPresent' }),
      folder: overlay => `overlays/${overlay}`,
      current: () => current
    });
    // Seen ending after the newer one: ignored.
    expect(await r.register(job({ id: 'j1', image: 'a:1' }))).toBeNull();
    expect((await r.register(current!))!.outcome).toBe('created');
    // The overlay was renamed or deleted while it built.
    current = null;
    expect(await r.register(job({ id: 'j3', image: 'a:3' }))).toBeNull();
    expect(server.images.get('overlay-train')!.metadata.image_name).toBe('a:2');
  });

  it("never takes another overlay's image of the same name", async () => {
    const server = new FakeServer(true);
    const r = registrar(server);
    await r.register(job({ overlay: 'data' }));
    // Names differing only by case share a runtime image name.
    const clash = await r.register(job({ overlay: 'Data', image: 'other:1' }));
    expect(clash!.outcome).toBe('failed');
    expect(clash!.error).toContain('belongs to the overlay data');
    expect(server.images.get('overlay-data')!.metadata.tags).toEqual([
      'overlay',
      'data'
    ]);
    // Deleting "Data" leaves "data"'s image alone.
    const [removed] = await r.renamed('Data', null, null);
    expect(removed.outcome).toBe('unchanged');
    expect(server.images.has('overlay-data')).toBe(true);
  });

  it('keeps the pull secret the user set in Elyra', async () => {
    const server = new FakeServer(true);
    const r = registrar(server);
    await r.register(job());
    server.images.get('overlay-train')!.metadata.pull_secret = 'my-secret';
    await r.register(job({ image: 'localhost/demo-train:new' }));
    const image = server.images.get('overlay-train')!;
    expect(image.metadata.image_name).toBe('localhost/demo-train:new');
    expect(image.metadata.pull_secret).toBe('my-secret');
  });

  it('says nothing was removed when there was no image', async () => {
    const server = new FakeServer(false);
    const [result] = await registrar(server).renamed('never-built', null, null);
    expect(result.outcome).toBe('unchanged');
    expect(result.image).toBeNull();
  });

  it('compares runtime images field by field', () => {
    const a = runtimeImageFor(
      { overlay: 't', image: 'x:1', sourceHash: 'h', folder: 'o' },
      'IfNotPresent'
    );
    expect(sameRuntimeImage(a, { ...a, name: 'other' })).toBe(true);
    expect(
      sameRuntimeImage(a, {
        ...a,
        metadata: { ...a.metadata, pull_policy: 'Always' }
      })
    ).toBe(false);
  });
});

describe('sidebarState', () => {
  const base = {
    overlay: 'train',
    name: 'overlay-train',
    image: 'x:1',
    store: 'elyra' as const
  };

  it('shows a registered image, and the reason of a failure', () => {
    expect(sidebarState({ ...base, outcome: 'created' })).toEqual({
      name: 'overlay-train',
      image: 'x:1',
      store: 'elyra'
    });
    expect(
      sidebarState({ ...base, outcome: 'failed', error: 'refused' })
    ).toEqual({
      name: 'overlay-train',
      image: 'x:1',
      store: 'elyra',
      error: 'refused'
    });
  });

  it('shows nothing once removed or when there was none', () => {
    expect(
      sidebarState({ ...base, image: null, outcome: 'removed' })
    ).toBeNull();
    expect(
      sidebarState({ ...base, image: null, outcome: 'unchanged' })
    ).toBeNull();
    expect(
      sidebarState({ ...base, image: null, outcome: 'failed', error: 'e' })
    ).toMatchObject({ error: 'e' });
  });
});
