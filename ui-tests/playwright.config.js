/**
 * Galata configuration. Playwright cannot download its browsers here, so the
 * tests drive Debian's chromium (installed by scripts/install-system.sh).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

module.exports = {
  ...baseConfig,
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: 'test-results/results.json' }],
    ['html', { open: 'never' }]
  ],
  use: {
    ...baseConfig.use,
    video: 'off',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  // Two servers: JupyterLab with this extension, and the same with Elyra
  // (from .venv-elyra, made by scripts/elyra-venv.sh) for the hand-off tests.
  projects: [
    {
      name: 'lab',
      testIgnore: /elyra\.spec\.ts$/,
      use: { baseURL: 'http://localhost:8899' }
    },
    {
      name: 'elyra',
      testMatch: /elyra\.spec\.ts$/,
      use: { baseURL: 'http://localhost:8900' }
    }
  ],
  webServer: [
    {
      command: 'jlpm start',
      url: 'http://localhost:8899/lab',
      timeout: 120 * 1000,
      reuseExistingServer: false
    },
    {
      command: 'jlpm start:elyra',
      url: 'http://localhost:8900/lab',
      timeout: 180 * 1000,
      reuseExistingServer: false
    }
  ]
};
