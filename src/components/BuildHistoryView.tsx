import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  listIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import type { BuildHistory } from '../jobs/history';
import { CommandIDs, OverlaysAPI, RunCommand } from '../tokens';
import { IconButton } from './IconButton';
import { elapsed, formatElapsed, stateLabel } from './OverlayJobs';

/**
 * An overlay's earlier builds, opened on demand: when each ran, how it
 * ended, its image, which one Elyra uses, and a way back to another image.
 */
export function BuildHistoryView(props: {
  name: string;
  /** Undefined while closed. */
  history: BuildHistory.IState | undefined;
  /** The build whose image is the overlay's runtime image. */
  registeredJob: string | null;
  /** The source hash a build of the current files would record. */
  currentHash: string | null;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { name, history, run, trans } = props;
  const open = history !== undefined;
  const listId = `jp-OverlaysPanel-history-${name}`;
  return (
    <section className="jp-OverlaysPanel-history">
      <button
        type="button"
        className="jp-OverlaysPanel-subHeader jp-OverlaysPanel-historyToggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => run(CommandIDs.toggleHistory, { name })}
      >
        {open ? (
          <caretDownIcon.react tag="span" />
        ) : (
          <caretRightIcon.react tag="span" />
        )}
        <span className="jp-OverlaysPanel-subTitle">
          {trans.__('Build history')}
        </span>
      </button>
      {open && (
        <div id={listId}>
          {history.error && (
            <p className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
              {trans.__('The history cannot be read: %1', history.error)}
            </p>
          )}
          {history.loading && history.builds.length === 0 && (
            <p className="jp-OverlaysPanel-empty" role="status">
              {trans.__('Reading the history…')}
            </p>
          )}
          {!history.loading && !history.error && !history.builds.length && (
            <p className="jp-OverlaysPanel-empty">
              {trans.__('No builds yet.')}
            </p>
          )}
          <ol className="jp-OverlaysPanel-historyList">
            {history.builds.map(build => (
              <HistoryRow
                key={build.id}
                build={build}
                image={build.image ? history.images[build.image] : undefined}
                registered={build.id === props.registeredJob}
                current={build.source_hash === props.currentHash}
                run={run}
                trans={trans}
              />
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

/**
 * One earlier build.
 */
function HistoryRow(props: {
  build: OverlaysAPI.IJob;
  /** Whether its image is still there, and its size. */
  image?: OverlaysAPI.IImages['images'][string];
  registered: boolean;
  /** Built from the overlay's current files. */
  current: boolean;
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element {
  const { build, registered, run, trans } = props;
  const when = new Date(build.created);
  const took = build.finished ? elapsed(build, 0) : null;
  const gone = props.image?.exists === false;
  const usable = build.state === 'succeeded' && !!build.image && !gone;
  return (
    <li
      className="jp-OverlaysPanel-historyItem"
      data-history-job={build.id}
      data-job-state={build.state}
      data-registered={registered || undefined}
    >
      <time dateTime={build.created} title={when.toLocaleString()}>
        {when.toLocaleString(undefined, {
          dateStyle: 'short',
          timeStyle: 'short'
        })}
      </time>
      <span
        className={`jp-OverlaysPanel-badge jp-OverlaysPanel-jobState jp-mod-${build.state}`}
      >
        {stateLabel(build.state, trans)}
      </span>
      {took !== null && (
        <span className="jp-OverlaysPanel-jobElapsed" title={trans.__('Took')}>
          {formatElapsed(took)}
        </span>
      )}
      {usable && !props.current && (
        <span
          className="jp-OverlaysPanel-flag"
          title={trans.__(
            'Built from earlier files: the Pipfile, lock or Containerfile changed since.'
          )}
        >
          {trans.__('earlier files')}
        </span>
      )}
      {usable && props.image?.size && (
        <span
          className="jp-OverlaysPanel-imageSize"
          title={trans.__('Image size')}
        >
          {props.image.size}
        </span>
      )}
      {gone && (
        <span
          className="jp-OverlaysPanel-flag"
          data-flag="image-gone"
          title={trans.__(
            'The image is no longer on this machine: only a new build brings it back.'
          )}
        >
          {trans.__('image removed')}
        </span>
      )}
      {build.state === 'succeeded' && build.image && (
        <code className="jp-OverlaysPanel-image" title={build.image}>
          {build.image}
        </code>
      )}
      <span className="jp-OverlaysPanel-jobActions">
        {registered ? (
          <span className="jp-OverlaysPanel-flag" data-flag="in-elyra">
            {trans.__('in Elyra')}
          </span>
        ) : (
          usable && (
            <button
              type="button"
              className="jp-OverlaysPanel-link"
              onClick={() => run(CommandIDs.useBuild, { id: build.id })}
              title={trans.__(
                "Make this build's image the overlay's Elyra runtime image"
              )}
            >
              {trans.__('Use in Elyra')}
            </button>
          )
        )}
        <IconButton
          icon={listIcon}
          onClick={() => run(CommandIDs.openJobLog, { id: build.id })}
          title={trans.__('Show log')}
        />
      </span>
    </li>
  );
}
