/**
 * Pipfiles: read with smol-toml, and edited so that everything the user
 * wrote survives. The `[packages]` and `[requires]` tables are edited line by
 * line, keeping comments and every other table byte for byte; a Pipfile too
 * unusual for that (dotted keys, sub-tables, multi-line values) is rewritten
 * from its parsed data instead, and the caller is told comments were lost.
 */
import { parse, TomlError } from 'smol-toml';
import type { TomlTable, TomlValue } from 'smol-toml';

import type { IRequirement } from '../imports/resolve';
import { normalizeName } from '../imports/resolve';

/**
 * A Pipfile that cannot be read, with where.
 */
export class PipfileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number
  ) {
    super(message);
    this.name = 'PipfileError';
  }
}

/**
 * The value of a Pipfile package entry: a specifier (`"==2.2.3"`, `"*"`) or
 * a table (`{version = ">=2", extras = ["socks"]}`).
 */
export type PackageValue = string | { [key: string]: TomlValue };

/**
 * One entry of `[packages]` or `[dev-packages]`.
 */
export interface IPipfileEntry {
  /** The key as the user wrote it. */
  key: string;
  /** PEP 503 normalised name. */
  name: string;
  /** The version specifier: the string, a table's `version`, or `"*"`. */
  specifier: string;
  value: TomlValue;
}

/**
 * The result of writing a Pipfile.
 */
export interface IPipfileWrite {
  text: string;
  /** False when the file had to be rewritten whole, losing its comments. */
  formattingKept: boolean;
}

/**
 * Changes to apply to a Pipfile.
 */
export interface IPipfileUpdate {
  /** Packages to add or change, by name. */
  set?: Record<string, PackageValue>;
  /** Packages to remove, by any spelling of their name. */
  remove?: string[];
  /** `[requires] python_version`. */
  pythonVersion?: string;
  /**
   * A comment for entries `set` writes, by name (`held back: …`), put after
   * the value on its line; lost when the file must be rewritten whole.
   */
  comments?: Record<string, string>;
}

export const PYPI_SOURCE = {
  url: 'https://pypi.org/simple',
  verify_ssl: true,
  name: 'pypi'
};

/**
 * Parse a Pipfile; throws a PipfileError saying where it is broken.
 */
export function parsePipfile(text: string): TomlTable {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const message = error.message.split('\n')[0];
      throw new PipfileError(message, error.line, error.column);
    }
    throw new PipfileError(String(error));
  }
}

/**
 * The entries of a package table (`packages` or `dev-packages`).
 */
export function pipfilePackages(
  data: TomlTable,
  section: 'packages' | 'dev-packages' = 'packages'
): IPipfileEntry[] {
  const table = data[section];
  if (!isTable(table)) {
    return [];
  }
  return Object.entries(table).map(([key, value]) => ({
    key,
    name: normalizeName(key),
    specifier: specifierOf(value),
    value
  }));
}

/**
 * `[requires] python_version`, or null.
 */
/**
 * The versions a `Pipfile.lock` pins in its `default` section, by PEP 503
 * normalised name (`"==2.2.3"` → `2.2.3`; a requirement pinned otherwise, say
 * by a URL, is left out). Throws on text that is not a JSON object.
 */
export function lockedVersions(text: string): Map<string, string> {
  const data = JSON.parse(text);
  const found = new Map<string, string>();
  const section = data && typeof data === 'object' ? data.default : null;
  if (!section || typeof section !== 'object') {
    return found;
  }
  for (const [key, value] of Object.entries(section)) {
    const version = (value as any)?.version;
    if (typeof version === 'string' && version.startsWith('==')) {
      found.set(normalizeName(key), version.slice(2));
    }
  }
  return found;
}

export function pipfilePythonVersion(data: TomlTable): string | null {
  const requires = data.requires;
  if (isTable(requires) && typeof requires.python_version === 'string') {
    return requires.python_version;
  }
  return null;
}

/**
 * The Pipfile value for a requirement: its specifier, or a table when it
 * has extras or a marker.
 */
export function requirementValue(requirement: IRequirement): PackageValue {
  if (!requirement.extras?.length && !requirement.marker) {
    return requirement.specifier;
  }
  const value: { [key: string]: TomlValue } = {
    version: requirement.specifier
  };
  if (requirement.extras?.length) {
    value.extras = requirement.extras;
  }
  if (requirement.marker) {
    value.markers = requirement.marker;
  }
  return value;
}

/**
 * A new Pipfile with the PyPI source, the packages and the Python version.
 */
export function newPipfile(
  packages: Record<string, PackageValue>,
  pythonVersion: string,
  comments: Record<string, string> = {}
): string {
  const comment = commentOf(comments);
  const lines = [
    '[[source]]',
    `url = ${encodeValue(PYPI_SOURCE.url)}`,
    'verify_ssl = true',
    `name = ${encodeValue(PYPI_SOURCE.name)}`,
    '',
    '[packages]',
    ...Object.entries(packages).map(
      ([key, value]) => entryLine(key, value) + comment(key)
    ),
    '',
    '[dev-packages]',
    '',
    '[requires]',
    `python_version = ${encodeValue(pythonVersion)}`,
    ''
  ];
  return lines.join('\n');
}

