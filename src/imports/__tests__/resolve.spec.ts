import {
  IImport,
  IImportEnvironment,
  importPaths,
  namespaceDistribution,
  normalizeName,
  pinSpecifier,
  resolveRequirements,
  stdlibModules,
  STDLIB_VERSIONS
} from '..';

function imp(module: string, names: string[] = [], optional = false): IImport {
  return {
    module,
    names,
    kind: names.length ? 'from' : 'import',
    optional,
    line: 0
  };
}

function names(modules: string[], options = {}): string[] {
  return resolveRequirements(
    modules.map(m => imp(m)),
    [],
    options
  ).map(r => r.name);
}

describe('normalizeName', () => {
  it.each([
    ['scikit_learn', 'scikit-learn'],
    ['PyYAML', 'pyyaml'],
    ['zope.interface', 'zope-interface'],
    ['a__b--c..d', 'a-b-c-d']
  ])('%s → %s', (name, expected) => {
    expect(normalizeName(name)).toBe(expected);
  });
});

describe('the standard library', () => {
  it('bundles 3.9 to 3.13', () => {
    expect(STDLIB_VERSIONS).toEqual(['3.9', '3.10', '3.11', '3.12', '3.13']);
  });

  it('is dropped for the overlay Python version', () => {
    expect(
      names(['os', 'json', 'asyncio', 'tomllib', 'pandas'], {
        pythonVersion: '3.11'
      })
    ).toEqual(['pandas']);
  });

  it('knows tomllib arrived in 3.11 and distutils left in 3.12', () => {
    expect(stdlibModules('3.10').has('tomllib')).toBe(false);
    expect(stdlibModules('3.11').has('tomllib')).toBe(true);
    expect(stdlibModules('3.11').has('distutils')).toBe(true);
    expect(stdlibModules('3.12.4').has('distutils')).toBe(false);
    expect(names(['distutils'], { pythonVersion: '3.11' })).toEqual([]);
    expect(names(['distutils'], { pythonVersion: '3.12' })).toEqual([
      'setuptools'
    ]);
  });

  it('takes the nearest older version for newer Pythons', () => {
    expect(stdlibModules('3.14')).toBe(stdlibModules('3.13'));
    expect(stdlibModules('3.8')).toBe(stdlibModules('3.9'));
  });

  it('uses the environment stdlib list when there is one', () => {
    const environment: IImportEnvironment = {
      pythonVersion: '3.11.7',
      stdlib: ['os', 'pandas']
    };
    expect(names(['os', 'pandas', 'json'], { environment })).toEqual(['json']);
  });
});

