#!/usr/bin/env node
// `catalog` command: runs the TypeScript CLI through ts-node (transpile only; `npm test` type-checks).
'use strict';
const path = require('node:path');
require('ts-node').register({
  project: path.join(__dirname, '..', '..', 'tsconfig.json'),
  transpileOnly: true,
});
const { main } = require('../src/cli/entry.ts');
main();
