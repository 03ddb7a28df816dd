#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so a fresh clone needs no build step.
require('tsx/cjs');
require('../local/cli/main.ts').main(process.argv.slice(2));
