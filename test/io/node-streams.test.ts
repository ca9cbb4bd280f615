// Node Readable/Writable streams as blocking guest handles: the main thread's event loop pumps them
// through shared-memory pipes with backpressure, guests in workers block on the other ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { Wasi } from '../../src/index.js';
import { pipeFromReadable, pipeToWritable, runInWorker } from '../../src/node/index.js';
import { repoPath } from '../paths.js';

const catWasm = repoPath('test/io/cat.wasm');
const upperWasm = repoPath('test/io/upper.wasm');
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deterministic bytes, so that a lost, doubled or reordered chunk shows. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + (i >> 10)) & 0xff;
  return out;
}

/** A Readable that counts what was pulled from it, in chunks of `chunk` bytes. */
function countingSource(data: Uint8Array, chunk: number): { stream: Readable; pulled: () => number } {
  let at = 0;
  const stream = new Readable({
    highWaterMark: 1024,
    read() {
      if (at >= data.length) return void this.push(null);
      const end = Math.min(data.length, at + chunk);
      this.push(data.subarray(at, end));
      at = end;
    },
  });
  return { stream, pulled: () => at };
}

/** A Writable that keeps what it gets and finishes each write a little later (so it pushes back). */
function slowSink(): { stream: Writable; bytes: () => Uint8Array; drains: () => number; maxBuffered: () => number } {
  const chunks: Buffer[] = [];
  let drains = 0;
  let maxBuffered = 0;
  const stream = new Writable({
    highWaterMark: 2048,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      maxBuffered = Math.max(maxBuffered, stream.writableLength);
      setImmediate(cb);
    },
  });
  stream.on('drain', () => drains++);
  return { stream, bytes: () => new Uint8Array(Buffer.concat(chunks)), drains: () => drains, maxBuffered: () => maxBuffered };
}

test('a Readable is paused while the pipe is full, and everything reaches a guest in a worker intact', async () => {
  const data = pattern(400_000);
  const src = countingSource(data, 1000);
  let pauses = 0;
  src.stream.on('pause', () => pauses++);
  const stdin = pipeFromReadable(src.stream, { capacity: 4096 });
  await sleep(60); // nobody reads yet: the pump fills the pipe, then must stop pulling
  assert.ok(src.pulled() < 4096 + 3 * 1024 + 1000 + 1, `pulled ${src.pulled()} bytes before anyone read: backpressure works`);
  assert.ok(pauses > 0, 'the stream was paused');
  assert.equal(src.stream.isPaused(), true);

  const sink = slowSink();
  const stdout = pipeToWritable(sink.stream, { capacity: 4096 });
  const r = await runInWorker({ module: catWasm, stdin, stdout, stderr: null });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(await stdin.done, { reason: 'end' });
  assert.deepEqual(await stdout.done, { reason: 'end' });
  assert.equal(sink.stream.writableFinished, true, 'the Writable was ended');
  assert.ok(sink.drains() > 0, 'the Writable pushed back');
  assert.ok(sink.maxBuffered() <= 2048 + 4096, `the pump waited for drain: at most ${sink.maxBuffered()} bytes were buffered in the Writable`);
  assert.ok(Buffer.from(sink.bytes()).equals(Buffer.from(data)), 'same bytes, same order');
});

test('a Readable that fails: the guest reads what came before, then EIO', async () => {
  const stream = new Readable({ read() {} });
  stream.push('partial data\n');
  setTimeout(() => stream.destroy(new Error('disk on fire')), 80);
  const stdin = pipeFromReadable(stream);
  const r = await runInWorker({ module: catWasm, stdin, stdout: 'capture', stderr: null });
  assert.equal(r.exitCode, 1, 'cat exits 1 when fd_read fails');
  assert.equal(dec(r.stdout), 'partial data\n');
  const end = await stdin.done;
  assert.equal(end.reason, 'error');
  assert.match(String(end.error), /disk on fire/);
});

test('when the guest stops reading (exits), the Readable is destroyed on its next chunk', async () => {
  let n = 0;
  const stream = new Readable({
    read() {
      setTimeout(() => this.push(`chunk ${n++}\n`), 5);
    },
  });
  const stdin = pipeFromReadable(stream);
  const r = await runInWorker({ module: repoPath('examples/hello/hello.wasm'), args: ['hello'], stdin, stdout: null, stderr: null });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(await stdin.done, { reason: 'closed' });
  assert.equal(stream.destroyed, true);
});

test('a Writable that fails: the pipe closes for reading and the guest gets EPIPE', async () => {
  const stream = new Writable({
    write(_chunk, _enc, cb) {
      cb(new Error('sink broke'));
    },
  });
  const stdout = pipeToWritable(stream, { capacity: 4096 });
  // upper copies stdin to stdout in 4 KiB pieces; exits 2 when fd_write fails.
  const r = await runInWorker({ module: upperWasm, stdin: new Uint8Array(1 << 20), stdout, stderr: null });
  assert.equal(r.exitCode, 2);
  const end = await stdout.done;
  assert.equal(end.reason, 'error');
  assert.match(String(end.error), /sink broke/);
});

test('end: false leaves the Writable open (for process.stdout)', async () => {
  const sink = slowSink();
  const stdout = pipeToWritable(sink.stream, { end: false });
  const r = await runInWorker({ module: repoPath('examples/hello/hello.wasm'), args: ['hello', 'x'], stdin: null, stdout, stderr: null });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(await stdout.done, { reason: 'end' });
  assert.equal(sink.stream.writableEnded, false);
  assert.equal(dec(sink.bytes()), 'Hello from WebAssembly!\narg 1: x\n');
  sink.stream.end();
});

test('synchronous mode: a guest in this thread gets EAGAIN from an empty pumped pipe instead of hanging', async () => {
  const never = new Readable({ read() {} }); // produces nothing, never ends
  const wasi = new Wasi({ stdin: pipeFromReadable(never), stdout: 'capture' });
  const t0 = performance.now();
  const r = await wasi.run(readFileSync(catWasm));
  assert.equal(r.exitCode, 1, 'fd_read failed (EAGAIN): this thread cannot wait for its own event loop');
  assert.ok(performance.now() - t0 < 1000);
  never.destroy();

  // What was pumped before the guest started is read normally, then end of stream.
  const early = pipeFromReadable(Readable.from(['early ', 'data']));
  assert.deepEqual(await early.done, { reason: 'end' });
  const r2 = await new Wasi({ stdin: early, stdout: 'capture' }).run(readFileSync(catWasm));
  assert.equal(r2.exitCode, 0);
  assert.equal(dec(r2.stdout), 'early data');
});
