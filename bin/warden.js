#!/usr/bin/env node
// The `warden` command. The logic is in src/cli/main.ts (compiled to dist/ by `npm install`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
