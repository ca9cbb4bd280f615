// Round trips of every kind of WIT value through a plugin: the host calls a guest export, the guest
// passes the same core values to the import of the same name, the plugin echoes them, and the
// result comes back the same way (test/plugin/wit/types.wit). Three guests: a WAT forwarder with
// cabi_realloc, and a C guest built with cabi_realloc and without it (buffer handles).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Trap } from '../../src/errors.js';
import { definePlugin, instantiate, instantiateSync, type GuestInstance } from '../../src/plugin/index.js';
import { parseWit } from '../../src/wit/parse.js';
import { camelCase } from '../../src/wit/names.js';
import { repoPath } from '../paths.js';
import { expectTrap, expectTypeError, guestModule, witText } from './util.js';

const wit = witText('types.wit');
const doc = parseWit(wit);
const echoIface = doc.main.interfaces.get('echo')!;
const MODULE = 'test:types/echo@0.1.0';

function flags(prefix: string, count: number, set: number[]): Record<string, boolean> {
  const o: Record<string, boolean> = {};
  for (let i = 0; i < count; i++) o[`${prefix}${i}`] = set.includes(i);
  return o;
}

const manyArgs = ['a', 2n ** 64n - 1n, -1.5, new Uint8Array([1, 2]), { x: -1, y: 1 }, 7, 'green', -128, 65535, Math.PI, '😀', 'last ü'];

/** Values each echo function is called with (by WIT name); each must come back identical. */
const VALUES: Record<string, unknown[]> = {
  'e-bool': [true, false],
  'e-s8': [-128, 127, 0],
  'e-u8': [0, 255],
  'e-s16': [-32768, 32767],
  'e-u16': [0, 65535],
  'e-s32': [-2147483648, 2147483647, -1],
  'e-u32': [0, 4294967295],
  'e-s64': [-(2n ** 63n), 2n ** 63n - 1n, -1n],
  'e-u64': [0n, 2n ** 64n - 1n],
  'e-f32': [1.5, -0, Infinity, Number.NaN, Math.fround(0.1)],
  'e-f64': [Math.PI, -Infinity, Number.NaN, 5e-324, -0],
  'e-char': ['a', '\0', 'é', '😀', '\u{10ffff}', '\u{e000}'],
  'e-string': ['', 'hello', 'é😀 ascii', 'x'.repeat(1000), '日本'.repeat(200), 'a\0b'],
  'e-list-u8': [new Uint8Array(0), new Uint8Array([0, 255, 7]), new Uint8Array(5000).map((_, i) => i & 0xff)],
  'e-list-u32': [[], [0, 4294967295, 12]],
  'e-list-string': [[], ['a', '', 'ü', 'x'.repeat(100)]],
  'e-list-entry': [[], [{ name: 'a', tags: ['x', 'y'] }, { name: '', tags: [] }, { name: 'ß', tags: [''] }]],
  'e-list-list': [[], [[], ['a'], ['b', 'c']]],
  'e-list-shape': [[
    { tag: 'none', val: undefined },
    { tag: 'circle', val: 0.5 },
    { tag: 'rect', val: { x: 1, y: -2 } },
    { tag: 'label', val: 'l' },
    { tag: 'big', val: 2n ** 64n - 2n },
    { tag: 'blob', val: new Uint8Array([3, 4]) },
  ]],
  'e-option-u32': [undefined, 0, 7],
  'e-option-string': [undefined, '', 'x'],
  'e-option-option': [{ tag: 'none' }, { tag: 'some', val: undefined }, { tag: 'some', val: 5 }],
  'e-result-full': [{ tag: 'ok', val: 'fine' }, { tag: 'err', val: 404 }],
  'e-result-empty': [{ tag: 'ok', val: undefined }, { tag: 'err', val: undefined }],
  'e-result-ok-only': [{ tag: 'ok', val: 5n }, { tag: 'err', val: undefined }],
  'e-result-err-only': [{ tag: 'ok', val: undefined }, { tag: 'err', val: 'broken' }],
  'e-tuple': [[255, 'two', -1.5], [0, '', 0]],
  'e-shape': [
    { tag: 'none', val: undefined },
    { tag: 'circle', val: -2.25 },
    { tag: 'rect', val: { x: 2147483647, y: -2147483648 } },
    { tag: 'label', val: 'label ü' },
    { tag: 'big', val: 2n ** 63n + 5n },
    { tag: 'blob', val: new Uint8Array([9, 8, 7]) },
  ],
  'e-small': [{ tag: 'a', val: -0.5 }, { tag: 'b', val: -3 }, { tag: 'c', val: undefined }],
  'e-color': ['red', 'green', 'blue'],
  'e-perms': [{ read: false, write: false, exec: false }, { read: true, write: false, exec: true }],
  'e-wide': [flags('w', 10, []), flags('w', 10, [0, 9])],
  'e-huge': [flags('h', 40, []), flags('h', 40, [0, 31, 32, 39])],
  'e-mixed': [{ a: 255, b: 2n ** 64n - 1n, c: 0.25, d: 'dé', e: [1, 65535], f: '😀', g: true, h: -2, i: 1e100 }],
  'e-point': [{ x: 1, y: -1 }],
};

