import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
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
import type { IOverlay } from '../workspace/types';
import { IconButton } from './IconButton';
import { PackageTable } from './PackageTable';
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
    x.runtimeImageInfo === y.runtimeImageInfo &&
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
