import { diffLines } from '../fileChanges';

const THOTH = [
  'host: khemenu.thoth-station.ninja',
  '# our environments',
  'runtime_environments:',
  '  - name: train',
  '    python_version: "3.11"',
  '  - name: prep',
  '    python_version: "3.11"',
  ''
].join('\n');

describe('diffLines', () => {
  it('shows a rename as the lines removed and added, with context', () => {
    const lines = diffLines({
      path: '.thoth.yaml',
      before: THOTH,
      after: THOTH.replace('name: train', 'name: fit')
    });
    expect(lines).toEqual([
      { kind: 'hunk', text: '@@ -2,5 +2,5 @@' },
      { kind: 'context', text: '# our environments' },
      { kind: 'context', text: 'runtime_environments:' },
      { kind: 'remove', text: '  - name: train' },
      { kind: 'add', text: '  - name: fit' },
      { kind: 'context', text: '    python_version: "3.11"' },
      { kind: 'context', text: '  - name: prep' }
    ]);
  });

  it('shows a new file as added lines, a removed one as removed lines', () => {
    expect(
      diffLines({ path: 'Pipfile', before: null, after: '[packages]\n' })
    ).toEqual([
      { kind: 'hunk', text: '@@ -0,0 +1,1 @@' },
      { kind: 'add', text: '[packages]' }
    ]);
    expect(
      diffLines({ path: 'Pipfile', before: 'a\nb', after: null }).filter(
        line => line.kind === 'remove'
      )
    ).toHaveLength(2);
  });
});