/** Echo functions that record their arguments and return their argument (e-many: all of them). */
function echoFns(calls: [string, unknown[]][]): Record<string, (...a: unknown[]) => unknown> {
  const fns: Record<string, (...a: unknown[]) => unknown> = {};
  for (const f of echoIface.functions.values()) {
    fns[camelCase(f.name)] = (...a: unknown[]) => {
      calls.push([f.name, a]);
      return f.name === 'e-many' ? a : f.name === 'e-nothing' ? undefined : a[0];
    };
  }
  return fns;
}

function echoPlugin(calls: [string, unknown[]][]) {
  return definePlugin({ wit, world: 'roundtrip', implement: () => ({ [MODULE]: echoFns(calls) }) });
}

function roundTrips(guest: GuestInstance, calls: [string, unknown[]][], only?: readonly string[]): number {
  let n = 0;
  for (const [name, values] of Object.entries(VALUES)) {
    if (only !== undefined && !only.includes(name)) continue;
    const fn = guest.exports[camelCase(name)] as ((v: unknown) => unknown) | undefined;
    assert.equal(typeof fn, 'function', `export ${name}`);
    for (const v of values) {
      calls.length = 0;
      const back = fn!(v);
      assert.deepStrictEqual(back, v, `${name}: the value came back`);
      assert.equal(calls.length, 1, `${name}: the import ran once`);
      assert.deepStrictEqual(calls[0], [name, [v]], `${name}: the implementation received the value`);
      assert.equal(guest.liveBuffers, 0, `${name}: no buffer left behind`);
      n++;
    }
  }
  calls.length = 0;
  const many = guest.exports['eMany'] as (...a: unknown[]) => unknown;
  assert.deepStrictEqual(many(...manyArgs), manyArgs, 'e-many: 17 flat parameters in memory, a tuple result in memory');
  assert.deepStrictEqual(calls, [['e-many', manyArgs]]);
  return n + 1;
}

describe('round trips through an import and an export', () => {
  test('every WIT type, WAT guest with cabi_realloc (flat values, return areas, spilled parameters)', () => {
    const calls: [string, unknown[]][] = [];
    const guest = instantiateSync(guestModule('echo.wasm'), { plugins: [echoPlugin(calls)] });
    const n = roundTrips(guest, calls);
    assert.ok(n > 80);
    calls.length = 0;
    assert.equal((guest.exports['eNothing'] as () => unknown)(), undefined);
    assert.deepStrictEqual(calls, [['e-nothing', []]]);
    guest.close();
  });

  const cSubset = ['e-u32', 'e-string', 'e-list-u8', 'e-list-string', 'e-list-entry', 'e-list-list', 'e-option-string', 'e-result-full', 'e-tuple', 'e-shape', 'e-mixed'];

  test('C guest with cabi_realloc', () => {
    const calls: [string, unknown[]][] = [];
    const guest = instantiateSync(guestModule('echo-c-realloc.wasm'), { plugins: [echoPlugin(calls)] });
    assert.ok(roundTrips(guest, calls, cSubset) > 20);
    guest.close();
  });

  test('C guest without cabi_realloc: strings and lists (nested in lists of records too) arrive as buffer handles it takes', () => {
    const calls: [string, unknown[]][] = [];
    const guest = instantiateSync(guestModule('echo-c-buffers.wasm'), { plugins: [echoPlugin(calls)] });
    assert.equal(guest.instance.exports['cabi_realloc'], undefined, 'the guest has no allocator');
    assert.ok(roundTrips(guest, calls, cSubset) > 20);
    guest.close();
  });

  test('cabi_post_<export> runs after the result is lifted, with the core result', () => {
    const guest = instantiateSync(guestModule('echo.wasm'), { plugins: [echoPlugin([])] });
    const global = (name: string) => (guest.instance.exports[name] as WebAssembly.Global).value as number;
    assert.equal(guest.exports['eString']('posted'), 'posted');
    assert.deepEqual([global('post_calls'), global('post_arg')], [1, 1024], 'called once with the return area pointer');
    assert.equal(guest.exports['eU32'](77), 77);
    assert.deepEqual([global('post_calls'), global('post_arg')], [2, 77], 'with the flat result');
    assert.equal(guest.exports['eU8'](7), 7);
    assert.equal(global('post_calls'), 2, 'no post-return for an export without one');
    guest.close();
  });

  test('an implementation that makes the guest grow its memory: the result still lands (views re-taken)', () => {
    let guest: GuestInstance | undefined;
    const plugin = definePlugin({
      wit,
      world: 'roundtrip',
      implement: () => ({
        [MODULE]: {
          ...echoFns([]),
          eString: (s: string) => {
            const memory = guest!.instance.exports['memory'] as WebAssembly.Memory;
            const before = memory.buffer.byteLength;
            (guest!.instance.exports['cabi_realloc'] as (...a: number[]) => number)(0, 0, 8, 1 << 20);
            assert.ok(memory.buffer.byteLength > before, 'the guest grew its memory');
            return s.toUpperCase();
          },
        },
      }),
    });
    guest = instantiateSync(guestModule('echo.wasm'), { plugins: [plugin] });
    assert.equal(guest.exports['eString']('grown'), 'GROWN');
    guest.close();
  });

  test('instantiate (async) from bytes gives the same instance', async () => {
    const calls: [string, unknown[]][] = [];
    const bytes = readFileSync(repoPath('test/plugin/guests/echo.wasm'));
    const guest = await instantiate(bytes, { plugins: [echoPlugin(calls)] });
    assert.equal((guest.exports['eString'] as (s: string) => string)('async'), 'async');
    guest.close();
  });
});

