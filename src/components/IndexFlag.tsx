import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { CommandIDs, OverlaysAPI, RunCommand } from '../tokens';

/**
 * What the package index says of a package that will not install as written,
 * beside its name, with the fix when there is one: remove a name the index
 * does not have, use the new name of a renamed package, drop a pin that has
 * no wheel for the overlay's Python, hold back the
 * dependencies released after the last release this Python gets, use the
 * packages its dotted imports are in (`zc.lockfile`: zc-lockfile, not zc), add
 * what its modules import but it does not require (`colorcet.plotting`:
 * matplotlib); a module its release no longer has, and one that fetches a
 * URL when imported, are told of. Which
 * dependency will not install, or why they are held back, is in the tooltip.
 * A held-back package whose dependencies the Pipfile already caps is told of
 * quietly, without a fix.
 */
export function IndexFlag(props: {
  overlay: string;
  pkg: string;
  verdict: OverlaysAPI.IIndexVerdict | undefined;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { overlay, pkg, verdict, run, trans } = props;
  if (!verdict || verdict.status === 'ok' || verdict.status === 'unknown') {
    return null;
  }
  const label = {
    missing: trans.__('not on the index'),
    'no-wheel': trans.__('no wheel'),
    yanked: trans.__('yanked'),
    renamed: trans.__('renamed: use %1', verdict.use ?? ''),
    dependency: trans.__('a dependency will not install'),
    'dependency-no-wheel': trans.__('a dependency has no wheel'),
    'held-back': trans.__('last release for this Python'),
    pinned: trans.__('no wheel for this version'),
    provided: trans.__('import is in %1', verdict.use ?? ''),
    needs: verdict.use
      ? trans.__('needs %1', verdict.use)
      : trans.__('needs more than it requires'),
    gone: trans.__('no module %1', verdict.use ?? ''),
    network: trans.__('needs the network when imported')
  }[verdict.status];
  const pins = Object.entries(verdict.pins ?? {});
  const settled =
    (verdict.status === 'held-back' || verdict.status === 'needs') &&
    pins.length === 0;
  const providers = Object.entries(verdict.providers ?? {});
  const title =
    verdict.status === 'provided'
      ? providers
          .map(([module, provider]) =>
            trans.__(
              '%1 is in the package %2, not in %3',
              module,
              provider,
              pkg
            )
          )
          .join('\n')
      : (verdict.detail ?? label);
  return (
    <span
      className={`jp-OverlaysPanel-indexFlag${settled ? ' jp-mod-settled' : ''}`}
      data-index-status={verdict.status}
      data-settled={settled || undefined}
      title={title}
    >
      {label}
      {verdict.status === 'missing' && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.removePackage, {
              name: overlay,
              package: pkg,
              ignoreImports: true
            })
          }
          title={trans.__(
            'Remove %1 from the Pipfile, and ignore the imports behind it',
            pkg
          )}
        >
          {trans.__('Remove')}
        </button>
      )}
      {verdict.status === 'held-back' && pins.length > 0 && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.holdBackPackages, {
              name: overlay,
              pins: verdict.pins ?? {}
            })
          }
          title={trans.__(
            'Add to the Pipfile: %1',
            pins.map(([name, cap]) => `${name} ${cap}`).join(', ')
          )}
        >
          {trans.__('Hold back %1', pins.map(([name]) => name).join(', '))}
        </button>
      )}
      {verdict.status === 'needs' && pins.length > 0 && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.holdBackPackages, {
              name: overlay,
              pins: verdict.pins ?? {}
            })
          }
          title={trans.__(
            'Add to the Pipfile: %1',
            pins
              .map(([name, cap]) => (cap === '*' ? name : `${name} ${cap}`))
              .join(', ')
          )}
        >
          {trans.__('Add %1', pins.map(([name]) => name).join(', '))}
        </button>
      )}
      {verdict.status === 'gone' && pins.length > 0 && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.holdBackPackages, {
              name: overlay,
              pins: verdict.pins ?? {}
            })
          }
          title={trans.__(
            'Use a release that still has %1: %2',
            verdict.use ?? '',
            pins.map(([name, cap]) => `${name} ${cap}`).join(', ')
          )}
        >
          {trans.__('Use %1', pins.map(([, cap]) => cap).join(', '))}
        </button>
      )}
      {verdict.status === 'pinned' && verdict.use && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.editPackage, {
              name: overlay,
              package: pkg,
              specifier: verdict.use
            })
          }
          title={trans.__('Let %1 be any version that installs', pkg)}
        >
          {trans.__('Any version')}
        </button>
      )}
      {verdict.status === 'provided' && providers.length > 0 && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.useProviders, {
              name: overlay,
              package: pkg,
              providers: verdict.providers ?? {}
            })
          }
          title={trans.__(
            'Use %1 in the Pipfile for these imports',
            verdict.use ?? ''
          )}
        >
          {trans.__('Use %1', verdict.use ?? '')}
        </button>
      )}
      {verdict.status === 'renamed' && verdict.use && (
        <button
          className="jp-OverlaysPanel-link jp-OverlaysPanel-indexFix"
          onClick={() =>
            run(CommandIDs.replacePackage, {
              name: overlay,
              package: pkg,
              replacement: verdict.use
            })
          }
          title={trans.__(
            'Replace %1 with %2 in the Pipfile',
            pkg,
            verdict.use
          )}
        >
          {trans.__('Use %1', verdict.use)}
        </button>
      )}
    </span>
  );
}
