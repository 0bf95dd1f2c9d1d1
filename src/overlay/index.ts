/**
 * The on-disk formats of an overlay: names, notebook tag, Pipfile,
 * `.thoth.yaml` and `.aicoe-ci.yaml`. Pure functions over text and objects.
 */
export * from './aicoe';
export * from './configChecks';
export * from './names';
export * from './pipfile';
export * from './tag';
export * from './thoth';
export * from './yamlConfig';
