#!/usr/bin/env node
// Cost of one plugin call with a string argument and a string result, against a raw import that
// does the same by hand. Run after `npm run build` (it reads dist/):
//
//   node bench/plugin-call.mjs [--calls N]
//
// The guest (test/plugin/guests/bench-call.wat) calls the import in a loop, so the figures are the
// whole guest -> host -> guest round trip:
//   plugin   bench:echo/api@0.1.0#echo: func(s: string) -> string, through Warden's plugin runtime:
//            the argument lifted (bounds checks, UTF-8 validation), the JS function called, the
//            result lowered through the guest's cabi_realloc into the return area;
//   buffers  the same for a guest without cabi_realloc: the result is a buffer the guest takes;
//   raw      an import (ptr, len, outptr) -> i32 written by hand: TextDecoder on the bytes, the
//            same JS function, TextEncoder.encodeInto a fixed guest buffer, (ptr, len) at outptr.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { definePlugin, instantiateSync } = await import(join(root, 'dist/plugin/index.js'));

const args = process.argv.slice(2);
const callsArg = args.indexOf('--calls');
const CALLS = callsArg >= 0 ? Number(args[callsArg + 1]) : 200_000;

const wit = `package bench:echo@0.1.0;
interface api { echo: func(s: string) -> string; }
world bench { import api; }`;

const echo = (s) => s;
const plugin = definePlugin({ wit, world: 'bench', implement: () => ({ 'bench:echo/api@0.1.0': { echo } }) });

/** The raw import, bound to an instance's memory once it exists. */
function rawImport() {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let memory;
  let u8;
  let dv;
  const OUT = 8192;
  return {
    bind(m) {
      memory = m;
    },
    echo(ptr, len, outptr) {
      if (u8 === undefined || u8.buffer !== memory.buffer) {
        u8 = new Uint8Array(memory.buffer);
        dv = new DataView(memory.buffer);
      }
      const s = decoder.decode(u8.subarray(ptr, ptr + len));
      const r = echo(s);
      const { written } = encoder.encodeInto(r, u8.subarray(OUT, OUT + 4096));
      dv.setUint32(outptr, OUT, true);
      dv.setUint32(outptr + 4, written, true);
      return 0;
    },
  };
}

function setup(file) {
  const raw = rawImport();
  const guest = instantiateSync(readFileSync(join(root, 'test/plugin/guests', file)), { plugins: [plugin], imports: { 'bench:raw': raw } });
  const memory = guest.instance.exports.memory;
  raw.bind(memory);
  return { guest, memory };
}

function measure(fn, calls) {
  fn(Math.min(calls, 20_000)); // warm up
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = process.hrtime.bigint();
    fn(calls);
    const ns = Number(process.hrtime.bigint() - t0) / calls;
    best = Math.min(best, ns);
  }
  return best;
}

const withRealloc = setup('bench-call.wasm');
const withBuffers = setup('bench-call-nr.wasm');
const INPUT = 4096;
const rows = [];
for (const [label, text] of [['16 B', 'sixteen bytes!!!'], ['1 KiB', 'x'.repeat(1024)], ['1 KiB, non-ASCII', 'é'.repeat(512)]]) {
  const bytes = new TextEncoder().encode(text);
  for (const s of [withRealloc, withBuffers]) new Uint8Array(s.memory.buffer).set(bytes, INPUT);
  const ex = withRealloc.guest.instance.exports;
  const exNr = withBuffers.guest.instance.exports;
  const plugin = measure((n) => ex.loop(n, INPUT, bytes.length), CALLS);
  const buffers = measure((n) => exNr['loop-buffers'](n, INPUT, bytes.length), CALLS);
  const raw = measure((n) => ex['loop-raw'](n, INPUT, bytes.length), CALLS);
  rows.push({ label, plugin, buffers, raw });
}
withRealloc.guest.close();
withBuffers.guest.close();

console.log(`plugin call echo(s: string) -> string, ${CALLS} calls per run, best of 5 (Node ${process.version})`);
console.log('string            plugin ns/call  buffers ns/call  raw ns/call  plugin/raw  buffers/raw');
for (const r of rows) {
  console.log(
    `${r.label.padEnd(17)} ${r.plugin.toFixed(0).padStart(14)}  ${r.buffers.toFixed(0).padStart(15)}  ${r.raw.toFixed(0).padStart(11)}  ${(r.plugin / r.raw).toFixed(2).padStart(10)}  ${(r.buffers / r.raw).toFixed(2).padStart(11)}`,
  );
}
