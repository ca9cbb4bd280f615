// The JSPI strategy with real guests and async host handles on the host's own event loop. Node 20
// has no JSPI, so the scenarios (scenarios.ts) run in a child process under a Node that has it:
// this one if it does, else Node 24 LTS fetched once from the npm registry (scripts/jspi-node.mjs).
// The synchronous-mode checks at the end run here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AsyncSource, StrategyError, Trap, Wasi, chooseStrategy, jspiSupported } from '../../src/index.js';
import { repoPath } from '../paths.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { findJspiNode } = (await import(repoPath('scripts/jspi-node.mjs'))) as { findJspiNode: (o?: { fetch?: boolean }) => { node: string | null; flags?: string[]; reason?: string } };
const found = findJspiNode();
const out = process.env['WARDEN_TEST_OUT'] ?? 'build';

function scenario(name: string): Record<string, unknown> {
  const r = spawnSync(found.node!, [...(found.flags ?? []), repoPath(out, 'test/jspi/scenarios.js'), name], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, `scenario ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const skip = found.node === null ? `no Node with JSPI: ${found.reason}` : false;

test('JSPI: stdin from a Web ReadableStream pumped by the same thread; the event loop runs while the guest waits', { skip }, () => {
  const r = scenario('web-stream-stdin');
  assert.equal(r['exitCode'], 0);
  assert.equal(r['stdout'], 'one two three');
  assert.ok((r['ticks'] as number) >= 5, `timer ticks during the run: ${r['ticks']}`);
});

test('JSPI: an AsyncSource (a host promise per chunk) as stdin', { skip }, () => {
  const r = scenario('async-source');
  assert.equal(r['exitCode'], 0);
  assert.equal(r['stdout'], Array.from({ length: 50 }, (_, i) => `chunk ${i};`).join(''));
});

test('JSPI: an AsyncSink as stdout gets every byte, in order, with backpressure', { skip }, () => {
  const r = scenario('async-sink');
  assert.equal(r['exitCode'], 0);
  assert.equal(r['length'], 10000);
});

test('JSPI: poll_oneoff on a 2 s clock suspends: timers fire, little CPU', { skip }, () => {
  const r = scenario('sleep');
  assert.equal(r['exitCode'], 0);
  assert.ok((r['ms'] as number) >= 1990, `slept ${r['ms']} ms`);
  assert.ok((r['ticks'] as number) >= 100, `ticks ${r['ticks']}`);
  assert.ok((r['cpuMs'] as number) < 500, `CPU ${r['cpuMs']} ms during a 2 s sleep`);
});

test('JSPI: poll_oneoff on a pipe written later by a timer reports the pipe, not the 5 s clock', { skip }, () => {
  const r = scenario('poll-pipe');
  assert.equal(r['exitCode'], 0);
  assert.equal(r['stdout'], 'r');
  assert.ok((r['ms'] as number) < 3000);
});

test('JSPI: a C echo server suspended in sock_accept, then echoing 14 KB to a host peer on the same thread', { skip }, () => {
  const r = scenario('socket-echo');
  assert.equal(r['exitCode'], 0, String(r['stderr']));
  assert.equal(r['same'], true);
  assert.equal(r['bytes'], 14000);
});

test('JSPI: round trip of a suspension is measured (figures in docs/performance.md)', { skip }, () => {
  const r = scenario('round-trip');
  assert.ok((r['suspendUs'] as number) > 0 && (r['suspendUs'] as number) < 1000, JSON.stringify(r));
  console.log(`    JSPI: ${JSON.stringify(r)}`);
});

test('JSPI: runGuest runs the C echo server in this thread against a real TCP client on 127.0.0.1 (1 MiB)', { skip }, () => {
  const r = scenario('tcp-echo');
  assert.equal(r['exitCode'], 0, String(r['stderr']));
  assert.equal(r['strategy'], 'jspi');
  assert.equal(r['same'], true);
  console.log(`    TCP echo under JSPI: ${(r['mibPerS'] as number).toFixed(0)} MiB/s`);
});

test("JSPI: 'auto' picks JSPI where the engine has it", { skip }, () => {
  const r = scenario('auto');
  assert.deepEqual(r, { jspi: true, exitCode: 0 });
});

const KV_DEMO = ['greeting = hello', 'cat.png: 4 bytes', 'key cat.png', 'entry cat.png: 4 bytes, binary', 'perms: read write admin', 'open missing: not found', ''].join('\n');

test('JSPI: async plugin functions (get, Bucket.get await timers) suspend examples/kv guests; same output as the sync store', { skip }, () => {
  const r = scenario('plugin-async');
  for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
    const g = r[file] as Record<string, unknown>;
    assert.equal(g['isPromise'], true, 'exports return promises under JSPI');
    assert.deepEqual(g['out'], ['hello, world; 1 keys', 'hello, wörld ✓; 1 keys'], file);
    assert.equal(g['stdout'], KV_DEMO + KV_DEMO, file);
    const log = g['log'] as string[];
    assert.ok(log.filter((l) => l === 'get').length >= 2 && log.includes('bucket.get'), JSON.stringify(log));
    assert.equal(log.filter((l) => l === 'drop').length, 2, JSON.stringify(log));
    assert.ok((g['ticks'] as number) >= 1, 'the event loop ran while the guest was suspended');
    assert.equal(g['liveBuffers'], 0);
    assert.match(String(g['overlap']), /another call into this guest is still in progress/);
  }
});

test('JSPI: an async plugin function whose promise rejects traps the guest, naming the function', { skip }, () => {
  const r = scenario('plugin-async-reject');
  const e = r['error'] as { name: string; message: string; cause: string };
  assert.equal(e.name, 'Trap');
  assert.match(e.message, /^warden:kv\/store@0\.1\.0#set: the host implementation threw Error: store offline/);
  assert.match(e.cause, /store offline/);
  assert.match(String(r['again']), /trapped earlier/);
});

test("JSPI: instantiate with blocking 'auto' takes JSPI here; instantiateSync stays 'sync'", { skip }, () => {
  const r = scenario('plugin-auto');
  assert.equal(r['autoIsPromise'], true);
  assert.equal(r['auto'], 'hello, a; 1 keys');
  assert.match(String(r['syncError']), /returned a Promise; async plugin functions need the JSPI strategy/);
});

test("sync mode: an async plugin function traps with a message saying to use JSPI; 'jspi' without JSPI says what is missing", async () => {
  const { definePlugin, instantiate } = await import('../../src/plugin/index.js');
  const kv = definePlugin({
    wit: readFileSync(repoPath('examples/kv/kv.wit'), 'utf8'),
    world: 'kv-guest',
    implement: () => {
      const none = (): undefined => undefined;
      return { 'warden:kv/store@0.1.0': { get: async () => 'x', set: () => ({ tag: 'ok', val: undefined }), count: () => 0, Bucket: { new: () => ({}), get: none, set: none, remove: none, keys: none, entries: none, perms: none, open: none } } };
    },
  });
  const guest = await instantiate(readFileSync(repoPath('test/plugin/guests/kv-guest.wasm')), { plugins: [kv], blocking: 'sync' });
  const run = guest.exports['run'] as (s: string) => unknown;
  assert.throws(() => run('x'), (e: unknown) => e instanceof Trap && /^warden:kv\/store@0\.1\.0#get: the implementation returned a Promise; async plugin functions need the JSPI strategy/.test(e.message));
  guest.close();
  if (!jspiSupported()) {
    await assert.rejects(instantiate(readFileSync(repoPath('test/plugin/guests/kv-guest.wasm')), { plugins: [kv], blocking: 'jspi' }), (e: unknown) => e instanceof StrategyError && /no JSPI/.test(e.message));
    // 'auto' (the default of instantiate) falls back to sync: exports return plain values.
    const auto = await instantiate(readFileSync(repoPath('test/plugin/guests/kv-guest.wasm')), { plugins: [kv] });
    assert.throws(() => (auto.exports['run'] as (s: string) => unknown)('y'), /need the JSPI strategy/);
    auto.close();
  }
});

test('sync mode: an async-only handle fails with ENOTSUP and a message saying what to do', async () => {
  const errors: number[] = [];
  const wasi = new Wasi({
    stdin: new AsyncSource(async () => new Uint8Array([1])),
    stdout: 'capture',
    trace: (name, _a, result) => {
      if (name === 'fd_read' && 'errno' in result) errors.push(result.errno);
    },
  });
  const r = await wasi.run(readFileSync(repoPath('test/io/cat.wasm')));
  assert.equal(r.exitCode, 1); // cat exits 1 on a read error
  assert.deepEqual(errors, [58]); // ENOTSUP
});

test("strategy choice: 'auto' falls back to sync without JSPI; an explicit 'jspi' says what is missing", () => {
  if (jspiSupported()) return;
  assert.equal(chooseStrategy('auto'), 'sync');
  assert.equal(chooseStrategy('auto', { workers: true }), 'worker');
  assert.throws(() => chooseStrategy('jspi'), (e: unknown) => e instanceof StrategyError && /Node 25\+/.test(e.message));
});

test("runGuest: 'auto' without JSPI runs the guest in a worker; 'sync' refuses a TCP listener", async () => {
  const { runGuest, TcpListener } = await import('../../src/node/index.js');
  const r = await runGuest({ module: repoPath('test/io/cat.wasm'), stdin: 'through a worker', stdout: 'capture', stderr: null });
  assert.equal(new TextDecoder().decode(r.stdout), 'through a worker');
  assert.equal(r.strategy, jspiSupported() ? 'jspi' : 'worker');
  const s = await runGuest({ module: repoPath('test/io/cat.wasm'), stdin: 'in this thread', stdout: 'capture', stderr: null, blocking: 'sync' });
  assert.equal(new TextDecoder().decode(s.stdout), 'in this thread');
  assert.equal(s.strategy, 'sync');
  const listener = await TcpListener.listen('127.0.0.1', 0);
  await assert.rejects(runGuest({ module: repoPath('test/net/echo.wasm'), fds: { 3: listener }, blocking: 'sync' }), /needs the 'jspi' or 'worker' strategy/);
  await listener.close();
});

test('CLI under JSPI: --listen together with --trace, the echo server in the CLI\'s own thread, a real client', { skip }, async () => {
  const { createServer, connect } = await import('node:net');
  const { spawn } = await import('node:child_process');
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const child = spawn(found.node!, [...(found.flags ?? []), repoPath('test/cli/run-cli.mjs'), 'run', '--trace', '--listen', `127.0.0.1:${port}`, repoPath('test/net/echo.wasm'), '1'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WARDEN_TEST_OUT: out } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let echoed = '';
  for (let attempt = 0; attempt < 100 && echoed === ''; attempt++) {
    echoed = await new Promise<string>((resolve) => {
      const c = connect(port, '127.0.0.1', () => c.end('ping through the CLI'));
      let got = '';
      c.on('data', (d: Buffer) => (got += d.toString()));
      c.on('end', () => resolve(got));
      c.on('error', () => setTimeout(() => resolve(''), 50));
    });
  }
  assert.equal(echoed, 'ping through the CLI');
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /\[wasi\] sock_accept\(3, /);
});

test('CLI: --blocking jspi where the engine has none exits 2 and says what is needed', { skip: jspiSupported() ? 'this Node has JSPI' : false }, () => {
  const r = spawnSync(process.execPath, [repoPath('test/cli/run-cli.mjs'), 'run', '--blocking', 'jspi', repoPath('test/io/sleep.wasm')], { encoding: 'utf8', env: { ...process.env, WARDEN_TEST_OUT: out } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no JSPI/);
});
