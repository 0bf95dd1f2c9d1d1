import { TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButtonComponent } from '@jupyterlab/ui-components';
import * as React from 'react';

import { OverlaysModel } from '../model';
import { OverlaysAPI } from '../tokens';

/**
 * The props of the Overlays panel.
 */
export interface IOverlaysPanelProps {
  server: OverlaysModel.IServerStatus;
  /** The overlays folder in use. */
  overlaysFolder: string;
  frontendVersion: string;
  onRefresh: () => void;
  trans: TranslationBundle;
  /** The overlays section, shown between the header and the build tools. */
  children?: React.ReactNode;
  /** Shown after the settings: the configuration files. */
  configFiles?: React.ReactNode;
}

/**
 * The Overlays panel: a header, the server's state and its build tools.
 */
export function OverlaysPanelView(props: IOverlaysPanelProps): JSX.Element {
  const { server, trans } = props;
  return (
    <div className="jp-OverlaysPanel-body">
      <div className="jp-OverlaysPanel-header">
        <h2 className="jp-OverlaysPanel-title">{trans.__('Overlays')}</h2>
        <ToolbarButtonComponent
          icon={refreshIcon}
          onClick={props.onRefresh}
          tooltip={trans.__('Refresh overlays and build tools')}
          enabled={server.state !== 'loading'}
        />
      </div>
      <ServerNotice {...props} />
      {props.children}
      <section
        className="jp-OverlaysPanel-section"
        aria-label={trans.__('Settings')}
      >
        <div className="jp-OverlaysPanel-setting">
          <span className="jp-OverlaysPanel-settingLabel">
            {trans.__('Overlays folder')}
          </span>
          <code className="jp-OverlaysPanel-settingValue">
            {props.overlaysFolder}
          </code>
        </div>
      </section>
      {props.configFiles}
      {server.info?.build_backend === 'kubernetes' ? (
        <ClusterBuilds cluster={server.info.cluster ?? null} trans={trans} />
      ) : (
        server.info && (
          <BuildToolList
            tools={server.info.build_tools}
            preferred={server.info.preferred_build_tool}
            trans={trans}
          />
        )
      )}
    </div>
  );
}

/**
 * What the panel says about the server extension when it is not ready.
 */
export function ServerNotice(props: IOverlaysPanelProps): JSX.Element | null {
  const { server, frontendVersion, trans } = props;
  switch (server.state) {
    case 'ready':
      return null;
    case 'loading':
      return (
        <p className="jp-OverlaysPanel-notice" role="status">
          {trans.__('Asking the server for its build tools…')}
        </p>
      );
    case 'missing':
      return (
        <div className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
          <p>
            {trans.__(
              'The jupyterlab-overlays server extension is not running, so overlays cannot be built.'
            )}
          </p>
          <p>
            {trans.__(
              'Install the Python package (pip install jupyterlab-overlays), check that "jupyter server extension list" shows it enabled, then restart JupyterLab.'
            )}
          </p>
        </div>
      );
    case 'mismatch':
      return (
        <div className="jp-OverlaysPanel-notice jp-mod-warning" role="alert">
          <p>
            {trans.__(
              'The server extension is version %1 but this frontend is version %2.',
              server.info?.version ?? '?',
              frontendVersion
            )}
          </p>
          <p>
            {trans.__(
              'Reinstall jupyterlab-overlays in the server environment and restart JupyterLab, then reload this page.'
            )}
          </p>
        </div>
      );
    case 'error':
      return (
        <div className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
          <p>{trans.__('The server extension could not be reached.')}</p>
          <p className="jp-OverlaysPanel-errorDetail">{server.error}</p>
        </div>
      );
  }
}

/**
 * The props of the build tool list.
 */
export interface IBuildToolListProps {
  tools: OverlaysAPI.IBuildTool[];
  preferred: string | null;
  trans: TranslationBundle;
}

/**
 * The local build tools and whether each can be used.
 */
export function BuildToolList(props: IBuildToolListProps): JSX.Element {
  const { tools, preferred, trans } = props;
  return (
    <section
      className="jp-OverlaysPanel-section"
      aria-labelledby="jp-OverlaysPanel-buildToolsHeading"
    >
      <h3
        id="jp-OverlaysPanel-buildToolsHeading"
        className="jp-OverlaysPanel-sectionTitle"
      >
        {trans.__('Build tools')}
      </h3>
      {preferred === null && (
        <p className="jp-OverlaysPanel-notice jp-mod-warning" role="status">
          {trans.__(
            'No usable build tool was found: images cannot be built locally.'
          )}
        </p>
      )}
      <ul className="jp-OverlaysPanel-buildTools">
        {tools.map(tool => (
          <BuildToolItem
            key={tool.name}
            tool={tool}
            preferred={tool.name === preferred}
            trans={trans}
          />
        ))}
      </ul>
    </section>
  );
}