describe('host values that do not fit the WIT type', () => {
  test('an export argument of the wrong type is a TypeError naming the function and argument; the instance stays usable', () => {
    const calls: [string, unknown[]][] = [];
    const guest = instantiateSync(guestModule('echo.wasm'), { plugins: [echoPlugin(calls)] });
    const x = guest.exports;
    expectTypeError(() => x['eU8'](256), 'e-u8: argument v', 'expected u8');
    expectTypeError(() => x['eS32'](1.5), 'e-s32: argument v');
    expectTypeError(() => x['eU64'](5), 'e-u64: argument v', 'bigint');
    expectTypeError(() => x['eChar']('ab'), 'e-char: argument v', 'char');
    expectTypeError(() => x['eChar']('\ud800'), 'e-char: argument v');
    expectTypeError(() => x['eColor']('purple'), 'e-color: argument v', '"red"');
    expectTypeError(() => x['ePerms']({ read: true, delete: true }), 'e-perms: argument v', 'no flag "delete"');
    expectTypeError(() => x['eShape']({ tag: 'square', val: 1 }), 'e-shape: argument v', 'no case');
    expectTypeError(() => x['eListEntry']([{ name: 'a', tags: ['ok'] }, { name: 'b', tags: ['x', 5] }]), 'e-list-entry: argument v[1].tags[1]', 'expected a string');
    expectTypeError(() => x['eMixed']({ a: 1 }), 'e-mixed: argument v.b');
    expectTypeError(() => x['eString'](), 'takes 1 argument, got 0');
    expectTypeError(() => x['eTuple']([1, 'x']), 'e-tuple: argument v', 'array of 3 items');
    assert.deepEqual(calls, [], 'nothing reached the guest');
    assert.equal(x['eString']('still fine'), 'still fine');
    guest.close();
  });

  test('an implementation returning an invalid value is a host bug: a Trap naming the function, with a TypeError cause', () => {
    const plugin = definePlugin({
      wit,
      world: 'roundtrip',
      implement: () => ({ [MODULE]: { ...echoFns([]), eU8: () => 300, eString: () => 42, eColor: () => 'mauve' } }),
    });
    for (const [name, fragment] of [['eU8', 'e-u8'], ['eString', 'e-string'], ['eColor', 'e-color']] as const) {
      // Fresh instance each time: a trap leaves an instance unusable.
      const guest = instantiateSync(guestModule('echo.wasm'), { plugins: [plugin], imports: {} });
      const t = expectTrap(() => (guest.exports[name] as (v: unknown) => unknown)(name === 'eU8' ? 1 : name === 'eColor' ? 'red' : 's'), `${MODULE}#${fragment}: the implementation returned an invalid result`);
      assert.ok(t.cause instanceof TypeError);
      expectTrap(() => (guest.exports['eU32'] as (v: number) => number)(1), 'trapped earlier');
      guest.close();
    }
  });

  test('the guest instance that trapped refuses further calls; another instance is unaffected', () => {
    const calls: [string, unknown[]][] = [];
    const plugin = echoPlugin(calls);
    const a = instantiateSync(guestModule('echo.wasm'), { plugins: [plugin] });
    const b = instantiateSync(guestModule('echo.wasm'), { plugins: [plugin] });
    (a.instance.exports['realloc_override'] as WebAssembly.Global).value = 0x7ffffff0;
    expectTrap(() => a.exports['eString']('x'), 'e-string: argument v: cabi_realloc returned 0x7ffffff0');
    expectTrap(() => a.exports['eU32'](1), 'e-u32', 'trapped earlier');
    assert.equal(b.exports['eString']('b works'), 'b works');
    a.close();
    b.close();
    assert.ok(a.closed && b.closed);
    assert.throws(() => b.exports['eU32'](1), (e: unknown) => e instanceof Trap && /closed/.test(e.message));
  });
});
