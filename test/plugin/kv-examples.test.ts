// The C examples of examples/kv/ (built with wasi-libc, as reactors) on the plugin runtime:
// guest.wasm (wit-bindgen-style bindings, cabi_realloc, cabi_post_run), guest-noalloc.wasm (the
// buffer convention), both with a TypeScript KV plugin and a Wasi capturing stdout; and plugin.wasm,
// which EXPORTS warden:kv/store@0.1.0 itself: its buckets are guest-defined resources the host
// drives through GuestResource objects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleError } from '../../src/errors.js';
import { GuestResource, definePlugin, instantiateSync } from '../../src/plugin/index.js';
import { Wasi } from '../../src/wasi.js';
import { parseWit } from '../../src/wit/parse.js';
import { witText } from './util.js';
import { readFileSync } from 'node:fs';
import { repoPath } from '../paths.js';

const kvWit = witText('examples/kv/kv.wit');
const M = 'warden:kv/store@0.1.0';

function example(name: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(repoPath('examples/kv', name)));
}

interface Bucket {
  name: string;
  map: Map<string, Uint8Array>;
}

function kvPlugin(log: string[]) {
  return definePlugin({
    wit: kvWit,
    world: 'kv-guest',
    state: () => ({ defaults: new Map<string, string>(), buckets: new Map<string, Bucket>() }),
    dispose: () => log.push('dispose'),
    implement: (s) => ({
      [M]: {
        get: (key: string) => s.defaults.get(key),
        set: (key: string, value: string) => (s.defaults.set(key, value), { tag: 'ok', val: undefined }),
        count: () => s.defaults.size,
        Bucket: {
          new: (name: string): Bucket => {
            let b = s.buckets.get(name);
            if (b === undefined) s.buckets.set(name, (b = { name, map: new Map() }));
            return b;
          },
          get: (self: Bucket, key: string) => self.map.get(key),
          set: (self: Bucket, key: string, value: Uint8Array) => (self.map.set(key, value), { tag: 'ok', val: undefined }),
          remove: (self: Bucket, key: string) => (self.map.delete(key) ? { tag: 'ok', val: undefined } : { tag: 'err', val: { tag: 'not-found', val: undefined } }),
          keys: (self: Bucket) => [...self.map.keys()],
          entries: (self: Bucket) => [...self.map].map(([key, value]) => ({ key, value, kind: 'binary' })),
          perms: () => ({ read: true, write: true, admin: false }),
          open: (name: string) => {
            const b = s.buckets.get(name);
            return b === undefined ? { tag: 'err', val: { tag: 'not-found', val: undefined } } : { tag: 'ok', val: b };
          },
          drop: (self: Bucket) => log.push(`drop ${self.name}`),
        },
      },
    }),
  });
}

const EXPECTED_OUTPUT = ['greeting = hello', 'cat.png: 4 bytes', 'key cat.png', 'entry cat.png: 4 bytes, binary', 'perms: read write', 'open missing: not found'];

describe('examples/kv guests (C, wasi-libc reactors)', () => {
  for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
    test(`${file}: run() uses the store through the plugin and prints through WASI`, () => {
      const log: string[] = [];
      const wasi = new Wasi({ stdout: 'capture' });
      const guest = instantiateSync(example(file), { wasi, plugins: [kvPlugin(log)] });
      assert.equal(guest.instance.exports['cabi_realloc'] === undefined, file === 'guest-noalloc.wasm');
      assert.equal(guest.exports['run']('world'), 'hello, world; 1 keys');
      assert.equal(guest.exports['run']('again'), 'hello, again; 1 keys', 'a second call works (cabi_post_run freed the first result)');
      const out = new TextDecoder().decode(wasi.output(1));
      for (const line of EXPECTED_OUTPUT) assert.ok(out.includes(`${line}\n`), `stdout has "${line}":\n${out}`);
      assert.deepEqual(log, ['drop photos', 'drop photos'], 'the guest dropped its bucket handle each time');
      assert.equal(guest.liveBuffers, 0, 'every buffer was taken');
      guest.close();
      assert.deepEqual(log, ['drop photos', 'drop photos', 'dispose']);
    });
  }
});

