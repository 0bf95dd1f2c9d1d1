// Jest configuration of the sidebar benchmark (benchmarks/sidebar.mjs runs
// it): the project's own configuration, with its transforms, but matching
// only benchmarks/*.bench.tsx, which `jlpm jest` never collects.
const path = require('path');

const base = require('../jest.config.js');

const tsTransform = Object.keys(base.transform).find(key =>
  key.includes('tsx?')
);

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/benchmarks', '<rootDir>/src'],
  testRegex: 'benchmarks/.*\\.bench\\.tsx$',
  transform: {
    ...base.transform,
    [tsTransform]: [
      base.transform[tsTransform][0],
      {
        ...base.transform[tsTransform][1],
        // Transpile only (isolatedModules): no TypeScript program in the
        // heap that is measured; type checks are `tsc`'s job.
        tsconfig: path.join(__dirname, 'tsconfig.bench.json')
      }
    ]
  },
  moduleNameMapper: {
    // The variants' switch stands in for the package (it imports the real
    // one by its lib/index path, which this does not match).
    '^@jupyterlab/ui-components$':
      '<rootDir>/benchmarks/ui-components-switch.tsx',
    ...base.moduleNameMapper
  },
  reporters: ['default'],
  collectCoverage: false,
  testTimeout: 30 * 60 * 1000
};
