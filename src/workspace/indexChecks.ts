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
import { pendingPins } from './holds';
import { neededNames, useQueries, usesVerdict } from './moduleUses';
import type { IOverlay, IOverlayPackage } from './types';

/** The Python version asked for when an overlay names none: new overlays' default. */
export const DEFAULT_CHECK_PYTHON = DEFAULT_PYTHON_VERSION;
/** Names per request (the server takes at most 200). */
const BATCH = 100;
/**
 * How long `verdicts` waits for the index: Create and Add to Overlay write
 * their packages without holds after that (the sidebar flags them later).
 */
export const VERDICT_WAIT = 20000;
/**
 * How long Create, Add to Overlay and a re-extract wait for what imported
 * modules need (`uses`), beside the names' verdicts they wait for anyway:
 * reading modules the first time takes the server seconds (the demo's: 8 s),
 * and nobody should wait for that; they write without, and the sidebar's
 * flag offers the rest when it comes. Known answers are used at once.
 */
export const USES_WAIT = 1000;

/** How an import path is told from a name among the keys asked. */
const IMPORT = 'import:';
/** How a use (`colorcet:colorcet.plotting`) is told from a name. */
const USE = 'use:';

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
  /**
   * The packages each held-back dependency is capped for, by its key
   * (`{ matplotlib: ['bambi'] }`), when the Pipfile has the cap.
   */
  heldFor: Record<string, string[]>;
  /**
   * The packages whose modules import each package no requirement of theirs
   * installs, by its key (`{ matplotlib: ['colorcet'] }`), when the Pipfile
   * has it.
   */
  neededBy: Record<string, string[]>;
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
      if (!known && !this._inFlight.has(`${python}|${key}`)) {
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
        for (const use of useQueries(pkg)) {
          want(python, `${USE}${use}`, this._uses.has(`${python}|${use}`));
        }
      }
    }
    await Promise.all(
      [...wanted].map(([python, keys]) => this._askAll([...keys], python))
    );
  }

  /**
   * The verdicts of `queries` (`checkQuery`) for a Python: those known, and
   * those the index answers within `wait` milliseconds (asked now if nobody
   * has asked yet). An unreachable index, or one slower than that, leaves
   * them out: the flags come later, as they would have.
   */
  async verdicts(
    queries: readonly string[],
    python: string,
    wait = VERDICT_WAIT
  ): Promise<OverlaysAPI.IIndexVerdict[]> {
    const key = (query: string) => `${python}|${query}`;
    await this._await(
      queries,
      python,
      query => this._verdicts.has(key(query)),
      wait
    );
    return queries
      .map(query => this._verdicts.get(key(query)))
      .filter(verdict => verdict !== undefined);
  }

  /**
   * The project each dotted import path is in (`zc.lockfile`: zc-lockfile;
   * null: none proven), for those known or answered within `wait`
   * milliseconds, as `verdicts` does for names.
   */
  async providers(
    modules: readonly string[],
    python: string,
    wait = VERDICT_WAIT
  ): Promise<Record<string, string | null>> {
    await this._await(
      modules.map(module => `${IMPORT}${module}`),
      python,
      key => this._providers.has(`${python}|${key.slice(IMPORT.length)}`),
      wait
    );
    return Object.fromEntries(
      modules
        .filter(module => this._providers.has(`${python}|${module}`))
        .map(module => [module, this._providers.get(`${python}|${module}`)!])
    );
  }

  /**
   * What importing each of `queries` (`useQueries`) needs, for those known
   * or answered within `wait` milliseconds, as `verdicts` does for names.
   */
  async uses(
    queries: readonly string[],
    python: string,
    wait = USES_WAIT
  ): Promise<OverlaysAPI.IModuleUse[]> {
    await this._await(
      queries.map(query => `${USE}${query}`),
      python,
      key => this._uses.has(`${python}|${key.slice(USE.length)}`),
      wait
    );
    return queries
      .map(query => this._uses.get(`${python}|${query}`))
      .filter(use => use !== undefined);
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
    const heldFor: Record<string, string[]> = {};
    const neededBy: Record<string, string[]> = {};
    const byName = new Map(overlay.packages.map(pkg => [pkg.name, pkg]));
    const specifiers = new Map(
      overlay.packages.map(pkg => [pkg.name, pkg.specifier])
    );
    for (const pkg of overlay.packages) {
      let verdict =
        this._provided(pkg, python) ??
        this._verdicts.get(`${python}|${checkQuery(pkg)}`);
      if (verdict?.status === 'held-back' && verdict.pins) {
        // The flag offers the caps not in the Pipfile yet.
        const pending = pendingPins(verdict.pins, specifiers);
        for (const dependency of Object.keys(verdict.pins)) {
          const held = byName.get(normalizeName(dependency));
          if (held && !(dependency in pending)) {
            (heldFor[held.key] ??= []).push(pkg.key);
          }
        }
        verdict = { ...verdict, pins: pending };
      }
      const settled =
        verdict?.status === 'held-back' &&
        !Object.keys(verdict.pins ?? {}).length;
      if (!verdict || verdict.status === 'ok' || settled) {
        // A package that installs may still not import (`colorcet.plotting`
        // needs matplotlib, which colorcet does not require); a settled
        // hold gives way to what is still to do.
        const uses = useQueries(pkg)
          .map(query => this._uses.get(`${python}|${query}`))
          .filter(use => use !== undefined);
        const needs = usesVerdict(pkg.key, uses, specifiers);
        for (const name of neededNames(uses)) {
          const needed = byName.get(normalizeName(name));
          const by = needed && (neededBy[needed.key] ??= []);
          if (by && !by.includes(pkg.key)) {
            by.push(pkg.key);
          }
        }
        if (needs && (!settled || Object.keys(needs.pins ?? {}).length)) {
          verdict = needs;
        }
      }
      if (verdict && verdict.status !== 'ok') {
        verdicts[pkg.key] = verdict;
      }
    }
    const checks = {
      verdicts,
      heldFor,
      neededBy,
      unreachable: this._unreachable
    };
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

  /**
   * Ask for the keys not `known` nor asked yet, and wait for every key's
   * answer, `wait` milliseconds at most.
   */
  private async _await(
    keys: readonly string[],
    python: string,
    known: (key: string) => boolean,
    wait: number
  ): Promise<void> {
    const flight = (key: string) => this._inFlight.get(`${python}|${key}`);
    const unasked = keys.filter(key => !known(key) && !flight(key));
    void this._askAll([...new Set(unasked)], python);
    const answers = [...new Set(keys.map(flight))].filter(
      answer => answer !== undefined
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(answers),
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, wait);
      })
    ]);
    clearTimeout(timer);
  }

  /**
   * Ask for `keys` in batches the server takes; each in flight until
   * answered. Uses go in requests of their own: reading modules takes the
   * server longer, and names' flags should not wait for it.
   */
  private _askAll(keys: string[], python: string): Promise<void> {
    const requests: Promise<void>[] = [];
    const uses = keys.filter(key => key.startsWith(USE));
    const batches: string[][] = [];
    for (const group of [keys.filter(key => !key.startsWith(USE)), uses]) {
      for (let start = 0; start < group.length; start += BATCH) {
        batches.push(group.slice(start, start + BATCH));
      }
    }
    for (const batch of batches) {
      const request = this._ask(batch, python).finally(() => {
        for (const key of batch) {
          if (this._inFlight.get(`${python}|${key}`) === request) {
            this._inFlight.delete(`${python}|${key}`);
          }
        }
      });
      batch.forEach(key => this._inFlight.set(`${python}|${key}`, request));
      requests.push(request);
    }
    return Promise.all(requests).then(() => undefined);
  }

  private async _ask(keys: string[], python: string): Promise<void> {
    const names = keys.filter(
      key => !key.startsWith(IMPORT) && !key.startsWith(USE)
    );
    const imports = keys
      .filter(key => key.startsWith(IMPORT))
      .map(key => key.slice(IMPORT.length));
    const uses = keys
      .filter(key => key.startsWith(USE))
      .map(key => key.slice(USE.length));
    let answer: OverlaysAPI.IIndexCheck;
    try {
      answer = await this._client.indexCheck(names, python, imports, uses);
    } catch {
      // No server check: nothing is flagged; asked again at the next request.
      return;
    }
    let unreachable: string | null = null;
    for (const verdict of answer.results) {
      const key = `${python}|${verdict.name}`;
      if (verdict.status === 'unknown') {
        unreachable = verdict.detail;
      } else {
        this._verdicts.set(key, verdict);
      }
    }
    for (const found of answer.imports ?? []) {
      // Unreachable: asked again next time; else the answer, found or not.
      if (!found.unknown) {
        this._providers.set(
          `${python}|${found.module}`,
          found.provider ? normalizeName(found.provider) : null
        );
      }
    }
    // Unreachable: asked again next time; one left out (a server that does
    // not read modules) says nothing.
    const answered = new Map(
      (answer.uses ?? []).map(use => [`${use.package}:${use.module}`, use])
    );
    for (const query of uses) {
      const use = answered.get(query);
      if (use?.status !== 'unknown') {
        const [pkg, module] = query.split(':');
        this._uses.set(
          `${python}|${query}`,
          use ?? {
            package: pkg,
            module,
            status: 'ok',
            needs: [],
            by: null,
            detail: null
          }
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
  /** What importing each `python|package:path` needs. */
  private _uses = new Map<string, OverlaysAPI.IModuleUse>();
  /** The answer each `python|key` waits for while it is asked. */
  private _inFlight = new Map<string, Promise<void>>();
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
      imports?: string[],
      uses?: string[]
    ): Promise<OverlaysAPI.IIndexCheck>;
  }

  export interface IOptions {
    client: IClient;
    /** Milliseconds after the last change before asking (default 500). */
    delay?: number;
  }
}
