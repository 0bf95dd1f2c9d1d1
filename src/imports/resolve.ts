/**
 * Map import names to PyPI distributions: the overlay's overrides, then the
 * notebook's environment, then the bundled table, then the server's table of
 * distribution metadata (`providers`), then the name itself.
 */
import distributionData from './data/distributions.json';
import stdlibData from './data/stdlib.json';
import type { IImport } from './extract';
import { IPipRequirement, parseRequirement } from './magics';
import { DEFAULT_PYTHON_VERSION } from '../overlay/names';

/**
 * Where a requirement's distribution name came from.
 */
export type RequirementSource =
  'override' | 'environment' | 'table' | 'metadata' | 'pip-magic' | 'identity';

/**
 * One package an overlay needs.
 */
export interface IRequirement {
  /** The PyPI distribution name, PEP 503 normalised. */
  name: string;
  /** `"*"`, `"==2.2.3"`, `"~=2.2"`, or what a `%pip install` line said. */
  specifier: string;
  source: RequirementSource;
  /** The import names behind it (`sklearn`, `google.cloud.storage`). */
  modules: string[];
  /**
   * The dotted import paths behind it, at most three parts
   * (`colorcet.plotting`), for the index to tell what importing them needs;
   * absent when there are none.
   */
  paths?: string[];
  /** Every import behind it is guarded by `except ImportError`. */
  optional: boolean;
  /** Several distributions provide the import: the user should pick. */
  ambiguous: boolean;
  /** The distributions to pick from, when ambiguous. */
  candidates?: string[];
  /** Extras asked for by a `%pip install name[extra]` line. */
  extras?: string[];
  /** The environment marker of a `%pip install` line. */
  marker?: string;
}

/**
 * One installed distribution providing an import name.
 */
export interface IInstalledDistribution {
  distribution: string;
  version: string;
}

/**
 * What the notebook's kernel environment says (`GET overlays/environment`).
 */
export interface IImportEnvironment {
  /** `"3.11.7"` or `"3.11"`. */
  pythonVersion: string;
  /** `sys.stdlib_module_names` of that Python. */
  stdlib?: string[];
  /** Top-level import name → installed distributions providing it. */
  packages?: Record<string, IInstalledDistribution[]>;
}

/**
 * How to pin a package found installed in the environment.
 */
export type PinStrategy = 'exact' | 'compatible' | 'none';

/**
 * Options of the resolution.
 */
export interface IResolveOptions {
  /** The overlay's Python version (`"3.11"`); defaults to the environment's, then 3.11. */
  pythonVersion?: string;
  environment?: IImportEnvironment;
  /** Top-level names of local modules (a `.py` file or package beside the notebook). */
  localModules?: string[];
  /**
   * The user's picks: import name (top-level or dotted) → distribution;
   * an empty string drops the import.
   */
  overrides?: Record<string, string>;
  /** Pin strategy for installed versions; default `exact`. */
  pin?: PinStrategy;
  /**
   * Top-level import names the bundled table does not know → the one
   * distribution whose metadata declares them (`GET overlays/providers`).
   */
  providers?: Record<string, string>;
}

interface INamespaceRule {
  groups: string[];
  exact: Map<string, string>;
}

// Maps, not plain objects: an import named `constructor` must not find
// Object.prototype's.
const TABLE = new Map<string, string>(Object.entries(distributionData.modules));
const AMBIGUOUS = new Map<string, string[]>(
  Object.entries(distributionData.ambiguous)
);
const NAMESPACES = new Map<string, INamespaceRule>(
  Object.entries(distributionData.namespaces).map(([root, rule]) => [
    root,
    { groups: rule.groups, exact: new Map(Object.entries(rule.exact)) }
  ])
);
/** Submodules that need more than their own distribution (`bokeh.sampledata`). */
const COMPANIONS = new Map<string, IPipRequirement[]>(
  Object.entries(distributionData.companions).map(([module, texts]) => [
    module,
    texts.map(parseRequirement).filter((r): r is IPipRequirement => r !== null)
  ])
);
const STDLIB = new Map<string, string[]>(Object.entries(stdlibData.versions));
/** Python 2's standard-library names that Python 3 lacks (`StringIO`, `urllib2`). */
const PYTHON2_ONLY = new Set<string>(stdlibData.python2);

