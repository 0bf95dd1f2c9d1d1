/**
 * The user's settings (schema/plugin.json), read into a plain object.
 */
import type { PinStrategy } from './imports/resolve';
import type { OverlaysAPI } from './tokens';

/**
 * The settings of jupyterlab-overlays.
 */
export interface IOverlaysSettings {
  /** Python version of new overlays; empty: the notebook kernel's. */
  pythonVersion: string;
  /** How to pin packages found installed in the kernel's environment. */
  pin: PinStrategy;
  /** Keep `.thoth.yaml` in sync. */
  syncThoth: boolean;
  /** Keep `.aicoe-ci.yaml` in sync. */
  syncAicoe: boolean;
  /** Image registry of `.aicoe-ci.yaml` builds. */
  registry: string;
  /** Organisation in that registry. */
  registryOrg: string;
  /** Project name; empty: the workspace folder's name. */
  project: string;
  /** Base image of AICoE CI Source builds. */
  aicoeBaseImage: string;
  /** Register built images as Elyra runtime images. */
  registerRuntimeImages: boolean;
  /** Pull policy of those runtime images. */
  runtimeImagePullPolicy: OverlaysAPI.PullPolicy;
  /** Show the changes to .thoth.yaml and .aicoe-ci.yaml before a rename writes them. */
  reviewFileChanges: boolean;
  /** Cap the dependencies of held-back packages in new Pipfile entries. */
  holdBackDependencies: boolean;
}

export const DEFAULT_SETTINGS: IOverlaysSettings = {
  pythonVersion: '',
  pin: 'exact',
  syncThoth: true,
  syncAicoe: true,
  registry: 'quay.io',
  registryOrg: '',
  project: '',
  aicoeBaseImage: 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest',
  registerRuntimeImages: true,
  runtimeImagePullPolicy: 'IfNotPresent',
  reviewFileChanges: true,
  holdBackDependencies: true
};

const PULL_POLICIES: OverlaysAPI.PullPolicy[] = [
  'Always',
  'IfNotPresent',
  'Never'
];

const PINS: PinStrategy[] = ['exact', 'compatible', 'none'];

/**
 * Read the settings from the composite settings object, falling back to the
 * defaults for anything missing or of the wrong type.
 */
export function readSettings(
  composite: Partial<Record<keyof IOverlaysSettings, unknown>>
): IOverlaysSettings {
  const string = (key: keyof IOverlaysSettings): string => {
    const value = composite[key];
    return typeof value === 'string'
      ? value.trim()
      : (DEFAULT_SETTINGS[key] as string);
  };
  const boolean = (key: keyof IOverlaysSettings): boolean => {
    const value = composite[key];
    return typeof value === 'boolean'
      ? value
      : (DEFAULT_SETTINGS[key] as boolean);
  };
  const pin = composite.pin;
  const python = string('pythonVersion');
  return {
    pythonVersion: /^3\.\d+$/.test(python) ? python : '',
    pin: PINS.includes(pin as PinStrategy)
      ? (pin as PinStrategy)
      : DEFAULT_SETTINGS.pin,
    syncThoth: boolean('syncThoth'),
    syncAicoe: boolean('syncAicoe'),
    registry: string('registry'),
    registryOrg: string('registryOrg'),
    project: string('project'),
    aicoeBaseImage: string('aicoeBaseImage'),
    registerRuntimeImages: boolean('registerRuntimeImages'),
    runtimeImagePullPolicy: PULL_POLICIES.includes(
      composite.runtimeImagePullPolicy as OverlaysAPI.PullPolicy
    )
      ? (composite.runtimeImagePullPolicy as OverlaysAPI.PullPolicy)
      : DEFAULT_SETTINGS.runtimeImagePullPolicy,
    reviewFileChanges: boolean('reviewFileChanges'),
    holdBackDependencies: boolean('holdBackDependencies')
  };
}
