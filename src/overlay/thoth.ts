/**
 * `.thoth.yaml`: thamos and Kebechet read it; thamos validates it strictly.
 */
import {
  configText,
  entryIndex,
  entryList,
  entryNames,
  parseConfig,
  removeEntryIn,
  renameEntryIn,
  setDefault
} from './yamlConfig';

export { THOTH_FILE } from './configFileNames';
export const DEFAULT_THOTH_HOST = 'khemenu.thoth-station.ninja';

/**
 * Recommendation types thamos accepts.
 */
export const RECOMMENDATION_TYPES = [
  'latest',
  'stable',
  'performance',
  'security',
  'testing'
] as const;

/**
 * Keys thamos allows in a runtime environment (anything else is refused).
 */
export const RUNTIME_ENVIRONMENT_KEYS = [
  'name',
  'operating_system',
  'hardware',
  'python_version',
  'cuda_version',
  'cudnn_version',
  'openblas_version',
  'openmpi_version',
  'mkl_version',
  'recommendation_type',
  'platform',
  'base_image',
  'labels'
];

/**
 * The runtime environment written for a new overlay.
 */
export interface IThothEnvironment {
  name: string;
  pythonVersion: string;
  operatingSystem?: { name: string; version: string };
  recommendationType?: (typeof RECOMMENDATION_TYPES)[number];
}

/**
 * The overlays (runtime environments) `.thoth.yaml` lists.
 */
export function thothOverlayNames(text: string | null): string[] {
  return entryNames(entryList(parseConfig(text), 'runtime_environments'));
}

/**
 * `overlays_dir` of `.thoth.yaml`, or null.
 */
export function thothOverlaysDir(text: string | null): string | null {
  const value = parseConfig(text).get('overlays_dir');
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/**
 * Add an overlay's runtime environment (the file is created when `text` is
 * null or empty). An existing entry of that name is left as the user has it.
 */
export function addThothOverlay(
  text: string | null,
  environment: IThothEnvironment,
  overlaysDir: string
): string {
  const doc = parseConfig(text);
  setDefault(doc, 'host', DEFAULT_THOTH_HOST);
  setDefault(doc, 'tls_verify', false);
  setDefault(doc, 'requirements_format', 'pipenv');
  setDefault(doc, 'overlays_dir', overlaysDir);
  if (
    entryIndex(entryList(doc, 'runtime_environments'), environment.name) >= 0
  ) {
    return configText(doc, text, false);
  }
  const list = entryList(doc, 'runtime_environments', true);
  {
    const entry: Record<string, unknown> = { name: environment.name };
    if (environment.operatingSystem) {
      entry.operating_system = { ...environment.operatingSystem };
    }
    entry.python_version = environment.pythonVersion;
    entry.recommendation_type = environment.recommendationType ?? 'latest';
    list.add(doc.createNode(entry));
  }
  return configText(doc, text, true);
}

/**
 * Rename an overlay's runtime environment in place.
 */
export function renameThothOverlay(
  text: string,
  from: string,
  to: string
): string {
  return renameEntryIn(text, 'runtime_environments', from, to);
}

/**
 * Remove an overlay's runtime environment.
 */
export function removeThothOverlay(text: string, name: string): string {
  return removeEntryIn(text, 'runtime_environments', name);
}

/**
 * What thamos's schema would refuse in a `.thoth.yaml` (empty when valid).
 */
export function thothProblems(text: string): string[] {
  const problems: string[] = [];
  const data = parseConfig(text).toJS() as Record<string, unknown>;
  if (typeof data.host !== 'string' || !data.host) {
    problems.push('host is required');
  }
  const environments = data.runtime_environments;
  if (!Array.isArray(environments)) {
    problems.push('runtime_environments must be a list');
    return problems;
  }
  environments.forEach((environment, index) => {
    const where = `runtime_environments[${index}]`;
    if (!environment || typeof environment !== 'object') {
      problems.push(`${where} must be a mapping`);
      return;
    }
    for (const key of Object.keys(environment)) {
      if (!RUNTIME_ENVIRONMENT_KEYS.includes(key)) {
        problems.push(`${where}: key "${key}" is not allowed`);
      }
    }
    if (
      typeof environment.name !== 'string' ||
      !/^[a-zA-Z0-9_-]+$/.test(environment.name)
    ) {
      problems.push(`${where}.name must match ^[a-zA-Z0-9_-]+$`);
    }
    const version = environment.python_version;
    if (
      version !== undefined &&
      version !== null &&
      !/^\d+\.\d+$/.test(String(version))
    ) {
      problems.push(`${where}.python_version must look like 3.11`);
    }
    if (typeof version === 'number') {
      problems.push(`${where}.python_version must be a string, not a number`);
    }
    const type = environment.recommendation_type;
    if (type !== undefined && !RECOMMENDATION_TYPES.includes(type)) {
      problems.push(
        `${where}.recommendation_type must be one of ${RECOMMENDATION_TYPES.join(', ')}`
      );
    }
    const os = environment.operating_system;
    if (
      os !== undefined &&
      (!os || typeof os !== 'object' || Array.isArray(os))
    ) {
      problems.push(`${where}.operating_system must be a mapping`);
    }
  });
  return problems;
}
