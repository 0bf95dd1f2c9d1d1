const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const baseConfig = jestJupyterLab(__dirname);

// ESM-only packages babel must transform. Take the union with JupyterLab's own
// list (kept inside its single ignore pattern), or `@jupyterlab/ui-components`
// fails with "Unexpected token 'export'".
const ownEsModules = ['@jupyterlab/', '@lezer', 'smol-toml', 'yaml'];
const baseEsModules = baseConfig.transformIgnorePatterns
  .map(pattern => /\(\?!\(?([^)]*)\)?\)/.exec(pattern))
  .filter(Boolean)
  .flatMap(match => match[1].split('|'));
const esModules = [...new Set([...baseEsModules, ...ownEsModules])].join('|');

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts'],
  coverageReporters: ['lcov', 'text-summary'],
  reporters: ['default'],
  testRegex: 'src/.*/?.*\\.spec\\.tsx?$',
  transformIgnorePatterns: [`/node_modules/(?!(${esModules})).+`]
};
