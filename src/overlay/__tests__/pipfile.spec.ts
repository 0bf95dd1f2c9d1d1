import { IRequirement } from '../../imports';
import {
  lockedVersions,
  newPipfile,
  parsePipfile,
  PipfileError,
  pipfilePackages,
  pipfilePythonVersion,
  requirementValue,
  updatePipfile
} from '../pipfile';

const USER_PIPFILE = `# Our training stack — keep pandas below 3 until the migration.
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.pytorch.org/whl/cpu"
verify_ssl = true
name = "pytorch"

[packages]
pandas = "<3"  # see above
scikit_learn = "*"
torch = {version = "==2.4.1", index = "pytorch"}
"my.internal-lib" = {path = "../../lib", editable = true}

[dev-packages]
pytest = "*"

[requires]
python_version = "3.11"

[scripts]
train = "python -m train"

[pipenv]
allow_prereleases = false
`;

describe('parsePipfile', () => {
  it('reads packages, their specifiers and the Python version', () => {
    const data = parsePipfile(USER_PIPFILE);
    expect(
      pipfilePackages(data).map(e => [e.key, e.name, e.specifier])
    ).toEqual([
      ['pandas', 'pandas', '<3'],
      ['scikit_learn', 'scikit-learn', '*'],
      ['torch', 'torch', '==2.4.1'],
      ['my.internal-lib', 'my-internal-lib', '*']
    ]);
    expect(pipfilePackages(data, 'dev-packages').map(e => e.name)).toEqual([
      'pytest'
    ]);
    expect(pipfilePythonVersion(data)).toBe('3.11');
  });

  it('says where a broken Pipfile is broken', () => {
    let error: unknown;
    try {
      parsePipfile('[packages]\npandas = "==2.2\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipfileError);
    expect((error as PipfileError).line).toBe(2);
    expect((error as PipfileError).message).not.toContain('\n');
  });

  it('has no packages when the table is missing', () => {
    const data = parsePipfile('[requires]\npython_version = "3.12"\n');
    expect(pipfilePackages(data)).toEqual([]);
  });
});

describe('newPipfile', () => {
  it('writes the PyPI source, packages, dev-packages and requires', () => {
    const text = newPipfile(
      { pandas: '==2.2.3', requests: { version: '>=2.31', extras: ['socks'] } },
      '3.11'
    );
    expect(text).toBe(
      [
        '[[source]]',
        'url = "https://pypi.org/simple"',
        'verify_ssl = true',
        'name = "pypi"',
        '',
        '[packages]',
        'pandas = "==2.2.3"',
        'requests = {version = ">=2.31", extras = ["socks"]}',
        '',
        '[dev-packages]',
        '',
        '[requires]',
        'python_version = "3.11"',
        ''
      ].join('\n')
    );
    expect(pipfilePackages(parsePipfile(text)).map(e => e.specifier)).toEqual([
      '==2.2.3',
      '>=2.31'
    ]);
  });
});

describe('updatePipfile', () => {
  it('edits packages in place and keeps everything else byte for byte', () => {
    const { text, formattingKept } = updatePipfile(USER_PIPFILE, {
      set: { 'scikit-learn': '==1.5.2', numpy: '==2.1.1' },
      remove: ['pandas'],
      pythonVersion: '3.12'
    });
    expect(formattingKept).toBe(true);
    expect(text).toBe(
      USER_PIPFILE.replace('pandas = "<3"  # see above\n', '')
        .replace('scikit_learn = "*"', 'scikit_learn = "==1.5.2"')
        .replace(
          '"my.internal-lib" = {path = "../../lib", editable = true}\n',
          '"my.internal-lib" = {path = "../../lib", editable = true}\nnumpy = "==2.1.1"\n'
        )
        .replace('python_version = "3.11"', 'python_version = "3.12"')
    );
  });

  it('keeps the user’s key spelling when changing a package', () => {
    const { text } = updatePipfile(USER_PIPFILE, {
      set: { scikit_learn: '~=1.5' }
    });
    expect(text).toContain('scikit_learn = "~=1.5"');
    expect(text).not.toContain('scikit-learn');
  });

  it('creates [packages] and [requires] when they are missing', () => {
    const { text, formattingKept } = updatePipfile('# only a comment\n', {
      set: { pandas: '*' },
      pythonVersion: '3.11'
    });
    expect(formattingKept).toBe(true);
    expect(text).toBe(
      '# only a comment\n\n[packages]\npandas = "*"\n\n[requires]\npython_version = "3.11"\n'
    );
  });

  it('keeps CRLF line endings', () => {
    const crlf =
      '[packages]\r\npandas = "*"\r\n\r\n[requires]\r\npython_version = "3.11"\r\n';
    const { text } = updatePipfile(crlf, { set: { numpy: '*' } });
    expect(text).toBe(
      '[packages]\r\npandas = "*"\r\nnumpy = "*"\r\n\r\n[requires]\r\npython_version = "3.11"\r\n'
    );
  });

  it('rewrites a Pipfile with sub-tables, keeping its data but saying so', () => {
    const odd =
      '[packages.requests]\nversion = "*"\nextras = ["socks"]\n\n[scripts]\nx = "y"\n';
    const { text, formattingKept } = updatePipfile(odd, {
      set: { pandas: '==2.2.3' }
    });
    expect(formattingKept).toBe(false);
    const data = parsePipfile(text);
    expect(data.packages).toEqual({
      requests: { version: '*', extras: ['socks'] },
      pandas: '==2.2.3'
    });
    expect(data.scripts).toEqual({ x: 'y' });
  });

  it('rewrites a Pipfile with dotted keys in [packages]', () => {
    const dotted = '[packages]\nrequests.version = "*"\n';
    const { text, formattingKept } = updatePipfile(dotted, {
      remove: ['requests']
    });
    expect(formattingKept).toBe(false);
    expect(parsePipfile(text).packages).toEqual({});
  });

  it('never overwrites a broken Pipfile', () => {
    expect(() =>
      updatePipfile('[packages\npandas = "*"', { set: { numpy: '*' } })
    ).toThrow(PipfileError);
  });

  it('quotes keys and escapes values that need it', () => {
    const { text } = updatePipfile('[packages]\n', {
      set: { 'zope.interface': '*', 'weird"name': '>=1' }
    });
    expect(parsePipfile(text).packages).toEqual({
      'zope.interface': '*',
      'weird"name': '>=1'
    });
  });
});

describe('Pipfile comments', () => {
  it('writes a comment after an entry, on one line, by any spelling of its name', () => {
    const text = newPipfile({ Matplotlib: '<3.11', six: '*' }, '3.11', {
      matplotlib: 'held back:\n bambi'
    });
    expect(text).toContain(
      '[packages]\nMatplotlib = "<3.11"  # held back: bambi\nsix = "*"\n'
    );
    expect(pipfilePackages(parsePipfile(text)).map(e => e.specifier)).toEqual([
      '<3.11',
      '*'
    ]);
  });

  it('puts comments on the entries an update adds or changes, keeping the others', () => {
    const before = '[packages]\n# plots\nmatplotlib = "*"\nsix = "*"  # mine\n';
    const { text, formattingKept } = updatePipfile(before, {
      set: { matplotlib: '<3.11', sparse: '<0.18' },
      comments: { matplotlib: 'held back: bambi', sparse: 'held back: bambi' }
    });
    expect(formattingKept).toBe(true);
    expect(text).toBe(
      '[packages]\n# plots\nmatplotlib = "<3.11"  # held back: bambi\n' +
        'six = "*"  # mine\nsparse = "<0.18"  # held back: bambi\n'
    );
  });
});

describe('requirementValue', () => {
  const base: IRequirement = {
    name: 'requests',
    specifier: '>=2.31',
    source: 'pip-magic',
    modules: [],
    optional: false,
    ambiguous: false
  };

  it('is the specifier for a plain requirement', () => {
    expect(requirementValue(base)).toBe('>=2.31');
  });

  it('is a table with extras and markers', () => {
    expect(
      requirementValue({
        ...base,
        extras: ['socks'],
        marker: 'python_version < "3.12"'
      })
    ).toEqual({
      version: '>=2.31',
      extras: ['socks'],
      markers: 'python_version < "3.12"'
    });
  });
});

describe('lockedVersions', () => {
  it('reads the pinned versions of the default section by normalised name', () => {
    const text = JSON.stringify({
      default: {
        Scikit_Learn: { version: '==1.5.2' },
        mine: { path: '.' },
        other: { version: '>=1' }
      },
      develop: { pytest: { version: '==8.0.0' } }
    });
    expect([...lockedVersions(text)]).toEqual([['scikit-learn', '1.5.2']]);
    expect(lockedVersions('{}').size).toBe(0);
    expect(() => lockedVersions('{not json')).toThrow();
  });
});
