import { aicoeFindings, isPlaceholder, thothFindings } from '../configChecks';

const THOTH = `host: khemenu.thoth-station.ninja
overlays_dir: overlays
runtime_environments:
  - name: train
managers:
  - name: update
`;

const AICOE = `check:
  - overlays-build
overlays:
  - name: train
    build:
      build-stratergy: Source
      registry: quay.io
      registry-org: data-team
      registry-secret: data-team-pusher
`;

describe('thothFindings', () => {
  it('finds nothing in a complete file, and nothing without a file', () => {
    expect(thothFindings(THOTH, ['train'])).toEqual([]);
    expect(thothFindings(null, ['train'])).toEqual([]);
  });

  it("finds what thamos and Kebechet need and overlays it doesn't list", () => {
    const text = 'runtime_environments:\n  - name: train\n';
    expect(thothFindings(text, ['train', 'prep'])).toEqual([
      { file: '.thoth.yaml', kind: 'missing-key', key: 'host' },
      { file: '.thoth.yaml', kind: 'missing-key', key: 'managers' },
      { file: '.thoth.yaml', kind: 'not-listed', overlay: 'prep' }
    ]);
  });

  it('says when the file cannot be read', () => {
    const [finding] = thothFindings('host: [unclosed\n', []);
    expect(finding.kind).toBe('unreadable');
    expect(finding.value).toBeTruthy();
  });
});

describe('aicoeFindings', () => {
  it('finds nothing in a complete file', () => {
    expect(aicoeFindings(AICOE, ['train'])).toEqual([]);
  });

  it('finds missing push settings and placeholders, per overlay', () => {
    const text = AICOE.replace(
      'registry-org: data-team',
      'registry-org: my-org'
    )
      .replace('      registry-secret: data-team-pusher\n', '')
      .replace('  - overlays-build\n', '  - thoth-build\n');
    expect(aicoeFindings(text, ['train', 'prep'])).toEqual([
      {
        file: '.aicoe-ci.yaml',
        kind: 'missing-key',
        key: 'check: overlays-build'
      },
      {
        file: '.aicoe-ci.yaml',
        kind: 'placeholder',
        key: 'registry-org',
        overlay: 'train',
        value: 'my-org'
      },
      {
        file: '.aicoe-ci.yaml',
        kind: 'missing-key',
        key: 'registry-secret',
        overlay: 'train'
      },
      { file: '.aicoe-ci.yaml', kind: 'not-listed', overlay: 'prep' }
    ]);
  });
});

describe('isPlaceholder', () => {
  it.each([
    ['my-org', true],
    ['my-org-pusher-secret', true],
    ['<your org>', true],
    ['${REGISTRY}', true],
    ['CHANGEME', true],
    ['example.com', true],
    ['data-team', false],
    ['quay.io', false],
    ['thoth-station', false]
  ])('%s → %s', (value, expected) => {
    expect(isPlaceholder(value)).toBe(expected);
  });
});
