/**
 * Find the imports of Python code with a real parser (@lezer/python).
 */
import { parser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';

/**
 * One import found in code.
 */
export interface IImport {
  /** The absolute dotted module path as written: `sklearn.model_selection`. */
  module: string;
  /**
   * For `from m import a, b`: the imported names (`["a", "b"]`, `["*"]`);
   * empty for `import m` and dynamic imports.
   */
  names: string[];
  /** `import m`, `from m import x`, or `importlib.import_module("m")`. */
  kind: 'import' | 'from' | 'dynamic';
  /** Inside `try:` whose `except` catches ImportError / ModuleNotFoundError. */
  optional: boolean;
  /** 0-based line of the statement in the code. */
  line: number;
}

const IMPORT_ERRORS = new Set(['ImportError', 'ModuleNotFoundError']);
const DYNAMIC_IMPORTERS = new Set(['__import__', 'import_module']);

/**
 * The imports of a piece of Python code, in source order. Relative imports,
 * `__future__`, and anything in strings or comments are left out. Never throws:
 * on a syntax error it keeps what the parser recovers.
 */
export function extractImports(code: string): IImport[] {
  return extractCodeImports(code).imports;
}

/**
 * The imports of code and the 0-based line of its first syntax error (null:
 * none). Code that never says `import` is not parsed: no error is reported,
 * since no import can be missed there.
 */
export function extractCodeImports(code: string): {
  imports: IImport[];
  syntaxError: number | null;
} {
  // Code without these words cannot import anything: skip the parse.
  if (!code.includes('import')) {
    return { imports: [], syntaxError: null };
  }
  const tree = parser.parse(code);
  const imports: IImport[] = [];
  const lines = new LineIndex(code);
  let syntaxError: number | null = null;
  const cursor = tree.cursor();
  do {
    const name = cursor.name;
    if (cursor.type.isError && syntaxError === null) {
      // An error at the end (an unclosed bracket) is on the last written line.
      const end = Math.max(0, code.trimEnd().length - 1);
      syntaxError = lines.lineOf(Math.min(cursor.from, end));
    }
    if (name === 'ImportStatement') {
      const node = cursor.node;
      const found = importStatement(node, code);
      if (found.length) {
        const optional = isOptional(node, code);
        const line = lines.lineOf(node.from);
        for (const item of found) {
          imports.push({ ...item, optional, line });
        }
      }
    } else if (name === 'CallExpression') {
      const node = cursor.node;
      const module = dynamicImport(node, code);
      if (module) {
        imports.push({
          module,
          names: [],
          kind: 'dynamic',
          optional: isOptional(node, code),
          line: lines.lineOf(node.from)
        });
      }
    }
  } while (cursor.next());
  return { imports, syntaxError };
}

type Found = Pick<IImport, 'module' | 'names' | 'kind'>;

/**
 * The modules of one `import …` or `from … import …` statement.
 */
function importStatement(node: SyntaxNode, code: string): Found[] {
  const first = node.firstChild;
  if (!first) {
    return [];
  }
  const found: Found[] = [];
  if (first.name === 'import') {
    // import a.b as c, d
    let parts: string[] = [];
    let alias = false;
    const flush = () => {
      if (parts.length) {
        found.push({ module: parts.join('.'), names: [], kind: 'import' });
      }
      parts = [];
      alias = false;
    };
    for (let child = first.nextSibling; child; child = child.nextSibling) {
      switch (child.name) {
        case 'VariableName':
          if (!alias) {
            parts.push(text(child, code));
          }
          break;
        case 'as':
          alias = true;
          break;
        case ',':
          flush();
          break;
      }
    }
    flush();
    return found.filter(item => item.module !== '__future__');
  }

  if (first.name === 'from') {
    // from a.b import (c as d, e)
    const parts: string[] = [];
    let relative = false;
    let child = first.nextSibling;
    for (; child && child.name !== 'import'; child = child.nextSibling) {
      if (child.name === 'VariableName') {
        parts.push(text(child, code));
      } else if (parts.length === 0 && child.name !== '⚠') {
        relative = true; // `.`, `..` or `...` before the module name
      }
    }
    if (relative || !parts.length || parts[0] === '__future__') {
      return [];
    }
    const names: string[] = [];
    let alias = false;
    for (child = child?.nextSibling ?? null; child; child = child.nextSibling) {
      if (child.name === 'VariableName') {
        if (!alias) {
          names.push(text(child, code));
        }
        alias = false;
      } else if (child.name === 'as') {
        alias = true;
      } else if (child.name === '*') {
        names.push('*');
      }
    }
    found.push({ module: parts.join('.'), names, kind: 'from' });
  }
  return found;
}

/**
 * The module of `importlib.import_module("x.y")`, `import_module("x")` or
 * `__import__("x")` with a literal string; null for any other call.
 */
function dynamicImport(node: SyntaxNode, code: string): string | null {
  const callee = node.firstChild;
  if (!callee) {
    return null;
  }
  let calleeName: string | null = null;
  if (callee.name === 'VariableName') {
    calleeName = text(callee, code);
  } else if (callee.name === 'MemberExpression') {
    const object = callee.firstChild;
    const property = callee.lastChild;
    if (
      object?.name === 'VariableName' &&
      text(object, code) === 'importlib' &&
      property?.name === 'PropertyName'
    ) {
      calleeName = text(property, code);
    }
  }
  if (!calleeName || !DYNAMIC_IMPORTERS.has(calleeName)) {
    return null;
  }
  const args = callee.nextSibling;
  const firstArg =
    args?.name === 'ArgList' ? args.firstChild?.nextSibling : null;
  if (!firstArg || firstArg.name !== 'String') {
    return null;
  }
  const next = firstArg.nextSibling;
  if (next && next.name !== ',' && next.name !== ')') {
    return null; // e.g. "a" + name: not a literal
  }
  const module = stringValue(text(firstArg, code));
  return module && /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/.test(module)
    ? module
    : null;
}

/**
 * The value of a plain Python string literal (no escapes needed for module
 * names); null for bytes literals.
 */
function stringValue(literal: string): string | null {
  const match = /^([rRuU]*)('''|"""|'|")([\s\S]*)\2$/.exec(literal);
  return match ? match[3] : null;
}

/**
 * Whether an import sits in the body of a `try:` that catches ImportError
 * or ModuleNotFoundError (alone, in a tuple, or as a bare `except:`-less
 * subclass name).
 */
function isOptional(node: SyntaxNode, code: string): boolean {
  for (
    let inner = node, outer = node.parent;
    outer;
    inner = outer, outer = outer.parent
  ) {
    if (outer.name !== 'TryStatement' || inner.name !== 'Body') {
      continue;
    }
    const tryBody = outer.getChild('Body');
    if (!tryBody || tryBody.from !== inner.from) {
      continue; // in an except / else / finally body, not the try body
    }
    if (catchesImportError(outer, code)) {
      return true;
    }
  }
  return false;
}

function catchesImportError(tryNode: SyntaxNode, code: string): boolean {
  for (let child = tryNode.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'except') {
      continue;
    }
    const caught = child.nextSibling;
    if (!caught || caught.name === 'Body') {
      continue;
    }
    const names: string[] = [];
    if (
      caught.name === 'TupleExpression' ||
      caught.name === 'ParenthesizedExpression'
    ) {
      for (let item = caught.firstChild; item; item = item.nextSibling) {
        names.push(exceptionName(item, code));
      }
    } else {
      names.push(exceptionName(caught, code));
    }
    if (names.some(name => IMPORT_ERRORS.has(name))) {
      return true;
    }
  }
  return false;
}

/** `ImportError` for `ImportError` and `builtins.ImportError`. */
function exceptionName(node: SyntaxNode, code: string): string {
  if (node.name === 'VariableName') {
    return text(node, code);
  }
  if (node.name === 'MemberExpression') {
    const property = node.lastChild;
    return property ? text(property, code) : '';
  }
  return '';
}

function text(node: SyntaxNode, code: string): string {
  return code.slice(node.from, node.to);
}

/**
 * Line numbers of offsets, by binary search over line starts.
 */
class LineIndex {
  constructor(code: string) {
    this._starts = [0];
    for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) {
      this._starts.push(i + 1);
    }
  }

  lineOf(offset: number): number {
    let low = 0;
    let high = this._starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this._starts[middle] <= offset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  private _starts: number[];
}
