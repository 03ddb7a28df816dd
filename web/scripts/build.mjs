#!/usr/bin/env node
/**
 * Builds the dashboard into web/dist (`npm run build:web`). With --if-stale (`npm start`), builds only when
 * what the build reads has changed since the last build: a hash of those files is kept beside the build, so a
 * current build costs a few milliseconds of hashing, and a checkout that only touched timestamps rebuilds
 * nothing.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(web);
const dist = join(web, 'dist');
const stamp = join(dist, '.build-hash');

/** Everything the bundle is made from: the app, its config, the API modules it imports, the locked packages. */
const INPUTS = [
  'web/src',
  'web/index.html',
  'web/vite.config.mts',
  'api/entities.ts',
  'api/contract.ts',
  'mappings/canonical.ts',
  'package-lock.json',
];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function inputHash() {
  const hash = createHash('sha256');
  for (const input of INPUTS)
    for (const file of files(join(root, input))) {
      hash.update(relative(root, file));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  return hash.digest('hex');
}

const hash = inputHash();
const current =
  existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
if (process.argv.includes('--if-stale') && current) {
  console.log('dashboard: web/dist is up to date');
} else {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(
    process.execPath,
    [vite, 'build', web, '--logLevel', process.argv.includes('--if-stale') ? 'warn' : 'info'],
    {
      stdio: 'inherit',
      cwd: root,
      // Vite keeps a NODE_ENV it is given (jest sets "test"), and React's development build would be bundled.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  writeFileSync(stamp, `${hash}\n`);
  if (process.argv.includes('--if-stale')) console.log('dashboard: built web/dist');
}
