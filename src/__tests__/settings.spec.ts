import { DEFAULT_SETTINGS, normalizeFolder, readSettings } from '../settings';

describe('readSettings', () => {
  it('takes what the user set', () => {
    expect(
      readSettings({
        overlaysFolder: 'envs/overlays',
        pythonVersion: '3.12',
        pin: 'compatible',
        syncThoth: false,
        syncAicoe: true,
        registry: 'ghcr.io',
        registryOrg: ' my-org ',
        project: 'wine',
        aicoeBaseImage: 'registry.example/base:1',
        registerRuntimeImages: false,
        runtimeImagePullPolicy: 'Always'
      })
    ).toEqual({
      overlaysFolder: 'envs/overlays',
      pythonVersion: '3.12',
      pin: 'compatible',
      syncThoth: false,
      syncAicoe: true,
      registry: 'ghcr.io',
      registryOrg: 'my-org',
      project: 'wine',
      aicoeBaseImage: 'registry.example/base:1',
      registerRuntimeImages: false,
      runtimeImagePullPolicy: 'Always'
    });
  });

  it('falls back to the defaults for missing or wrong values', () => {
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(
      readSettings({
        overlaysFolder: '   ',
        pythonVersion: 'latest',
        pin: 'loose',
        syncThoth: 'yes',
        registry: 42,
        registerRuntimeImages: 'no',
        runtimeImagePullPolicy: 'Sometimes'
      })
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('defaults to "overlays", like .thoth.yaml overlays_dir, and exact pins', () => {
    expect(DEFAULT_SETTINGS.overlaysFolder).toBe('overlays');
    expect(DEFAULT_SETTINGS.pin).toBe('exact');
  });
});

describe('normalizeFolder', () => {
  it.each([
    ['overlays', 'overlays'],
    ['overlays/', 'overlays'],
    ['./overlays', 'overlays'],
    ['a//b/./c/', 'a/b/c'],
    ['../up/overlays', 'up/overlays'],
    [' spaced ', 'spaced']
  ])('%p becomes %p', (input, expected) => {
    expect(normalizeFolder(input)).toBe(expected);
  });
});
