#!/usr/bin/env node
// Runs one guest program under Node's built-in node:wasi, the way the
// differential test does: argv [<name>.wasm, ...args], one preopen
// '/sandbox' -> a fresh empty temp dir, returnOnExit: true.
//
// Usage:
//   node --no-turbo-fast-api-calls test/guests/run-node-wasi.mjs <file.wasm> [args...]
//
// Options (environment variables, all optional):
//   GUEST_STDIN  text fed to the guest's stdin (default: empty)
//   GUEST_ENV    JSON object of environment variables (default: {})
//
// Prints the guest's stdout verbatim, then its stderr (if any) prefixed
// with "stderr: ", then a final line "exit: <code>" (or "trap: <message>").
// Always pass --no-turbo-fast-api-calls: node:wasi in Node 20 crashes on
// syscall-heavy guests otherwise (nodejs/node#46777, #53087).
// Silence the one-time "WASI is an experimental feature" warning so the
// output is just the guest's.
process.removeAllListeners('warning');
import { WASI } from 'node:wasi';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

const [wasmPath, ...args] = process.argv.slice(2);
if (!wasmPath) {
  console.error('usage: node --no-turbo-fast-api-calls run-node-wasi.mjs <file.wasm> [args...]');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'warden-nodewasi-'));
const sandbox = join(work, 'sandbox');
(await import('node:fs')).mkdirSync(sandbox);
const inPath = join(work, 'stdin');
const outPath = join(work, 'stdout');
const errPath = join(work, 'stderr');
writeFileSync(inPath, process.env.GUEST_STDIN ?? '');
const stdin = openSync(inPath, 'r');
const stdout = openSync(outPath, 'w');
const stderr = openSync(errPath, 'w');

const env = process.env.GUEST_ENV ? JSON.parse(process.env.GUEST_ENV) : {};
const wasi = new WASI({
  version: 'preview1',
  args: [basename(wasmPath), ...args],
  env,
  preopens: { '/sandbox': sandbox },
  returnOnExit: true,
  stdin, stdout, stderr,
});

let status;
try {
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  const code = wasi.start(instance);
  status = `exit: ${code}`;
} catch (e) {
  status = `trap: ${e && e.message ? e.message : String(e)}`;
} finally {
  closeSync(stdin); closeSync(stdout); closeSync(stderr);
}
process.stdout.write(readFileSync(outPath));
const err = readFileSync(errPath, 'utf8');
if (err) process.stdout.write(err.split('\n').filter((l, i, a) => l || i < a.length - 1).map((l) => `stderr: ${l}\n`).join(''));
process.stdout.write(`${status}\n`);
rmSync(work, { recursive: true, force: true });
