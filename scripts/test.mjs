#!/usr/bin/env node
// Runs the whole test suite: type-checks and compiles src/, test/ and examples/ into build/,
// then runs every *.test.js there with Node's built-in test runner.
// Usage: npm test [-- <substring filter on test file paths>]
// WARDEN_TEST_OUT=<dir> compiles into <dir> instead of build/ (a directory at the repository root),
// so that two test runs on one checkout do not clobber each other.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const outName = process.env.WARDEN_TEST_OUT ?? 'build';
if (!/^[\w.-]+$/.test(outName)) throw new Error(`WARDEN_TEST_OUT must be a plain directory name, got "${outName}"`);
const out = join(root, outName);

rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, process.env.WARDEN_TEST_TSCONFIG ?? 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('type check failed');
  process.exit(tsc.status ?? 1);
}

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const files = find(out)
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files: ${files.map((f) => relative(out, f)).join(' ')}`);
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root, env: { ...process.env, WARDEN_TEST_OUT: outName } });
process.exit(run.status ?? 1);
