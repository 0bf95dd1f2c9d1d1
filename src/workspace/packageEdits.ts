/**
 * The edits of an overlay's packages: re-extract (preview and apply), set a
 * version, add, replace or remove a package, pick the package of an
 * ambiguous import. Each edit keeps the Pipfile's comments and layout where
 * it can, and says so when it cannot.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import type { IRequirement } from '../imports/resolve';
import {
  DEFAULT_PYTHON_VERSION,
  IPipfileEntry,
  IPipfileUpdate,
  newPipfile,
  PackageValue,
  requirementValue,
  updatePipfile
} from '../overlay';
import { normalizeName } from '../imports/resolve';
import { changedValue, diffPackages, IPackageDiff } from './diff';
import { valueWithCap } from './holds';
import { advised, IPackageIndex } from './indexAdvice';
import type { IFileChange } from './fileChanges';
import { IWorkspaceFiles } from './files';
import type { WorkspaceScan } from './scan';
import {
  IOverlay,
  IWorkspaceSettings,
  OVERLAY_FILE,
  overlayFileText,
  PIPFILE
} from './types';

/**
 * What package edits need of the workspace.
 */
export interface IPackageEditsContext {
  files: IWorkspaceFiles;
  state: Pick<WorkspaceScan, 'pipfileEntries' | 'overlayRequirements'>;
  trans: TranslationBundle;
  settings: () => IWorkspaceSettings;
  /** The overlay of that name; throws an OverlayError when there is none. */
  existing(name: string): IOverlay;
  /** The package index's verdicts, for holds; null: none asked. */
  index: IPackageIndex | null;
  /** Read the workspace's state again after a write. */
  rebuild(): Promise<void>;
  /** Tell the user something about an edit that succeeded. */
  warn(message: string): void;
}

export class PackageEdits {
  constructor(context: IPackageEditsContext) {
    this._context = context;
  }

  /**
   * What re-extracting an overlay would change in its Pipfile, with the
   * dependencies its additions hold back.
   */
  async preview(name: string): Promise<IPackageDiff> {
    const overlay = this._context.existing(name);
    const entries = await this._context.state.pipfileEntries(overlay);
    const requirements = await this._context.state.overlayRequirements(overlay);
    const diff = diffPackages(entries, requirements);
    if (!diff.added.length) {
      return diff;
    }
    const { comments, holds, packages, needed } = await this._held(
      overlay,
      diff.added,
      entries
    );
    diff.held = Object.entries(holds).map(([key, hold]) => ({
      key,
      value: packages[key],
      comment: comments[key],
      for: hold.for
    }));
    diff.needed = Object.entries(needed).map(([key, comment]) => ({
      key,
      value: packages[key],
      comment
    }));
    return diff;
  }

  /**
   * Write the chosen part of a diff to the overlay's Pipfile.
   */
  async apply(name: string, diff: IPackageDiff): Promise<void> {
    const overlay = this._context.existing(name);
    const set: Record<string, PackageValue> = {};
    const comments: Record<string, string> = {};
    for (const requirement of diff.added) {
      set[requirement.name] = requirementValue(requirement);
    }
    for (const change of diff.changed) {
      set[change.entry.key] = changedValue(change);
    }
    for (const held of [...(diff.needed ?? []), ...(diff.held ?? [])]) {
      set[held.key] = held.value;
      comments[held.key] = held.comment;
    }
    await this._edit(overlay, {
      set,
      remove: diff.removed.map(entry => entry.key),
      comments
    });
  }

  /**
   * Set one package's specifier, or add the package.
   */
  async set(name: string, pkg: string, specifier: string): Promise<void> {
    const value = specifier.trim() || '*';
    await this._edit(this._context.existing(name), {
      set: { [pkg.trim()]: value }
    });
  }

  /**
   * Replace a package by another (a renamed project), keeping its specifier.
   */
  async replace(name: string, pkg: string, replacement: string): Promise<void> {
    const overlay = this._context.existing(name);
    const specifier =
      overlay.packages.find(item => item.key === pkg)?.specifier ?? '*';
    await this._edit(overlay, {
      set: { [replacement]: specifier },
      remove: [pkg]
    });
  }

  /**
   * Hold packages back (`{ matplotlib: '<3.11' }`): each cap joins the
   * package's specifier, or adds the package.
   */
  async holdBack(name: string, pins: Record<string, string>): Promise<void> {
    const overlay = this._context.existing(name);
    const entries = new Map(
      (await this._context.state.pipfileEntries(overlay)).map(entry => [
        entry.name,
        entry
      ])
    );
    const set: Record<string, PackageValue> = {};
    for (const [pkg, cap] of Object.entries(pins)) {
      const entry = entries.get(normalizeName(pkg));
      set[entry?.key ?? pkg] = valueWithCap(
        (entry?.value as PackageValue | undefined) ?? '*',
        cap
      );
    }
    await this._edit(overlay, { set });
  }

