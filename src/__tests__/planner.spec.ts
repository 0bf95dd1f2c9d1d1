import { Signal } from '@lumino/signaling';

import { ChangePlanner } from '../widgets/planner';
import type { IFileChange } from '../workspace/fileChanges';

const change = (path: string): IFileChange => ({
  path,
  before: null,
  after: 'x\n'
});

describe('ChangePlanner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('plans a moment after the last choice, and keeps only its answer', async () => {
    let changed = 0;
    const planner = new ChangePlanner({ changed: () => (changed += 1) });
    const asked: string[] = [];
    let slow: (changes: IFileChange[]) => void = () => undefined;
    planner.request('a', () => {
      asked.push('a');
      return new Promise(resolve => (slow = resolve));
    });
    expect(planner.state).toEqual({ changes: null, error: null });
    jest.advanceTimersByTime(250);
    expect(asked).toEqual(['a']);
    // Typing on: b and c, c's answer arrives before a's.
    planner.request('b', async () => {
      asked.push('b');
      return [change('b')];
    });
    planner.request('c', async () => {
      asked.push('c');
      return [change('c')];
    });
    jest.advanceTimersByTime(250);
    await Promise.resolve();
    expect(asked).toEqual(['a', 'c']);
    expect(planner.state.changes).toEqual([change('c')]);
    slow([change('a')]);
    await Promise.resolve();
    expect(planner.state.changes).toEqual([change('c')]);
    // The same choice again asks nothing.
    planner.request('c', async () => {
      asked.push('c again');
      return [];
    });
    jest.advanceTimersByTime(250);
    expect(asked).toEqual(['a', 'c']);
    expect(changed).toBeGreaterThan(0);
  });

  it('says why a plan failed, and forgets the choice when cleared', async () => {
    const planner = new ChangePlanner({ changed: () => undefined, delay: 0 });
    planner.request('bad', () => Promise.reject(new Error('no .thoth.yaml')));
    jest.advanceTimersByTime(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(planner.state).toEqual({ changes: null, error: 'no .thoth.yaml' });
    planner.clear();
    expect(planner.state).toEqual({ changes: null, error: null });
    let asked = 0;
    planner.request('bad', async () => {
      asked += 1;
      return [];
    });
    jest.advanceTimersByTime(0);
    expect(asked).toBe(1);
    planner.dispose();
  });

  it('plans again when the index answers, showing the last plan meanwhile, a bounded number of times', async () => {
    const answers = new Signal<object, void>({});
    const planner = new ChangePlanner({
      changed: () => undefined,
      delay: 10,
      answers
    });
    let known = false;
    let asked = 0;
    planner.request('train', async () => {
      asked += 1;
      return [change(known ? 'with-matplotlib' : 'without')];
    });
    jest.advanceTimersByTime(10);
    await Promise.resolve();
    expect(planner.state.changes).toEqual([change('without')]);
    // The answer the plan waited for arrives after it gave up waiting.
    known = true;
    answers.emit();
    answers.emit();
    expect(planner.state.changes).toEqual([change('without')]);
    jest.advanceTimersByTime(10);
    await Promise.resolve();
    expect(asked).toBe(2);
    expect(planner.state.changes).toEqual([change('with-matplotlib')]);
    // A server that keeps answering does not keep the dialog planning.
    for (let i = 0; i < 50; i++) {
      answers.emit();
      jest.advanceTimersByTime(10);
    }
    expect(asked).toBeLessThanOrEqual(21);
    // Nothing after the dialog is gone.
    planner.dispose();
    const before = asked;
    answers.emit();
    jest.advanceTimersByTime(10);
    expect(asked).toBe(before);
  });
});