function BuildToolItem(props: {
  tool: OverlaysAPI.IBuildTool;
  preferred: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { tool, preferred, trans } = props;
  const modifier = tool.usable ? 'jp-mod-usable' : 'jp-mod-unusable';
  return (
    <li
      className={`jp-OverlaysPanel-buildTool ${modifier}`}
      data-tool={tool.name}
    >
      <span className="jp-OverlaysPanel-buildToolName">{tool.name}</span>
      <span className="jp-OverlaysPanel-buildToolStatus">
        {tool.usable
          ? trans.__('version %1', tool.version ?? '?')
          : tool.found
            ? trans.__('found, not usable')
            : trans.__('not installed')}
      </span>
      {preferred && (
        <span className="jp-OverlaysPanel-badge">{trans.__('used')}</span>
      )}
      {!tool.found && (
        <span className="jp-OverlaysPanel-buildToolProblem">
          {trans.__('Install with:')}{' '}
          <code className="jp-OverlaysPanel-installHint">
            {tool.install_hint}
          </code>
        </span>
      )}
      {tool.found && tool.problem && (
        // The tool's own words, for whoever sets the machine up: folded.
        <details className="jp-OverlaysPanel-buildToolProblem">
          <summary>{trans.__('Why it cannot be used')}</summary>
          {tool.problem}
        </details>
      )}
      {tool.isolation === 'oci' && (
        <span
          className="jp-OverlaysPanel-buildToolIsolation"
          data-isolation="oci"
        >
          {trans.__(
            'OCI isolation: build steps see only their own processes and files'
          )}
        </span>
      )}
      {tool.isolation === 'chroot' && (
        <span
          className="jp-OverlaysPanel-buildToolProblem"
          data-isolation="chroot"
          title={tool.isolation_problem ?? ''}
        >
          {trans.__(
            'chroot isolation, weaker: build steps see the server’s processes'
          )}
        </span>
      )}
    </li>
  );
}

/**
 * Where cluster builds go: the cluster, namespace, registry, builder and base image.
 */
export function ClusterBuilds(props: {
  cluster: OverlaysAPI.ICluster | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { cluster, trans } = props;
  const rows: [string, string, string | null | undefined][] = cluster
    ? [
        ['server', trans.__('Cluster'), cluster.server],
        ['namespace', trans.__('Namespace'), cluster.namespace],
        ['registry', trans.__('Pushed to'), cluster.registry],
        ['builder', trans.__('Builder image'), cluster.builder_image],
        ['base', trans.__('Base image'), cluster.base_image]
      ]
    : [];
  return (
    <section
      className="jp-OverlaysPanel-section jp-OverlaysPanel-cluster"
      aria-labelledby="jp-OverlaysPanel-clusterHeading"
    >
      <h3
        id="jp-OverlaysPanel-clusterHeading"
        className="jp-OverlaysPanel-sectionTitle"
      >
        {trans.__('Cluster builds')}
      </h3>
      <p className="jp-OverlaysPanel-clusterHint">
        {cluster?.openshift
          ? trans.__(
              'Each build runs as a Kubernetes Job in this OpenShift project and is pushed to its internal registry.'
            )
          : trans.__(
              'Each build runs as a Kubernetes Job and is pushed to the registry.'
            )}
      </p>
      {cluster?.error && (
        <div className="jp-OverlaysPanel-notice jp-mod-error" role="alert">
          <p>{trans.__('The cluster cannot be used for builds.')}</p>
          <details>
            <summary>{trans.__('Details')}</summary>
            {cluster.error}
          </details>
        </div>
      )}
      {rows
        .filter(([, , value]) => value)
        .map(([key, label, value]) => (
          <div
            className="jp-OverlaysPanel-setting"
            key={key}
            data-cluster={key}
          >
            <span className="jp-OverlaysPanel-settingLabel">{label}</span>
            <code className="jp-OverlaysPanel-settingValue" title={value!}>
              {value}
            </code>
          </div>
        ))}
    </section>
  );
}
