/**
 * The user's settings (schema/plugin.json), read into a plain object.
 */
export interface IOverlaysSettings {
  /**
   * The folder, relative to the workspace root, holding one folder per overlay.
   */
  overlaysFolder: string;
}

export const DEFAULT_SETTINGS: IOverlaysSettings = {
  overlaysFolder: 'overlays'
};

/**
 * Read the settings from the composite settings object, falling back to the
 * defaults for anything missing or of the wrong type.
 */
export function readSettings(
  composite: Partial<Record<keyof IOverlaysSettings, unknown>>
): IOverlaysSettings {
  const folder = composite.overlaysFolder;
  return {
    overlaysFolder:
      typeof folder === 'string' && folder.trim()
        ? normalizeFolder(folder)
        : DEFAULT_SETTINGS.overlaysFolder
  };
}

/**
 * A workspace-relative folder without leading, trailing or doubled slashes.
 */
export function normalizeFolder(folder: string): string {
  return folder
    .trim()
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .join('/');
}
