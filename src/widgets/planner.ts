/**
 * The files a dialog's action would write, worked out again (a moment after
 * the last change) whenever what the user chose changes, and when the
 * package index answers (what it says goes into the plan): only the answer
 * for the latest choice is kept.
 */
import type { ISignal } from '@lumino/signaling';

import type { IFileChange } from '../workspace/fileChanges';

/**
 * Plans made again for one choice as answers arrive, at most: a server that
 * never answers some question does not keep the dialog asking.
 */
const MAX_REFRESHES = 20;

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
    this._answers = options.answers ?? null;
    this._answers?.connect(this._refresh, this);
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
    this._plan = plan;
    this._refreshes = 0;
    this._state = { changes: null, error: null };
    this._changed();
    this._schedule(key, plan);
  }

  /**
   * Plan the latest choice again (answers arrived): what is shown stays
   * until the new plan replaces it.
   */
  private _refresh(): void {
    if (
      this._key !== null &&
      this._plan !== null &&
      this._timer === null &&
      this._refreshes < MAX_REFRESHES
    ) {
      this._refreshes++;
      this._schedule(this._key, this._plan);
    }
  }

  private _schedule(key: string, plan: () => Promise<IFileChange[]>): void {
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
    this._plan = null;
    this._state = { changes: null, error: null };
    this._changed();
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._answers?.disconnect(this._refresh, this);
    this._key = null;
    this._plan = null;
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
  private _plan: (() => Promise<IFileChange[]>) | null = null;
  private _refreshes = 0;
  private _answers: ISignal<unknown, unknown> | null;
  private _state: IPlanState = { changes: null, error: null };
  private _timer: ReturnType<typeof setTimeout> | null = null;
}

export namespace ChangePlanner {
  export interface IOptions {
    /** Called when the state changes (the dialog renders again). */
    changed: () => void;
    /** Milliseconds after the last choice before planning (default 250). */
    delay?: number;
    /**
     * Emitted when the package index answers (`IndexChecks.changed`): the
     * plan is made again, as what it asked may be known now.
     */
    answers?: ISignal<unknown, unknown>;
  }
}
