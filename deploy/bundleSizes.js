#!/usr/bin/env node
// Prints each function's zipped and unzipped size from the zips of `sls package` (one per function with
// `package.individually`). Usage: node deploy/bundleSizes.js [package directory, default .serverless]
// Lambda's limits: 50 MB zipped for direct upload, 250 MB unzipped including layers.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const { readFileSync, readdirSync } = require('node:fs');
const { join, basename } = require('node:path');

/** The sum of the uncompressed sizes in a zip's central directory (no ZIP64: a function zip is far below 4 GB). */
function unzippedSize(zip) {
  const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
  const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end--;
  if (end < 0) throw new Error('not a zip file: no end of central directory');
  const entries = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  let total = 0;
  for (let index = 0; index < entries; index++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) throw new Error('corrupt central directory');
    total += zip.readUInt32LE(offset + 24);
    offset +=
      46 + zip.readUInt16LE(offset + 28) + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return total;
}

/** `[{ name, zipped, unzipped }]` in bytes, one per zip in the package directory. */
function bundleSizes(packageDir) {
  return readdirSync(packageDir)
    .filter((file) => file.endsWith('.zip'))
    .sort()
    .map((file) => {
      const zip = readFileSync(join(packageDir, file));
      return { name: basename(file, '.zip'), zipped: zip.length, unzipped: unzippedSize(zip) };
    });
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function formatSizes(sizes) {
  const width = Math.max(...sizes.map((size) => size.name.length), 8);
  return [
    `${'artifact'.padEnd(width)}  ${'zipped'.padStart(12)}  ${'unzipped'.padStart(12)}`,
    ...sizes.map(
      (size) =>
        `${size.name.padEnd(width)}  ${kib(size.zipped).padStart(12)}  ${kib(size.unzipped).padStart(12)}`,
    ),
  ].join('\n');
}

module.exports = { bundleSizes, unzippedSize, formatSizes };

if (require.main === module) {
  console.log(formatSizes(bundleSizes(process.argv[2] ?? '.serverless')));
}
