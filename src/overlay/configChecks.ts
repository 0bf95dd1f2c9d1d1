/**
 * What `.thoth.yaml` and `.aicoe-ci.yaml` lack for the tools that read them:
 * thamos (`host`), Kebechet (`managers`), AICoE CI (`overlays-build` in
 * `check`, and per overlay a registry, organisation and push secret that are
 * not placeholders). Pure: texts in, findings out; the sidebar puts them in
 * words.
 */
import { AICOE_FILE } from './aicoe';
import { THOTH_FILE } from './thoth';
import { entryList, entryNames, parseConfig } from './yamlConfig';
import { isMap, isSeq } from 'yaml';

/**
 * One finding.
 *
 * - `missing-key`: `key` is absent (of `overlay`'s entry, when given);
 * - `placeholder`: `key` holds `value`, an example nobody can push to;
 * - `not-listed`: `overlay` has no entry in the file;
 * - `unreadable`: the file is not YAML the tools can read (`value`: why).
 */
export interface IConfigFinding {
  file: typeof THOTH_FILE | typeof AICOE_FILE;
  kind: 'missing-key' | 'placeholder' | 'not-listed' | 'unreadable';
  key?: string;
  overlay?: string;
  value?: string;
}

/** What AICoE CI needs to push each overlay's image. */
export const AICOE_PUSH_KEYS = [
  'registry',
  'registry-org',
  'registry-secret'
] as const;

const PLACEHOLDER =
  /^(?:my-org(?:-pusher-secret)?|example(?:\.\w+)*|changeme|change-me|todo|xxx+|<.*>|\$\{.*\})$/i;

/**
 * Whether a value is an example left in place rather than a real setting.
 */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/**
 * The findings of `.thoth.yaml` (`null`: no such file, nothing to check).
 */
export function thothFindings(
  text: string | null,
  overlays: readonly string[]
): IConfigFinding[] {
  if (text === null) {
    return [];
  }
  const file = THOTH_FILE;
  let doc;
  try {
    doc = parseConfig(text);
  } catch (error) {
    return [{ file, kind: 'unreadable', value: (error as Error).message }];
  }
  const found: IConfigFinding[] = [];
  const host = doc.get('host');
  if (typeof host !== 'string' || !host.trim()) {
    found.push({ file, kind: 'missing-key', key: 'host' });
  } else if (isPlaceholder(host)) {
    found.push({ file, kind: 'placeholder', key: 'host', value: host });
  }
  const managers = doc.get('managers');
  if (!isSeq(managers) || managers.items.length === 0) {
    found.push({ file, kind: 'missing-key', key: 'managers' });
  }
  const listed = new Set(entryNames(entryList(doc, 'runtime_environments')));
  for (const overlay of overlays) {
    if (!listed.has(overlay)) {
      found.push({ file, kind: 'not-listed', overlay });
    }
  }
  return found;
}

/**
 * The findings of `.aicoe-ci.yaml` (`null`: no such file, nothing to check).
 */
export function aicoeFindings(
  text: string | null,
  overlays: readonly string[]
): IConfigFinding[] {
  if (text === null) {
    return [];
  }
  const file = AICOE_FILE;
  let doc;
  try {
    doc = parseConfig(text);
  } catch (error) {
    return [{ file, kind: 'unreadable', value: (error as Error).message }];
  }
  const found: IConfigFinding[] = [];
  const check = doc.get('check');
  const checks = isSeq(check)
    ? check.items.map(item => String((item as any)?.value ?? item))
    : [];
  if (!checks.includes('overlays-build')) {
    found.push({ file, kind: 'missing-key', key: 'check: overlays-build' });
  }
  const list = entryList(doc, 'overlays');
  const entries = new Map<string, any>();
  for (const item of list?.items ?? []) {
    if (isMap(item) && typeof item.get('name') === 'string') {
      entries.set(item.get('name') as string, item.get('build'));
    }
  }
  for (const overlay of overlays) {
    if (!entries.has(overlay)) {
      found.push({ file, kind: 'not-listed', overlay });
      continue;
    }
    const build = entries.get(overlay);
    for (const key of AICOE_PUSH_KEYS) {
      const value = isMap(build) ? build.get(key) : undefined;
      if (typeof value !== 'string' || !value.trim()) {
        found.push({ file, kind: 'missing-key', key, overlay });
      } else if (isPlaceholder(value)) {
        found.push({ file, kind: 'placeholder', key, overlay, value });
      }
    }
  }
  return found;
}