describe('the bundled table', () => {
  it('adds what a submodule needs besides its own distribution', () => {
    const requirements = resolveRequirements(
      [
        imp('bokeh.sampledata.autompg', ['autompg']),
        imp('dask.dataframe', [], true),
        imp('dask.distributed', ['Client']),
        imp('ray.tune.schedulers')
      ],
      []
    );
    const byName = Object.fromEntries(requirements.map(r => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual([
      'bokeh',
      'bokeh-sampledata',
      'dask',
      'ray'
    ]);
    expect(byName['bokeh-sampledata']).toMatchObject({
      source: 'table',
      modules: ['bokeh.sampledata'],
      optional: false
    });
    expect(byName['dask'].extras).toEqual(['dataframe', 'distributed']);
    // One import guarded, one not: dask is needed.
    expect(byName['dask'].optional).toBe(false);
    expect(byName['ray'].extras).toEqual(['tune']);
    // A submodule with no companion adds nothing.
    const [plain] = resolveRequirements([imp('bokeh.plotting')], []);
    expect(plain.extras).toBeUndefined();
  });

  it.each([
    ['sklearn', 'scikit-learn'],
    ['cv2', 'opencv-python'],
    ['PIL', 'pillow'],
    ['yaml', 'pyyaml'],
    ['bs4', 'beautifulsoup4'],
    ['dateutil', 'python-dateutil'],
    ['dotenv', 'python-dotenv'],
    ['attr', 'attrs'],
    ['jwt', 'pyjwt'],
    ['Crypto', 'pycryptodome'],
    ['git', 'gitpython'],
    ['docx', 'python-docx'],
    ['skimage', 'scikit-image'],
    ['Bio', 'biopython'],
    ['fitz', 'pymupdf'],
    ['zmq', 'pyzmq'],
    ['serial', 'pyserial'],
    ['MySQLdb', 'mysqlclient'],
    ['socks', 'pysocks']
  ])('%s → %s', (module, distribution) => {
    const [requirement] = resolveRequirements([imp(module)], []);
    expect(requirement.name).toBe(distribution);
    expect(requirement.modules).toEqual([module]);
    expect(requirement.source).toBe('table');
  });

  it('leaves generic names pipreqs got wrong to the identity rule', () => {
    const requirements = resolveRequirements(
      [imp('models'), imp('demo'), imp('src')],
      []
    );
    expect(requirements.map(r => [r.name, r.source])).toEqual([
      ['demo', 'identity'],
      ['models', 'identity'],
      ['src', 'identity']
    ]);
  });

  it('takes the distribution metadata names for a module nothing else resolves', () => {
    const requirements = resolveRequirements(
      [imp('sksurv.linear_model'), imp('sklearn'), imp('tqdm')],
      [],
      // sklearn is decided by the bundled table, which comes first.
      { providers: { sksurv: 'scikit-survival', sklearn: 'not-this' } }
    );
    expect(requirements.map(r => [r.name, r.source, r.modules])).toEqual([
      ['scikit-learn', 'table', ['sklearn']],
      ['scikit-survival', 'metadata', ['sksurv']],
      ['tqdm', 'identity', ['tqdm']]
    ]);
  });

  it('drops the Python 2 branch of a fallback import, not a plain import', () => {
    const optional = { ...imp('StringIO'), optional: true };
    const urllib2 = { ...imp('urllib2'), optional: true };
    expect(resolveRequirements([optional, urllib2], [])).toEqual([]);
    // Written without a fallback, it is what the notebook needs: it stays, and
    // the index check says it is not on PyPI.
    expect(resolveRequirements([imp('StringIO')], []).map(r => r.name)).toEqual(
      ['stringio']
    );
  });

  it('falls back to the module name itself, keeping the path for the index', () => {
    const [requirement] = resolveRequirements(
      [imp('pandas.io.json'), imp('pandas.io.formats.style'), imp('pandas')],
      []
    );
    expect(requirement).toMatchObject({
      name: 'pandas',
      source: 'identity',
      modules: ['pandas.io.json', 'pandas.io.formats', 'pandas']
    });
  });
});

describe('namespace packages', () => {
  it.each([
    ['google.cloud.storage', 'google-cloud-storage'],
    ['google.cloud.bigquery.table', 'google-cloud-bigquery'],
    ['google.protobuf.json_format', 'protobuf'],
    ['google.oauth2.service_account', 'google-auth'],
    ['google.api_core.exceptions', 'google-api-core'],
    ['azure.storage.blob', 'azure-storage-blob'],
    ['azure.storage.blob.aio', 'azure-storage-blob'],
    ['azure.identity', 'azure-identity'],
    ['azure.mgmt.compute', 'azure-mgmt-compute'],
    ['zope.interface', 'zope-interface'],
    ['backports.zoneinfo', 'backports-zoneinfo'],
    // Families seen in real notebooks: thoth.storages was the placeholder "thoth".
    ['thoth.storages', 'thoth-storages'],
    ['thoth.common.helpers', 'thoth-common'],
    ['thoth.lab', 'thoth-lab'],
    ['argo.workflows.client', 'argo-workflows']
  ])('%s → %s', (path, distribution) => {
    expect(namespaceDistribution(path)).toBe(distribution);
    expect(names([path])).toEqual([distribution]);
  });

  it('maps the import names real notebooks used that pipreqs lacks', () => {
    expect(names(['gremlin_python.driver', 'rgf.sklearn', 'kale.sdk'])).toEqual(
      ['gremlinpython', 'kubeflow-kale', 'rgf-python']
    );
    expect(
      resolveRequirements([imp('thoth', ['storages', 'common'])], []).map(
        requirement => requirement.name
      )
    ).toEqual(['thoth-common', 'thoth-storages']);
  });

  it('is not deep enough at the root or group alone', () => {
    expect(namespaceDistribution('google')).toBeNull();
    expect(namespaceDistribution('google.cloud')).toBeNull();
    expect(namespaceDistribution('pandas')).toBeNull();
  });

  it('reads `from google.cloud import storage, bigquery` as two submodules', () => {
    expect(importPaths(imp('google.cloud', ['storage', 'bigquery']))).toEqual([
      'google.cloud.storage',
      'google.cloud.bigquery'
    ]);
    const requirements = resolveRequirements(
      [imp('google.cloud', ['storage', 'bigquery'])],
      []
    );
    expect(requirements.map(r => [r.name, r.modules])).toEqual([
      ['google-cloud-bigquery', ['google.cloud.bigquery']],
      ['google-cloud-storage', ['google.cloud.storage']]
    ]);
  });

  it('prefers the installed submodule distribution among many for the root', () => {
    const environment: IImportEnvironment = {
      pythonVersion: '3.11',
      packages: {
        google: [
          { distribution: 'protobuf', version: '5.28.0' },
          { distribution: 'google-cloud-storage', version: '2.18.2' }
        ]
      }
    };
    const requirements = resolveRequirements(
      [imp('google.cloud.storage'), imp('google.cloud.pubsub')],
      [],
      { environment }
    );
    expect(requirements.map(r => [r.name, r.specifier, r.source])).toEqual([
      ['google-cloud-pubsub', '*', 'table'],
      ['google-cloud-storage', '==2.18.2', 'environment']
    ]);
  });
});

describe('ambiguous imports', () => {
  it('flags cv2 and psycopg2 with their candidates', () => {
    const requirements = resolveRequirements([imp('cv2'), imp('psycopg2')], []);
    expect(requirements.map(r => [r.name, r.ambiguous, r.candidates])).toEqual([
      [
        'opencv-python',
        true,
        [
          'opencv-python',
          'opencv-python-headless',
          'opencv-contrib-python',
          'opencv-contrib-python-headless'
        ]
      ],
      ['psycopg2', true, ['psycopg2', 'psycopg2-binary']]
    ]);
  });

  it('is settled by an override: the user’s pick', () => {
    const [requirement] = resolveRequirements([imp('cv2')], [], {
      overrides: { cv2: 'opencv-python-headless' }
    });
    expect(requirement).toMatchObject({
      name: 'opencv-python-headless',
      source: 'override',
      ambiguous: false,
      modules: ['cv2']
    });
  });

  it('is settled by the environment when one candidate is installed', () => {
    const environment: IImportEnvironment = {
      pythonVersion: '3.11',
      packages: {
        cv2: [{ distribution: 'opencv-python-headless', version: '4.10.0.84' }]
      }
    };
    const [requirement] = resolveRequirements([imp('cv2')], [], {
      environment
    });
    expect(requirement).toMatchObject({
      name: 'opencv-python-headless',
      specifier: '==4.10.0.84',
      source: 'environment',
      ambiguous: false
    });
  });

  it('comes from the environment when several installed distributions provide a name', () => {
    const environment: IImportEnvironment = {
      pythonVersion: '3.11',
      packages: {
        psycopg2: [
          { distribution: 'psycopg2-binary', version: '2.9.9' },
          { distribution: 'psycopg2', version: '2.9.9' }
        ]
      }
    };
    const [requirement] = resolveRequirements([imp('psycopg2')], [], {
      environment
    });
    expect(requirement).toMatchObject({
      name: 'psycopg2',
      ambiguous: true,
      source: 'environment'
    });
    expect(requirement.candidates).toEqual(['psycopg2-binary', 'psycopg2']);
  });
});

describe('resolution order', () => {
  const environment: IImportEnvironment = {
    pythonVersion: '3.11',
    packages: {
      yaml: [{ distribution: 'PyYAML', version: '6.0.2' }],
      sklearn: [{ distribution: 'scikit-learn', version: '1.5.2' }],
      mymod: [{ distribution: 'my-internal-dist', version: '0.3' }]
    }
  };

  it('overrides beat the environment, the environment beats the table', () => {
    const requirements = resolveRequirements(
      [imp('yaml'), imp('mymod'), imp('bs4')],
      [],
      {
        environment,
        overrides: { yaml: 'ruamel.yaml' }
      }
    );
    expect(requirements.map(r => [r.name, r.source])).toEqual([
      ['beautifulsoup4', 'table'],
      ['my-internal-dist', 'environment'],
      ['ruamel-yaml', 'override']
    ]);
  });

  it('a dotted override wins over a top-level one', () => {
    const requirements = resolveRequirements([imp('a.b'), imp('a.c')], [], {
      overrides: { a: 'dist-a', 'a.b': 'dist-ab' }
    });
    expect(requirements.map(r => r.name)).toEqual(['dist-a', 'dist-ab']);
  });

  it('an empty override drops the import', () => {
    expect(
      names(['internal_tool', 'pandas'], { overrides: { internal_tool: '' } })
    ).toEqual(['pandas']);
  });

  it('local modules are dropped', () => {
    expect(
      names(['pipeline_utils', 'pandas'], { localModules: ['pipeline_utils'] })
    ).toEqual(['pandas']);
  });

  it('pins the installed version by the pin setting', () => {
    const spec = (pin: any) =>
      resolveRequirements([imp('sklearn')], [], { environment, pin })[0]
        .specifier;
    expect(spec(undefined)).toBe('==1.5.2');
    expect(spec('exact')).toBe('==1.5.2');
    expect(spec('compatible')).toBe('~=1.5.2');
    expect(spec('none')).toBe('*');
  });

  it('pins a table match too when the environment has it installed', () => {
    const [requirement] = resolveRequirements([imp('dateutil')], [], {
      environment: {
        pythonVersion: '3.11',
        packages: {
          other: [{ distribution: 'python_dateutil', version: '2.9.0' }]
        }
      }
    });
    expect(requirement).toMatchObject({
      name: 'python-dateutil',
      specifier: '==2.9.0',
      source: 'table'
    });
  });
});

describe('pinSpecifier', () => {
  it.each([
    ['2.2.3', 'exact', '==2.2.3'],
    ['2.2.3', 'compatible', '~=2.2.3'],
    ['2', 'compatible', '~=2.0'],
    ['1.26.4rc1', 'compatible', '~=1.26.4'],
    ['2.2.3', 'none', '*'],
    ['', 'exact', '*']
  ])('%s with %s → %s', (version, pin, expected) => {
    expect(pinSpecifier(version, pin as any)).toBe(expected);
  });
});

describe('merging', () => {
  it('merges imports of one distribution and keeps every module name', () => {
    const requirements = resolveRequirements(
      [
        imp('sklearn.metrics'),
        imp('sklearn.svm'),
        imp('mpl_toolkits'),
        imp('matplotlib')
      ],
      []
    );
    expect(requirements.map(r => [r.name, r.modules])).toEqual([
      ['matplotlib', ['mpl_toolkits', 'matplotlib']],
      ['scikit-learn', ['sklearn']]
    ]);
  });

  it('is optional only when every import behind it is', () => {
    const requirements = resolveRequirements(
      [
        imp('a', [], true),
        imp('a', [], false),
        imp('b', [], true),
        imp('b.c', [], true)
      ],
      []
    );
    expect(requirements.map(r => [r.name, r.optional])).toEqual([
      ['a', false],
      ['b', true]
    ]);
  });

  it('a %pip install line wins the specifier and keeps the modules', () => {
    const requirements = resolveRequirements(
      [imp('yaml', [], true)],
      [
        { name: 'PyYAML', specifier: '>=6', extras: [] },
        {
          name: 'requests',
          specifier: '*',
          extras: ['socks'],
          marker: 'python_version>"3"'
        }
      ]
    );
    expect(requirements).toEqual([
      {
        name: 'pyyaml',
        specifier: '>=6',
        source: 'pip-magic',
        modules: ['yaml'],
        optional: false,
        ambiguous: false
      },
      {
        name: 'requests',
        specifier: '*',
        source: 'pip-magic',
        modules: [],
        optional: false,
        ambiguous: false,
        extras: ['socks'],
        marker: 'python_version>"3"'
      }
    ]);
  });

  it('does not trip over names of Object.prototype', () => {
    const requirements = resolveRequirements(
      [
        imp('constructor'),
        imp('toString'),
        imp('__proto__'),
        imp('hasOwnProperty')
      ],
      [],
      {
        environment: {
          pythonVersion: '3.11',
          packages: JSON.parse('{"__proto__": 1}')
        },
        overrides: {}
      }
    );
    expect(requirements.map(r => [r.name, r.source])).toEqual([
      ['-proto-', 'identity'],
      ['constructor', 'identity'],
      ['hasownproperty', 'identity'],
      ['tostring', 'identity']
    ]);
  });
});
