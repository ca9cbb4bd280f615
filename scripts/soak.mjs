#!/usr/bin/env node
// Soak checks for leaks (run with `npm run soak`; not part of npm test, it takes a while):
//  1. 10,000 instances of hello world one after another: heap after each thousand (after gc()).
//  2. 1,000 guests that open host files and trap, through run(): host fds before and after.
//  3. 1,000 guests started with start() and abandoned without close(): host fds after gc().
// Uses dist/ (run `npm run build` first). Needs --expose-gc (npm run soak passes it).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Namespace, Wasi } from '../dist/index.js';
import { HostBackend } from '../dist/node/index.js';

if (typeof gc !== 'function') {
  console.error('run with node --expose-gc (npm run soak does)');
  process.exit(2);
}
const root = new URL('..', import.meta.url);
const hello = new WebAssembly.Module(readFileSync(new URL('examples/hello/hello.wasm', root)));
const trapper = new WebAssembly.Module(readFileSync(new URL('test/leaks/open-and-trap.wasm', root)));
const fds = () => readdirSync('/proc/self/fd').length;
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
async function settle() {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(10);
  }
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await settle();
const heap0 = process.memoryUsage().heapUsed;
console.log(`1. 10,000 hello-world instances (in-memory namespace, captured stdout)`);
console.log(`   heap before: ${mib(heap0)}`);
for (let i = 1; i <= 10000; i++) {
  const wasi = new Wasi({ args: ['hello'], stdout: 'capture' });
  const r = await wasi.run(hello);
  if (r.exitCode !== 0) throw new Error('hello failed');
  if (i % 2000 === 0) {
    await settle();
    console.log(`   after ${i}: heap ${mib(process.memoryUsage().heapUsed)}`);
  }
}
const heap1 = process.memoryUsage().heapUsed;
console.log(`   growth over 10,000 instances: ${mib(heap1 - heap0)}`);

const dir = mkdtempSync(join(tmpdir(), 'warden-soak-'));
try {
  const before = fds();
  console.log(`2. 1,000 guests that open host files and trap (run())`);
  for (let i = 0; i < 1000; i++) {
    const backend = new HostBackend(dir);
    const ns = new Namespace();
    ns.mount('/box', backend);
    const wasi = new Wasi({ namespace: ns, preopens: { '/box': '/box' } });
    await wasi.run(trapper).then(() => { throw new Error('expected a trap'); }, (e) => { if (!(e instanceof WebAssembly.RuntimeError)) throw e; });
    backend.close();
  }
  console.log(`   host fds before ${before}, after ${fds()}`);

  console.log(`3. 1,000 guests started with start() and abandoned (no close(), backends not closed)`);
  const before3 = fds();
  for (let i = 0; i < 1000; i++) {
    const backend = new HostBackend(dir);
    const ns = new Namespace();
    ns.mount('/box', backend);
    const wasi = new Wasi({ namespace: ns, preopens: { '/box': '/box' } });
    const instance = new WebAssembly.Instance(trapper, wasi.getImportObject());
    try {
      wasi.start(instance);
    } catch {
      /* the trap */
    }
  }
  const held = fds();
  await settle();
  await sleep(100);
  await settle();
  console.log(`   host fds before ${before3}, right after ${held}, after gc ${fds()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