describe('examples/kv/plugin.wasm: the store exported by a guest (guest-defined resources)', () => {
  const doc = parseWit(`${kvWit}\nworld provider {\n  export store;\n}\n`);
  const world = doc.main.worlds.get('provider')!;

  test('constructor, methods and static function through GuestResource objects; drop runs the guest destructor', () => {
    const guest = instantiateSync(example('plugin.wasm'), { wasi: new Wasi(), world });
    const store = guest.exports[M];
    assert.deepEqual(store.set('greeting', 'hi'), { tag: 'ok', val: undefined });
    assert.equal(store.get('greeting'), 'hi');
    assert.equal(store.get('nothing'), undefined);
    assert.equal(store.count(), 1);
    const photos = store.Bucket.new('photos');
    assert.ok(photos instanceof GuestResource);
    assert.deepEqual(store.Bucket.set(photos, 'cat.png', new Uint8Array([0x89, 0x50])), { tag: 'ok', val: undefined });
    assert.deepEqual(store.Bucket.get(photos, 'cat.png'), new Uint8Array([0x89, 0x50]));
    assert.deepEqual(store.Bucket.keys(photos), ['cat.png']);
    assert.deepEqual(store.Bucket.entries(photos), [{ key: 'cat.png', value: new Uint8Array([0x89, 0x50]), kind: 'binary' }]);
    assert.deepEqual(store.Bucket.perms(photos), { read: true, write: true, admin: true });
    assert.deepEqual(store.Bucket.set(photos, 'big', new Uint8Array(2000)), { tag: 'err', val: { tag: 'too-large', val: 1024 } });
    const opened = store.Bucket.open('photos');
    assert.equal(opened.tag, 'ok');
    assert.ok(opened.val instanceof GuestResource);
    assert.deepEqual(store.Bucket.perms(opened.val), { read: true, write: true, admin: false });
    assert.deepEqual(store.Bucket.keys(opened.val), ['cat.png'], 'the same bucket');
    assert.deepEqual(store.Bucket.open('missing'), { tag: 'err', val: { tag: 'not-found', val: undefined } });
    assert.deepEqual(store.Bucket.remove(photos, 'cat.png'), { tag: 'ok', val: undefined });
    assert.deepEqual(store.Bucket.remove(photos, 'cat.png'), { tag: 'err', val: { tag: 'not-found', val: undefined } });
    opened.val.drop();
    photos.drop();
    assert.throws(() => store.Bucket.keys(photos), TypeError);
    assert.equal(guest.handles.size, 3, 'no resource handle left in the table');
    guest.close();
  });
});

describe('a command module', () => {
  test('run() starts it through its Wasi: plugin calls during _start, the exit code from proc_exit', () => {
    const wasi = new Wasi({ stdout: 'capture' });
    const plugin = definePlugin({ wit: kvWit, world: 'kv-guest', implement: () => ({ [M]: { count: () => 3 } }) });
    const guest = instantiateSync(new WebAssembly.Module(readFileSync(repoPath('test/plugin/guests/command.wasm'))), { wasi, plugins: [plugin] });
    assert.equal(guest.run(), 3);
    assert.equal(new TextDecoder().decode(wasi.output(1)), 'count=3\n');
    guest.close();
    assert.equal(wasi.fds.size, 0);
  });

  test('a module that uses WASI, instantiated without a Wasi: a ModuleError saying to pass one', () => {
    const plugin = definePlugin({ wit: kvWit, world: 'kv-guest', implement: () => ({ [M]: { count: () => 3 } }) });
    assert.throws(
      () => instantiateSync(new WebAssembly.Module(readFileSync(repoPath('test/plugin/guests/command.wasm'))), { plugins: [plugin] }),
      (e: unknown) => e instanceof ModuleError && /wasi_snapshot_preview1\.fd_write/.test(e.message) && /pass \{ wasi/.test(e.message),
    );
  });
});

describe('composition: a guest linked to a store written in wasm, through a forwarding plugin', () => {
  test('guest.wasm imports the store that plugin.wasm exports; buckets are the provider\'s GuestResources', () => {
    const world = parseWit(`${kvWit}\nworld provider {\n  export store;\n}\n`).main.worlds.get('provider')!;
    const provider = instantiateSync(example('plugin.wasm'), { wasi: new Wasi(), world });
    const store = provider.exports[M];
    const dropped: GuestResource[] = [];
    const forward = definePlugin({
      wit: kvWit,
      world: 'kv-guest',
      implement: () => ({
        [M]: {
          get: (k: string) => store.get(k),
          set: (k: string, v: string) => store.set(k, v),
          count: () => store.count(),
          Bucket: {
            new: (name: string) => store.Bucket.new(name),
            get: (b: GuestResource, k: string) => store.Bucket.get(b, k),
            set: (b: GuestResource, k: string, v: Uint8Array) => store.Bucket.set(b, k, v),
            remove: (b: GuestResource, k: string) => store.Bucket.remove(b, k),
            keys: (b: GuestResource) => store.Bucket.keys(b),
            entries: (b: GuestResource) => store.Bucket.entries(b),
            perms: (b: GuestResource) => store.Bucket.perms(b),
            open: (name: string) => store.Bucket.open(name),
            drop: (b: GuestResource) => {
              dropped.push(b);
              b.drop();
            },
          },
        },
      }),
    });
    const wasi = new Wasi({ stdout: 'capture' });
    const guest = instantiateSync(example('guest.wasm'), { wasi, plugins: [forward] });
    assert.equal(guest.exports['run']('world'), 'hello, world; 1 keys');
    const out = new TextDecoder().decode(wasi.output(1));
    for (const line of ['greeting = hello', 'cat.png: 4 bytes', 'key cat.png', 'entry cat.png: 4 bytes, binary', 'perms: read write admin', 'open missing: not found']) {
      assert.ok(out.includes(`${line}\n`), `stdout has "${line}":\n${out}`);
    }
    assert.equal(dropped.length, 1);
    assert.equal(dropped[0]!.alive, false, 'the provider\'s bucket was dropped when the guest dropped its handle');
    assert.equal(store.get('greeting'), 'hello', 'the state lives in the provider');
    guest.close();
    provider.close();
  });
});
