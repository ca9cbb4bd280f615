// Runs the C examples of examples/kv/ under the plugin runtime: guest.wasm (with cabi_realloc) and
// guest-noalloc.wasm (buffer handles) against a store written in TypeScript, and against the store
// written in C (plugin.wasm, an instance exporting warden:kv/store@0.1.0) composed through a
// forwarding plugin. Both stores behave alike, so every run prints the same thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { definePlugin, instantiateSync, type GuestInstance, type GuestResource, type Plugin } from '../../src/plugin/index.js';
import { Wasi } from '../../src/wasi.js';
import { parseWit } from '../../src/wit/parse.js';
import { repoPath } from '../paths.js';

const M = 'warden:kv/store@0.1.0';
const kvWit = readFileSync(repoPath('examples/kv/kv.wit'), 'utf8');
const wasm = (name: string): WebAssembly.Module => new WebAssembly.Module(readFileSync(repoPath('examples/kv', name)));

/** What one `run` prints (both stores give text values from `set`, binary from `bucket.set`). */
const DEMO = [
  'greeting = hello',
  'cat.png: 4 bytes',
  'key cat.png',
  'entry cat.png: 4 bytes, binary',
  'perms: read write admin',
  'open missing: not found',
  '',
].join('\n');

type KvError = { tag: 'not-found' } | { tag: 'too-large'; val: number } | { tag: 'denied'; val: string };
type Res<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: KvError };
interface Item { value: Uint8Array; kind: 'text' | 'binary' }
interface BucketRep { items: Map<string, Item>; perms: { read: boolean; write: boolean; admin: boolean } }

/** The store of plugin.c, in TypeScript: buckets by name, "default" for get/set/count. */
function tsStore(log: string[]) {
  return definePlugin({
    wit: kvWit,
    world: 'kv-guest',
    state: () => new Map<string, Map<string, Item>>([['default', new Map()]]),
    implement: (buckets) => {
      const put = (items: Map<string, Item>, key: string, value: Uint8Array, kind: Item['kind']): Res<undefined> => {
        if (key === '') return { tag: 'err', val: { tag: 'denied', val: 'empty key' } };
        if (value.length > 1024) return { tag: 'err', val: { tag: 'too-large', val: 1024 } };
        items.set(key, { value, kind });
        return { tag: 'ok', val: undefined };
      };
      const dflt = buckets.get('default')!;
      return {
        [M]: {
          get: (key: string) => {
            const it = dflt.get(key);
            return it && new TextDecoder().decode(it.value);
          },
          set: (key: string, value: string) => put(dflt, key, new TextEncoder().encode(value), 'text'),
          count: () => dflt.size,
          Bucket: {
            new(name: string): BucketRep {
              log.push(`new ${name}`);
              if (!buckets.has(name)) buckets.set(name, new Map());
              return { items: buckets.get(name)!, perms: { read: true, write: true, admin: true } };
            },
            get: (self: BucketRep, key: string) => self.items.get(key)?.value,
            set: (self: BucketRep, key: string, value: Uint8Array) => put(self.items, key, value, 'binary'),
            remove: (self: BucketRep, key: string): Res<undefined> =>
              self.items.delete(key) ? { tag: 'ok', val: undefined } : { tag: 'err', val: { tag: 'not-found' } },
            keys: (self: BucketRep) => [...self.items.keys()],
            entries: (self: BucketRep) => [...self.items].map(([key, it]) => ({ key, value: it.value, kind: it.kind })),
            perms: (self: BucketRep) => self.perms,
            open(name: string): Res<BucketRep> {
              const items = buckets.get(name);
              if (items === undefined) return { tag: 'err', val: { tag: 'not-found' } };
              return { tag: 'ok', val: { items, perms: { read: true, write: true, admin: false } } };
            },
            drop: () => {
              log.push('drop');
            },
          },
        },
      };
    },
  });
}

/** A plugin forwarding every call of the guest to `provider`, an instance exporting the store. */
function forwardingStore(provider: GuestInstance, log: string[]) {
  const P = provider.exports[M] as Record<string, any>;
  return definePlugin({
    wit: kvWit,
    world: 'kv-guest',
    implement: () => ({
      [M]: {
        get: (key: string) => P['get'](key),
        set: (key: string, value: string) => P['set'](key, value),
        count: () => P['count'](),
        Bucket: {
          new(name: string): GuestResource {
            log.push(`new ${name}`);
            return P['Bucket'].new(name);
          },
          get: (self: GuestResource, key: string) => P['Bucket'].get(self, key),
          set: (self: GuestResource, key: string, value: Uint8Array) => P['Bucket'].set(self, key, value),
          remove: (self: GuestResource, key: string) => P['Bucket'].remove(self, key),
          keys: (self: GuestResource) => P['Bucket'].keys(self),
          entries: (self: GuestResource) => P['Bucket'].entries(self),
          perms: (self: GuestResource) => P['Bucket'].perms(self),
          open: (name: string) => P['Bucket'].open(name),
          drop: (self: GuestResource) => {
            log.push('drop');
            self.drop();
          },
        },
      },
    }),
  });
}

