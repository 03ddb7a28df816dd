#!/usr/bin/env node
// Builds the Lambda layers of native modules the bundles leave out, at exactly the versions of package-lock.json,
// fetched with `npm pack` from the registry and checked against the lock file's integrity. Idempotent: a layer
// already built for those versions is kept. Usage: node deploy/buildLayers.js
//
// - duckdb (the transform's compaction): .layers/duckdb/nodejs/node_modules/{@duckdb/node-api,
//   @duckdb/node-bindings, @duckdb/node-bindings-linux-x64, detect-libc}. Why linux-x64: the registry has
//   @duckdb/node-bindings-linux-arm64 only at an older release than our node-api, and node-api must match its
//   bindings exactly, so the transform runs on x86_64 (serverless.yml) and the other functions stay on arm64.
// - argon2 (the API verifies argon2id password hashes): @node-rs/argon2 and its linux-arm64-gnu binding, for the
//   arm64 API function (the lock file lists every platform's binding; the machine that packages needs none).
//
// Lambda adds /opt/nodejs/node_modules (a layer) to NODE_PATH:
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
const LAYERS = {
  duckdb: ['@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-linux-x64', 'detect-libc'],
  argon2: ['@node-rs/argon2', '@node-rs/argon2-linux-arm64-gnu'],
};
const layerDir = (layer) => join(ROOT, '.layers', layer);

/** Name, version and integrity of each layer package, from package-lock.json (the versions the tests ran). */
function lockedPackages(names) {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  return names.map((name) => {
    const entry = lock.packages[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`package-lock.json has no ${name}; run npm install first`);
    return { name, version: entry.version, integrity: entry.integrity };
  });
}

function buildLayer(layer, { log = console.log } = {}) {
  const LAYER_DIR = layerDir(layer);
  const packages = lockedPackages(LAYERS[layer]);
  const manifest = JSON.stringify(packages.map(({ name, version }) => `${name}@${version}`));
  const marker = join(LAYER_DIR, '.built-from.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === manifest) {
    log(`${layer} layer up to date in ${LAYER_DIR}`);
    return LAYER_DIR;
  }
  const work = mkdtempSync(join(tmpdir(), `avesa-${layer}-layer-`));
  try {
    // Staged beside the layer (not in the temp directory) so the final rename never crosses file systems.
    const staging = join(LAYER_DIR, '..', `.${layer}-staging-${process.pid}`);
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
      log(`${layer} layer: ${name}@${version}`);
    }
    writeFileSync(join(staging, '.built-from.json'), manifest);
    // Replaced whole, so an interrupted build never leaves a half layer that looks complete.
    rmSync(LAYER_DIR, { recursive: true, force: true });
    renameSync(staging, LAYER_DIR);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(join(LAYER_DIR, '..', `.${layer}-staging-${process.pid}`), { recursive: true, force: true });
  }
  return LAYER_DIR;
}

/** Every layer serverless.yml names; each is a no-op when up to date. */
function buildLayers(options) {
  return Object.keys(LAYERS).map((layer) => buildLayer(layer, options));
}

module.exports = { buildLayer, buildLayers, layerDir, LAYERS };

if (require.main === module) buildLayers();
