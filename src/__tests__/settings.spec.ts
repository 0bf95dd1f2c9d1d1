import { DEFAULT_SETTINGS, normalizeFolder, readSettings } from '../settings';

describe('readSettings', () => {
  it('takes the overlays folder the user set', () => {
    expect(readSettings({ overlaysFolder: 'envs/overlays' })).toEqual({
      overlaysFolder: 'envs/overlays'
    });
  });

  it('falls back to the default for a missing, empty or non-string folder', () => {
    expect(readSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ overlaysFolder: '   ' })).toEqual(DEFAULT_SETTINGS);
    expect(readSettings({ overlaysFolder: 42 })).toEqual(DEFAULT_SETTINGS);
  });

  it('defaults to "overlays", like .thoth.yaml overlays_dir', () => {
    expect(DEFAULT_SETTINGS.overlaysFolder).toBe('overlays');
  });
});

describe('normalizeFolder', () => {
  it.each([
    ['overlays', 'overlays'],
    ['overlays/', 'overlays'],
    ['./overlays', 'overlays'],
    ['a//b/./c/', 'a/b/c'],
    [' spaced ', 'spaced']
  ])('%p becomes %p', (input, expected) => {
    expect(normalizeFolder(input)).toBe(expected);
  });
});
