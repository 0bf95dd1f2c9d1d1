/**
 * What the package index says of every overlay's packages, asked after the
 * sidebar is drawn (never before it, never while typing), one request per
 * Python version, and kept per name: a name is asked once.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { parseRequirement } from '../imports/magics';
import { DEFAULT_PYTHON_VERSION } from '../overlay/names';
import type { OverlaysAPI } from '../tokens';
import type { IOverlay, IOverlayPackage } from './types';

/** The Python version asked for when an overlay names none: new overlays' default. */
export const DEFAULT_CHECK_PYTHON = DEFAULT_PYTHON_VERSION;
/** Names per request (the server takes at most 200). */
const BATCH = 100;

/**
 * What is asked of a package: its name, with its version specifier when the
 * Pipfile gives one (`scikit-learn==0.20.3`: has that version a wheel?).
 */
export function checkQuery(
  pkg: Pick<IOverlayPackage, 'name' | 'specifier'>
): string {
  const specifier = pkg.specifier.trim();
  if (!specifier || specifier === '*') {
    return pkg.name;
  }
  const parsed = parseRequirement(`${pkg.name}${specifier}`);
  return parsed && !parsed.marker && !parsed.extras.length
    ? `${pkg.name}${parsed.specifier}`
    : pkg.name;
}

/**
 * The verdicts of one overlay's packages, by package key; `unreachable` when
 * the index could not be asked (then nothing is flagged).
 */
export interface IPackageChecks {
  verdicts: Record<string, OverlaysAPI.IIndexVerdict>;
  unreachable: string | null;
}

export class IndexChecks {
  constructor(options: IndexChecks.IOptions) {
    this._client = options.client;
    this._delay = options.delay ?? 500;
  }

  /** Emitted when verdicts arrive. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Ask, a moment from now, for the names of `overlays` not asked yet.
   */
  request(overlays: readonly IOverlay[]): void {
    this._overlays = overlays;
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.flush();
    }, this._delay);
  }

  /** Ask now for every name not asked yet (tests call it directly). */
  async flush(): Promise<void> {
    const wanted = new Map<string, Set<string>>();
    for (const overlay of this._overlays) {
      const python = overlay.pythonVersion || DEFAULT_CHECK_PYTHON;
      for (const pkg of overlay.packages) {
        const query = checkQuery(pkg);
        const key = `${python}|${query}`;
        if (!this._verdicts.has(key) && !this._asked.has(key)) {
          this._asked.add(key);
          const names = wanted.get(python) ?? new Set<string>();
          names.add(query);
          wanted.set(python, names);
        }
      }
    }
    const requests: Promise<void>[] = [];
    for (const [python, names] of wanted) {
      const list = [...names];
      for (let start = 0; start < list.length; start += BATCH) {
        requests.push(this._ask(list.slice(start, start + BATCH), python));
      }
    }
    await Promise.all(requests);
  }

  /**
   * The verdicts of an overlay's packages; the same object until they change.
   */
  forOverlay(overlay: IOverlay): IPackageChecks {
    const cached = this._perOverlay.get(overlay);
    if (cached && cached.version === this._version) {
      return cached.checks;
    }
    const python = overlay.pythonVersion || DEFAULT_CHECK_PYTHON;
    const verdicts: Record<string, OverlaysAPI.IIndexVerdict> = {};
    for (const pkg of overlay.packages) {
      const verdict = this._verdicts.get(`${python}|${checkQuery(pkg)}`);
      if (verdict && verdict.status !== 'ok') {
        verdicts[pkg.key] = verdict;
      }
    }
    const checks = { verdicts, unreachable: this._unreachable };
    this._perOverlay.set(overlay, { version: this._version, checks });
    return checks;
  }

  dispose(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
    }
    Signal.clearData(this);
  }

  private async _ask(names: string[], python: string): Promise<void> {
    let answer: OverlaysAPI.IIndexCheck;
    try {
      answer = await this._client.indexCheck(names, python);
    } catch {
      // No server check: nothing is flagged; asked again at the next request.
      names.forEach(name => this._asked.delete(`${python}|${name}`));
      return;
    }
    let unreachable: string | null = null;
    for (const verdict of answer.results) {
      const key = `${python}|${verdict.name}`;
      this._asked.delete(key);
      if (verdict.status === 'unknown') {
        unreachable = verdict.detail;
      } else {
        this._verdicts.set(key, verdict);
      }
    }
    this._unreachable = unreachable;
    this._version += 1;
    this._changed.emit();
  }

  private _client: IndexChecks.IClient;
  private _delay: number;
  private _overlays: readonly IOverlay[] = [];
  private _verdicts = new Map<string, OverlaysAPI.IIndexVerdict>();
  private _asked = new Set<string>();
  private _unreachable: string | null = null;
  private _version = 0;
  private _perOverlay = new WeakMap<
    IOverlay,
    { version: number; checks: IPackageChecks }
  >();
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _changed = new Signal<this, void>(this);
}

export namespace IndexChecks {
  export interface IClient {
    indexCheck(
      names: string[],
      python: string
    ): Promise<OverlaysAPI.IIndexCheck>;
  }

  export interface IOptions {
    client: IClient;
    /** Milliseconds after the last change before asking (default 500). */
    delay?: number;
  }
}
