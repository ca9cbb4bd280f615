#!/usr/bin/env node
// Measures the worker bridge: round trip of a 1-byte blocking read/write ping-pong between the main
// thread and a guest in a worker (through two pipes), throughput through a guest in a worker, and
// the CPU the whole process uses while a guest in a worker sleeps or waits on an empty stdin pipe.
// Usage (after a test run compiled the sources): WARDEN_TEST_OUT=build-io node test/io/measure.mjs
// It imports the compiled sources from $WARDEN_TEST_OUT (default build/).
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const out = process.env.WARDEN_TEST_OUT ?? 'build';
const { createPipe, runInWorker, pipeFromReadable, pipeToWritable } = await import(new URL(`${out}/src/node/index.js`, root).href);
const wasm = (p) => fileURLToPath(new URL(p, root));
const cat = wasm('test/io/cat.wasm');

const fmtUs = (ms) => `${(ms * 1000).toFixed(1)} µs`;
const cpuMs = (c) => (c.user + c.system) / 1000;

/** Ping-pong: main writes 1 byte to the guest's stdin, waits for the guest (cat) to echo it on stdout. */
async function roundTrip(n, mode) {
  const toGuest = createPipe();
  const fromGuest = createPipe();
  toGuest.writer.retain();
  fromGuest.reader.retain();
  const run = runInWorker({ module: cat, stdin: toGuest.reader, stdout: fromGuest.writer, stderr: null });
  const one = new Uint8Array([42]);
  const buf = new Uint8Array(1);
  const exchange = async (count) => {
    for (let i = 0; i < count; i++) {
      toGuest.writer.write(one);
      if (mode === 'sync') {
        fromGuest.reader.read(buf); // blocks this thread (Atomics.wait)
      } else {
        await fromGuest.reader.whenReady(); // Atomics.waitAsync: the event loop stays free
        fromGuest.reader.read(buf);
      }
    }
  };
  await exchange(2000); // warm-up (includes the worker's start)
  const t0 = performance.now();
  await exchange(n);
  const ms = performance.now() - t0;
  toGuest.writer.release();
  await run;
  fromGuest.reader.release();
  return ms / n;
}

/** Bytes per second through cat in a worker: main thread writes, main thread reads (both blocking, in turns). */
async function throughput(totalBytes) {
  const src = new Uint8Array(totalBytes);
  const stdin = pipeFromReadable(Readable.from((function* () { for (let i = 0; i < totalBytes; i += 65536) yield src.subarray(i, i + 65536); })()));
  let got = 0;
  const { Writable } = await import('node:stream');
  const sink = new Writable({ write(chunk, _e, cb) { got += chunk.length; cb(); } });
  const stdout = pipeToWritable(sink);
  const t0 = performance.now();
  await runInWorker({ module: cat, stdin, stdout, stderr: null });
  await stdout.done;
  const s = (performance.now() - t0) / 1000;
  if (got !== totalBytes) throw new Error(`throughput: got ${got} of ${totalBytes}`);
  return totalBytes / s / 2 ** 20;
}

/** Wall and whole-process CPU time of `f`. */
async function cpuOf(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await f();
  return { wallMs: performance.now() - t0, cpuMs: cpuMs(process.cpuUsage(c0)) };
}

const results = {};
console.log(`node ${process.version}; JSPI: typeof WebAssembly.Suspending = ${typeof WebAssembly.Suspending}, typeof WebAssembly.promising = ${typeof WebAssembly.promising}`);

results.rtSync = await roundTrip(20000, 'sync');
console.log(`round trip, main thread blocking (Atomics.wait) <-> guest in a worker: ${fmtUs(results.rtSync)} per 1-byte read+write`);
results.rtAsync = await roundTrip(10000, 'async');
console.log(`round trip, main thread on its event loop (Atomics.waitAsync) <-> guest in a worker: ${fmtUs(results.rtAsync)}`);

results.mbps = await throughput(64 * 2 ** 20);
console.log(`throughput, Node Readable -> cat in a worker -> Node Writable (64 KiB pipes): ${results.mbps.toFixed(0)} MiB/s`);

const base = await cpuOf(() => runInWorker({ module: wasm('examples/hello/hello.wasm'), stdin: null, stdout: null, stderr: null }));
console.log(`baseline, a guest that exits at once in a worker: wall ${base.wallMs.toFixed(0)} ms, process CPU ${base.cpuMs.toFixed(0)} ms (worker start-up)`);

const sleep = await cpuOf(() => runInWorker({ module: wasm('test/io/sleep.wasm'), stdin: null, stdout: null, stderr: null }));
console.log(`guest sleeping 2 s in poll_oneoff, in a worker: wall ${sleep.wallMs.toFixed(0)} ms, process CPU ${sleep.cpuMs.toFixed(0)} ms (${(sleep.cpuMs - base.cpuMs).toFixed(0)} ms above the baseline)`);

const waitPipe = await cpuOf(async () => {
  const { reader, writer } = createPipe();
  writer.retain();
  setTimeout(() => writer.release(), 2000);
  await runInWorker({ module: cat, stdin: reader, stdout: null, stderr: null });
});
console.log(`guest blocked 2 s in fd_read on an empty stdin pipe, in a worker: wall ${waitPipe.wallMs.toFixed(0)} ms, process CPU ${waitPipe.cpuMs.toFixed(0)} ms (${(waitPipe.cpuMs - base.cpuMs).toFixed(0)} ms above the baseline)`);

const waitStream = await cpuOf(async () => {
  const stream = new Readable({ read() {} });
  setTimeout(() => stream.push(null), 2000);
  await runInWorker({ module: cat, stdin: pipeFromReadable(stream), stdout: null, stderr: null });
});
console.log(`guest blocked 2 s on stdin from a Node Readable (main-thread pump idle): wall ${waitStream.wallMs.toFixed(0)} ms, process CPU ${waitStream.cpuMs.toFixed(0)} ms (${(waitStream.cpuMs - base.cpuMs).toFixed(0)} ms above the baseline)`);
