/**
 * IPython syntax in notebook cells: blank it out before parsing as Python,
 * and collect what `%pip install` lines ask for.
 */

/**
 * A requirement written on a `%pip install` / `!pip install` line.
 */
export interface IPipRequirement {
  /** The distribution name as written. */
  name: string;
  /** The version specifier (`"==2.2.3"`, `">=2,<3"`), `"*"` when none. */
  specifier: string;
  /** Extras, `requests[socks]` → `["socks"]`. */
  extras: string[];
  /** The environment marker after `;`, when there is one. */
  marker?: string;
}

/**
 * A cell made ready for a Python parser.
 */
export interface IPreparedCell {
  /**
   * The cell's Python, with IPython lines replaced so that line numbers are
   * kept; empty when the cell is a non-Python cell magic (`%%bash`, …).
   */
  code: string;
  /** The requirements of the cell's `pip install` lines, in order. */
  pipRequirements: IPipRequirement[];
  /** The files its `pip install -r <file>` lines name, as written. */
  requirementFiles: string[];
}

/**
 * Cell magics whose body is Python run in the kernel (or a Python process),
 * so their imports count.
 */
export const PYTHON_CELL_MAGICS: ReadonlySet<string> = new Set([
  'capture',
  'debug',
  'memit',
  'prun',
  'python',
  'python3',
  'time',
  'timeit'
]);

// `x = !ls`, `files = %sx ls`, `a, b = !cmd`.
const ASSIGNED_MAGIC = /^[A-Za-z_][\w.[\], ]*=\s*[!%]/;
// `obj?`, `obj.attr??`, `?obj`, `??obj`.
const HELP = /^(\?{1,2}[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\?{1,2})$/;
// `%pip install`, `!pip3 install`, `!python -m pip install`,
// `!{sys.executable} -m pip install`, `%uv pip install`.
const PIP_INSTALL =
  /^(?:[A-Za-z_][\w.[\], ]*=\s*)?[!%]\s*(?:uv\s+)?(?:(?:\{sys\.executable\}|\S*python[\d.]*)\s+-m\s+)?pip[\d.]*\s+install\b(.*)$/;

/**
 * Blank out IPython syntax in a cell's source and collect `pip install`
 * requirements. Every line keeps its number: a magic line becomes `pass`
 * (at its indentation, so blocks stay valid) and its continuation lines
 * become empty.
 */
export function prepareCell(source: string): IPreparedCell {
  const lines = source.split('\n');
  const pipRequirements: IPipRequirement[] = [];
  const requirementFiles: string[] = [];
  const collect = (line: string) => {
    const found = pipInstall(line);
    pipRequirements.push(...found.requirements);
    requirementFiles.push(...found.files);
  };

  const first = lines[0]?.trimStart() ?? '';
  if (first.startsWith('%%')) {
    const magic = /^%%\s*([\w.]+)/.exec(first)?.[1] ?? '';
    if (!PYTHON_CELL_MAGICS.has(magic)) {
      return { code: '', pipRequirements, requirementFiles };
    }
    lines[0] = '';
  }

  let magic: string | null = null; // the logical magic line being joined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (magic !== null) {
      // A continuation of the magic on the previous line.
      lines[i] = '';
      magic += ' ' + stripContinuation(line.trim());
      if (!line.trimEnd().endsWith('\\')) {
        collect(magic);
        magic = null;
      }
      continue;
    }
    const stripped = line.trim();
    if (!isIPythonLine(stripped)) {
      continue;
    }
    const indent = line.slice(0, line.length - line.trimStart().length);
    lines[i] = indent + 'pass';
    if (stripped.endsWith('\\')) {
      magic = stripContinuation(stripped);
    } else {
      collect(stripped);
    }
  }
  if (magic !== null) {
    collect(magic);
  }
  return { code: lines.join('\n'), pipRequirements, requirementFiles };
}

/**
 * Whether a (stripped) line is IPython rather than Python syntax.
 */
export function isIPythonLine(stripped: string): boolean {
  return (
    stripped.startsWith('%') ||
    stripped.startsWith('!') ||
    ASSIGNED_MAGIC.test(stripped) ||
    HELP.test(stripped)
  );
}

function stripContinuation(text: string): string {
  return text.endsWith('\\') ? text.slice(0, -1).trimEnd() : text;
}

// A shell redirection word: `2>&1`, `>out`, `>>`, `<in`, `&>x`; group 1 is its target
// when written in the same word.
const REDIRECT = /^(?:\d*|&)(?:>>?|<)(?:&?)(.*)$/;