/**
 * PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
 */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/**
 * The Python versions whose standard library is bundled, oldest first.
 */
export const STDLIB_VERSIONS: readonly string[] = [...STDLIB.keys()].sort(
  (a, b) => minor(a) - minor(b)
);

/**
 * The standard library's top-level names for a Python version (`3.12` or
 * `3.12.1`); the nearest bundled version for others.
 */
export function stdlibModules(pythonVersion: string): ReadonlySet<string> {
  const key = majorMinor(
    isPythonVersion(pythonVersion) ? pythonVersion : DEFAULT_PYTHON_VERSION
  );
  let names = STDLIB.get(key);
  if (!names) {
    const wanted = minor(key);
    const nearest =
      [...STDLIB_VERSIONS]
        .reverse()
        .find(version => minor(version) <= wanted) ?? STDLIB_VERSIONS[0];
    names = STDLIB.get(nearest)!;
  }
  return Private.stdlibSet(names);
}

/**
 * The distribution a namespace package's submodule belongs to
 * (`google.cloud.storage` → `google-cloud-storage`), or null when the path
 * is not deep enough to tell (`google.cloud`).
 */
export function namespaceDistribution(path: string): string | null {
  const parts = path.split('.');
  const rule = NAMESPACES.get(parts[0]);
  if (!rule) {
    return null;
  }
  for (let length = parts.length; length > 1; length--) {
    const exact = rule.exact.get(parts.slice(0, length).join('.'));
    if (exact) {
      return exact;
    }
  }
  const depth = parts.length > 1 && rule.groups.includes(parts[1]) ? 3 : 2;
  if (parts.length < depth) {
    return null;
  }
  return normalizeName(parts.slice(0, depth).join('-'));
}

/**
 * The import paths an import stands for. `from google.cloud import storage`
 * names `google.cloud.storage`: a namespace package is resolved by submodule.
 */
export function importPaths(item: Pick<IImport, 'module' | 'names'>): string[] {
  const root = item.module.split('.')[0];
  if (NAMESPACES.has(root) && namespaceDistribution(item.module) === null) {
    const deeper = item.names
      .filter(name => name !== '*')
      .map(name => `${item.module}.${name}`);
    return deeper.length ? deeper : [item.module];
  }
  return [item.module];
}

/**
 * The specifier for an installed version under a pin strategy.
 */
export function pinSpecifier(version: string, pin: PinStrategy): string {
  if (pin === 'none' || !version) {
    return '*';
  }
  if (pin === 'compatible') {
    // `~=` needs at least two release components: 2 → ~=2.0.
    const release = version
      .split(/[^0-9.]/)[0]
      .split('.')
      .filter(Boolean);
    if (release.length === 0) {
      return `==${version}`;
    }
    return `~=${release.length === 1 ? `${release[0]}.0` : release.join('.')}`;
  }
  return `==${version}`;
}

/**
 * Resolve a notebook's (or several notebooks') imports and `%pip install`
 * requirements into PyPI requirements, sorted by name.
 */
export function resolveRequirements(
  imports: Pick<IImport, 'module' | 'names' | 'optional'>[],
  pipRequirements: IPipRequirement[],
  options: IResolveOptions = {}
): IRequirement[] {
  const resolver = new Private.Resolver(options);
  for (const item of imports) {
    for (const path of importPaths(item)) {
      resolver.addImport(path, item.optional);
    }
  }
  for (const requirement of pipRequirements) {
    resolver.addPip(requirement);
  }
  return resolver.result();
}

/**
 * The distribution an import name resolves to, by the same table as a
 * notebook's imports (`PIL` → pillow, `six` → six).
 */
export function distributionOf(module: string): string {
  const [found] = resolveRequirements(
    [{ module, names: [], optional: false }],
    []
  );
  return found?.name ?? normalizeName(module);
}

/**
 * `object[key]` when it is the object's own property (not a prototype's).
 */
