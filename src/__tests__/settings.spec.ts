import { DEFAULT_SETTINGS, readSettings } from '../settings';

describe('readSettings', () => {
  it('takes what the user set', () => {
    expect(
      readSettings({
        pythonVersion: '3.12',
        pin: 'compatible',
        syncThoth: false,
        syncAicoe: true,
        registry: 'ghcr.io',
        registryOrg: ' my-org ',
        project: 'wine',
        aicoeBaseImage: 'registry.example/base:1',
        registerRuntimeImages: false,
        runtimeImagePullPolicy: 'Always',
        reviewFileChanges: false,
        holdBackDependencies: false
      })
    ).toEqual({
      pythonVersion: '3.12',
      pin: 'compatible',
      syncThoth: false,
      syncAicoe: true,
      registry: 'ghcr.io',
      registryOrg: 'my-org',
      project: 'wine',
      aicoeBaseImage: 'registry.example/base:1',
      registerRuntimeImages: false,
      runtimeImagePullPolicy: 'Always',
      reviewFileChanges: false,
      holdBackDependencies: false
    });
  });

  it('falls back to the defaults for missing or wrong values', () => {
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(
      readSettings({
        pythonVersion: 'latest',
        pin: 'loose',
        syncThoth: 'yes',
        registry: 42,
        registerRuntimeImages: 'no',
        runtimeImagePullPolicy: 'Sometimes'
      })
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('defaults to exact pins', () => {
    expect(DEFAULT_SETTINGS.pin).toBe('exact');
  });
});
