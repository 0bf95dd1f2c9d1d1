/**
 * The names of the two configuration files: one place, importable without
 * the YAML code that reads them.
 */
export const THOTH_FILE = '.thoth.yaml';
export const AICOE_FILE = '.aicoe-ci.yaml';
