import { LabIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/**
 * The props of an icon button.
 */
export interface IIconButtonProps {
  icon: LabIcon;
  /** The tooltip, also the accessible name. */
  title: string;
  onClick: () => void;
  enabled?: boolean;
}

/**
 * A small native button with an icon, for the sidebar's many per-row
 * actions. `ToolbarButtonComponent` renders a `<jp-button>` web component,
 * which costs about 3× more to mount (benchmarks/sidebar.mjs) and leaks
 * listeners when unmounted; one per row adds up.
 */
export function IconButton(props: IIconButtonProps): JSX.Element {
  return (
    <button
      type="button"
      className="jp-OverlaysPanel-iconButton"
      title={props.title}
      aria-label={props.title}
      disabled={props.enabled === false}
      onClick={props.onClick}
    >
      <props.icon.react
        tag="span"
        className="jp-OverlaysPanel-iconButtonIcon"
      />
    </button>
  );
}
