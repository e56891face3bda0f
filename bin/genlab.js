#!/usr/bin/env node
// The genlab command: runs the compiled CLI (npm run build:ts makes dist/).
import { main } from '../dist/src/cli/main.js';

// `genlab runs | head` closes the pipe early: stop quietly instead of crashing with EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv.slice(2));
