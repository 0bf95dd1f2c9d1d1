import {
  importFolders,
  projectPackageFolders,
  resolveInWorkspace,
  sysPathAdditions
} from '../localPaths';
import { pipInstall, requirementsFileRequirements } from '../magics';

describe('sysPathAdditions', () => {
  it.each([
    ["import sys\nsys.path.append('../..')", ['../..']],
    ['sys.path.insert(0, "../src")', ['../src']],
    ["sys.path.append(os.path.abspath('../lib'))", ['../lib']],
    ['sys.path.extend([\'a\', "b"])', ['a', 'b']],
    ['sys.path.append(ROOT)', []],
    ["print('sys.path is fine')", []]
  ])('%j → %j', (source, paths) => {
    expect(sysPathAdditions(source)).toEqual(paths);
  });
});

describe('resolveInWorkspace', () => {
  it.each([
    ['notebooks/eda', '../..', ''],
    ['notebooks/eda', '../../src', 'src'],
    ['notebooks', './lib/', 'notebooks/lib'],
    ['notebooks', '../..', null],
    ['notebooks', '/usr/lib', null],
    ['notebooks', '~/code', null]
  ])('%j + %j → %j', (folder, path, resolved) => {
    expect(resolveInWorkspace(folder, path)).toBe(resolved);
  });
});

describe('importFolders', () => {
  it('walks up to the root and adds src/, sys.path additions and package folders', () => {
    expect(
      importFolders(
        'notebooks/exploratory/eda.ipynb',
        ["sys.path.append('../../tools')", 'import x'],
        ['lib']
      )
    ).toEqual([
      'notebooks/exploratory',
      'notebooks',
      '',
      'src',
      'lib',
      'tools'
    ]);
  });
});

describe('projectPackageFolders', () => {
  it('reads setuptools package folders of pyproject.toml and setup.cfg', () => {
    expect(
      projectPackageFolders(
        '[tool.setuptools.packages.find]\nwhere = ["lib", "../escape"]\n',
        '[options]\npackage_dir =\n    =code\n'
      )
    ).toEqual(['lib', 'code']);
    expect(projectPackageFolders(null, null)).toEqual([]);
  });
});

describe('pip install -r', () => {
  it.each([
    ['!pip install -r requirements.txt', ['requirements.txt'], []],
    ['%pip install --requirement=../reqs.txt six', ['../reqs.txt'], ['six']],
    ['!pip install -q -r "my reqs.txt" 2>&1', ['my reqs.txt'], []]
  ])('%j names %j', (line, files, names) => {
    const found = pipInstall(line);
    expect(found.files).toEqual(files);
    expect(found.requirements.map(item => item.name)).toEqual(names);
  });

  it('reads the requirements of a file, leaving out what is not one', () => {
    const text = [
      '# pinned',
      'pandas==2.2.3  # comment',
      '-r other.txt',
      '--index-url https://x/simple',
      '-e .',
      'scikit-learn>=1.4 \\',
      '    --hash=sha256:abc',
      'git+https://github.com/x/y.git',
      ''
    ].join('\n');
    expect(
      requirementsFileRequirements(text).map(r => `${r.name} ${r.specifier}`)
    ).toEqual(['pandas ==2.2.3', 'scikit-learn >=1.4']);
  });
});
