import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { CommandIDs, RunCommand } from '../tokens';

/**
 * Notebooks tagged to an overlay that does not exist (its folder was deleted
 * by hand, or a notebook was copied from elsewhere): say so, and offer to
 * create the overlay or to remove the tags. Nothing when there are none.
 */
export function DanglingTagsView(props: {
  dangling: { overlay: string; paths: string[] }[];
  run: RunCommand;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { dangling, run, trans } = props;
  if (dangling.length === 0) {
    return null;
  }
  return (
    <section
      className="jp-OverlaysPanel-section jp-OverlaysPanel-dangling"
      aria-labelledby="jp-OverlaysPanel-danglingHeading"
    >
      <h3
        id="jp-OverlaysPanel-danglingHeading"
        className="jp-OverlaysPanel-sectionTitle"
      >
        {trans.__('Tagged to missing overlays')}
      </h3>
      <ul className="jp-OverlaysPanel-danglingList">
        {dangling.map(({ overlay, paths }) => (
          <li key={overlay} data-dangling={overlay}>
            <p className="jp-OverlaysPanel-danglingText">
              {trans._n(
                '%2 is tagged to "%3", which does not exist.',
                '%1 notebooks are tagged to "%3", which does not exist: %2.',
                paths.length,
                paths.join(', '),
                overlay
              )}
            </p>
            <div className="jp-OverlaysPanel-danglingActions">
              <button
                className="jp-mod-styled jp-mod-accept jp-OverlaysPanel-danglingButton"
                onClick={() => run(CommandIDs.create, { paths, name: overlay })}
                title={trans.__(
                  'Create the overlay "%1" for these notebooks',
                  overlay
                )}
              >
                {trans.__('Create it')}
              </button>
              <button
                className="jp-mod-styled jp-OverlaysPanel-danglingButton"
                onClick={() => run(CommandIDs.removeFrom, { paths })}
                title={trans.__('Remove the tag from these notebooks')}
              >
                {trans.__('Remove the tag')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
