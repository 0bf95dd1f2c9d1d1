import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

/**
 * What the status bar says about the running jobs, e.g. "1 build running";
 * empty when none runs.
 */
export function runningLabel(
  builds: number,
  locks: number,
  trans: TranslationBundle
): string {
  const parts: string[] = [];
  if (builds > 0) {
    parts.push(trans._n('%1 build running', '%1 builds running', builds));
  }
  if (locks > 0) {
    parts.push(trans._n('%1 lock running', '%1 locks running', locks));
  }
  return parts.join(', ');
}

/**
 * The status bar item: how many jobs run; a click opens the Overlays panel.
 */
export function JobsStatusView(props: {
  builds: number;
  locks: number;
  onClick: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { builds, locks, trans } = props;
  return (
    <button
      className="jp-OverlaysJobsStatus"
      onClick={props.onClick}
      title={trans.__('Show the Overlays panel')}
    >
      {runningLabel(builds, locks, trans)}
    </button>
  );
}
