/**
 * The commands that edit an overlay's packages: a version, a new package,
 * remove or replace one, and pick the package an ambiguous import comes from.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { InputDialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { NAME_ARGS, reporting } from './commands';
import { parseRequirement } from './imports/magics';
import { CommandIDs } from './tokens';
import type { OverlaysWorkspace } from './workspace/model';

const PACKAGE_ARGS = {
  args: {
    type: 'object' as const,
    properties: {
      name: { type: 'string', description: 'The overlay name' },
      package: {
        type: 'string',
        description: 'The package as written in the Pipfile'
      }
    },
    required: ['name', 'package']
  }
};

/**
 * Register the package commands.
 */
export function addPackageCommands(context: {
  app: JupyterFrontEnd;
  workspace: OverlaysWorkspace;
  trans: TranslationBundle;
}): void {
  const { app, workspace, trans } = context;
  const run = reporting(trans);

  app.commands.addCommand(CommandIDs.editPackage, {
    label: trans.__('Edit Package Version…'),
    caption: trans.__('Set the version specifier of a package'),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          ...PACKAGE_ARGS.args.properties,
          specifier: {
            type: 'string',
            description: 'The specifier to set, without asking (as "*")'
          }
        },
        required: PACKAGE_ARGS.args.required
      }
    },
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        const pkg = String(args['package']);
        let value: string | null = null;
        if (typeof args['specifier'] === 'string') {
          value = args['specifier'];
        } else {
          const current = workspace
            .overlay(name)
            ?.packages.find(p => p.key === pkg);
          const result = await InputDialog.getText({
            title: trans.__('Version of %1', pkg),
            label: trans.__('Specifier, e.g. ==2.2.3, >=2,<3 or * for any'),
            text: current?.specifier ?? '*',
            okLabel: trans.__('Save'),
            cancelLabel: trans.__('Cancel')
          });
          value = result.button.accept ? result.value : null;
        }
        if (value !== null) {
          const specifier = value.trim() || '*';
          if (specifier !== '*' && !parseRequirement(`x${specifier}`)) {
            throw new Error(
              trans.__('"%1" is not a version specifier.', specifier)
            );
          }
          await workspace.packages.set(name, pkg, specifier);
        }
      })
  });

  app.commands.addCommand(CommandIDs.addPackage, {
    label: trans.__('Add Package to Overlay…'),
    caption: trans.__("Add a package to the overlay's Pipfile"),
    describedBy: NAME_ARGS,
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        const result = await InputDialog.getText({
          title: trans.__('Add a package to "%1"', name),
          label: trans.__('Package and optional version, e.g. requests>=2.31'),
          placeholder: trans.__('requests>=2.31'),
          okLabel: trans.__('Add'),
          cancelLabel: trans.__('Cancel')
        });
        if (!result.button.accept || !result.value?.trim()) {
          return;
        }
        const requirement = parseRequirement(result.value.trim());
        if (!requirement) {
          throw new Error(
            trans.__('"%1" is not a package requirement.', result.value)
          );
        }
        await workspace.packages.set(
          name,
          requirement.name,
          requirement.specifier
        );
      })
  });

  app.commands.addCommand(CommandIDs.removePackage, {
    label: trans.__('Remove Package from Overlay'),
    caption: trans.__("Remove a package from the overlay's Pipfile"),
    describedBy: {
      args: {
        ...PACKAGE_ARGS.args,
        properties: {
          ...PACKAGE_ARGS.args.properties,
          ignoreImports: {
            type: 'boolean',
            description:
              'Ignore the imports behind it from now on (a name the package index does not have)'
          }
        }
      }
    },
    execute: args =>
      run(() =>
        workspace.packages.remove(
          String(args['name']),
          String(args['package']),
          args['ignoreImports'] === true
        )
      )
  });

  app.commands.addCommand(CommandIDs.replacePackage, {
    label: trans.__('Replace Package'),
    caption: trans.__(
      'Replace a package by another (a renamed project) in the Pipfile'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'The overlay name' },
          package: { type: 'string', description: 'The package to replace' },
          replacement: { type: 'string', description: 'The package to use' }
        },
        required: ['name', 'package', 'replacement']
      }
    },
    execute: args =>
      run(() =>
        workspace.packages.replace(
          String(args['name']),
          String(args['package']),
          String(args['replacement'])
        )
      )
  });

  app.commands.addCommand(CommandIDs.holdBackPackages, {
    label: trans.__('Hold Back Dependencies'),
    caption: trans.__(
      'Cap dependencies released after the last release of a package for this Python'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'The overlay name' },
          pins: {
            type: 'object',
            description: 'The cap of each package, as "<3.11"',
            additionalProperties: { type: 'string' }
          }
        },
        required: ['name', 'pins']
      }
    },
    execute: args =>
      run(() =>
        workspace.packages.holdBack(
          String(args['name']),
          Object.fromEntries(
            Object.entries((args['pins'] ?? {}) as Record<string, unknown>).map(
              ([pkg, cap]) => [pkg, String(cap)]
            )
          )
        )
      )
  });

  app.commands.addCommand(CommandIDs.useProviders, {
    label: trans.__('Use the Packages Imports Are In'),
    caption: trans.__(
      'Replace a package by the packages the index says its imports are in'
    ),
    describedBy: {
      args: {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'The overlay name' },
          package: { type: 'string', description: 'The package to replace' },
          providers: {
            type: 'object',
            description: 'The package of each import path, as "zc-lockfile"',
            additionalProperties: { type: 'string' }
          }
        },
        required: ['name', 'package', 'providers']
      }
    },
    execute: args =>
      run(() =>
        workspace.packages.provide(
          String(args['name']),
          String(args['package']),
          Object.fromEntries(
            Object.entries(
              (args['providers'] ?? {}) as Record<string, unknown>
            ).map(([module, provider]) => [module, String(provider)])
          )
        )
      )
  });

  app.commands.addCommand(CommandIDs.pickDistribution, {
    label: trans.__('Pick Package for Import…'),
    caption: trans.__('Choose which package provides an ambiguous import'),
    describedBy: {
      args: {
        type: 'object' as const,
        properties: {
          name: { type: 'string' },
          module: { type: 'string' },
          candidates: { type: 'array', items: { type: 'string' } }
        },
        required: ['name', 'module']
      }
    },
    execute: args =>
      run(async () => {
        const name = String(args['name']);
        const module = String(args['module']);
        const candidates = (args['candidates'] as string[] | undefined) ?? [];
        const result = await InputDialog.getItem({
          title: trans.__('Which package provides "%1"?', module),
          items: candidates,
          editable: true,
          okLabel: trans.__('Use'),
          cancelLabel: trans.__('Cancel')
        });
        if (result.button.accept && result.value) {
          await workspace.packages.pick(name, module, result.value);
        }
      })
  });
}
