// Host resources (examples/kv/kv.wit's `bucket`) as handles in Warden's capability table: the
// constructor, methods, static functions and drop; drops when the instance closes; the table's
// limit; wrong, stale and lent handles; sharing a handle between two instances with the Wasi
// host-handle API; and the buffers of a guest without cabi_realloc. The guest
// (guests/kv-guest.wat) re-exports every import as a trampoline `t:<core name>`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ModuleError, Trap } from '../../src/errors.js';
import { HostResource, definePlugin, instantiateSync, type GuestInstance, type PluginContext } from '../../src/plugin/index.js';
import { Wasi } from '../../src/wasi.js';
import { expectTrap, guestModule, peekBytes, peekString, peekU32, peekU8, poke, raw, witText } from './util.js';

const kvWit = witText('examples/kv/kv.wit');
const M = 'warden:kv/store@0.1.0';

interface Bucket {
  name: string;
  map: Map<string, Uint8Array>;
}

interface KvState {
  defaults: Map<string, string>;
  buckets: Map<string, Bucket>;
  ctx: PluginContext;
}

/** The KV plugin; `log` records constructions, drops and disposes; `made` every bucket rep. */
function kvPlugin(log: string[], made: Bucket[] = [], overrides: Record<string, unknown> = {}) {
  return definePlugin({
    wit: kvWit,
    world: 'kv-guest',
    state: (ctx): KvState => ({ defaults: new Map(), buckets: new Map(), ctx }),
    dispose: () => {
      log.push('dispose');
    },
    implement: (s: KvState) => ({
      [M]: {
        get: (key: string) => s.defaults.get(key),
        set: (key: string, value: string) => {
          s.defaults.set(key, value);
          return { tag: 'ok', val: undefined };
        },
        count: () => s.defaults.size,
        ...overrides,
        Bucket: {
          new: (name: string): Bucket => {
            const b = { name, map: new Map<string, Uint8Array>() };
            s.buckets.set(name, b);
            made.push(b);
            log.push(`new ${name}`);
            return b;
          },
          get: (self: Bucket, key: string) => self.map.get(key),
          set: (self: Bucket, key: string, value: Uint8Array) => {
            if (value.length > 16) return { tag: 'err', val: { tag: 'too-large', val: 16 } };
            self.map.set(key, value);
            return { tag: 'ok', val: undefined };
          },
          remove: (self: Bucket, key: string) => (self.map.delete(key) ? { tag: 'ok', val: undefined } : { tag: 'err', val: { tag: 'not-found', val: undefined } }),
          keys: (self: Bucket) => [...self.map.keys()],
          entries: (self: Bucket) => [...self.map].map(([key, value]) => ({ key, value, kind: 'binary' })),
          perms: () => ({ read: true, write: true, admin: false }),
          open: (name: string) => {
            const b = s.buckets.get(name);
            return b === undefined ? { tag: 'err', val: { tag: 'not-found', val: undefined } } : { tag: 'ok', val: b };
          },
          drop: (self: Bucket) => {
            log.push(`drop ${self.name}`);
          },
          ...(overrides['Bucket'] as object | undefined),
        },
      },
    }),
  });
}

// Guest memory used by the helpers: strings at 3000/3100/3200, return areas at 3300...
function newBucket(g: GuestInstance, name: string): number {
  const n = poke(g, 3000, name);
  return raw(g, 't:[constructor]bucket')(3000, n) as number;
}

function bset(g: GuestInstance, h: number, key: string, value: number[]): { disc: number; errDisc: number; errVal: number } {
  const kl = poke(g, 3100, key);
  const vl = poke(g, 3200, value);
  raw(g, 't:[method]bucket.set')(h, 3100, kl, 3200, vl, 3300);
  // result<_, error>: u8 discriminant, error at +4: u8 discriminant, payload at +8.
  return { disc: peekU8(g, 3300), errDisc: peekU8(g, 3304), errVal: peekU32(g, 3308) };
}

function bget(g: GuestInstance, h: number, key: string): number[] | undefined {
  const kl = poke(g, 3100, key);
  raw(g, 't:[method]bucket.get')(h, 3100, kl, 3400);
  if (peekU8(g, 3400) === 0) return undefined;
  return [...peekBytes(g, peekU32(g, 3404), peekU32(g, 3408))];
}