// pip options that take a value as the next word.
const OPTIONS_WITH_VALUE = new Set([
  '-c',
  '-C',
  '-e',
  '-f',
  '-i',
  '-r',
  '-t',
  '--abi',
  '--cache-dir',
  '--cert',
  '--client-cert',
  '--config-settings',
  '--constraint',
  '--editable',
  '--exists-action',
  '--extra-index-url',
  '--find-links',
  '--global-option',
  '--implementation',
  '--index-url',
  '--keyring-provider',
  '--log',
  '--no-binary',
  '--only-binary',
  '--platform',
  '--prefix',
  '--progress-bar',
  '--proxy',
  '--python',
  '--python-version',
  '--report',
  '--requirement',
  '--retries',
  '--root',
  '--root-user-action',
  '--src',
  '--target',
  '--timeout',
  '--trusted-host',
  '--upgrade-strategy',
  '--use-deprecated',
  '--use-feature'
]);

/**
 * The requirements named by one logical `pip install` magic line; none when
 * the line is another magic.
 */
export function pipInstallRequirements(line: string): IPipRequirement[] {
  return pipInstall(line).requirements;
}

/**
 * What one logical `pip install` line asks for: its requirements, and the
 * files its `-r` / `--requirement` options name.
 */
export function pipInstall(line: string): {
  requirements: IPipRequirement[];
  files: string[];
} {
  const match = PIP_INSTALL.exec(line.trim());
  const requirements: IPipRequirement[] = [];
  const files: string[] = [];
  if (!match) {
    return { requirements, files };
  }
  const words = shellWords(match[1]);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const redirect = REDIRECT.exec(word);
    if (redirect) {
      // `2>&1`, `>log.txt`, `> log.txt`, `&>/dev/null`: the shell's, not pip's.
      if (!redirect[1]) {
        i++; // the target is the next word
      }
      continue;
    }
    const file = /^(?:-r|--requirement)(?:=(.+))?$/.exec(word);
    if (file) {
      const path = file[1] ?? words[++i];
      if (path) {
        files.push(path);
      }
      continue;
    }
    if (word.startsWith('-')) {
      if (OPTIONS_WITH_VALUE.has(word)) {
        i++; // skip the option's value
      }
      continue;
    }
    const requirement = parseRequirement(word);
    if (requirement) {
      requirements.push(requirement);
    }
  }
  return { requirements, files };
}

/**
 * The requirements of a requirements file's text (`-r` of a pip line): one
 * per line, comments, options and what is not a PyPI name left out.
 */
export function requirementsFileRequirements(text: string): IPipRequirement[] {
  const requirements: IPipRequirement[] = [];
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) {
      continue;
    }
    const requirement = parseRequirement(line.split(/\s--?[a-z]/)[0]);
    if (requirement) {
      requirements.push(requirement);
    }
  }
  return requirements;
}

/**
 * Split a command line into words like a POSIX shell would (quotes and
 * backslashes), stopping at a comment or a command separator.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) {
        quote = null;
      } else if (char === '\\' && quote === '"' && i + 1 < text.length) {
        word += text[++i];
      } else {
        word += char;
      }
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) {
        words.push(word);
      }
      word = '';
      inWord = false;
    } else if (!inWord && (char === '#' || char === ';' || char === '|')) {
      break;
    } else if (char === '&' && text[i + 1] === '&') {
      break;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

// PEP 440 version specifiers, comma separated: `>=2,<3`, `==1.2.*`, `~=1.4`.
const SPECIFIER = String.raw`(?:===\s*[^\s,;]+|(?:==|~=|!=|<=|>=|<|>)\s*v?\d[A-Za-z0-9.*+!_-]*)`;
const SPECIFIERS = new RegExp(`^${SPECIFIER}(?:\\s*,\\s*${SPECIFIER})*$`);

const REQUIREMENT =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/**
 * Parse one PEP 508 requirement as written on a pip command line; null for
 * anything that is not a PyPI name (paths, URLs, archives, variables).
 */
export function parseRequirement(text: string): IPipRequirement | null {
  const trimmed = text.trim();
  if (
    !trimmed ||
    /^[./~$({]/.test(trimmed) ||
    trimmed.includes('://') ||
    /\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(trimmed)
  ) {
    return null;
  }
  const [requirement, marker] = splitOnce(trimmed, ';');
  const match = REQUIREMENT.exec(requirement);
  if (!match) {
    return null;
  }
  const rest = match[3].trim();
  if (rest.startsWith('@')) {
    return null; // a direct reference (`name @ url`) has no version to keep
  }
  if (rest && !SPECIFIERS.test(rest)) {
    return null;
  }
  const result: IPipRequirement = {
    name: match[1],
    specifier: rest ? rest.replace(/\s+/g, '') : '*',
    extras: (match[2] ?? '')
      .split(',')
      .map(extra => extra.trim())
      .filter(Boolean)
  };
  if (marker?.trim()) {
    result.marker = marker.trim();
  }
  return result;
}

function splitOnce(text: string, separator: string): [string, string?] {
  const index = text.indexOf(separator);
  return index < 0
    ? [text]
    : [text.slice(0, index), text.slice(index + separator.length)];
}