/**
 * Apply changes to a Pipfile's text. Throws a PipfileError when the text is
 * not valid TOML: a broken Pipfile is never overwritten.
 */
export function updatePipfile(
  text: string,
  update: IPipfileUpdate
): IPipfileWrite {
  const data = parsePipfile(text);
  const expected = expectedData(data, update);
  const edited = Private.editLines(text, update);
  if (edited !== null) {
    try {
      if (sameJSON(parse(edited), expected)) {
        return { text: edited, formattingKept: true };
      }
    } catch {
      // fall through to the rewrite
    }
  }
  return { text: Private.stringifyPipfile(expected), formattingKept: false };
}

/**
 * The data a Pipfile should hold after an update (changes `data`).
 */
function expectedData(data: TomlTable, update: IPipfileUpdate): TomlTable {
  const result = data;
  const packages: TomlTable = isTable(result.packages) ? result.packages : {};
  const byName = new Map(
    Object.keys(packages).map(key => [normalizeName(key), key])
  );
  for (const name of update.remove ?? []) {
    const key = byName.get(normalizeName(name));
    if (key !== undefined) {
      delete packages[key];
      byName.delete(normalizeName(name));
    }
  }
  for (const [name, value] of Object.entries(update.set ?? {})) {
    const key = byName.get(normalizeName(name)) ?? name;
    packages[key] = value;
    byName.set(normalizeName(name), key);
  }
  result.packages = packages;
  if (update.pythonVersion) {
    const requires: TomlTable = isTable(result.requires) ? result.requires : {};
    requires.python_version = update.pythonVersion;
    result.requires = requires;
  }
  return result;
}

/**
 * A package entry's version specifier: the string, a table's `version`, or
 * `*` when it names none.
 */
export function specifierOf(value: TomlValue): string {
  if (typeof value === 'string') {
    return value;
  }
  if (isTable(value) && typeof value.version === 'string') {
    return value.version;
  }
  return '*';
}

/** The extras a package entry names (`{extras = ["dataframe"]}`). */
export function extrasOf(value: TomlValue): string[] {
  const extras = isTable(value) ? value.extras : undefined;
  return Array.isArray(extras)
    ? extras.filter((extra): extra is string => typeof extra === 'string')
    : [];
}

/** Whether a TOML value is a table (an inline one included). */
export function isTable(value: unknown): value is TomlTable {
  return (
    !!value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date)
  );
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (isTable(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map(key => [key, sortKeys(value[key])])
    );
  }
  return value;
}

/**
 * A TOML key: bare when it can be, quoted otherwise.
 */
export function encodeKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : encodeString(key);
}

/**
 * A TOML value on one line (inline tables for tables).
 */
