/**
 * The lock and build jobs' commands: build, lock, cancel, show the log, copy
 * an image name, the build history and going back to an earlier image.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { NAME_ARGS, reporting } from './commands';
import type { BuildHistory } from './jobs/history';
import type { JobsModel } from './jobs/model';
import { CommandIDs, isActive } from './tokens';

const ID_ARGS = {
  args: {
    type: 'object' as const,
    properties: { id: { type: 'string', description: 'The job id' } },
    required: ['id']
  }
};

/**
 * Where the job commands find their targets.
 */
export interface IJobCommandContext {
  app: JupyterFrontEnd;
  jobs: JobsModel;
  /** The overlays' build histories. */
  history: BuildHistory;
  trans: TranslationBundle;
  /** Open (or reveal) the log viewer of a job. */
  openLog: (id: string) => Promise<unknown>;
}

/**
 * Register the lock, build, cancel, log and copy commands, and those of the
 * build history (show it, go back to an earlier build's image).
 */
export function addJobCommands(context: IJobCommandContext): void {
  const { app, jobs, trans } = context;
  const run = reporting(trans);

  app.commands.addCommand(CommandIDs.build, {
    label: trans.__('Build Overlay Image'),
    caption: trans.__(
      "Build the overlay's container image on the server (its Pipfile.lock when there is one, else its Pipfile)"
    ),
    describedBy: NAME_ARGS,
    isEnabled: args => !isActive(jobs.latest(String(args['name']), 'build')),
    execute: args => run(() => jobs.submit(String(args['name']), 'build'))
  });

  app.commands.addCommand(CommandIDs.lock, {
    label: trans.__('Lock Overlay Pipfile'),
    caption: trans.__(
      'Run pipenv lock in the overlay folder on the server to write Pipfile.lock'
    ),
    describedBy: NAME_ARGS,
    isEnabled: args => !isActive(jobs.latest(String(args['name']), 'lock')),
    execute: args => run(() => jobs.submit(String(args['name']), 'lock'))
  });

  app.commands.addCommand(CommandIDs.cancelJob, {
    label: trans.__('Cancel Overlay Job'),
    caption: trans.__('Cancel a queued or running lock or build job'),
    describedBy: ID_ARGS,
    isEnabled: args => {
      const job = jobs.job(String(args['id']));
      return job === null || isActive(job);
    },
    execute: args => run(() => jobs.cancel(String(args['id'])))
  });

  app.commands.addCommand(CommandIDs.openJobLog, {
    label: trans.__('Show Overlay Job Log'),
    caption: trans.__(
      'Open the log of a lock or build job, live while it runs'
    ),
    describedBy: ID_ARGS,
    execute: args => run(() => context.openLog(String(args['id'])))
  });

  app.commands.addCommand(CommandIDs.copyImage, {
    label: trans.__('Copy Image Name'),
    caption: trans.__('Copy the name of a built image to the clipboard'),
    describedBy: {
      args: {
        type: 'object' as const,
        properties: {
          image: { type: 'string', description: 'The image name:tag' }
        },
        required: ['image']
      }
    },
    execute: args => {
      const image = String(args['image']);
      Clipboard.copyToSystem(image);
      Notification.info(trans.__('Copied %1 to the clipboard', image), {
        autoClose: 3000
      });
    }
  });

  app.commands.addCommand(CommandIDs.toggleHistory, {
    label: trans.__('Show Build History'),
    caption: trans.__("Show or hide an overlay's earlier builds"),
    describedBy: NAME_ARGS,
    execute: args => {
      const name = String(args['name']);
      if (context.history.get(name)) {
        context.history.forget(name);
      } else {
        return context.history.load(name);
      }
    }
  });

  app.commands.addCommand(CommandIDs.useBuild, {
    label: trans.__('Use Build Image in Elyra'),
    caption: trans.__(
      "Make the image of a build that succeeded (an earlier one too) its overlay's Elyra runtime image"
    ),
    describedBy: ID_ARGS,
    execute: args => run(() => jobs.registerBuild(String(args['id'])))
  });
}
