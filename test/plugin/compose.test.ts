// wasmPlugin: a trusted wasm module (examples/kv/plugin.wasm, the store in C) linked in front of
// untrusted guests, with no hand-written forwarding code: same output as the store in TypeScript
// (test/plugin-guests/kv.test.ts), one provider instance per guest, closed with it, and a hostile
// provider's bad result trapping the guest's call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Trap } from '../../src/errors.js';
import { instantiateSync, wasmPlugin } from '../../src/index.js';
import { GuestResource, HostResource } from '../../src/plugin/index.js';
import { Wasi } from '../../src/wasi.js';
import { repoPath } from '../paths.js';
import { guestModule, poke, raw } from './util.js';

const kvWit = readFileSync(repoPath('examples/kv/kv.wit'), 'utf8');
const kvModule = (name: string): WebAssembly.Module => new WebAssembly.Module(readFileSync(repoPath('examples/kv', name)));
const DEMO = ['greeting = hello', 'cat.png: 4 bytes', 'key cat.png', 'entry cat.png: 4 bytes, binary', 'perms: read write admin', 'open missing: not found', ''].join('\n');

function cStore(wasis?: Wasi[]) {
  return wasmPlugin({
    wit: kvWit,
    world: 'kv-provider',
    guestWorld: 'kv-guest',
    module: readFileSync(repoPath('examples/kv/plugin.wasm')),
    ...(wasis !== undefined ? { wasi: () => { const w = new Wasi({}); wasis.push(w); return w; } } : {}),
  });
}

for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
  test(`wasmPlugin: examples/kv/${file} linked to plugin.wasm prints what it prints with the TypeScript store`, () => {
    const wasi = new Wasi({ stdout: 'capture' });
    const guest = instantiateSync(kvModule(file), { wasi, plugins: [cStore()] });
    const run = guest.exports['run'] as (input: string) => string;
    assert.deepEqual([run('world'), run('wörld ✓')], ['hello, world; 1 keys', 'hello, wörld ✓; 1 keys']);
    assert.equal(new TextDecoder().decode(wasi.output(1)), DEMO + DEMO);
    assert.equal(guest.liveBuffers, 0);
    assert.equal([...guest.handles.entries()].filter(([, s]) => s.resource instanceof HostResource).length, 0, 'every bucket handle was dropped');
    guest.close();
  });
}

test('wasmPlugin: each guest instance gets its own provider instance, closed with the guest', () => {
  const wasis: Wasi[] = [];
  const store = cStore(wasis);
  const a = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [store] });
  const b = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [store] });
  assert.equal(wasis.length, 2, 'one provider Wasi per guest instance');
  const set = raw(a, 't:set');
  for (const [i, k] of ['k1', 'k2', 'k3'].entries()) {
    poke(a, 1000, k);
    poke(a, 1010, `v${i}`);
    set(1000, 2, 1010, 2, 2000);
  }
  assert.equal(raw(a, 't:count')(), 3);
  assert.equal(raw(b, 't:count')(), 0, 'the second guest does not see the first one\'s store');
  // A bucket handle of the guest is a host resource whose rep is the provider's GuestResource.
  poke(a, 1000, 'photos');
  const h = raw(a, 't:[constructor]bucket')(1000, 6) as number;
  const slot = a.handles.slot(h)!.resource;
  assert.ok(slot instanceof HostResource && slot.rep instanceof GuestResource && slot.rep.alive);
  const bucket = slot.rep as GuestResource;
  a.close();
  assert.equal(bucket.alive, false, 'closing the guest dropped its bucket in the provider');
  assert.equal([...wasis[0]!.fds.entries()].length, 0, 'the provider\'s Wasi was closed');
  assert.ok([...wasis[1]!.fds.entries()].length > 0, 'the other provider is still open');
  assert.equal(raw(b, 't:count')(), 0);
  b.close();
  assert.equal([...wasis[1]!.fds.entries()].length, 0);
});

test('wasmPlugin: a hostile provider returning invalid UTF-8 traps the guest call, naming the function', () => {
  const bad = wasmPlugin({ wit: kvWit, world: 'kv-provider', guestWorld: 'kv-guest', module: guestModule('bad-store.wasm') });
  const guest = instantiateSync(kvModule('guest.wasm'), { wasi: new Wasi({ stdout: 'capture' }), plugins: [bad] });
  assert.throws(
    () => (guest.exports['run'] as (s: string) => string)('x'),
    (e: unknown) => e instanceof Trap && /warden:kv\/store@0\.1\.0#get/.test(e.message) && /UTF-8/.test(e.message),
  );
  assert.throws(() => (guest.exports['run'] as (s: string) => string)('x'), /trapped earlier/);
  guest.close();
});

test('wasmPlugin: a provider that exports too little is a ConfigError at link time; bad bytes a ModuleError', () => {
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const p = wasmPlugin({ wit: kvWit, world: 'kv-provider', guestWorld: 'kv-guest', module: empty });
  assert.throws(() => instantiateSync(kvModule('guest.wasm'), { wasi: new Wasi({}), plugins: [p] }), /does not implement/);
  assert.throws(() => wasmPlugin({ wit: kvWit, world: 'kv-provider', module: new Uint8Array([1, 2]) }), /not a valid WebAssembly module/);
});
