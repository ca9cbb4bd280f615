#!/usr/bin/env node
// Cost of file I/O from a worker on a file handed over by the main thread (describeHandle), against
// the same I/O on a file the worker opened itself. Run after `npm run build` (it reads dist/):
//
//   node bench/thread-handles.mjs [--calls N] [--mib M]
//
// Cases, all in one worker, calling FileDescription.pread / read directly (no guest: what is timed
// is the path below the syscall layer):
//   host, handed     a host file described by the main thread: the worker opened it again through
//                    /proc/self/fd and reads it itself (position in shared memory, a lock per read);
//   host, own        a host file the worker opened through its own HostBackend;
//   memory, served   an in-memory file of the main thread: every call is a request on a
//                    MessagePort that the main thread's event loop answers (Atomics.wait meanwhile);
//   memory, own      an in-memory file of the worker's own namespace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(join(root, 'dist', p)).href;
const { Namespace, MemoryBackend } = await import(dist('index.js'));
const { HostBackend, describeHandle } = await import(dist('node/index.js'));

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const CALLS = opt('--calls', 20_000);
const MIB = opt('--mib', 64);

const dir = mkdtempSync(join(tmpdir(), 'warden-bench-threads-'));
const big = new Uint8Array(MIB << 20).fill(7);
writeFileSync(join(dir, 'big.bin'), big);
const host = new HostBackend(dir);
const ns = new Namespace();
ns.mount('/h', host);
ns.mount('/m', new MemoryBackend());
ns.writeFile('/m/big.bin', big);

const handed = ['/h/big.bin', '/m/big.bin'].map((p) => describeHandle(ns.openFile(p).retain()));
const worker = new Worker(
  `
  import { workerData, parentPort } from 'node:worker_threads';
  const { Namespace, MemoryBackend } = await import(${JSON.stringify(dist('index.js'))});
  const { HostBackend, adoptHandle } = await import(${JSON.stringify(dist('node/index.js'))});
  const { descriptors, dir, calls, big } = workerData;
  const ns = new Namespace();
  const hb = new HostBackend(dir);
  ns.mount('/h', hb);
  ns.mount('/m', new MemoryBackend());
  ns.writeFile('/m/big.bin', new Uint8Array(big).fill(7));
  const files = {
    'host, handed': adoptHandle(descriptors[0]),
    'host, own': ns.openFile('/h/big.bin'),
    'memory, served': adoptHandle(descriptors[1]),
    'memory, own': ns.openFile('/m/big.bin'),
  };
  const out = {};
  for (const [name, f] of Object.entries(files)) {
    const small = new Uint8Array(16);
    for (let i = 0; i < 1000; i++) f.pread(small, 0n);
    let t = performance.now();
    for (let i = 0; i < calls; i++) f.pread(small, BigInt((i * 16) % big));
    const perCall = ((performance.now() - t) * 1000) / calls;
    const chunk = new Uint8Array(1 << 20);
    f.seek(0n, 'set');
    t = performance.now();
    let total = 0;
    for (;;) { const n = f.read(chunk); if (n === 0) break; total += n; }
    const mibs = total / (1 << 20) / ((performance.now() - t) / 1000);
    out[name] = { perCall, mibs };
    f.retain().release();
  }
  hb.close();
  parentPort.postMessage(out);
`,
  { eval: true, workerData: { descriptors: handed.map((h) => h.descriptor), dir, calls: CALLS, big: big.length }, transferList: handed.flatMap((h) => h.transfer) },
);
const results = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});
await new Promise((r) => worker.once('exit', r));
host.close();
rmSync(dir, { recursive: true, force: true });

console.log(`# file I/O from a worker: Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
console.log(`# ${CALLS} preads of 16 bytes; one sequential read of ${MIB} MiB in 1 MiB reads\n`);
console.log('| file | 16-byte pread | read throughput |');
console.log('| --- | --- | --- |');
for (const [name, r] of Object.entries(results)) console.log(`| ${name} | ${r.perCall.toFixed(2)} µs | ${r.mibs.toFixed(0)} MiB/s |`);