export function encodeValue(value: TomlValue): string {
  if (typeof value === 'string') {
    return encodeString(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) {
      return 'nan';
    }
    if (!Number.isFinite(value)) {
      return value > 0 ? 'inf' : '-inf';
    }
    return String(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(encodeValue).join(', ')}]`;
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  const entries = Object.entries(value).map(
    ([key, item]) => `${encodeKey(key)} = ${encodeValue(item)}`
  );
  return entries.length ? `{${entries.join(', ')}}` : '{}';
}

function encodeString(text: string): string {
  // A TOML basic string; JSON's escapes are valid TOML except for control
  // characters JSON leaves raw (DEL), escaped here.
  return JSON.stringify(text).replace(/\u007f/g, '\\u007F');
}

function entryLine(key: string, value: TomlValue): string {
  return `${encodeKey(key)} = ${encodeValue(value)}`;
}

/**
 * The end of an entry's line for its comment (`  # held back: …`), by any
 * spelling of its name; one line, whatever the text holds.
 */
function commentOf(comments: Record<string, string>): (key: string) => string {
  const byName = new Map(
    Object.entries(comments).map(([name, text]) => [
      normalizeName(name),
      text.replace(/\s+/g, ' ').trim()
    ])
  );
  return key => {
    const text = byName.get(normalizeName(key));
    return text ? `  # ${text}` : '';
  };
}

namespace Private {
  const HEADER = /^\s*\[\[?\s*([^\]]*?)\s*\]\]?\s*(#.*)?$/;
  const ENTRY =
    /^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=\s*(.*)$/;

  interface ITableRange {
    /** Line index of the header. */
    header: number;
    /** Line index after the table's last line. */
    end: number;
  }

  /**
   * The line range of a `[name]` table; null when missing. Undefined when the
   * file holds the table in a form we do not edit line by line.
   */
  function findTable(
    lines: string[],
    name: string
  ): ITableRange | null | undefined {
    let range: ITableRange | null = null;
    for (let i = 0; i < lines.length; i++) {
      const match = HEADER.exec(lines[i]);
      if (!match) {
        continue;
      }
      const table = match[1].replace(/\s+/g, '');
      if (range && range.end === -1) {
        range.end = i;
      }
      if (table === name) {
        if (range || lines[i].trim().startsWith('[[')) {
          return undefined; // defined twice or as an array of tables
        }
        range = { header: i, end: -1 };
      } else if (
        table.startsWith(`${name}.`) ||
        table.startsWith(`"${name}".`)
      ) {
        return undefined; // sub-tables such as [packages.requests]
      }
    }
    if (range && range.end === -1) {
      range.end = lines.length;
    }
    return range;
  }

  /**
   * Edit `[packages]` and `[requires]` line by line; null when the file's
   * shape needs a full rewrite.
   */
  export function editLines(
    text: string,
    update: IPipfileUpdate
  ): string | null {
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    let lines: string[] | null = text.split(/\r?\n/);

    const set = new Map(
      Object.entries(update.set ?? {}).map(([name, value]) => [
        normalizeName(name),
        { name, value }
      ])
    );
    const remove = new Set((update.remove ?? []).map(normalizeName));
    const comment = commentOf(update.comments ?? {});
    lines = editTable(
      lines,
      'packages',
      (key, line) => {
        const name = normalizeName(key);
        if (remove.has(name) && !set.has(name)) {
          return null;
        }
        const change = set.get(name);
        if (change) {
          set.delete(name);
          return `${line.match(/^\s*/)![0]}${encodeKey(key)} = ${encodeValue(change.value)}${comment(key)}`;
        }
        return line;
      },
      () =>
        [...set.values()].map(
          ({ name, value }) => entryLine(name, value) + comment(name)
        )
    );
    if (!lines) {
      return null;
    }

    if (update.pythonVersion) {
      let found = false;
      const version = update.pythonVersion;
      lines = editTable(
        lines,
        'requires',
        (key, line) => {
          if (key !== 'python_version') {
            return line;
          }
          found = true;
          return `python_version = ${encodeValue(version)}`;
        },
        () => (found ? [] : [`python_version = ${encodeValue(version)}`])
      );
      if (!lines) {
        return null;
      }
    }
    return lines.join(newline);
  }

  /**
   * Map the entry lines of a table and append new ones after its last entry;
   * the table is created at the end of the file when missing.
   */
  function editTable(
    lines: string[],
    table: string,
    mapEntry: (key: string, line: string) => string | null,
    extra: () => string[]
  ): string[] | null {
    const range = findTable(lines, table);
    if (range === undefined) {
      return null;
    }
    if (range === null) {
      const added = extra();
      if (!added.length) {
        return lines;
      }
      const body = [...lines];
      while (body.length && body[body.length - 1].trim() === '') {
        body.pop();
      }
      return [
        ...body,
        ...(body.length ? [''] : []),
        `[${table}]`,
        ...added,
        ''
      ];
    }
    const out = lines.slice(0, range.header + 1);
    let lastEntry = out.length;
    for (let i = range.header + 1; i < range.end; i++) {
      const line = lines[i];
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        out.push(line);
        continue;
      }
      const match = ENTRY.exec(line);
      if (!match || !singleLineValue(match[4])) {
        return null;
      }
      const key =
        match[1] !== undefined
          ? JSON.parse(`"${match[1]}"`)
          : (match[2] ?? match[3]);
      const mapped = mapEntry(key, line);
      if (mapped !== null) {
        out.push(mapped);
        lastEntry = out.length;
      }
    }
    out.splice(lastEntry, 0, ...extra());
    return [...out, ...lines.slice(range.end)];
  }

  /**
   * Whether a value starts and ends on its line (no multi-line strings or
   * arrays, which we do not edit line by line).
   */
  function singleLineValue(value: string): boolean {
    const code = value.replace(/#.*$/, '').trim();
    if (code.startsWith('"""') || code.startsWith("'''")) {
      return false;
    }
    try {
      parse(`x = ${value}`);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A whole Pipfile from data, in the usual table order.
   */
  export function stringifyPipfile(data: TomlTable): string {
    const order = ['source', 'packages', 'dev-packages', 'requires'];
    const keys = [
      ...order.filter(key => key in data),
      ...Object.keys(data).filter(key => !order.includes(key))
    ];
    const out: string[] = [];
    const scalars = keys.filter(
      key => !isTable(data[key]) && !isTableArray(data[key])
    );
    for (const key of scalars) {
      out.push(entryLine(key, data[key]));
    }
    for (const key of keys) {
      const value = data[key];
      if (isTableArray(value)) {
        for (const item of value) {
          out.push('', `[[${encodeKey(key)}]]`);
          writeTable(out, item as TomlTable);
        }
      } else if (isTable(value)) {
        out.push('', `[${encodeKey(key)}]`);
        writeTable(out, value);
      }
    }
    while (out[0] === '') {
      out.shift();
    }
    return out.join('\n') + '\n';
  }

  function writeTable(out: string[], table: TomlTable): void {
    for (const [key, value] of Object.entries(table)) {
      out.push(entryLine(key, value));
    }
  }

  function isTableArray(value: unknown): value is TomlTable[] {
    return Array.isArray(value) && value.length > 0 && value.every(isTable);
  }
}
