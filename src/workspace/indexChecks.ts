/**
 * What the package index says of every overlay's packages, asked after the
 * sidebar is drawn (never before it, never while typing), one request per
 * Python version, and kept per name: a name is asked once.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { parseRequirement } from '../imports/magics';
import { normalizeName } from '../imports/resolve';
import { DEFAULT_PYTHON_VERSION } from '../overlay/names';
import type { OverlaysAPI } from '../tokens';
import type { IOverlay, IOverlayPackage } from './types';

/** The Python version asked for when an overlay names none: new overlays' default. */
export const DEFAULT_CHECK_PYTHON = DEFAULT_PYTHON_VERSION;
/** Names per request (the server takes at most 200). */
const BATCH = 100;
/** How an import path is told from a name among the keys asked. */
const IMPORT = 'import:';

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
 * The dotted import paths to ask the index about for a package: those of a
 * package nothing resolved but the import name itself (`zc` of
 * `zc.lockfile`), which may be a namespace whose family nobody listed.
 */
export function importQueries(
  pkg: Pick<IOverlayPackage, 'name' | 'source' | 'modules'>
): string[] {
  return pkg.source === 'identity'
    ? pkg.modules.filter(module => module.includes('.'))
    : [];
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
    // Per Python: names (`six`, `six==1.0`) and import paths (`import:a.b`).
    const wanted = new Map<string, Set<string>>();
    const want = (python: string, key: string, known: boolean) => {
      if (!known && !this._asked.has(`${python}|${key}`)) {
        this._asked.add(`${python}|${key}`);
        const keys = wanted.get(python) ?? new Set<string>();
        keys.add(key);
        wanted.set(python, keys);
      }
    };
    for (const overlay of this._overlays) {
      const python = overlay.pythonVersion || DEFAULT_CHECK_PYTHON;
      for (const pkg of overlay.packages) {
        const query = checkQuery(pkg);
        want(python, query, this._verdicts.has(`${python}|${query}`));
        for (const module of importQueries(pkg)) {
          const key = `${IMPORT}${module}`;
          want(python, key, this._providers.has(`${python}|${module}`));
        }
      }
    }
    const requests: Promise<void>[] = [];
    for (const [python, keys] of wanted) {
      const list = [...keys];
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
      const verdict =
        this._provided(pkg, python) ??
        this._verdicts.get(`${python}|${checkQuery(pkg)}`);
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

  /**
   * A `provided` verdict when the index says the package's dotted imports are
   * in other projects (`zc.lockfile` in zc-lockfile, not in zc).
   */
  private _provided(
    pkg: IOverlayPackage,
    python: string
  ): OverlaysAPI.IIndexVerdict | undefined {
    const providers: Record<string, string> = {};
    for (const module of importQueries(pkg)) {
      const provider = this._providers.get(`${python}|${module}`);
      if (provider && provider !== pkg.name) {
        providers[module] = provider;
      }
    }
    const use = [...new Set(Object.values(providers))];
    return use.length
      ? {
          name: pkg.name,
          status: 'provided',
          use: use.join(', '),
          detail: null,
          providers
        }
      : undefined;
  }

  private async _ask(keys: string[], python: string): Promise<void> {
    const names = keys.filter(key => !key.startsWith(IMPORT));
    const imports = keys
      .filter(key => key.startsWith(IMPORT))
      .map(key => key.slice(IMPORT.length));
    let answer: OverlaysAPI.IIndexCheck;
    try {
      answer = await this._client.indexCheck(names, python, imports);
    } catch {
      // No server check: nothing is flagged; asked again at the next request.
      keys.forEach(key => this._asked.delete(`${python}|${key}`));
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
    for (const found of answer.imports ?? []) {
      this._asked.delete(`${python}|${IMPORT}${found.module}`);
      // Unreachable: asked again next time; else the answer, found or not.
      if (!found.unknown) {
        this._providers.set(
          `${python}|${found.module}`,
          found.provider ? normalizeName(found.provider) : null
        );
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
  /** The project each import path is in, by `python|module` (null: none). */
  private _providers = new Map<string, string | null>();
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
      python: string,
      imports?: string[]
    ): Promise<OverlaysAPI.IIndexCheck>;
  }

  export interface IOptions {
    client: IClient;
    /** Milliseconds after the last change before asking (default 500). */
    delay?: number;
  }
}
