import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['node_modules/', '.serverless/', '.esbuild/', 'coverage/', '.avesa/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // DESIGN §12: route code gets a tenant-scoped store, never a database handle. Only the engines under
  // shared/adapters/analytics/ hold a database; the API reaches them through api/store/port.ts. The API's AWS
  // entry point (api/lambda.ts) composes an engine, so it alone may import one, but still no database client.
  ...[
    { ignores: [], adapters: [] },
    { ignores: ['api/lambda.ts'], adapters: ['**/shared/adapters/analytics/*'] },
  ].map(({ ignores, adapters }) => ({
    files: ['api/**/*.ts'],
    ignores,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@duckdb/*', '@clickhouse/*', 'chdb', 'chdb/*', ...adapters],
              message: 'api/ holds no database: use the AnalyticsEngine port (api/store/port.ts).',
            },
          ],
        },
      ],
    },
  })),
  // The dashboard: its build is not source, and its components follow the rules of hooks.
  { ignores: ['web/dist/'] },
  { files: ['web/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
);