  /**
   * Remove one package from the Pipfile. With `ignoreImports` (a name the
   * index does not have), the imports behind it are ignored from now on
   * (`overlay.json`), so a re-extract does not propose it again.
   */
  async remove(
    name: string,
    pkg: string,
    ignoreImports = false
  ): Promise<void> {
    const overlay = this._context.existing(name);
    const modules = ignoreImports
      ? (overlay.packages.find(item => item.key === pkg)?.modules ?? [])
      : [];
    if (modules.length) {
      await this._override(
        overlay,
        Object.fromEntries(modules.map(module => [module, '']))
      );
    }
    await this._edit(overlay, { remove: [pkg] });
  }

  /**
   * Pick the distribution of an ambiguous import: the pick becomes an
   * override, and the Pipfile swaps the packages.
   */
  async pick(
    name: string,
    module: string,
    distribution: string
  ): Promise<void> {
    const overlay = this._context.existing(name);
    const previous = overlay.packages.find(pkg => pkg.modules.includes(module));
    await this._override(overlay, { [module]: distribution });
    const remove =
      previous && previous.name !== distribution ? [previous.key] : [];
    await this._edit(overlay, {
      set: { [distribution]: previous?.specifier ?? '*' },
      remove
    });
  }

  /**
   * Use the packages the index says a package's dotted imports are in
   * (`{ 'zc.lockfile': 'zc-lockfile' }`): each becomes an override, so a
   * re-extract keeps it, and joins the Pipfile; the package goes when every
   * import behind it moved.
   */
  async provide(
    name: string,
    pkg: string,
    providers: Record<string, string>
  ): Promise<void> {
    const overlay = this._context.existing(name);
    const previous = overlay.packages.find(item => item.key === pkg);
    await this._override(overlay, providers);
    const set: Record<string, string> = {};
    for (const provider of Object.values(providers)) {
      set[provider] = '*';
    }
    const moved =
      !previous || previous.modules.every(module => module in providers);
    await this._edit(overlay, { set, remove: moved ? [pkg] : [] });
  }

  /**
   * What adding the packages `paths` import would change in an overlay's
   * Pipfile (nothing is written): Add to Overlay shows it first.
   */
  async planAdd(
    name: string,
    paths: readonly string[]
  ): Promise<IFileChange[]> {
    const overlay = this._context.existing(name);
    const members = [...new Set([...overlay.members, ...paths])];
    const entries = await this._context.state.pipfileEntries(overlay);
    const requirements = await this._context.state.overlayRequirements({
      ...overlay,
      members
    });
    const { added } = diffPackages(entries, requirements);
    if (!added.length) {
      return [];
    }
    const held = await this._held(overlay, added, entries);
    const { change } = await this._plan(overlay, {
      set: held.packages,
      comments: held.comments
    });
    return change.before === change.after ? [] : [change];
  }

  /**
   * Requirements as Pipfile entries, with the holds the index asks for
   * beside the Pipfile's `entries`, and what their imports need (Add to
   * Overlay and a re-extract write those too).
   */
  private _held(
    overlay: IOverlay,
    added: IRequirement[],
    entries: IPipfileEntry[]
  ): ReturnType<typeof advised> {
    const set: Record<string, PackageValue> = {};
    for (const requirement of added) {
      set[requirement.name] = requirementValue(requirement);
    }
    const settings = this._context.settings();
    const existing = Object.fromEntries(
      entries.map(entry => [entry.key, entry.value as PackageValue])
    );
    return advised(
      settings.holdBackDependencies ? this._context.index : null,
      added,
      set,
      overlay.pythonVersion ??
        (settings.pythonVersion || DEFAULT_PYTHON_VERSION),
      existing
    );
  }

  /** Add import → distribution picks to the overlay's `overlay.json`. */
  private async _override(
    overlay: IOverlay,
    picks: Record<string, string>
  ): Promise<void> {
    const overrides = { ...overlay.overrides, ...picks };
    await this._context.files.write(
      `${overlay.folder}/${OVERLAY_FILE}`,
      overlayFileText(overrides)
    );
  }

  private async _edit(
    overlay: IOverlay,
    update: IPipfileUpdate
  ): Promise<void> {
    const { change, formattingKept } = await this._plan(overlay, update);
    if (!formattingKept) {
      this._context.warn(
        this._context.trans.__(
          'The Pipfile of %1 was written anew: its comments and layout could not be kept (%2).',
          overlay.name,
          change.path
        )
      );
    }
    if (change.after !== change.before && change.after !== null) {
      await this._context.files.write(change.path, change.after);
    }
    await this._context.rebuild();
  }

  /** The Pipfile's text before and after an update. */
  private async _plan(
    overlay: IOverlay,
    update: IPipfileUpdate
  ): Promise<{ change: IFileChange; formattingKept: boolean }> {
    const path = `${overlay.folder}/${PIPFILE}`;
    const text = await this._context.files.read(path);
    if (text === null) {
      const after = newPipfile(
        Object.fromEntries(
          Object.entries(update.set ?? {}).filter(
            ([key]) => !update.remove?.includes(key)
          )
        ),
        overlay.pythonVersion ??
          (this._context.settings().pythonVersion || DEFAULT_PYTHON_VERSION),
        update.comments
      );
      return { change: { path, before: null, after }, formattingKept: true };
    }
    const written = updatePipfile(text, update);
    return {
      change: { path, before: text, after: written.text },
      formattingKept: written.formattingKept
    };
  }

  private _context: IPackageEditsContext;
}
