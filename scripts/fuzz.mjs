#!/usr/bin/env node
// The differential filesystem fuzzer (test/fuzz/): compiles test/fuzz/ and the sources it uses into
// build-fuzz-cli/ (its own directory, so it never touches build/ or a test run's output), then runs
// test/fuzz/cli.ts with the given options. `node scripts/fuzz.mjs --help` lists them.
// Examples:
//   npm run fuzz -- --seconds 60          random seeds for a minute
//   npm run fuzz -- --seed 42 --ops 500   one sequence
//   npm run fuzz -- --seed 42 --replay    the same, printing every op and each target's outcome
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'build-fuzz-cli');
const args = process.argv.slice(2);
const noBuild = args[0] === '--no-build';
if (noBuild) args.shift();

if (!noBuild) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/fuzz/tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
  // tsc still emits on type errors; someone else's half-edited file in src/ should not stop a fuzz run.
  if (tsc.status !== 0) console.error('fuzz: the type check reported errors (above); running what was emitted');
}
const entry = join(out, 'test/fuzz/cli.js');
if (!existsSync(entry)) {
  console.error(`fuzz: ${entry} was not built`);
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
try {
  process.exitCode = await main(args);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
}
