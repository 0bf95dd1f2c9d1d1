/**
 * Edit the YAML files other tools read (`.thoth.yaml`, `.aicoe-ci.yaml`) in
 * place with the `yaml` Document API: comments, key order and every entry we
 * do not manage stay as the user wrote them.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  YAMLMap,
  YAMLSeq
} from 'yaml';

/**
 * A YAML file that cannot be read, with where.
 */
export class ConfigFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number
  ) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

/**
 * Parse a YAML file whose top level must be a mapping (or empty).
 */
export function parseConfig(text: string | null): Document {
  const doc = parseDocument(text ?? '');
  const error = doc.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    throw new ConfigFileError(
      error.message.split('\n')[0],
      position?.line,
      position?.col
    );
  }
  if (doc.contents === null) {
    doc.contents = doc.createNode({}) as any;
  }
  if (!isMap(doc.contents)) {
    throw new ConfigFileError(
      'The file must be a YAML mapping (key: value) at the top level.'
    );
  }
  return doc;
}

/**
 * The list of overlay entries under `key` (created when missing).
 */
export function entryList(doc: Document, key: string, create: true): YAMLSeq;
export function entryList(
  doc: Document,
  key: string,
  create?: false
): YAMLSeq | null;
export function entryList(
  doc: Document,
  key: string,
  create = false
): YAMLSeq | null {
  const node = doc.get(key, true);
  if (isSeq(node)) {
    return node;
  }
  if (node !== undefined && !(isScalar(node) && node.value === null)) {
    throw new ConfigFileError(`"${key}" must be a list.`);
  }
  if (!create) {
    return null;
  }
  const seq = doc.createNode([]) as YAMLSeq;
  doc.set(key, seq);
  return seq;
}

/**
 * The `name` of every entry of a list of mappings.
 */
export function entryNames(list: YAMLSeq | null): string[] {
  return (list?.items ?? [])
    .map(item => (isMap(item) ? item.get('name') : undefined))
    .filter((name): name is string => typeof name === 'string');
}

/**
 * The index of the entry named `name`, or -1.
 */
export function entryIndex(list: YAMLSeq | null, name: string): number {
  return (list?.items ?? []).findIndex(
    item => isMap(item) && item.get('name') === name
  );
}

/**
 * The document as text; the original text when nothing changed, so an
 * edit that is a no-op never reformats the user's file.
 */
export function configText(
  doc: Document,
  original: string | null,
  changed: boolean
): string {
  if (!changed && original) {
    return original;
  }
  return doc.toString({ flowCollectionPadding: false });
}

/**
 * Set a top-level scalar when it is missing; leave what the user set.
 */
export function setDefault(doc: Document, key: string, value: unknown): void {
  if (!doc.has(key)) {
    doc.set(key, value);
  }
}

/**
 * Rename the entry `from` to `to` in place; false when there is none.
 */
export function renameEntry(
  list: YAMLSeq | null,
  from: string,
  to: string
): boolean {
  const index = entryIndex(list, from);
  if (index < 0) {
    return false;
  }
  (list!.items[index] as YAMLMap).set('name', to);
  return true;
}

/**
 * Remove the entry `name`; false when there is none.
 */
export function removeEntry(list: YAMLSeq | null, name: string): boolean {
  const index = entryIndex(list, name);
  if (index < 0) {
    return false;
  }
  list!.delete(index);
  return true;
}

/**
 * Rename the entry `from` of the list `key` to `to`, in place; the text is
 * unchanged when there is no such entry.
 */
export function renameEntryIn(
  text: string,
  key: string,
  from: string,
  to: string
): string {
  const doc = parseConfig(text);
  const changed = renameEntry(entryList(doc, key), from, to);
  return configText(doc, text, changed);
}

/**
 * Remove the entry `name` of the list `key`; the text is unchanged when there
 * is no such entry.
 */
export function removeEntryIn(text: string, key: string, name: string): string {
  const doc = parseConfig(text);
  const changed = removeEntry(entryList(doc, key), name);
  return configText(doc, text, changed);
}
