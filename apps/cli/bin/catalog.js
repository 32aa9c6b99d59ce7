#!/usr/bin/env node
// The `catalog` command: the compiled CLI (`npm run build`, run by `npm ci` through `prepare`).
'use strict';
require('../dist/entry.js').main();
