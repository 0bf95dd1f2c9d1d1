/**
 * The overlay of each tagged notebook, shown beside its name in the file
 * browser (as jupyterlab-git shows a file's state). The listing redraws its
 * rows itself; the marks follow: after each redraw of the rows and after
 * each change of the workspace.
 */
import type { FileBrowser } from '@jupyterlab/filebrowser';
import type { IDisposable } from '@lumino/disposable';

import type { OverlaysWorkspace } from '../workspace/model';

/** The attribute the stylesheet shows (style/base.css). */
export const MARK_ATTRIBUTE = 'data-overlay';
const TEXT_CLASS = 'jp-DirListing-itemText';

/**
 * Mark the rows of a listing of `folder` (`""` for the root): each row's
 * name is read from the row. Only changed attributes are written, so
 * marking never loops with an observer.
 */
export function markListing(
  folder: string,
  root: ParentNode,
  overlayOf: (path: string) => string | null
): void {
  for (const text of Array.from(root.querySelectorAll(`.${TEXT_CLASS}`))) {
    const name = text.textContent ?? '';
    const path = folder ? `${folder}/${name}` : name;
    const overlay = name.endsWith('.ipynb') ? overlayOf(path) : null;
    if (overlay === null) {
      text.removeAttribute(MARK_ATTRIBUTE);
    } else if (text.getAttribute(MARK_ATTRIBUTE) !== overlay) {
      text.setAttribute(MARK_ATTRIBUTE, overlay);
    }
  }
}

/**
 * Keeps a file browser's rows marked.
 */
export class BrowserMarkers implements IDisposable {
  constructor(
    browser: FileBrowser,
    workspace: Pick<OverlaysWorkspace, 'changed' | 'overlayOf'>
  ) {
    this._browser = browser;
    this._workspace = workspace;
    this._observer = new MutationObserver(() => this.update());
    this._observer.observe(browser.node, {
      childList: true,
      subtree: true,
      characterData: true
    });
    workspace.changed.connect(this.update, this);
    this.update();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Mark the rows as the workspace is now. */
  update(): void {
    markListing(this._browser.model.path, this._browser.node, path =>
      this._workspace.overlayOf(path)
    );
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._observer.disconnect();
    this._workspace.changed.disconnect(this.update, this);
  }

  private _browser: FileBrowser;
  private _workspace: Pick<OverlaysWorkspace, 'changed' | 'overlayOf'>;
  private _observer: MutationObserver;
  private _isDisposed = false;
}
