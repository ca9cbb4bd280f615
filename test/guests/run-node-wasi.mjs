#!/usr/bin/env node
// Runs guest programs under Node's built-in node:wasi with the corpus'
// runtime contract: argv [<name>.wasm, ...args], the given env and stdin,
// exactly one preopen '/sandbox' -> a fresh, empty temp dir (so it is fd 3),
// version 'preview1', returnOnExit: true.
//
// ALWAYS run it with --no-turbo-fast-api-calls: node:wasi in Node 20 crashes
// on syscall-heavy guests otherwise (nodejs/node#46777, #53087).
//
//   node --no-turbo-fast-api-calls test/guests/run-node-wasi.mjs <file.wasm> [args...]
//       Runs one guest. Environment variables (optional):
//         GUEST_STDIN  text fed to stdin (default: empty)
//         GUEST_ENV    JSON object with the environment (default: {})
//       Prints the guest's stdout verbatim, its stderr lines prefixed with
//       "stderr: ", then "exit: <code>" or "trap: <message>".
//
//   node --no-turbo-fast-api-calls test/guests/run-node-wasi.mjs --manifest <name>
//       Same, with wasm/args/env/stdin taken from manifest.json.
//
//   node --no-turbo-fast-api-calls test/guests/run-node-wasi.mjs --check [name...]
//       Runs every manifest entry (or the named ones) in its own child
//       process (node:wasi can hang or crash on some guests; 20 s timeout),
//       compares stdout / exit code / trap with the manifest and reports
//       whether the result agrees with the entry's "nodeWasi" flag. Exits 1
//       if any entry disagrees.
//
// The stdio handed to node:wasi are regular files (node:wasi needs host fds
// and runs synchronously, so pipes could fill up and deadlock).
import { WASI } from 'node:wasi';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

// Silence the one-time "WASI is an experimental feature" warning so the
// output is just the guest's.
process.removeAllListeners('warning');

const here = dirname(fileURLToPath(import.meta.url));
const loadManifest = () => JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));

async function runOne(wasmPath, args, env, stdinText) {
  const work = mkdtempSync(join(tmpdir(), 'warden-nodewasi-'));
  // A randomly named directory, so that "../<name>/..." from the guest is
  // not accidentally the sandbox itself.
  const sandbox = mkdtempSync(join(work, 'root-'));
  const paths = { in: join(work, 'stdin'), out: join(work, 'stdout'), err: join(work, 'stderr') };
  writeFileSync(paths.in, stdinText);
  const stdin = openSync(paths.in, 'r');
  const stdout = openSync(paths.out, 'w');
  const stderr = openSync(paths.err, 'w');
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
    status = `exit: ${wasi.start(instance)}`;
  } catch (e) {
    status = `trap: ${e && e.message ? e.message : String(e)}`;
  } finally {
    // The guest may have closed or renumbered its stdio, which closes the
    // host fds underneath node:wasi; ignore EBADF here.
    for (const fd of [stdin, stdout, stderr]) {
      try { closeSync(fd); } catch { /* already closed by the guest */ }
    }
  }
  const out = readFileSync(paths.out, 'utf8');
  process.stdout.write(out);
  if (out && !out.endsWith('\n')) process.stdout.write('\n');
  for (const line of readFileSync(paths.err, 'utf8').split('\n')) {
    if (line) process.stdout.write(`stderr: ${line}\n`);
  }
  process.stdout.write(`${status}\n`);
  rmSync(work, { recursive: true, force: true });
}

function check(names) {
  const entries = loadManifest().filter((e) => names.length === 0 || names.includes(e.name));
  let disagreements = 0;
  for (const e of entries) {
    const r = spawnSync(process.execPath,
      ['--no-turbo-fast-api-calls', fileURLToPath(import.meta.url), '--manifest', e.name],
      { encoding: 'utf8', timeout: 20000, maxBuffer: 1 << 24 });
    let verdict;
    if (r.error && r.error.code === 'ETIMEDOUT') verdict = 'hang';
    else if (r.signal) verdict = `crash (${r.signal})`;
    else {
      const lines = r.stdout.split('\n');
      lines.pop(); // trailing ''
      const status = lines.pop() ?? '';
      const stdout = lines.filter((l) => !l.startsWith('stderr: ')).map((l) => `${l}\n`).join('');
      const statusOk = e.trap ? status.startsWith('trap: ') : status === `exit: ${e.exitCode}`;
      const stdoutOk = e.stdout === null ? stdout.endsWith(`ok ${e.name}\n`) : stdout === e.stdout;
      verdict = statusOk && stdoutOk ? 'pass' : `fail (${status}${stdoutOk ? '' : ', stdout differs'})`;
    }
    const agrees = (verdict === 'pass') === e.nodeWasi;
    if (!agrees) disagreements++;
    console.log(`${agrees ? 'ok  ' : 'BAD '} ${e.name.padEnd(18)} node:wasi ${verdict}; manifest nodeWasi=${e.nodeWasi}`);
  }
  process.exitCode = disagreements ? 1 : 0;
}

const argv = process.argv.slice(2);
if (argv[0] === '--check') {
  check(argv.slice(1));
} else if (argv[0] === '--manifest') {
  const e = loadManifest().find((x) => x.name === argv[1]);
  if (!e) {
    console.error(`run-node-wasi: no manifest entry named ${argv[1]}`);
    process.exit(2);
  }
  await runOne(join(here, e.wasm), e.args, e.env, e.stdin ?? '');
} else if (argv[0] && !argv[0].startsWith('--')) {
  const env = process.env.GUEST_ENV ? JSON.parse(process.env.GUEST_ENV) : {};
  await runOne(argv[0], argv.slice(1), env, process.env.GUEST_STDIN ?? '');
} else {
  console.error('usage: node --no-turbo-fast-api-calls run-node-wasi.mjs <file.wasm> [args...]');
  console.error('       node --no-turbo-fast-api-calls run-node-wasi.mjs --manifest <name>');
  console.error('       node --no-turbo-fast-api-calls run-node-wasi.mjs --check [name...]');
  process.exit(2);
}
