import { nullTranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { act } from 'react';

import {
  CreatePipelineBody,
  pipelineFileName
} from '../widgets/pipelineDialogs';

(globalThis as any).IS_REACT_ACT_ENVIRONMENT = true;

const trans = nullTranslator.load('jupyterlab_overlays');

/** Deliver pending update requests and let React commit them. */
function flush(): void {
  act(() => MessageLoop.flush());
}

describe('pipelineFileName', () => {
  it.each([
    ['flow', 'flow.pipeline'],
    [' flow.pipeline ', 'flow.pipeline'],
    ['', null],
    ['a/b', null],
    ['..', null],
    ['.hidden', null]
  ])('%j -> %j', (name, expected) => {
    expect(pipelineFileName(name)).toBe(expected);
  });
});

describe('CreatePipelineBody', () => {
  const candidates = [
    { path: 'a.ipynb', overlay: 'a', image: 'x-a:1' },
    { path: 'b.ipynb', overlay: 'b', image: null },
    { path: 'c.ipynb', overlay: 'a', image: 'x-a:1' }
  ];

  function mounted(existing: string[] = []) {
    const body = new CreatePipelineBody({
      candidates,
      folder: 'flows',
      fileName: 'overlays.pipeline',
      existing,
      trans
    });
    act(() => Widget.attach(body, document.body));
    body.update();
    flush();
    return body;
  }

  it('reorders with the move buttons and leaves out unchecked notebooks', () => {
    const body = mounted();
    expect(body.getValue()).toEqual({
      fileName: 'overlays.pipeline',
      notebooks: ['a.ipynb', 'b.ipynb', 'c.ipynb']
    });
    const down = body.node.querySelectorAll<HTMLButtonElement>(
      '.jp-OverlaysPipelineDialog-down'
    );
    expect(down[2].disabled).toBe(true);
    act(() => down[0].click());
    flush();
    expect(body.getValue().notebooks).toEqual([
      'b.ipynb',
      'a.ipynb',
      'c.ipynb'
    ]);
    const boxes = body.node.querySelectorAll<HTMLInputElement>(
      'input[type="checkbox"]'
    );
    act(() => boxes[1].click());
    flush();
    expect(body.getValue().notebooks).toEqual(['b.ipynb', 'c.ipynb']);
    expect(body.node.textContent).toContain('overlay b, not built yet');
    expect(body.problem).toBeNull();
    act(() => body.dispose());
  });

  it('refuses a name that exists and an empty selection', () => {
    const body = mounted(['overlays.pipeline']);
    expect(body.problem).toContain('already exists');
    expect(body.node.querySelector('[role="alert"]')!.textContent).toContain(
      'already exists'
    );
    act(() => body.dispose());
    const again = new CreatePipelineBody({
      candidates,
      folder: '',
      fileName: 'x',
      existing: [],
      trans,
      initial: {
        order: ['c.ipynb', 'a.ipynb', 'b.ipynb'],
        included: [],
        fileName: 'y'
      }
    });
    expect(again.problem).toBe('Pick at least one notebook.');
    expect(again.getValue()).toEqual({ fileName: 'y.pipeline', notebooks: [] });
  });
});
