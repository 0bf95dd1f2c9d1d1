import { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  caretDownIcon,
  caretRightIcon,
  closeIcon,
  codeIcon,
  deleteIcon,
  editIcon,
  fileIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import type { BuildHistory } from '../jobs/history';
import type { JobsModel } from '../jobs/model';
import { CommandIDs, isActive, RunCommand } from '../tokens';
import type { IPackageChecks } from '../workspace/indexChecks';
import type { IOverlay, IOverlayPackage } from '../workspace/types';
import { IconButton } from './IconButton';
import { IndexFlag } from './IndexFlag';
import { BaseImageNote } from './BaseImageNote';
import { BuildHistoryView } from './BuildHistoryView';
import { OverlayJobs } from './OverlayJobs';

/**
 * The props of the overlay list.
 */
export interface IOverlayListProps {
  overlays: readonly IOverlay[];
  problems: readonly string[];
  scanning: boolean;
  expanded: ReadonlySet<string>;
  onToggle: (name: string) => void;
  /** The jobs of an overlay; absent without a job service. */
  jobsOf?: (name: string) => JobsModel.IOverlayJobs;
  /** What the package index says of an overlay's packages. */
  checksOf?: (overlay: IOverlay) => IPackageChecks;
  /** The Debian suite of the base image this server makes; else null. */
  debianSuite?: string | null;
  /** An overlay's build history; undefined while closed. */
  historyOf?: (name: string) => BuildHistory.IState | undefined;
  run: RunCommand;
  trans: TranslationBundle;
}

/**
 * Every overlay of the workspace.
 */
export function OverlayList(props: IOverlayListProps): JSX.Element {
  const { overlays, problems, scanning, trans } = props;
  return (
    <section
      className="jp-OverlaysPanel-section jp-OverlaysPanel-overlays"
      aria-label={trans.__('Overlays of this workspace')}
      aria-busy={scanning}
    >
      {problems.map(problem => (
        <p
          key={problem}
          className="jp-OverlaysPanel-notice jp-mod-error"
          role="alert"
        >
          {problem}
        </p>
      ))}
      {scanning && overlays.length === 0 && (
        <p className="jp-OverlaysPanel-notice" role="status">
          {trans.__('Reading the workspace…')}
        </p>
      )}
      {!scanning && overlays.length === 0 && (
        <p className="jp-OverlaysPanel-empty">
          {trans.__(
            'No overlays yet. Right-click a notebook in the file browser and choose "Create Overlay…".'
          )}
        </p>
      )}
      <ul className="jp-OverlaysPanel-overlayList">
        {overlays.map(overlay => (
          <OverlayItem
            key={overlay.name}
            overlay={overlay}
            expanded={props.expanded.has(overlay.name)}
            onToggle={props.onToggle}
            jobs={props.jobsOf?.(overlay.name)}
            checks={props.checksOf?.(overlay)}
            debianSuite={props.debianSuite ?? null}
            history={props.historyOf?.(overlay.name)}
            run={props.run}
            trans={trans}
          />
        ))}
      </ul>
    </section>
  );
}

/**
 * The props of one overlay.
 */
export interface IOverlayItemProps {
  overlay: IOverlay;
  expanded: boolean;
  onToggle: (name: string) => void;
  /** Its lock and build jobs; absent without a job service. */
  jobs?: JobsModel.IOverlayJobs;
  /** What the package index says of its packages (arrives later). */
  checks?: IPackageChecks;
  /** The Debian suite of the base image this server makes; else null. */
  debianSuite?: string | null;
  /** Its build history; undefined while closed. */
  history?: BuildHistory.IState;
  run: RunCommand;
  trans: TranslationBundle;
}

/**
 * One overlay: its header with state badges and actions; when expanded,
 * its notebooks and packages.
 */
export const OverlayItem = React.memo(OverlayItemView, sameOverlayItem);

/**
 * Whether an overlay row would render the same: toggling one overlay, or a
 * poll that changed nothing of this overlay, re-renders only what changed.
 */
export function sameOverlayItem(
  a: IOverlayItemProps,
  b: IOverlayItemProps
): boolean {
  if (
    a.overlay !== b.overlay ||
    a.expanded !== b.expanded ||
    a.onToggle !== b.onToggle ||
    a.run !== b.run ||
    a.trans !== b.trans ||
    a.checks !== b.checks ||
    a.debianSuite !== b.debianSuite ||
    a.history !== b.history
  ) {
    return false;
  }
  const x = a.jobs;
  const y = b.jobs;
  if (!x || !y) {
    return x === y;
  }
  const ticking = isActive(y.build) || isActive(y.lock);
  return (
    x.build === y.build &&
    x.lock === y.lock &&
    x.lastBuilt === y.lastBuilt &&
    x.status === y.status &&
    x.runtimeImage === y.runtimeImage &&
    x.cancelling === y.cancelling &&
    (!ticking || x.now === y.now)
  );
}

/**
 * One overlay (see OverlayItem, its memoised form).
 */
export function OverlayItemView(props: IOverlayItemProps): JSX.Element {
  const { overlay, expanded, run, trans } = props;
  const name = overlay.name;
  const bodyId = `jp-OverlaysPanel-overlay-${name}`;
  return (
    <li className="jp-OverlaysPanel-overlay" data-overlay={name}>
      <div className="jp-OverlaysPanel-overlayHeader">
        <button
          className="jp-OverlaysPanel-toggle"
          aria-expanded={expanded}
          aria-controls={bodyId}
          onClick={() => props.onToggle(name)}
          title={expanded ? trans.__('Collapse') : trans.__('Expand')}
        >
          {expanded ? (
            <caretDownIcon.react tag="span" />
          ) : (
            <caretRightIcon.react tag="span" />
          )}
          <span className="jp-OverlaysPanel-overlayName" title={name}>
            {name}
          </span>
        </button>
        <OverlayBadges overlay={overlay} trans={trans} />
        <span className="jp-OverlaysPanel-actions">
          <IconButton
            icon={codeIcon}
            onClick={() => run(CommandIDs.reextract, { name })}
            title={trans.__('Re-extract packages from the notebooks')}
            enabled={overlay.hasPipfile && !overlay.pipfileError}
          />
          <IconButton
            icon={fileIcon}
            onClick={() => run(CommandIDs.openPipfile, { name })}
            title={trans.__('Open the Pipfile')}
            enabled={overlay.hasPipfile}
          />
          <IconButton
            icon={editIcon}
            onClick={() => run(CommandIDs.rename, { name })}
            title={trans.__('Rename the overlay')}
          />
          <IconButton
            icon={deleteIcon}
            onClick={() => run(CommandIDs.remove, { name })}
            title={trans.__('Delete the overlay')}
          />
        </span>
      </div>
      {overlay.nameProblem && (
        <p className="jp-OverlaysPanel-notice jp-mod-warning" role="alert">
          {trans.__(
            'The name "%1" cannot be used for an image or a runtime image: rename the overlay to lock or build it.',
            name
          )}{' '}
          <button
            className="jp-OverlaysPanel-link"
            onClick={() => run(CommandIDs.rename, { name })}
          >
            {trans.__('Rename…')}
          </button>
        </p>
      )}
      {!overlay.hasPipfile && !overlay.nameProblem && (
        <p className="jp-OverlaysPanel-notice jp-mod-warning" role="alert">
          {trans.__('%1 has no Pipfile.', overlay.folder)}{' '}
          <button
            className="jp-OverlaysPanel-link"
            onClick={() => run(CommandIDs.writePipfile, { name })}
          >
            {trans.__('Write the Pipfile')}
          </button>
        </p>
      )}
      {props.jobs && !overlay.nameProblem && (
        <OverlayJobs
          name={name}
          jobs={props.jobs}
          hasPipfile={overlay.hasPipfile && !overlay.pipfileError}
          run={run}
          trans={trans}
        />
      )}
      {expanded && (
        <div id={bodyId} className="jp-OverlaysPanel-overlayBody">
          {overlay.pipfileError && (
            <p className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
              {trans.__('The Pipfile cannot be read: %1', overlay.pipfileError)}
            </p>
          )}
          <MemberList overlay={overlay} run={run} trans={trans} />
          <PackageTable
            overlay={overlay}
            checks={props.checks}
            run={run}
            trans={trans}
          />
          <BaseImageNote
            base={props.jobs?.status?.base_image}
            debianSuite={props.debianSuite ?? null}
            aicoeBase={overlay.aicoeBaseImage ?? null}
            trans={trans}
          />
          {props.jobs && !overlay.nameProblem && (
            <BuildHistoryView
              name={name}
              history={props.history}
              registeredJob={props.jobs.runtimeImage?.job_id ?? null}
              currentHash={props.jobs.status?.source_hash ?? null}
              run={run}
              trans={trans}
            />
          )}
        </div>
      )}
    </li>
  );
}

/**
 * What needs the user's attention about an overlay.
 */
export function OverlayBadges(props: {
  overlay: IOverlay;
  trans: TranslationBundle;
}): JSX.Element {
  const { overlay, trans } = props;
  const ambiguous = overlay.packages.filter(pkg => pkg.ambiguous).length;
  return (
    <span className="jp-OverlaysPanel-badges">
      {overlay.outOfDate && (
        <span
          className="jp-OverlaysPanel-badge jp-mod-warning"
          title={trans.__(
            'Its notebooks import packages the Pipfile lacks: re-extract.'
          )}
        >
          {trans.__('out of date')}
        </span>
      )}
      {overlay.pipfileError && (
        <span className="jp-OverlaysPanel-badge jp-mod-error">
          {trans.__('Pipfile error')}
        </span>
      )}
      {!overlay.hasPipfile && (
        <span className="jp-OverlaysPanel-badge jp-mod-warning">
          {trans.__('no Pipfile')}
        </span>
      )}
      {ambiguous > 0 && (
        <span
          className="jp-OverlaysPanel-badge jp-mod-warning"
          title={trans.__(
            'Some imports come from more than one package: pick one.'
          )}
        >
          {trans._n('%1 to pick', '%1 to pick', ambiguous)}
        </span>
      )}
    </span>
  );
}

function MemberList(props: {
  overlay: IOverlay;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { overlay, run, trans } = props;
  return (
    <div className="jp-OverlaysPanel-members">
      <h4 className="jp-OverlaysPanel-subTitle">
        {trans.__('Notebooks (%1)', overlay.members.length)}
      </h4>
      {overlay.members.length === 0 ? (
        <p className="jp-OverlaysPanel-empty">
          {trans.__('No notebook is tagged to it.')}
        </p>
      ) : (
        <ul className="jp-OverlaysPanel-memberList">
          {overlay.members.map(path => (
            <li key={path} className="jp-OverlaysPanel-member">
              <button
                className="jp-OverlaysPanel-link"
                onClick={() => run('docmanager:open', { path })}
                title={trans.__('Open %1', path)}
              >
                {path}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

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
