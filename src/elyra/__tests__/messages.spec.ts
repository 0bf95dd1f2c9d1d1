import { nullTranslator } from '@jupyterlab/translation';

import { applySummary, pipelineProblemMessage } from '../messages';
import { IApplyReport, INotebookNodeReport } from '../pipeline';

const trans = nullTranslator.load('jupyterlab_overlays');

function node(overrides: Partial<INotebookNodeReport>): INotebookNodeReport {
  return {
    pipelineId: 'p',
    nodeId: 'n',
    label: 'train',
    filename: 'train.ipynb',
    notebook: 'notebooks/train.ipynb',
    overlay: 'train',
    previousImage: null,
    image: 'localhost/demo-train:1',
    ...overrides
  };
}

function report(overrides: Partial<IApplyReport> = {}): IApplyReport {
  return {
    changed: [],
    alreadySet: [],
    noOverlay: [],
    noImage: [],
    skipped: 0,
    ...overrides
  };
}

describe('pipelineProblemMessage', () => {
  it('explains an old version and says the file was not changed', () => {
    const message = pipelineProblemMessage(
      { kind: 'old-version', version: 3 },
      'a.pipeline',
      trans
    );
    expect(message).toContain('version 3');
    expect(message).toContain('older than version 8');
    expect(message).toContain("Elyra's Pipeline Editor");
    expect(message).toContain('not changed');
  });

  it.each([
    [{ kind: 'newer-version', version: 9 } as const, 'newer Elyra'],
    [{ kind: 'not-json' } as const, 'not JSON'],
    [{ kind: 'not-pipeline' } as const, 'not an Elyra pipeline']
  ])('explains %j', (problem, words) => {
    const message = pipelineProblemMessage(problem, 'a.pipeline', trans);
    expect(message).toContain(words);
    expect(message).toContain('a.pipeline');
  });
});

describe('applySummary', () => {
  it('lists each group with its nodes', () => {
    const summary = applySummary(
      report({
        changed: [node({})],
        noImage: [node({ label: 'prep', overlay: 'prep', image: null })],
        noOverlay: [
          node({ label: 'eda', notebook: 'eda.ipynb', overlay: null }),
          node({ label: 'gone', notebook: null, filename: '../x.ipynb' })
        ],
        skipped: 2
      }),
      trans
    );
    expect(summary.headline).toBe('Changed 1 node.');
    expect(summary.sections.map(section => section.kind)).toEqual([
      'changed',
      'noImage',
      'noOverlay',
      'skipped'
    ]);
    expect(summary.sections[0].lines).toEqual([
      'train (notebooks/train.ipynb) → localhost/demo-train:1'
    ]);
    expect(summary.sections[1].lines).toEqual([
      'prep (notebooks/train.ipynb): overlay prep'
    ]);
    expect(summary.sections[2].heading).toContain('2 nodes');
    expect(summary.sections[2].lines).toEqual([
      'eda (eda.ipynb)',
      'gone (../x.ipynb)'
    ]);
    expect(summary.sections[3].heading).toContain('2 other nodes');
  });

  it('says when nothing changed, and when there are no notebook nodes', () => {
    expect(
      applySummary(report({ alreadySet: [node({})] }), trans).headline
    ).toBe('Nothing to change.');
    const empty = applySummary(report({ skipped: 1 }), trans);
    expect(empty.headline).toContain('no notebook nodes');
    expect(empty.sections.map(section => section.kind)).toEqual(['skipped']);
  });
});
