// ESLint 9 flat config: TypeScript rules, JupyterLab's own rules
// (@jupyter/eslint-plugin) and prettier formatting. Warnings fail `lint:check`.
import js from '@eslint/js';
import jupyter from '@jupyter/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      '**/node_modules',
      'lib',
      'coverage',
      'jupyterlab_overlays',
      '.venv*',
      'demo',
      'ui-tests/test-results',
      'ui-tests/playwright-report',
      '**/*.d.ts',
      'ui-tests/node_modules'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...jupyter.configs.recommended,
  prettierRecommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      globals: { ...globals.browser }
    },
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-use-before-define': 'off',
      // The sidebar tab, the commands, the job poll (for notifications) and
      // the status bar item must exist as soon as the plugins activate, so
      // these modules are needed at start.
      'jupyter/prefer-lazy-imports': [
        'warn',
        {
          ignoreImports: [
            '../api',
            '../commands',
            '../elyra/commands',
            '../jobCommands',
            '../elyra/notify',
            '../jobs/model',
            '../model',
            '../notebookAccess',
            '../packageCommands',
            '../widgets/JobsStatusItem',
            '../widgets/OverlaysPanel',
            '../workspace/files',
            '../workspace/model'
          ]
        }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { ...globals.node }
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  {
    files: ['**/*.spec.ts', 'ui-tests/**/*.ts'],
    rules: {
      // Tests assert on literal UI text.
      'jupyter/no-untranslated-string': 'off'
    }
  }
);
