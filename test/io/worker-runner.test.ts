// runInWorker: a guest in a worker_threads Worker, blocking there while this thread's event loop runs;
// options (module, args, env, host and memory dirs, stdio, extra fds) and typed failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ModuleError, Trap, createChannel, createPipe } from '../../src/index.js';
import { runInWorker } from '../../src/node/index.js';
import { repoPath } from '../paths.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test("the host's event loop stays free while the guest blocks reading a pipe the main thread fills later", async () => {
  const { reader, writer } = createPipe();
  writer.retain();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const t0 = performance.now();
  const run = runInWorker({ module: repoPath('test/io/cat.wasm'), stdin: reader, stdout: 'capture', stderr: null });
  let ticksWhenWritten = -1;
  setTimeout(() => {
    ticksWhenWritten = ticks;
    writer.write(enc('filled by the main thread, later\n'));
    writer.release(); // end of stream: cat exits
  }, 300);
  const r = await run;
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  assert.equal(r.exitCode, 0);
  assert.equal(dec(r.stdout), 'filled by the main thread, later\n');
  assert.ok(elapsed >= 290, `the guest waited for the data (${elapsed.toFixed(0)} ms)`);
  assert.ok(ticksWhenWritten >= 15, `the 10 ms timer fired ${ticksWhenWritten} times while the guest was blocked`);
});

test('a trap rejects with a Trap carrying the message; missing imports with a ModuleError listing them', async () => {
  const stdout = createPipe();
  stdout.reader.retain();
  await assert.rejects(runInWorker({ module: repoPath('test/cli/trap.wasm'), stdin: null, stdout: stdout.writer, stderr: null }), (e: unknown) => {
    assert.ok(e instanceof Trap, `got ${String(e)}`);
    assert.match(e.message, /unreachable/);
    return true;
  });
  const buf = new Uint8Array(100);
  assert.equal(dec(buf.subarray(0, stdout.reader.read(buf))), 'before trap\n', 'output before the trap went through');
  assert.equal(stdout.reader.read(buf), 0, 'and the pipe was closed');
  stdout.reader.release();

  await assert.rejects(runInWorker({ module: repoPath('test/cli/missing-imports.wasm'), stdin: null, stdout: null, stderr: null }), (e: unknown) => {
    assert.ok(e instanceof ModuleError);
    assert.deepEqual([...e.missingImports].sort(), ['env.host_magic', 'wasi_snapshot_preview2.fd_write']);
    return true;
  });
  await assert.rejects(runInWorker({ module: enc('not wasm'), stdin: null, stdout: null, stderr: null }), ModuleError);
});

