import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { OverlaysAPI } from '../tokens';

/**
 * What an overlay's image starts from, and where AICoE CI would build it on
 * something else (a Debian base here, UBI there: system libraries differ).
 */
export function BaseImageNote(props: {
  base: OverlaysAPI.IOverlayStatus['base_image'];
  /** The Debian suite of a base image made on this server; else null. */
  debianSuite: string | null;
  /** The base image `.aicoe-ci.yaml` names for the overlay. */
  aicoeBase: string | null;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { base, debianSuite, aicoeBase, trans } = props;
  if (!base) {
    return null;
  }
  let text: string;
  if (base.from === 'containerfile') {
    text = trans.__(
      'Image based on %1 (its Containerfile says so).',
      base.image
    );
  } else if (debianSuite) {
    text = trans.__(
      'Image based on %1 (Debian %2, made on this server).',
      base.image,
      debianSuite
    );
  } else {
    text = trans.__('Image based on %1.', base.image);
  }
  return (
    <div className="jp-OverlaysPanel-baseImage" data-base-from={base.from}>
      <p className="jp-OverlaysPanel-hint">{text}</p>
      {aicoeBase && aicoeBase !== base.image && (
        <p className="jp-OverlaysPanel-notice jp-mod-warning" role="note">
          {trans.__(
            'AICoE CI builds it on %1 instead: packages that need system libraries can behave differently there.',
            aicoeBase
          )}
        </p>
      )}
    </div>
  );
}
