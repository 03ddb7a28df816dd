/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // hyparquet ships ES modules only; let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!hyparquet/)'],
  testTimeout: 60000,
};
