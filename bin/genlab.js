#!/usr/bin/env node
// The genlab command: runs the compiled CLI (npm run build:ts makes dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
