#!/usr/bin/env node
// The `reelscope` binary (`npm link`, or `npx reelscope`): runs the TypeScript CLI through tsx.
require('tsx/cjs');
require('../cli/main.ts');
