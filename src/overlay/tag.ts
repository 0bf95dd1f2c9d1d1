/**
 * The notebook tag (`metadata.overlay.name`) and the older
 * jupyterlab-requirements metadata that seeds an overlay.
 */
import type { PartialJSONObject } from '@lumino/coreutils';

import { isListedName } from './names';

/** The notebook metadata key this project owns. */
export const METADATA_KEY = 'overlay';

/**
 * The overlay a notebook is tagged to, from its metadata; null when untagged
 * or when the tag is not a name (names earlier versions accepted count).
 */
export function overlayOfMetadata(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== 'object') {
    return null;
  }
  const tag = (metadata as Record<string, unknown>)[METADATA_KEY];
  if (!tag || typeof tag !== 'object') {
    return null;
  }
  const name = (tag as Record<string, unknown>).name;
  return isListedName(name) ? name : null;
}

/**
 * The value to store under `metadata.overlay` for a name, keeping any other
 * keys of an existing tag.
 */
export function overlayTag(existing: unknown, name: string): PartialJSONObject {
  const base =
    existing && typeof existing === 'object' && !Array.isArray(existing)
      ? (existing as PartialJSONObject)
      : {};
  return { ...base, name };
}

/**
 * Packages a notebook declares through jupyterlab-requirements
 * (`metadata.requirements`: the Pipfile as a JSON string): name → Pipfile
 * value. Empty when absent or unreadable.
 */
export function requirementsMetadataPackages(
  metadata: unknown
): Record<string, unknown> {
  if (!metadata || typeof metadata !== 'object') {
    return {};
  }
  const raw = (metadata as Record<string, unknown>).requirements;
  let pipfile: unknown = raw;
  if (typeof raw === 'string') {
    try {
      pipfile = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const packages =
    pipfile && typeof pipfile === 'object'
      ? (pipfile as Record<string, unknown>).packages
      : undefined;
  if (!packages || typeof packages !== 'object' || Array.isArray(packages)) {
    return {};
  }
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(packages)) {
    if (typeof value === 'string' || (value && typeof value === 'object')) {
      result[name] = value;
    }
  }
  return result;
}