function ownValue<T>(object: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(object, key)
    ? object[key]
    : undefined;
}

/**
 * Whether a value is a Python version such as `3.11` or `3.11.7`.
 */
export function isPythonVersion(value: unknown): value is string {
  return typeof value === 'string' && /^3\.\d+(\.\d+)?/.test(value);
}

/** `3.11` of `3.11.7` ('' for none). */
export function majorMinor(version: string | undefined): string {
  return version ? version.split('.').slice(0, 2).join('.') : '';
}

function minor(version: string): number {
  return Number(version.split('.')[1] ?? 0);
}

/** Add extras to a requirement's, once each. */
function addExtras(requirement: IRequirement, extras: string[]): void {
  if (extras.length) {
    requirement.extras = [
      ...new Set([...(requirement.extras ?? []), ...extras])
    ];
  }
}

namespace Private {
  const stdlibSets = new Map<string[], Set<string>>();

  export function stdlibSet(names: string[]): Set<string> {
    let set = stdlibSets.get(names);
    if (!set) {
      set = new Set(names);
      stdlibSets.set(names, set);
    }
    return set;
  }

  interface IFound {
    name: string;
    source: RequirementSource;
    candidates?: string[];
  }

  /**
   * Accumulates requirements, merging those with the same distribution.
   */
  export class Resolver {
    constructor(options: IResolveOptions) {
      const environment = options.environment;
      this._pin = options.pin ?? 'exact';
      this._overrides = options.overrides ?? {};
      this._local = new Set(options.localModules ?? []);
      this._providers = options.providers ?? {};
      this._packages =
        environment?.packages && typeof environment.packages === 'object'
          ? environment.packages
          : {};
      const version = [options.pythonVersion, environment?.pythonVersion].find(
        isPythonVersion
      );
      this._stdlib = Array.isArray(environment?.stdlib)
        ? new Set(environment.stdlib)
        : stdlibModules(version ?? DEFAULT_PYTHON_VERSION);
      for (const distributions of Object.values(this._packages)) {
        for (const item of Array.isArray(distributions) ? distributions : []) {
          if (typeof item?.distribution === 'string') {
            this._installed.set(
              normalizeName(item.distribution),
              String(item.version ?? '')
            );
          }
        }
      }
    }

    addImport(path: string, optional: boolean): void {
      const top = path.split('.')[0];
      if (!top || this._stdlib.has(top) || this._local.has(top)) {
        return;
      }
      // `try: from StringIO import StringIO / except ImportError: from io …`:
      // the Python 2 branch of a fallback, nothing to install.
      if (optional && PYTHON2_ONLY.has(top)) {
        return;
      }
      const found = this._find(path, top);
      if (!found) {
        return; // dropped by an override
      }
      // A namespace package's submodule, and a name nothing resolved (it may
      // be a namespace nobody listed: `oslo.config`), keep their path (at
      // most three parts) for the index to tell who provides them.
      const module = NAMESPACES.has(top)
        ? path
        : found.source === 'identity'
          ? path.split('.').slice(0, 3).join('.')
          : top;
      this._add(found, module, optional, path);
      this._addCompanions(path, optional);
    }

    private _add(
      found: IFound,
      module: string,
      optional: boolean,
      path = module
    ): void {
      const key = normalizeName(found.name);
      const dotted = path.includes('.')
        ? path.split('.').slice(0, 3).join('.')
        : null;
      const existing = this._requirements.get(key);
      if (existing) {
        if (!existing.modules.includes(module)) {
          existing.modules.push(module);
        }
        if (dotted && !existing.paths?.includes(dotted)) {
          (existing.paths ??= []).push(dotted);
        }
        existing.optional = existing.optional && optional;
        return;
      }
      const version = this._installed.get(key);
      const requirement: IRequirement = {
        name: key,
        specifier: version ? pinSpecifier(version, this._pin) : '*',
        source: found.source,
        modules: [module],
        optional,
        ambiguous: found.candidates !== undefined
      };
      if (found.candidates) {
        requirement.candidates = found.candidates.map(normalizeName);
      }
      if (dotted) {
        requirement.paths = [dotted];
      }
      this._requirements.set(key, requirement);
    }

