import {
  addAicoeOverlay,
  addThothOverlay,
  aicoeBaseImages,
  aicoeOverlayNames,
  ConfigFileError,
  removeAicoeOverlay,
  removeThothOverlay,
  renameAicoeOverlay,
  renameThothOverlay,
  thothOverlayNames,
  thothOverlaysDir,
  thothProblems
} from '..';

const USER_THOTH = `# Thoth configuration of the team — do not drop the managers!
host: khemenu.thoth-station.ninja
tls_verify: false
requirements_format: pipenv
overlays_dir: overlays

runtime_environments:
  # the download step
  - name: download-dataset
    operating_system:
      name: ubi
      version: "9"
    python_version: "3.11"
    recommendation_type: latest

managers:
  - name: update
    configuration:
      labels: [bot]
`;

const USER_AICOE = `check:
  - thoth-build   # keep this first
  - overlays-build
overlays_dir: overlays
overlays:
  - name: download-dataset
    build:
      build-stratergy: Source
      base-image: quay.io/thoth-station/s2i-thoth-ubi8-py38:v0.36.0
      registry: quay.io
      registry-org: my-org
      registry-project: my-repo-download-dataset
      registry-secret: my-org-pusher-secret
`;

describe('.thoth.yaml', () => {
  it('is created with what thamos requires', () => {
    const text = addThothOverlay(
      null,
      { name: 'train-model', pythonVersion: '3.11' },
      'overlays'
    );
    expect(text).toBe(
      [
        'host: khemenu.thoth-station.ninja',
        'tls_verify: false',
        'requirements_format: pipenv',
        'overlays_dir: overlays',
        'runtime_environments:',
        '  - name: train-model',
        '    python_version: "3.11"',
        '    recommendation_type: latest',
        ''
      ].join('\n')
    );
    expect(thothProblems(text)).toEqual([]);
  });

  it('gets a new overlay appended, keeping comments, order and managers', () => {
    const text = addThothOverlay(
      USER_THOTH,
      {
        name: 'train-model',
        pythonVersion: '3.12',
        operatingSystem: { name: 'ubi', version: '9' }
      },
      'ignored-when-set'
    );
    expect(text).toBe(
      USER_THOTH.replace(
        '    recommendation_type: latest\n',
        '    recommendation_type: latest\n  - name: train-model\n    operating_system:\n      name: ubi\n      version: "9"\n    python_version: "3.12"\n    recommendation_type: latest\n'
      )
    );
    expect(thothOverlayNames(text)).toEqual([
      'download-dataset',
      'train-model'
    ]);
    expect(thothProblems(text)).toEqual([]);
  });

  it('leaves an existing entry of the same name alone', () => {
    const text = addThothOverlay(
      USER_THOTH,
      { name: 'download-dataset', pythonVersion: '3.13' },
      'overlays'
    );
    expect(text).toBe(USER_THOTH);
  });

  it('renames and removes entries in place', () => {
    const renamed = renameThothOverlay(
      USER_THOTH,
      'download-dataset',
      'fetch-data'
    );
    expect(renamed).toBe(
      USER_THOTH.replace('- name: download-dataset', '- name: fetch-data')
    );
    const removed = removeThothOverlay(renamed, 'fetch-data');
    expect(thothOverlayNames(removed)).toEqual([]);
    expect(removed).toContain('# Thoth configuration of the team');
    expect(removed).toContain('managers:');
    expect(removeThothOverlay(USER_THOTH, 'no-such')).toBe(USER_THOTH);
  });

  it('reads overlays_dir', () => {
    expect(thothOverlaysDir(USER_THOTH)).toBe('overlays');
    expect(thothOverlaysDir('host: x\n')).toBeNull();
    expect(thothOverlaysDir(null)).toBeNull();
  });

  it('refuses a broken file, saying where', () => {
    let error: unknown;
    try {
      addThothOverlay(
        'host: [a, b\nruntime_environments: []\n',
        { name: 'x', pythonVersion: '3.11' },
        'o'
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigFileError);
    expect((error as ConfigFileError).line).toBeGreaterThan(0);
  });

  it('refuses a file whose runtime_environments is not a list', () => {
    expect(() =>
      thothOverlayNames('host: x\nruntime_environments: nope\n')
    ).toThrow('"runtime_environments" must be a list.');
    expect(() => thothOverlayNames('- a list\n')).toThrow(ConfigFileError);
  });

  it('finds what thamos would refuse', () => {
    expect(
      thothProblems(
        'runtime_environments:\n  - name: a/b\n    python_version: 3.10\n    colour: red\n    recommendation_type: fastest\n'
      )
    ).toEqual([
      'host is required',
      'runtime_environments[0]: key "colour" is not allowed',
      'runtime_environments[0].name must match ^[a-zA-Z0-9_-]+$',
      'runtime_environments[0].python_version must be a string, not a number',
      'runtime_environments[0].recommendation_type must be one of latest, stable, performance, security, testing'
    ]);
  });
});

describe('.aicoe-ci.yaml', () => {
  it('names the base image each overlay is built on, where it says', () => {
    const text = [
      'overlays:',
      '  - name: train',
      '    build:',
      '      base-image: quay.io/thoth-station/s2i-thoth-ubi9-py311:latest',
      '  - name: fetch',
      '    build:',
      '      build-stratergy: Source',
      '  - name: odd',
      '    build: not a map',
      '  - just a string',
      ''
    ].join('\n');
    expect(aicoeBaseImages(text)).toEqual(
      new Map([['train', 'quay.io/thoth-station/s2i-thoth-ubi9-py311:latest']])
    );
    expect(aicoeBaseImages(null)).toEqual(new Map());
  });

  it('is created with the overlays-build check and the spelling AICoE CI reads', () => {
    const text = addAicoeOverlay(
      null,
      {
        name: 'train-model',
        registry: 'quay.io',
        registryOrg: 'my-org',
        registryProject: 'demo-train-model'
      },
      'overlays'
    );
    expect(text).toBe(
      [
        'check:',
        '  - overlays-build',
        'overlays_dir: overlays',
        'overlays:',
        '  - name: train-model',
        '    build:',
        '      build-stratergy: Source',
        '      registry: quay.io',
        '      registry-org: my-org',
        '      registry-project: demo-train-model',
        ''
      ].join('\n')
    );
  });

  it('gets a new overlay appended, keeping comments and the other checks', () => {
    const text = addAicoeOverlay(
      USER_AICOE,
      {
        name: 'train-model',
        buildStrategy: 'Containerfile',
        dockerfilePath: 'overlays/train-model/Containerfile'
      },
      'overlays'
    );
    expect(text.startsWith(USER_AICOE.replace('   # keep', ' # keep'))).toBe(
      true
    );
    expect(text).toContain(
      '  - name: train-model\n    build:\n      build-stratergy: Containerfile\n      dockerfile-path: overlays/train-model/Containerfile\n'
    );
    expect(aicoeOverlayNames(text)).toEqual([
      'download-dataset',
      'train-model'
    ]);
  });

  it('adds the overlays-build check only once', () => {
    const once = addAicoeOverlay(
      'check: [thoth-build]\n',
      { name: 'a' },
      'overlays'
    );
    const twice = addAicoeOverlay(once, { name: 'b' }, 'overlays');
    expect(twice.match(/overlays-build/g)).toHaveLength(1);
    expect(twice).toContain('check: [thoth-build, overlays-build]');
  });

  it('renames and removes entries in place', () => {
    const renamed = renameAicoeOverlay(
      USER_AICOE,
      'download-dataset',
      'fetch-data'
    );
    expect(aicoeOverlayNames(renamed)).toEqual(['fetch-data']);
    // The project named after the overlay follows it; nothing else moves.
    expect(renamed).toContain('registry-project: my-repo-fetch-data');
    expect(renamed).not.toContain('download-dataset');
    expect(renamed).toContain('# keep this first');
    const ownProject = USER_AICOE.replace(
      'registry-project: my-repo-download-dataset',
      'registry-project: team-images'
    );
    expect(
      renameAicoeOverlay(ownProject, 'download-dataset', 'fetch-data')
    ).toContain('registry-project: team-images');
    expect(
      aicoeOverlayNames(removeAicoeOverlay(renamed, 'fetch-data'))
    ).toEqual([]);
  });
});