describe('host resources: handles in the capability table', () => {
  test('constructor, methods, static function and drop; handles are fds of the Wasi, never 0', () => {
    const log: string[] = [];
    const wasi = new Wasi();
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [kvPlugin(log)] });
    const h = newBucket(g, 'alpha');
    assert.equal(h, 3, 'the lowest free fd after stdio');
    assert.deepEqual(log, ['new alpha']);
    const r = wasi.fds.get(h);
    assert.ok(r instanceof HostResource);
    assert.equal(r.def.name, 'bucket');
    assert.equal((r.rep as Bucket).name, 'alpha');
    assert.deepEqual(bset(g, h, 'k', [1, 2, 3]), { disc: 0, errDisc: peekU8(g, 3304), errVal: peekU32(g, 3308) });
    assert.deepEqual(bget(g, h, 'k'), [1, 2, 3]);
    assert.equal(bget(g, h, 'missing'), undefined);
    const tooLarge = bset(g, h, 'big', new Array(17).fill(1));
    assert.deepEqual([tooLarge.disc, tooLarge.errDisc, tooLarge.errVal], [1, 1, 16], 'err(too-large(16))');
    assert.equal(raw(g, 't:[method]bucket.perms')(h), 0b011, 'read | write');
    // [static]bucket.open: result<bucket, error> -> a new handle to the same rep.
    const nl = poke(g, 3000, 'alpha');
    raw(g, 't:[static]bucket.open')(3000, nl, 3500);
    assert.equal(peekU8(g, 3500), 0);
    const h2 = peekU32(g, 3504);
    assert.equal(h2, 4);
    assert.equal((wasi.fds.get(h2) as HostResource).rep, r.rep);
    assert.deepEqual(bget(g, h2, 'k'), [1, 2, 3]);
    const ml = poke(g, 3000, 'nope');
    raw(g, 't:[static]bucket.open')(3000, ml, 3500);
    assert.deepEqual([peekU8(g, 3500), peekU8(g, 3504)], [1, 0], 'err(not-found)');
    raw(g, 't:[resource-drop]bucket')(h);
    assert.deepEqual(log, ['new alpha', 'drop alpha']);
    expectTrap(() => raw(g, 't:[resource-drop]bucket')(h), `${M}#[resource-drop]bucket: argument handle: handle 3 does not exist`);
    expectTrap(() => bget(g, h, 'k'), `${M}#[method]bucket.get: argument self: handle 3 does not exist`);
    assert.deepEqual(bget(g, h2, 'k'), [1, 2, 3], 'the other handle still works');
    g.close();
    assert.deepEqual(log, ['new alpha', 'drop alpha', 'drop alpha', 'dispose'], 'close drops what is left, then disposes the state');
    assert.equal(wasi.fds.size, 0);
  });

  test('handle 0 is never given out, even when fd 0 is free', () => {
    const wasi = new Wasi();
    wasi.fds.remove(0);
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [kvPlugin([])] });
    assert.equal(newBucket(g, 'a'), 3);
    assert.equal(wasi.fds.slot(0), undefined);
    g.close();
  });

  test('without a Wasi, handles live in a private table and start at 1', () => {
    const log: string[] = [];
    const g = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [kvPlugin(log)] });
    assert.equal(newBucket(g, 'a'), 1);
    assert.equal(newBucket(g, 'b'), 2);
    assert.equal(g.handles.size, 2);
    g.close();
    assert.deepEqual(log.sort(), ['dispose', 'drop a', 'drop b', 'new a', 'new b']);
  });

  test('a handle that does not exist, is 0, is an fd of another kind, or has the wrong resource type traps', () => {
    const wasi = new Wasi();
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [kvPlugin([])] });
    expectTrap(() => bget(g, 999, 'k'), `${M}#[method]bucket.get: argument self: handle 999 does not exist`);
    expectTrap(() => bget(g, 0, 'k'), 'argument self: handle 0 is never a valid bucket handle');
    expectTrap(() => bget(g, 1, 'k'), 'argument self: handle 1 is a', 'not a bucket resource');
    expectTrap(() => raw(g, 't:[resource-drop]bucket')(2), `${M}#[resource-drop]bucket: argument handle: handle 2 is a`);
    assert.equal(wasi.fds.size, 3, 'stdio untouched');
    const h = newBucket(g, 'ok');
    assert.equal(bset(g, h, 'a', [1]).disc, 0, 'the instance keeps working');
    g.close();
  });

  test('the Wasi fd limit applies: a constructor beyond maxOpenFiles traps and its rep is dropped', () => {
    const log: string[] = [];
    const wasi = new Wasi({ maxOpenFiles: 5 });
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [kvPlugin(log)] });
    const a = newBucket(g, 'a');
    newBucket(g, 'b');
    expectTrap(() => newBucket(g, 'c'), `${M}#[constructor]bucket: result: cannot give the guest a bucket handle: its handle table is full (5 handles, the Wasi option maxOpenFiles)`);
    assert.deepEqual(log, ['new a', 'new b', 'new c', 'drop c']);
    raw(g, 't:[resource-drop]bucket')(a);
    assert.equal(newBucket(g, 'd'), a, 'room again after a drop');
    g.close();
  });

  test('a handle lent to a call cannot be dropped during it (even reentrantly); it survives', () => {
    const log: string[] = [];
    let guest: GuestInstance | undefined;
    let lent = 0;
    const plugin = kvPlugin(log, [], {
      Bucket: {
        get: (self: Bucket, key: string) => {
          raw(guest!, 't:[resource-drop]bucket')(lent);
          return self.map.get(key);
        },
      },
    });
    guest = instantiateSync(guestModule('kv-guest.wasm'), { wasi: new Wasi(), plugins: [plugin] });
    lent = newBucket(guest, 'lent');
    expectTrap(() => bget(guest!, lent, 'k'), `${M}#[resource-drop]bucket: argument handle: handle ${lent} (bucket) is lent to a call in progress and cannot be dropped`);
    assert.deepEqual(log, ['new lent'], 'not dropped');
    assert.equal(bset(guest, lent, 'k', [5]).disc, 0, 'still usable');
    raw(guest, 't:[resource-drop]bucket')(lent);
    assert.deepEqual(log, ['new lent', 'drop lent'], 'dropped once the lend is over');
    guest.close();
  });

  test('a bucket shared from instance A into instance B with Wasi.share works from B and is dropped when both let go', () => {
    const log: string[] = [];
    const plugin = kvPlugin(log);
    const wasiA = new Wasi();
    const wasiB = new Wasi();
    const a = instantiateSync(guestModule('kv-guest.wasm'), { wasi: wasiA, plugins: [plugin] });
    const b = instantiateSync(guestModule('kv-guest.wasm'), { wasi: wasiB, plugins: [plugin] });
    newBucket(b, 'b-own'); // so that the number in B differs from A's
    const ha = newBucket(a, 'shared');
    bset(a, ha, 'from-a', [1]);
    const hb = wasiA.share(ha, wasiB);
    assert.equal(hb, 4);
    assert.deepEqual(bget(b, hb, 'from-a'), [1], 'B reads what A wrote');
    bset(b, hb, 'from-b', [2]);
    assert.deepEqual(bget(a, ha, 'from-b'), [2], 'A reads what B wrote');
    a.close();
    assert.ok(!log.includes('drop shared'), 'B still holds it');
    assert.deepEqual(bget(b, hb, 'from-b'), [2], 'B keeps using it after A closed');
    raw(b, 't:[resource-drop]bucket')(hb);
    assert.equal(log.filter((l) => l === 'drop shared').length, 1, 'dropped once, by the last holder');
    b.close();
  });

  test('an fd that is not a resource, given by the host at a number, is refused where a bucket is expected', () => {
    const wasiA = new Wasi();
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi: wasiA, plugins: [kvPlugin([])] });
    // The host puts the guest's stdout stream at fd 7: a stream, not a bucket.
    wasiA.place(7, wasiA.get(1));
    expectTrap(() => bget(g, 7, 'k'), 'handle 7 is a', 'not a bucket resource');
    g.close();
  });

  test('the world export `run` goes through the imports (cabi_realloc for its argument and for get\'s result)', () => {
    const log: string[] = [];
    const p = kvPlugin(log);
    const g1 = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [p] });
    const g2 = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [p] });
    assert.equal(g1.exports['run']('hello, wörld'), 'hello, wörld');
    assert.equal(raw(g1, 't:count')(), 1);
    assert.equal(raw(g2, 't:count')(), 0, 'each instance has its own state');
    g1.close();
    g2.close();
    assert.deepEqual(log, ['dispose', 'dispose']);
  });
});