    /**
     * What a submodule needs besides its own distribution (the bundled
     * `companions`): another distribution (`bokeh.sampledata` →
     * bokeh-sampledata), or an extra of its own (`dask.dataframe` →
     * `dask[dataframe]`).
     */
    private _addCompanions(path: string, optional: boolean): void {
      const parts = path.split('.');
      for (let length = parts.length; length > 1; length--) {
        const prefix = parts.slice(0, length).join('.');
        for (const companion of COMPANIONS.get(prefix) ?? []) {
          this._add(
            { name: companion.name, source: 'table' },
            prefix,
            optional
          );
          addExtras(
            this._requirements.get(normalizeName(companion.name))!,
            companion.extras
          );
        }
      }
    }

    addPip(pip: IPipRequirement): void {
      const key = normalizeName(pip.name);
      const existing = this._requirements.get(key);
      const requirement: IRequirement = existing ?? {
        name: key,
        specifier: '*',
        source: 'pip-magic',
        modules: [],
        optional: false,
        ambiguous: false
      };
      // What the user wrote on a pip line is explicit: it wins.
      if (pip.specifier !== '*' || !existing) {
        requirement.specifier = pip.specifier;
      }
      requirement.source = 'pip-magic';
      requirement.optional = false;
      requirement.ambiguous = false;
      delete requirement.candidates;
      addExtras(requirement, pip.extras);
      if (pip.marker) {
        requirement.marker = pip.marker;
      }
      this._requirements.set(key, requirement);
    }

    result(): IRequirement[] {
      return [...this._requirements.values()].sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0
      );
    }

    private _find(path: string, top: string): IFound | null {
      // 1. The user's overrides, most specific first.
      const parts = path.split('.');
      for (let length = parts.length; length > 0; length--) {
        const override = ownValue(
          this._overrides,
          parts.slice(0, length).join('.')
        );
        if (typeof override === 'string') {
          return override ? { name: override, source: 'override' } : null;
        }
      }

      const namespaced = NAMESPACES.has(top)
        ? namespaceDistribution(path)
        : null;
      const candidates = AMBIGUOUS.get(top);

      // 2. The environment: what is installed and provides this import.
      const provided = ownValue(this._packages, top);
      const installed = Array.isArray(provided)
        ? provided
            .map(item => item?.distribution)
            .filter(
              (name): name is string => typeof name === 'string' && !!name
            )
        : [];
      if (namespaced) {
        // A namespace root is provided by many distributions: take the
        // submodule's own, installed or not.
        const match = installed.find(
          name => normalizeName(name) === normalizeName(namespaced)
        );
        return match
          ? { name: match, source: 'environment' }
          : { name: namespaced, source: 'table' };
      }
      if (installed.length === 1) {
        return { name: installed[0], source: 'environment' };
      }
      if (installed.length > 1) {
        const wanted = normalizeName(candidates?.[0] ?? TABLE.get(top) ?? top);
        const match = installed.find(name => normalizeName(name) === wanted);
        return {
          name: match ?? installed[0],
          source: 'environment',
          candidates: installed
        };
      }

      // 3. The bundled table (ambiguous names, renames).
      if (candidates) {
        return { name: candidates[0], source: 'table', candidates };
      }
      const tabled = TABLE.get(top);
      if (tabled) {
        return { name: tabled, source: 'table' };
      }

      // 4. Distribution metadata: the one distribution declaring the module.
      const provider = ownValue(this._providers, top);
      if (typeof provider === 'string' && provider) {
        return { name: provider, source: 'metadata' };
      }

      // 5. The import name itself.
      return { name: top, source: 'identity' };
    }

    private _pin: PinStrategy;
    private _overrides: Record<string, string>;
    private _local: Set<string>;
    private _providers: Record<string, string>;
    private _packages: Record<string, IInstalledDistribution[]>;
    private _stdlib: ReadonlySet<string>;
    private _installed = new Map<string, string>();
    private _requirements = new Map<string, IRequirement>();
  }
}
