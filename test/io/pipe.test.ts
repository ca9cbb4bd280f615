// Pipes: a shared-memory ring whose ends can live in different threads; reads really block, and
// poll_oneoff waits on them without using CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { FsError, Wasi, createPipe } from '../../src/index.js';
import { repoPath } from '../paths.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('bytes go through in order across the ring boundary; end of stream after the writer closes', () => {
  const { reader, writer } = createPipe(8);
  reader.retain();
  writer.retain();
  const out: string[] = [];
  const buf = new Uint8Array(5);
  for (const chunk of ['abcde', 'fghij', 'klmno']) {
    assert.equal(writer.write(enc(chunk)), 5);
    let got = '';
    while (got.length < 5) got += dec(buf.subarray(0, reader.read(buf)));
    out.push(got);
  }
  assert.deepEqual(out, ['abcde', 'fghij', 'klmno']);
  assert.equal(reader.readReady(), false);
  writer.release();
  assert.equal(reader.readReady(), true);
  assert.equal(reader.hungUp(), true);
  assert.equal(reader.read(buf), 0, 'end of stream');
  reader.release();
});

test('nonblocking ends fail with would-block; a closed reader makes writes fail with pipe (EPIPE)', () => {
  const { reader, writer } = createPipe(4);
  reader.retain();
  writer.retain();
  reader.nonblocking = true;
  writer.nonblocking = true;
  assert.throws(() => reader.read(new Uint8Array(1)), (e: unknown) => e instanceof FsError && e.errorCode === 'would-block');
  assert.equal(writer.write(enc('abcdef')), 4, 'a partial write when the ring fills');
  assert.throws(() => writer.write(enc('x')), (e: unknown) => e instanceof FsError && e.errorCode === 'would-block');
  reader.release();
  assert.throws(() => writer.write(enc('x')), (e: unknown) => e instanceof FsError && e.errorCode === 'pipe');
  writer.release();
});

test('a guest in a worker writes into a pipe that a guest in this thread reads with blocking reads', async () => {
  const { reader, writer } = createPipe(64); // small, so both sides block on the other many times
  const worker = new Worker(new URL('./pipe-worker.js', import.meta.url), {
    workerData: { shared: writer.share(), wasm: repoPath('examples/hello/hello.wasm'), args: ['hello', ...Array.from({ length: 40 }, (_, i) => `argument-${i}`)], delayMs: 50 },
  });
  const done = new Promise<{ exitCode: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const consumer = new Wasi({ stdin: reader, stdout: 'capture' });
  const r = await consumer.run(readFileSync(repoPath('test/io/cat.wasm')));
  assert.equal(r.exitCode, 0);
  const text = dec(r.stdout);
  assert.ok(text.startsWith('Hello from WebAssembly!\narg 1: argument-0\n'), text.slice(0, 80));
  assert.ok(text.endsWith('arg 40: argument-39\n'));
  assert.equal((await done).exitCode, 0);
  await worker.terminate();
});

test('poll_oneoff waits on a pipe without using CPU, and wakes when another thread writes', async () => {
  const { reader, writer } = createPipe();
  const worker = new Worker(new URL('./pipe-worker.js', import.meta.url), {
    workerData: { shared: writer.share(), wasm: repoPath('examples/hello/hello.wasm'), args: ['hello'], delayMs: 600 },
  });
  const done = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const poller = new Wasi({ stdin: reader, stdout: 'capture' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await poller.run(readFileSync(repoPath('test/io/poll-read.wasm')));
  const waited = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  assert.equal(r.exitCode, 0);
  assert.equal(dec(r.stdout), 'r', 'the fd event came before the 5 s clock');
  assert.ok(waited >= 400 && waited < 4000, `waited ${waited.toFixed(0)} ms`);
  // This thread's CPU while it waited (the worker's start-up runs on another thread but is counted
  // by process.cpuUsage too): far below the wall time a busy-wait would burn.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  assert.ok(cpuMs < waited / 2, `CPU ${cpuMs.toFixed(0)} ms over ${waited.toFixed(0)} ms of waiting`);
  await done;
  await worker.terminate();
});
