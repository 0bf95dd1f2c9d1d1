import { nullTranslator } from '@jupyterlab/translation';

import { act } from 'react';
import { createRoot } from 'react-dom/client';

import {
  plannedMoves,
  PreviewBody,
  RenameOverlayBody
} from '../widgets/dialogs';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

describe('plannedMoves', () => {
  const tags: Record<string, string> = {
    'a.ipynb': 'train',
    'b.ipynb': 'train',
    'c.ipynb': 'prep',
    'd.ipynb': 'clean'
  };
  const overlayOf = (path: string) => tags[path] ?? null;
  const membersOf = (overlay: string) =>
    Object.keys(tags).filter(path => tags[path] === overlay);

  it('lists notebooks tagged to another overlay, not untagged or same ones', () => {
    expect(
      plannedMoves(
        ['a.ipynb', 'new.ipynb', 'd.ipynb'],
        'clean',
        overlayOf,
        membersOf
      )
    ).toEqual({ moves: [{ path: 'a.ipynb', from: 'train' }], emptied: [] });
  });

  it('names the overlays a move leaves without notebooks', () => {
    expect(
      plannedMoves(
        ['a.ipynb', 'b.ipynb', 'c.ipynb'],
        'new',
        overlayOf,
        membersOf
      )
    ).toEqual({
      moves: [
        { path: 'a.ipynb', from: 'train' },
        { path: 'b.ipynb', from: 'train' },
        { path: 'c.ipynb', from: 'prep' }
      ],
      emptied: ['train', 'prep']
    });
  });

  it('moves nothing when every notebook is new to overlays', () => {
    expect(plannedMoves(['x.ipynb'], 'train', overlayOf, membersOf)).toEqual({
      moves: [],
      emptied: []
    });
  });
});

describe('RenameOverlayBody', () => {
  const trans = nullTranslator.load('jupyterlab_overlays');
  const existing = ['train-model', 'prep', 'Clean'];
  const body = (text: string, name = 'prep') =>
    new RenameOverlayBody({ name, text, existing, trans });

  it('asks for a new name until one is typed', () => {
    expect(body('prep').problem).toBe('Type a new name.');
    expect(body('  prep-data ').problem).toBeNull();
    expect(body('  prep-data ').getValue()).toBe('prep-data');
  });

  it('checks the name by the rule of Create, its own name excepted', () => {
    expect(body('prep_').problem).toContain('single "-", "_" or "__"');
    expect(body('a/b').problem).toContain('not a valid overlay name');
    expect(body('').problem).toBe('An overlay needs a name.');
  });

  it('names the overlay a name clashes with, whatever its case', () => {
    expect(body('Train-Model').problem).toBe(
      'There is already an overlay named "train-model": overlay names must differ by more than letter case, since image names are lower case.'
    );
    expect(body('train-model').problem).toBe(
      'There is already an overlay named "train-model".'
    );
    // Renaming an overlay to its own name in another case is not a clash.
    expect(body('clean', 'Clean').problem).toBeNull();
  });
});

describe('PreviewBody', () => {
  const trans = nullTranslator.load('jupyterlab_overlays');
  const entry = (key: string, specifier: string) => ({
    key,
    name: key.toLowerCase(),
    specifier,
    value: specifier
  });

  it('says which proposed removals are held back or needed, and checks none of them', () => {
    const body = new PreviewBody(
      {
        added: [],
        changed: [],
        removed: [
          entry('Matplotlib', '<3.11'),
          entry('gunicorn', '*'),
          entry('six', '*')
        ]
      },
      trans,
      { heldFor: { Matplotlib: ['bambi'] }, neededBy: { six: ['empyrical'] } }
    );
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render((body as any).render()));
    const rows = [...container.querySelectorAll('[data-change]')];
    expect(rows.map(row => row.textContent)).toEqual([
      'Matplotlib <3.11held back for bambi',
      'gunicorn *',
      'six *needed by empyrical'
    ]);
    expect(body.getValue().removed).toEqual([]);
    act(() => root.unmount());
  });

  it('proposes the extras an import needs, checked when the pin stays', () => {
    const requirement = (specifier: string, extras: string[]) => ({
      name: 'dask',
      specifier,
      source: 'table' as const,
      modules: ['dask.dataframe'],
      optional: false,
      ambiguous: false,
      extras
    });
    const body = new PreviewBody(
      {
        added: [],
        removed: [],
        changed: [
          {
            entry: entry('dask', '>=2024.1'),
            requirement: requirement('*', ['dataframe']),
            extras: ['dataframe']
          },
          {
            entry: entry('requests', '>=2'),
            requirement: { ...requirement('==2.31', []), name: 'requests' },
            extras: []
          }
        ]
      },
      trans
    );
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render((body as any).render()));
    const rows = [...container.querySelectorAll('[data-change]')];
    expect(rows.map(row => row.textContent)).toEqual([
      'dask >=2024.1 → >=2024.1with extras dataframe (import dask.dataframe)',
      'requests >=2 → ==2.31'
    ]);
    expect(body.getValue().changed.map(change => change.entry.key)).toEqual([
      'dask'
    ]);
    act(() => root.unmount());
  });

  it('lists the dependencies an addition holds back, checked, and says for what', () => {
    const body = new PreviewBody(
      {
        added: [
          {
            name: 'bambi',
            specifier: '*',
            source: 'identity',
            modules: ['bambi'],
            optional: false,
            ambiguous: false
          }
        ],
        changed: [],
        removed: [],
        held: [
          {
            key: 'matplotlib',
            value: '<3.11',
            comment: 'held back: bambi has no newer release for Python 3.11',
            for: ['bambi']
          }
        ]
      },
      trans
    );
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render((body as any).render()));
    const rows = [...container.querySelectorAll('[data-change]')];
    expect(rows.map(row => row.textContent)).toEqual([
      'bambi *import bambi',
      'matplotlib <3.11for bambi, the last release for this Python'
    ]);
    expect(body.getValue().held!.map(held => held.key)).toEqual(['matplotlib']);
    act(() => root.unmount());
  });

  it('lists what the modules an addition imports need, checked, and says why', () => {
    const body = new PreviewBody(
      {
        added: [
          {
            name: 'colorcet',
            specifier: '*',
            source: 'identity',
            modules: ['colorcet'],
            optional: false,
            ambiguous: false
          }
        ],
        changed: [],
        removed: [],
        needed: [
          {
            key: 'matplotlib',
            value: '*',
            comment:
              'imported by colorcet.plotting; colorcet does not require it'
          }
        ]
      },
      trans
    );
    const container = document.createElement('div');
    const root = createRoot(container);
    act(() => root.render((body as any).render()));
    expect(container.textContent).toContain('Also needed');
    const rows = [...container.querySelectorAll('[data-change]')];
    expect(rows.map(row => row.textContent)).toEqual([
      'colorcet *import colorcet',
      'matplotlib *imported by colorcet.plotting; colorcet does not require it'
    ]);
    expect(body.getValue().needed!.map(n => n.key)).toEqual(['matplotlib']);
    act(() => root.unmount());
  });
});
