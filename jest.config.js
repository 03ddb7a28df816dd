/**
 * Test tiers as jest projects: `npm test` runs them all, `npm run test:unit` only the first.
 * - unit: pure use cases, codecs and adapters over fakes, in-process (seconds);
 * - integration: adapters against in-process emulators, simulators over loopback HTTP, CLI commands;
 * - e2e: the whole pipeline against the simulators, faults, crashes and resumes;
 * - deploy: `sls package` of the stack and its generated template (builds the DuckDB layer once).
 * @type {import('jest').Config}
 */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // hyparquet, @middy/core, cookie and content-disposition (of @fastify/static) ship ES modules only, and
  // @fastify/cookie loads cookie with import();
  // let swc turn them into CommonJS for jest (which cannot run import() without --experimental-vm-modules).
  transformIgnorePatterns: [
    '/node_modules/(?!(hyparquet|@middy/core|cookie|@fastify/cookie|@fastify/static|content-disposition)/)',
  ],
};

const tier = (displayName, roots) => ({
  ...shared,
  displayName,
  roots: roots.map((root) => `<rootDir>/test/${root}`),
  testMatch: ['**/*.test.ts'],
});

/**
 * browser: the dashboard (web/) — its components in jsdom (web/test), then the built app in Debian's Chromium
 * against `avesa serve` over a demo lake (test/browser; /usr/bin/chromium, which .ci/run installs).
 */
const browser = {
  ...shared,
  displayName: 'browser',
  roots: ['<rootDir>/web/test', '<rootDir>/test/browser'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  setupFiles: ['<rootDir>/web/test/setup.ts'],
  transform: {
    '^.+\\.(t|j|mj)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
};

module.exports = {
  testTimeout: 60000,
  projects: [
    tier('unit', ['unit', 'transform', 'bench']),
    tier('integration', ['adapters', 'simulator', 'cli', 'dlq', 'secrets', 'api']),
    tier('e2e', ['e2e', 'faults', 'resume']),
    tier('deploy', ['deploy']),
    browser,
  ],
};
