#!/usr/bin/env node
// Runs the syscall fuzzer at the guest boundary (test/boundary-fuzz/): compiles it (and the src/ it
// needs) into its own directory, build-fuzz-syscalls/, then runs it with the given options.
// Usage: npm run fuzz:syscalls -- [--seed S] [--calls N] [--worlds K | --seconds T] [--replay] [--index I] [--trace]
// See test/boundary-fuzz/README.md.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'build-fuzz-syscalls');

rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/boundary-fuzz/tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('fuzz-syscalls: compiling the fuzzer failed');
  process.exit(tsc.status ?? 1);
}
const run = spawnSync(process.execPath, [join(out, 'test/boundary-fuzz/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