describe('buffers (a guest without cabi_realloc)', () => {
  function setup(): { g: GuestInstance; made: Bucket[]; h: number } {
    const made: Bucket[] = [];
    const g = instantiateSync(guestModule('kv-guest-nr.wasm'), { plugins: [kvPlugin([], made)] });
    assert.equal(g.instance.exports['cabi_realloc'], undefined);
    const h = newBucket(g, 'buf');
    return { g, made, h };
  }

  test('a list<string> result arrives as buffer handles the guest sizes and takes; take frees', () => {
    const { g, h } = setup();
    bset(g, h, 'one', [1]);
    bset(g, h, 'two-é', [2]);
    raw(g, 't:[method]bucket.keys')(h, 3500);
    const handle = peekU32(g, 3500);
    const count = peekU32(g, 3504);
    assert.equal(count, 2);
    assert.ok(handle !== 0);
    assert.equal(g.liveBuffers, 3, 'the list and its two strings');
    assert.equal(raw(g, 't:size')(handle), 16, 'two (handle, length) pairs');
    assert.equal(raw(g, 't:take')(handle, 4000, 8), -1, 'too small: nothing copied, nothing freed');
    assert.equal(g.liveBuffers, 3);
    assert.equal(raw(g, 't:take')(handle, 4000, 64), 16);
    assert.equal(raw(g, 't:size')(handle), -1, 'taken');
    assert.equal(raw(g, 't:take')(handle, 4000, 64), -1);
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const sh = peekU32(g, 4000 + 8 * i);
      const len = peekU32(g, 4004 + 8 * i);
      assert.equal(raw(g, 't:size')(sh), len);
      assert.equal(raw(g, 't:take')(sh, 5000, len), len);
      keys.push(peekString(g, 5000, len));
    }
    assert.deepEqual(keys, ['one', 'two-é']);
    assert.equal(g.liveBuffers, 0);
    g.close();
  });

  test('drop frees; bad handles are -1 or ignored; a destination outside memory traps', () => {
    const { g, h } = setup();
    bset(g, h, 'k', [1]);
    raw(g, 't:[method]bucket.keys')(h, 3500);
    const handle = peekU32(g, 3500);
    assert.equal(raw(g, 't:size')(0), -1);
    assert.equal(raw(g, 't:size')(12345), -1);
    raw(g, 't:drop')(12345);
    expectTrap(() => raw(g, 't:take')(handle, 0xfffffff0, 16), 'warden:abi/buffers#take: destination 0xfffffff0 (16 bytes) is outside memory');
    assert.equal(raw(g, 't:size')(handle), 8, 'still there after the failed take');
    raw(g, 't:drop')(handle);
    assert.equal(raw(g, 't:size')(handle), -1);
    assert.equal(g.liveBuffers, 1, 'the inner string, never taken');
    g.close();
    assert.equal(g.liveBuffers, 0, 'close frees the rest');
  });

  test('at most 1024 live buffers: the call that would make more traps and frees what it made', () => {
    const { g, made, h } = setup();
    for (let i = 0; i < 1100; i++) made[0]!.map.set(`key${i}`, new Uint8Array([i & 0xff]));
    expectTrap(() => raw(g, 't:[method]bucket.keys')(h, 3500), `${M}#[method]bucket.keys: result[1024]: the guest holds 1024 buffers, the most an instance may have: it must take or drop them`);
    assert.equal(g.liveBuffers, 0);
    for (let i = 0; i < 1090; i++) made[0]!.map.delete(`key${i}`);
    raw(g, 't:[method]bucket.keys')(h, 3500);
    assert.equal(peekU32(g, 3504), 10, 'works again with fewer keys');
    assert.equal(g.liveBuffers, 11);
    g.close();
  });
});

