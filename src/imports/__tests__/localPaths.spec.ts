import {
  importFolders,
  projectPackageFolders,
  resolveInWorkspace,
  sysPathAdditions
} from '../localPaths';

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
