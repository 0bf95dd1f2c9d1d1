import { TranslationBundle } from '@jupyterlab/translation';
import { addIcon, closeIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { CommandIDs, RunCommand } from '../tokens';
import type { IPackageChecks } from '../workspace/indexChecks';
import type { IOverlay, IOverlayPackage } from '../workspace/types';
import { IconButton } from './IconButton';
import { IndexFlag } from './IndexFlag';

/**
 * Where a package came from, in the user's words.
 */
export function sourceLabel(
  source: IOverlayPackage['source'],
  trans: TranslationBundle
): string {
  switch (source) {
    case 'override':
      return trans.__('your pick');
    case 'environment':
      return trans.__('kernel');
    case 'table':
      return trans.__('known name');
    case 'metadata':
      return trans.__('package metadata');
    case 'pip-magic':
      return trans.__('%pip line');
    case 'identity':
      return trans.__('import name');
    case 'pipfile':
      return trans.__('Pipfile');
  }
}

/**
 * The packages of an overlay's Pipfile, with where each came from.
 */
export function PackageTable(props: {
  overlay: IOverlay;
  checks?: IPackageChecks;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { overlay, run, trans } = props;
  const name = overlay.name;
  return (
    <div className="jp-OverlaysPanel-packages">
      <div className="jp-OverlaysPanel-subHeader">
        <h4 className="jp-OverlaysPanel-subTitle">
          {trans.__('Packages (%1)', overlay.packages.length)}
        </h4>
        <IconButton
          icon={addIcon}
          onClick={() => run(CommandIDs.addPackage, { name })}
          title={trans.__('Add a package')}
          enabled={!overlay.pipfileError}
        />
      </div>
      {props.checks?.unreachable && overlay.packages.length > 0 && (
        <p className="jp-OverlaysPanel-empty" data-hint="index-unreachable">
          {trans.__(
            'The package index could not be reached: the names were not checked.'
          )}
        </p>
      )}
      {(overlay.syntaxErrors ?? []).map(({ path, cell, line }) => (
        <p
          key={`${path}:${cell}`}
          className="jp-OverlaysPanel-syntaxError"
          data-hint="syntax-error"
        >
          {trans.__(
            '%1: cell %2 does not parse (line %3): imports after the error may be missed.',
            path,
            cell,
            line
          )}
        </p>
      ))}
      {overlay.packages.length === 0 && overlay.hasPipfile && (
        <p className="jp-OverlaysPanel-empty" data-hint="no-packages">
          {overlay.members.length === 0
            ? trans.__(
                'No packages yet: add notebooks to this overlay (right-click them in the file browser) and their imports become its packages, or add one with +.'
              )
            : trans.__(
                'No packages: its notebooks import nothing outside the standard library and the workspace. Add one with + if a step needs it.'
              )}
        </p>
      )}
      {overlay.packages.length > 0 && (
        <table className="jp-OverlaysPanel-packageTable">
          <thead>
            <tr>
              <th scope="col">{trans.__('Package')}</th>
              <th scope="col">{trans.__('Version')}</th>
              <th scope="col">
                <span className="jp-OverlaysPanel-visuallyHidden">
                  {trans.__('Actions')}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>
            {overlay.packages.map(pkg => (
              <tr
                key={pkg.name}
                data-package={pkg.name}
                className="jp-OverlaysPanel-package"
              >
                <td>
                  <span className="jp-OverlaysPanel-packageName">
                    {pkg.key}
                  </span>
                  <IndexFlag
                    overlay={name}
                    pkg={pkg.key}
                    verdict={props.checks?.verdicts[pkg.key]}
                    run={run}
                    trans={trans}
                  />
                  {props.checks?.heldFor[pkg.key] && (
                    <span
                      className="jp-OverlaysPanel-heldFor"
                      title={trans.__(
                        'Capped because the last release of %1 for this Python is older than the newest %2',
                        props.checks.heldFor[pkg.key].join(', '),
                        pkg.key
                      )}
                    >
                      {trans.__(
                        'held back for %1',
                        props.checks.heldFor[pkg.key].join(', ')
                      )}
                    </span>
                  )}
                  {props.checks?.neededBy[pkg.key] && (
                    <span
                      className="jp-OverlaysPanel-heldFor"
                      data-needed-by={props.checks.neededBy[pkg.key].join(' ')}
                      title={trans.__(
                        'Modules of %1 import %2, which %1 does not require',
                        props.checks.neededBy[pkg.key].join(', '),
                        pkg.key
                      )}
                    >
                      {trans.__(
                        'needed by %1',
                        props.checks.neededBy[pkg.key].join(', ')
                      )}
                    </span>
                  )}
                  {pkg.optional && (
                    <span
                      className="jp-OverlaysPanel-flag"
                      title={trans.__(
                        'Imported only inside try / except ImportError'
                      )}
                    >
                      {trans.__('optional')}
                    </span>
                  )}
                  {pkg.ambiguous && (
                    <button
                      className="jp-OverlaysPanel-flag jp-mod-warning"
                      onClick={() =>
                        run(CommandIDs.pickDistribution, {
                          name,
                          module: pkg.modules[0],
                          candidates: pkg.candidates ?? []
                        })
                      }
                      title={trans.__(
                        'Several packages provide %1: pick one',
                        pkg.modules[0]
                      )}
                    >
                      {trans.__('pick…')}
                    </button>
                  )}
                  <span
                    className="jp-OverlaysPanel-source"
                    title={
                      pkg.modules.length
                        ? trans.__('import %1', pkg.modules.join(', '))
                        : undefined
                    }
                  >
                    {sourceLabel(pkg.source, trans)}
                  </span>
                </td>
                <td>
                  <button
                    className="jp-OverlaysPanel-link jp-OverlaysPanel-specifier"
                    onClick={() =>
                      run(CommandIDs.editPackage, { name, package: pkg.key })
                    }
                    title={trans.__(
                      'Edit the version of %1 (%2)',
                      pkg.key,
                      pkg.specifier
                    )}
                    disabled={!!overlay.pipfileError}
                  >
                    {pkg.specifier}
                  </button>
                  {pkg.locked && (
                    <span
                      className="jp-OverlaysPanel-locked"
                      title={trans.__(
                        'Pipfile.lock pins %1 %2',
                        pkg.key,
                        pkg.locked
                      )}
                    >
                      {trans.__('locked %1', pkg.locked)}
                    </span>
                  )}
                </td>
                <td>
                  <IconButton
                    icon={closeIcon}
                    onClick={() =>
                      run(CommandIDs.removePackage, { name, package: pkg.key })
                    }
                    title={trans.__('Remove %1', pkg.key)}
                    enabled={!overlay.pipfileError}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
