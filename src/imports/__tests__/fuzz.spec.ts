import { normalizeName, requirementsFromNotebook } from '..';

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'import ',
  'from ',
  ' import ',
  ' as ',
  '.',
  '..',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ':',
  ';',
  '\\\n',
  '\n',
  '\n    ',
  '\t',
  ' ',
  '"',
  "'",
  '"""',
  "'''",
  '#',
  '%',
  '%%',
  '!',
  '?',
  '??',
  '*',
  '=',
  'try:',
  'except ImportError:',
  'except',
  'def f():',
  'class C:',
  'if x:',
  'with y:',
  'importlib.import_module(',
  '__import__(',
  'pip install ',
  '-r ',
  '--index-url',
  'numpy',
  'sklearn',
  'google.cloud',
  'storage',
  'cv2',
  'os',
  '__future__',
  'constructor',
  '__proto__',
  'é',
  '\u0000',
  '\ud800',
  'f"',
  'b"',
  '==1.0',
  '>=2',
  '[x]',
  '; python_version<"3"',
  'time',
  'bash',
  'pass',
  'lambda',
  'async ',
  'await ',
  'match x:'
];

function soup(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text += PIECES[Math.floor(next() * PIECES.length)];
  }
  return text;
}

function junk(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return Math.floor(next() * 100);
    case 2:
      return soup(next, 5);
    case 3:
      return next() < 0.5;
    case 4:
      return undefined;
    case 5:
      return [junk(next, depth + 1), junk(next, depth + 1)];
    default:
      return {
        source: junk(next, depth + 1),
        cell_type: 'code',
        metadata: junk(next, depth + 1)
      };
  }
}

describe('fuzz: random input never throws', () => {
  it('random cell sources', () => {
    const next = random(20261127);
    for (let i = 0; i < 400; i++) {
      const cells = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
        cell_type: 'code',
        source: soup(next, Math.floor(next() * 60)),
        metadata: {}
      }));
      const requirements = requirementsFromNotebook({
        cells,
        metadata: {}
      } as any);
      for (const requirement of requirements) {
        expect(typeof requirement.specifier).toBe('string');
        expect(requirement.name).toBe(normalizeName(requirement.name));
      }
    }
  });

  it('random notebook structures', () => {
    const next = random(42);
    for (let i = 0; i < 400; i++) {
      const notebook = {
        cells:
          next() < 0.8
            ? Array.from({ length: 3 }, () => junk(next))
            : junk(next),
        metadata: next() < 0.7 ? {} : junk(next)
      };
      expect(() => requirementsFromNotebook(notebook as any)).not.toThrow();
    }
  });

  it('random environments and overrides', () => {
    const next = random(7);
    for (let i = 0; i < 200; i++) {
      const notebook = {
        cells: [{ cell_type: 'code', source: soup(next, 30), metadata: {} }],
        metadata: {}
      };
      const environment = {
        pythonVersion: next() < 0.5 ? '3.12' : (junk(next) as any),
        packages: {
          numpy: junk(next),
          os: [{ distribution: junk(next), version: junk(next) }]
        },
        stdlib: next() < 0.5 ? undefined : ['os']
      };
      expect(() =>
        requirementsFromNotebook(notebook as any, {
          environment: environment as any,
          overrides: { numpy: junk(next) as any }
        })
      ).not.toThrow();
    }
  });
});
