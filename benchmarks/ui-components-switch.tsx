/**
 * @jupyterlab/ui-components for the sidebar benchmark, with the toolbar
 * button and the icons the sidebar uses (src/components/OverlayList.tsx,
 * OverlayJobs.tsx) switchable, so the benchmark can
 * measure "what if" variants without touching src/. It stands in for the
 * package (jest's moduleNameMapper in benchmarks/jest.bench.config.js,
 * rspack's alias in benchmarks/sidebar.mjs); with the `real` variant it is
 * the package unchanged. The components read these bindings at each render
 * (live ES bindings, or CommonJS property reads), so a switch applies to
 * the next render.
 */
import * as React from 'react';

import * as real from '@jupyterlab/ui-components/lib/index';

export * from '@jupyterlab/ui-components/lib/index';

/**
 * - `real`: @jupyterlab/ui-components as is;
 * - `plain-button`: ToolbarButtonComponent as a native <button> with the
 *   same classes, attributes and LabIcon;
 * - `plain-button-no-svg`: that, and every icon an empty <span>.
 */
export type Variant = 'real' | 'plain-button' | 'plain-button-no-svg';

/** A native <button> with the classes, attributes and icon of the real one. */
function PlainToolbarButton(
  props: real.ToolbarButtonComponent.IProps
): JSX.Element {
  const disabled = props.enabled === false;
  const Icon = (props.icon as real.LabIcon).react;
  return (
    <button
      type="button"
      className="jp-ToolbarButtonComponent jp-Button jp-mod-minimal"
      title={props.tooltip}
      aria-label={props.tooltip}
      aria-disabled={disabled}
      disabled={disabled}
      onClick={props.onClick}
    >
      <Icon tag={null} />
    </button>
  );
}

function stubIcon(icon: real.LabIcon): real.LabIcon {
  const Stub = (props: { className?: string }) => (
    <span
      className={`jp-Icon ${props.className ?? ''}`}
      data-icon={icon.name}
    />
  );
  return { name: icon.name, react: Stub } as unknown as real.LabIcon;
}

const STUBS = {
  addIcon: stubIcon(real.addIcon),
  caretDownIcon: stubIcon(real.caretDownIcon),
  caretRightIcon: stubIcon(real.caretRightIcon),
  closeIcon: stubIcon(real.closeIcon),
  copyIcon: stubIcon(real.copyIcon),
  deleteIcon: stubIcon(real.deleteIcon),
  editIcon: stubIcon(real.editIcon),
  fileIcon: stubIcon(real.fileIcon),
  listIcon: stubIcon(real.listIcon),
  notebookIcon: stubIcon(real.notebookIcon),
  refreshIcon: stubIcon(real.refreshIcon),
  stopIcon: stubIcon(real.stopIcon)
};

export let ToolbarButtonComponent: typeof real.ToolbarButtonComponent =
  real.ToolbarButtonComponent;
export let addIcon = real.addIcon;
export let caretDownIcon = real.caretDownIcon;
export let caretRightIcon = real.caretRightIcon;
export let closeIcon = real.closeIcon;
export let copyIcon = real.copyIcon;
export let deleteIcon = real.deleteIcon;
export let editIcon = real.editIcon;
export let fileIcon = real.fileIcon;
export let listIcon = real.listIcon;
export let notebookIcon = real.notebookIcon;
export let refreshIcon = real.refreshIcon;
export let stopIcon = real.stopIcon;

/** Switch the variant; applies to the next render. */
export function setVariant(variant: Variant): void {
  ToolbarButtonComponent =
    variant === 'real'
      ? real.ToolbarButtonComponent
      : (PlainToolbarButton as typeof real.ToolbarButtonComponent);
  const icons = variant === 'plain-button-no-svg' ? STUBS : real;
  addIcon = icons.addIcon;
  caretDownIcon = icons.caretDownIcon;
  caretRightIcon = icons.caretRightIcon;
  closeIcon = icons.closeIcon;
  copyIcon = icons.copyIcon;
  deleteIcon = icons.deleteIcon;
  editIcon = icons.editIcon;
  fileIcon = icons.fileIcon;
  listIcon = icons.listIcon;
  notebookIcon = icons.notebookIcon;
  refreshIcon = icons.refreshIcon;
  stopIcon = icons.stopIcon;
}
