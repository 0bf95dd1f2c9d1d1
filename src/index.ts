/**
 * jupyterlab-overlays: the plugins, around the `IOverlays` token.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { browserMarkersPlugin } from './plugins/browserMarkers';
import { commandsPlugin } from './plugins/commands';
import { configFilesPlugin } from './plugins/configFiles';
import { corePlugin } from './plugins/core';
import { elyraPlugin } from './plugins/elyra';
import { jobLogsPlugin } from './plugins/jobLogs';
import { pipfileTabsPlugin } from './plugins/pipfileTabs';
import { runningJobsPlugin } from './plugins/runningJobs';
import { sidebarPlugin } from './plugins/sidebar';
import { statusBarPlugin } from './plugins/statusBar';

export { IOverlays } from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  corePlugin,
  sidebarPlugin,
  commandsPlugin,
  configFilesPlugin,
  jobLogsPlugin,
  pipfileTabsPlugin,
  statusBarPlugin,
  runningJobsPlugin,
  browserMarkersPlugin,
  elyraPlugin
];

export default plugins;
