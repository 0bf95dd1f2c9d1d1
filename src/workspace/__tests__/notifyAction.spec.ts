import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';

import {
  actionMessage,
  noticeWhileSlow,
  notifyAction,
  notifyJoinedByCopy,
  undoMessage
} from '../notifyAction';
import { IActionRecord } from '../undo';

const trans = nullTranslator.load('jupyterlab_overlays');

const CREATE: IActionRecord = {
  kind: 'create',
  overlay: 'train',
  tags: [
    { path: 'a/x.ipynb', before: null, after: 'train' },
    { path: 'a/y.ipynb', before: null, after: 'train' }
  ],
  files: [],
  unsaved: ['deep/folder/x.ipynb']
};

describe('notifyAction', () => {
  it('says what an action did in one notification, with one Undo', async () => {
    const success = jest.spyOn(Notification, 'success').mockReturnValue('id');
    const undo = jest.fn(async () => ({
      blocked: null,
      tags: [],
      skipped: [],
      deleteOverlay: true,
      renameBack: false
    }));
    notifyAction(CREATE, { undo } as any, trans);
    expect(success).toHaveBeenCalledTimes(1);
    const [message, options] = success.mock.calls[0] as any;
    expect(message).toBe(
      'Created overlay "train" with 2 notebooks. Save x.ipynb to keep its new tag.'
    );
    expect(options.actions.map((a: any) => a.label)).toEqual(['Undo']);
    options.actions[0].callback(new Event('click'));
    expect(undo).toHaveBeenCalledWith(CREATE);
    success.mockRestore();
  });

  it('puts every action and undo outcome in words', () => {
    expect(
      actionMessage(
        { ...CREATE, kind: 'rename', overlay: 'fit', previousName: 'train' },
        trans
      )
    ).toBe('Renamed "train" to "fit".');
    expect(actionMessage({ ...CREATE, kind: 'remove' }, trans)).toBe(
      'Removed 2 notebooks from their overlays.'
    );
    const plan = {
      blocked: null,
      tags: [],
      skipped: ['a/x.ipynb'],
      deleteOverlay: false,
      renameBack: false
    };
    expect(undoMessage(plan, CREATE, trans)).toBe(
      'Undone, except a/x.ipynb, which changed since.'
    );
    expect(
      undoMessage({ ...plan, blocked: 'members-changed' }, CREATE, trans)
    ).toBe('Nothing was undone: the notebooks of "train" changed since.');
  });
});

describe('notifyJoinedByCopy', () => {
  it('says a copy joined its original overlay and offers to take it out', () => {
    const info = jest.spyOn(Notification, 'info').mockReturnValue('id');
    const removeTag = jest.fn();
    notifyJoinedByCopy(
      { path: 'notebooks/train-Copy1.ipynb', overlay: 'train' },
      removeTag,
      trans
    );
    const [message, options] = info.mock.calls[0] as any;
    expect(message).toBe(
      '"train-Copy1.ipynb" carries the tag of the notebook it was copied from: it joined the overlay "train", whose packages now include its imports.'
    );
    expect(options.actions.map((a: any) => a.label)).toEqual([
      'Remove the tag',
      'Keep it'
    ]);
    options.actions[1].callback(new Event('click'));
    expect(removeTag).not.toHaveBeenCalled();
    options.actions[0].callback(new Event('click'));
    expect(removeTag).toHaveBeenCalledTimes(1);
    info.mockRestore();
  });
});

describe('noticeWhileSlow', () => {
  it('shows a notice only while slow work goes on, and removes it however it ends', async () => {
    const emit = jest.spyOn(Notification, 'emit').mockReturnValue('slow');
    const dismiss = jest.spyOn(Notification, 'dismiss').mockImplementation();
    expect(await noticeWhileSlow(Promise.resolve(1), 'Creating…', 20)).toBe(1);
    expect(emit).not.toHaveBeenCalled();
    const slow = new Promise((_, reject) =>
      setTimeout(() => reject(new Error('no')), 60)
    );
    await expect(noticeWhileSlow(slow, 'Creating…', 20)).rejects.toThrow('no');
    expect(emit).toHaveBeenCalledWith('Creating…', 'in-progress', {
      autoClose: false
    });
    expect(dismiss).toHaveBeenCalledWith('slow');
    emit.mockRestore();
    dismiss.mockRestore();
  });
});
