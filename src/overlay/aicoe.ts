/**
 * `.aicoe-ci.yaml`: AICoE CI builds one image per listed overlay.
 */
import {
  configText,
  entryIndex,
  entryList,
  entryNames,
  parseConfig,
  removeEntryIn,
  renameEntry
} from './yamlConfig';
import { isMap, YAMLMap } from 'yaml';

export { AICOE_FILE } from './configFileNames';

/**
 * Build strategies AICoE CI knows. The key is spelled `build-stratergy`: AICoE
 * CI maps `-` to `_` and reads that name.
 */
export const BUILD_STRATEGIES = [
  'Source',
  'Dockerfile',
  'Containerfile'
] as const;

/**
 * The build settings written for a new overlay.
 */
export interface IAicoeBuild {
  name: string;
  buildStrategy?: (typeof BUILD_STRATEGIES)[number];
  baseImage?: string;
  registry?: string;
  registryOrg?: string;
  registryProject?: string;
  registrySecret?: string;
  dockerfilePath?: string;
}

/**
 * The overlays `.aicoe-ci.yaml` builds.
 */
export function aicoeOverlayNames(text: string | null): string[] {
  return entryNames(entryList(parseConfig(text), 'overlays'));
}

/**
 * The base image AICoE CI builds each overlay on (`build.base-image`), by
 * overlay name; overlays without one are left out.
 */
export function aicoeBaseImages(text: string | null): Map<string, string> {
  const bases = new Map<string, string>();
  for (const item of entryList(parseConfig(text), 'overlays')?.items ?? []) {
    const name = isMap(item) ? item.get('name') : undefined;
    const build = isMap(item) ? item.get('build') : undefined;
    const base = isMap(build) ? build.get('base-image') : undefined;
    if (typeof name === 'string' && typeof base === 'string' && base) {
      bases.set(name, base);
    }
  }
  return bases;
}

/**
 * Add an overlay build (the file is created when `text` is null or empty);
 * also makes sure `check` runs `overlays-build`. An existing entry of that
 * name is left as the user has it.
 */
export function addAicoeOverlay(
  text: string | null,
  build: IAicoeBuild,
  overlaysDir: string
): string {
  const doc = parseConfig(text);
  let changed = false;
  const check = entryList(doc, 'check', true);
  if (
    !check.items.some(
      item => String((item as any)?.value ?? item) === 'overlays-build'
    )
  ) {
    check.add(doc.createNode('overlays-build'));
    changed = true;
  }
  if (!doc.has('overlays_dir')) {
    doc.set('overlays_dir', overlaysDir);
    changed = true;
  }
  const list = entryList(doc, 'overlays', true);
  if (entryIndex(list, build.name) < 0) {
    changed = true;
    const settings: Record<string, string> = {
      'build-stratergy': build.buildStrategy ?? 'Source'
    };
    const optional: [string, string | undefined][] = [
      ['base-image', build.baseImage],
      ['dockerfile-path', build.dockerfilePath],
      ['registry', build.registry],
      ['registry-org', build.registryOrg],
      ['registry-project', build.registryProject],
      ['registry-secret', build.registrySecret]
    ];
    for (const [key, value] of optional) {
      if (value) {
        settings[key] = value;
      }
    }
    list.add(doc.createNode({ name: build.name, build: settings }));
  }
  return configText(doc, text, changed);
}

/**
 * Rename an overlay build in place. Its registry project follows when it was
 * named after the overlay (`<project>-<from>`, as this extension writes it),
 * so AICoE CI's image carries the new name; any other project is the user's
 * and is left alone.
 */
export function renameAicoeOverlay(
  text: string,
  from: string,
  to: string
): string {
  const doc = parseConfig(text);
  const list = entryList(doc, 'overlays');
  const index = entryIndex(list, from);
  if (!renameEntry(list, from, to)) {
    return text;
  }
  const build = (list!.items[index] as YAMLMap).get('build');
  if (isMap(build)) {
    const project = build.get('registry-project');
    const suffix = `-${from}`;
    if (typeof project === 'string' && project.endsWith(suffix)) {
      build.set(
        'registry-project',
        project.slice(0, -suffix.length) + `-${to}`
      );
    }
  }
  return configText(doc, text, true);
}

/**
 * Remove an overlay build.
 */
export function removeAicoeOverlay(text: string, name: string): string {
  return removeEntryIn(text, 'overlays', name);
}
