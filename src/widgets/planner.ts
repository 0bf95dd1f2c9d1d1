/**
 * The files a dialog's action would write, worked out again (a moment after
 * the last change) whenever what the user chose changes: only the answer for
 * the latest choice is kept.
 */
import type { IFileChange } from '../workspace/fileChanges';

/**
 * Where the plan stands: being worked out, ready, or why it cannot be.
 */
export interface IPlanState {
  changes: IFileChange[] | null;
  error: string | null;
}

export class ChangePlanner {
  constructor(options: ChangePlanner.IOptions) {
    this._changed = options.changed;
    this._delay = options.delay ?? 250;
  }

  /** The plan for the latest choice. */
  get state(): IPlanState {
    return this._state;
  }

  /**
   * Plan for a choice (`key` names it); the same key again does nothing.
   */
  request(key: string, plan: () => Promise<IFileChange[]>): void {
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._state = { changes: null, error: null };
    this._changed();
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      plan().then(
        changes => this._settle(key, { changes, error: null }),
        (error: unknown) =>
          this._settle(key, {
            changes: null,
            error: error instanceof Error ? error.message : String(error)
          })
      );
    }, this._delay);
  }

  /** Forget the choice (an invalid name: nothing to plan). */
  clear(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
    this._key = null;
    this._state = { changes: null, error: null };
    this._changed();
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._key = null;
  }

  private _settle(key: string, state: IPlanState): void {
    if (key === this._key) {
      this._state = state;
      this._changed();
    }
  }

  private _changed: () => void;
  private _delay: number;
  private _key: string | null = null;
  private _state: IPlanState = { changes: null, error: null };
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

export namespace ChangePlanner {
  export interface IOptions {
    /** Called when the state changes (the dialog renders again). */
    changed: () => void;
    /** Milliseconds after the last choice before planning (default 250). */
    delay?: number;
  }
}