test('preopened host directories (read-write and read-only) are opened by the worker, confined', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-worker-'));
  try {
    writeFileSync(join(dir, 'note.txt'), 'a host file\n');
    const r = await runInWorker({ module: repoPath('examples/ls-cat/ls-cat.wasm'), args: ['ls-cat', '/d', '/d/note.txt'], preopens: { '/d': dir }, stdin: null, stdout: 'capture', stderr: 'capture' });
    assert.equal(r.exitCode, 0, dec(r.stderr));
    assert.match(dec(r.stdout), /^file +12 note\.txt\na host file\n$/);

    // create-file.wasm creates new.txt in the dir at fd 3 (exit 1 if the open fails).
    const ro = await runInWorker({ module: repoPath('test/cli/create-file.wasm'), preopens: { '/d': { host: dir, readOnly: true } }, stdin: null, stdout: null, stderr: null });
    assert.equal(ro.exitCode, 1);
    assert.equal(existsSync(join(dir, 'new.txt')), false);
    const rw = await runInWorker({ module: readFileSync(repoPath('test/cli/create-file.wasm')), preopens: { '/d': dir }, stdin: null, stdout: null, stderr: null });
    assert.equal(rw.exitCode, 0);
    assert.equal(readFileSync(join(dir, 'new.txt'), 'utf8'), 'written by the guest\n');

    await assert.rejects(runInWorker({ module: repoPath('test/io/cat.wasm'), preopens: { '/x': join(dir, 'missing') }, stdin: null, stdout: null, stderr: null }), ConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('in-memory dirs, args and a compiled module; proc_exit codes come back', async () => {
  const module = await WebAssembly.compile(readFileSync(repoPath('examples/ls-cat/ls-cat.wasm')));
  const r = await runInWorker({ module, args: ['ls-cat', '/m/sub/f.txt'], memoryDirs: { '/m': { 'sub/f.txt': 'in memory\n' } }, stdin: null, stdout: 'capture', stderr: 'capture' });
  assert.equal(r.exitCode, 0, dec(r.stderr));
  assert.equal(dec(r.stdout), 'in memory\n');
  const x = await runInWorker({ module: repoPath('test/cli/exit-mid-write.wasm'), stdin: null, stdout: 'capture', stderr: null });
  assert.equal(x.exitCode, 7);
  assert.equal(dec(x.stdout), 'partial line');
});

test('extra handles at chosen fds: a pipe end or a channel end at fd 3; stdio numbers and directions are checked', async () => {
  const { reader, writer } = createPipe();
  writer.retain();
  writer.write(enc('abcdefgh'));
  // read-once.wasm: one read of up to 5 bytes from fd 3, to stdout.
  const r = await runInWorker({ module: repoPath('test/io/read-once.wasm'), fds: { 3: reader }, stdin: null, stdout: 'capture', stderr: null });
  assert.equal(dec(r.stdout), 'abcde');
  assert.equal(writer.hungUp(), true, 'the guest closed fd 3: the reader is gone');
  writer.release();

  const [a, b] = createChannel();
  a.retain();
  a.write(enc('channel!'));
  const c = await runInWorker({ module: repoPath('test/io/read-once.wasm'), fds: { 3: b }, stdin: null, stdout: 'capture', stderr: null });
  assert.equal(dec(c.stdout), 'chann');
  assert.equal(a.hungUp(), true);
  const [, b2] = createChannel();
  await assert.rejects(runInWorker({ module: repoPath('test/io/cat.wasm'), fds: { 2: b2 } }), ConfigError, 'stdio numbers are set with stdin/stdout/stderr');
  await assert.rejects(runInWorker({ module: repoPath('test/io/cat.wasm'), stdin: createPipe().writer }), ConfigError, 'stdin must be readable');
  a.release();
});

test('aborting terminates a blocked guest and closes the ends it was given', async () => {
  const out = createPipe();
  out.reader.retain();
  const ac = new AbortController();
  const t0 = performance.now();
  setTimeout(() => ac.abort(new Error('enough')), 100);
  // sleep.wasm sleeps 2 s in poll_oneoff.
  await assert.rejects(runInWorker({ module: repoPath('test/io/sleep.wasm'), stdin: null, stdout: out.writer, stderr: null, signal: ac.signal }), /enough/);
  assert.ok(performance.now() - t0 < 1500);
  assert.equal(out.reader.hungUp(), true, 'the writer given to the dead worker was closed here');
  out.reader.release();
});

test('a call that fails before the worker starts still closes the ends it was given, so their pumps finish', async () => {
  const { Writable } = await import('node:stream');
  const { pipeToWritable } = await import('../../src/node/index.js');
  let ended = false;
  const sink = new Writable({ write: (_c, _e, cb) => cb(), final: (cb) => ((ended = true), cb()) });
  const stdout = pipeToWritable(sink);
  const [, stray] = createChannel();
  await assert.rejects(runInWorker({ module: repoPath('test/io/cat.wasm'), stdin: null, stdout, fds: { 1: stray } }), ConfigError);
  assert.deepEqual(await stdout.done, { reason: 'end' }, 'the pump saw its pipe closed');
  assert.equal(ended, true);
  assert.equal(stray.disposed, true);
});