/** plugin.wasm, instantiated as the exporter of the store (a world `export store;`). */
function cStore(): GuestInstance {
  const world = parseWit(kvWit).main.worlds.get('kv-provider')!;
  return instantiateSync(wasm('plugin.wasm'), { world });
}

function runTwice(file: string, plugin: Plugin<any, any>): { out: string[]; stdout: string; guest: GuestInstance } {
  const wasi = new Wasi({ stdout: 'capture' });
  const guest = instantiateSync(wasm(file), { wasi, plugins: [plugin] });
  const run = guest.exports['run'] as (input: string) => string;
  const out = [run('world'), run('wörld ✓')];
  return { out, stdout: new TextDecoder().decode(wasi.output(1)), guest };
}

for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
  test(`examples/kv/${file} with the store in TypeScript`, () => {
    const log: string[] = [];
    const { out, stdout, guest } = runTwice(file, tsStore(log));
    assert.deepEqual(out, ['hello, world; 1 keys', 'hello, wörld ✓; 1 keys']);
    assert.equal(stdout, DEMO + DEMO);
    assert.deepEqual(log, ['new photos', 'drop', 'new photos', 'drop'], 'every bucket handle was dropped by the guest');
    assert.equal(guest.liveBuffers, 0, 'every buffer was taken or dropped');
    guest.close();
  });

  test(`examples/kv/${file} with the store in C (plugin.wasm)`, () => {
    const provider = cStore();
    const log: string[] = [];
    const { out, stdout, guest } = runTwice(file, forwardingStore(provider, log));
    assert.deepEqual(out, ['hello, world; 1 keys', 'hello, wörld ✓; 1 keys']);
    assert.equal(stdout, DEMO + DEMO);
    assert.deepEqual(log, ['new photos', 'drop', 'new photos', 'drop']);
    guest.close();
    provider.close();
  });
}

test('examples/kv/plugin.wasm: errors, perms, entries, and no memory growth over many calls', () => {
  const provider = cStore();
  const P = provider.exports[M] as Record<string, any>;
  assert.deepEqual(P['set']('', 'x'), { tag: 'err', val: { tag: 'denied', val: 'empty key' } });
  assert.deepEqual(P['set']('k', 'x'.repeat(2000)), { tag: 'err', val: { tag: 'too-large', val: 1024 } });
  assert.deepEqual(P['set']('k', 'v'), { tag: 'ok', val: undefined });
  assert.equal(P['get']('k'), 'v');
  assert.equal(P['get']('nope'), undefined);
  assert.equal(P['count'](), 1);
  assert.deepEqual(P['Bucket'].open('nope'), { tag: 'err', val: { tag: 'not-found', val: undefined } });
  const dflt: GuestResource = P['Bucket'].new('default');
  assert.deepEqual(P['Bucket'].entries(dflt), [{ key: 'k', value: new TextEncoder().encode('v'), kind: 'text' }]);
  assert.deepEqual(P['Bucket'].perms(dflt), { read: true, write: true, admin: true });
  const opened = P['Bucket'].open('default');
  assert.equal(opened.tag, 'ok');
  assert.deepEqual(P['Bucket'].perms(opened.val), { read: true, write: true, admin: false });
  assert.deepEqual(P['Bucket'].remove(opened.val, 'nope'), { tag: 'err', val: { tag: 'not-found', val: undefined } });
  opened.val.drop();
  const memory = provider.instance.exports['memory'] as WebAssembly.Memory;
  const before = memory.buffer.byteLength;
  const b: GuestResource = P['Bucket'].new('b');
  for (let i = 0; i < 2000; i++) {
    P['set'](`key${i % 50}`, `value ${i}`);
    P['get'](`key${i % 50}`);
    P['Bucket'].set(b, `k${i % 30}`, new Uint8Array(100));
    P['Bucket'].keys(b);
    P['Bucket'].entries(b);
    P['Bucket'].remove(b, `k${(i + 7) % 30}`);
    P['Bucket'].new('b').drop();
  }
  assert.equal(memory.buffer.byteLength, before, 'post-return functions free every result');
  b.drop();
  dflt.drop();
  provider.close();
});
