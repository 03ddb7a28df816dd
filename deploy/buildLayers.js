#!/usr/bin/env node
// Builds the DuckDB Lambda layer the transform's compaction loads (@duckdb/node-api is native, so the bundle
// leaves it out): .layers/duckdb/nodejs/node_modules/{@duckdb/node-api, @duckdb/node-bindings,
// @duckdb/node-bindings-linux-x64, detect-libc}, at exactly the versions of package-lock.json, fetched with
// `npm pack` from the registry and checked against the lock file's integrity. Idempotent: a layer already built
// for those versions is kept. Usage: node deploy/buildDuckdbLayer.js
//
// Why linux-x64: the registry has @duckdb/node-bindings-linux-arm64 only at an older release than our node-api,
// and node-api must match its bindings exactly, so the transform runs on x86_64 (serverless.yml) and the other
// functions stay on arm64. Lambda adds /opt/nodejs/node_modules (the layer) to NODE_PATH:
// https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths
const { execFileSync } = require('node:child_process');
const {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  renameSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const LAYER_DIR = join(ROOT, '.layers', 'duckdb');
const PACKAGES = [
  '@duckdb/node-api',
  '@duckdb/node-bindings',
  '@duckdb/node-bindings-linux-x64',
  'detect-libc',
];

/** Name, version and integrity of each layer package, from package-lock.json (the versions the tests ran). */
function lockedPackages() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  return PACKAGES.map((name) => {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`package-lock.json has no ${name}; run npm install first`);
    return { name, version: entry.version, integrity: entry.integrity };
  });
}

function buildDuckdbLayer({ log = console.log } = {}) {
  const packages = lockedPackages();
  const manifest = JSON.stringify(packages.map(({ name, version }) => `${name}@${version}`));
  const marker = join(LAYER_DIR, '.built-from.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === manifest) {
    log(`DuckDB layer up to date in ${LAYER_DIR}`);
    return LAYER_DIR;
  }
  const work = mkdtempSync(join(tmpdir(), 'avesa-duckdb-layer-'));
  try {
    // Staged beside the layer (not in the temp directory) so the final rename never crosses file systems.
    const staging = join(LAYER_DIR, '..', `.duckdb-staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    for (const { name, version, integrity } of packages) {
      const [packed] = JSON.parse(
        execFileSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', work], {
          cwd: work,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        }),
      );
      if (integrity && packed.integrity !== integrity) {
        throw new Error(
          `${name}@${version}: registry integrity ${packed.integrity} is not the lock file's ${integrity}`,
        );
      }
      const target = join(staging, 'nodejs', 'node_modules', ...name.split('/'));
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', target, '--strip-components=1']);
      log(`DuckDB layer: ${name}@${version}`);
    }
    writeFileSync(join(staging, '.built-from.json'), manifest);
    // Replaced whole, so an interrupted build never leaves a half layer that looks complete.
    rmSync(LAYER_DIR, { recursive: true, force: true });
    renameSync(staging, LAYER_DIR);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(join(LAYER_DIR, '..', `.duckdb-staging-${process.pid}`), { recursive: true, force: true });
  }
  return LAYER_DIR;
}

module.exports = { buildDuckdbLayer, LAYER_DIR };

if (require.main === module) buildDuckdbLayer();