describe('plugin implementation errors and linking', () => {
  test('an implementation returning a Promise traps (async needs JSPI)', () => {
    const g = instantiateSync(guestModule('kv-guest.wasm'), { plugins: [kvPlugin([], [], { count: async () => 1 })] });
    expectTrap(() => raw(g, 't:count')(), `${M}#count: the implementation returned a Promise; async plugin functions need the JSPI strategy`);
    g.close();
  });

  test('an implementation that throws: a host bug becomes a Trap with the original as cause; a Trap passes through', () => {
    const boom = new Error('boom');
    const own = new Trap('deliberate');
    let which: Error = boom;
    const g = instantiateSync(guestModule('kv-guest.wasm'), {
      plugins: [kvPlugin([], [], { count: () => { throw which; } })],
    });
    const t = expectTrap(() => raw(g, 't:count')(), `${M}#count: the host implementation threw Error: boom`);
    assert.equal(t.cause, boom);
    which = own;
    assert.throws(() => raw(g, 't:count')(), (e: unknown) => e === own);
    g.close();
  });

  test('a drop that throws traps the guest\'s drop; at close the errors are collected and thrown after everything is closed', () => {
    const log: string[] = [];
    const plugin = kvPlugin(log, [], { Bucket: { drop: (self: Bucket) => { log.push(`drop ${self.name}`); throw new Error(`cannot drop ${self.name}`); } } });
    const wasi = new Wasi();
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [plugin] });
    const a = newBucket(g, 'a');
    newBucket(g, 'b');
    newBucket(g, 'c');
    const t = expectTrap(() => raw(g, 't:[resource-drop]bucket')(a), `${M}#[resource-drop]bucket: the host implementation threw Error: cannot drop a`);
    assert.ok(t.cause instanceof Error);
    assert.throws(() => g.close(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);
    assert.deepEqual(log, ['new a', 'new b', 'new c', 'drop a', 'drop b', 'drop c', 'dispose']);
    assert.equal(wasi.fds.size, 0);
    assert.equal(g.closed, true);
  });

  test('imports nothing provides: a ModuleError listing them', () => {
    assert.throws(
      () => instantiateSync(guestModule('kv-guest.wasm'), {}),
      (e: unknown) => e instanceof ModuleError && e.missingImports.includes(`${M}.[constructor]bucket`) && e.missingImports.includes(`${M}.count`) && e.missingImports.length === 12 && /nothing provides/.test(e.message),
    );
  });

  test('a function the guest imports but the plugin does not implement: a ConfigError naming it; the state is disposed', () => {
    const log: string[] = [];
    const plugin = definePlugin({
      wit: kvWit,
      world: 'kv-guest',
      state: () => log.push('state'),
      dispose: () => log.push('dispose'),
      implement: () => ({ [M]: { get: () => undefined, set: () => ({ tag: 'ok', val: undefined }), Bucket: { new: () => ({}) } } }),
    });
    assert.throws(
      () => instantiateSync(guestModule('kv-guest.wasm'), { plugins: [plugin] }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`['${M}'].count (for ${M}#count)`) && e.message.includes(`['${M}'].Bucket.perms (for ${M}#[method]bucket.perms)`),
    );
    assert.deepEqual(log, [1, 'dispose'].map((x) => (x === 1 ? 'state' : x)));
  });

  test('state and implement get a context: the Wasi, and the guest once it exists', () => {
    const wasi = new Wasi();
    const seen: unknown[] = [];
    const plugin = definePlugin({
      wit: kvWit,
      world: 'kv-guest',
      state: (ctx) => {
        seen.push(ctx.wasi === wasi);
        assert.throws(() => ctx.guest, ConfigError);
        return ctx;
      },
      implement: (ctx) => ({
        [M]: {
          get: () => undefined,
          set: () => ({ tag: 'ok', val: undefined }),
          count: () => (ctx.guest.closed ? 0 : 42),
          Bucket: { new: () => ({}), get: () => undefined, set: () => ({ tag: 'ok', val: undefined }), remove: () => ({ tag: 'ok', val: undefined }), keys: () => [], entries: () => [], perms: () => ({}), open: () => ({ tag: 'err', val: { tag: 'not-found', val: undefined } }) },
        },
      }),
    });
    const g = instantiateSync(guestModule('kv-guest.wasm'), { wasi, plugins: [plugin] });
    assert.equal(raw(g, 't:count')(), 42);
    assert.deepEqual(seen, [true]);
    g.close();
  });
});
