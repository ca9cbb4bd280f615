// Hostile values from a guest: every check of the canonical ABI (and the stricter ones) must trap
// with a message naming the function and the argument (or "result"), before the implementation
// runs; the host and other instances keep working. The guest is guests/echo.wat: its exports are
// core-level trampolines to the imports, so the test passes any core value it likes; its `h-*`
// exports return what the test planted in memory; its cabi_realloc returns what the test says.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, instantiateSync, type GuestInstance } from '../../src/plugin/index.js';
import { parseWit } from '../../src/wit/parse.js';
import { camelCase } from '../../src/wit/names.js';
import { expectTrap, guestModule, poke, pokeU32, raw, witText } from './util.js';

const wit = witText('types.wit');
const echoIface = parseWit(wit).main.interfaces.get('echo')!;
const M = 'test:types/echo@0.1.0';
const SCRATCH = 3000;

let implCalls = 0;
const plugin = definePlugin({
  wit,
  world: 'roundtrip',
  implement: () => {
    const fns: Record<string, (...a: unknown[]) => unknown> = {};
    for (const f of echoIface.functions.values()) {
      fns[camelCase(f.name)] = (...a: unknown[]) => {
        implCalls++;
        return f.name === 'e-many' ? a : a[0];
      };
    }
    return { [M]: fns };
  },
});

function fresh(): GuestInstance {
  return instantiateSync(guestModule('echo.wasm'), { plugins: [plugin] });
}

/** A bystander instance: after every hostile case it must still work. */
const bystander = fresh();
function bystanderWorks(): void {
  assert.equal(bystander.exports['eString']('still here ü'), 'still here ü');
  assert.deepEqual(bystander.exports['eListEntry']([{ name: 'n', tags: ['t'] }]), [{ name: 'n', tags: ['t'] }]);
}

/** Runs a hostile import call in a fresh instance: it must trap before the implementation runs. */
function importTrap(call: (g: GuestInstance) => unknown, ...fragments: (string | RegExp)[]): void {
  const g = fresh();
  const before = implCalls;
  expectTrap(() => call(g), ...fragments);
  assert.equal(implCalls, before, 'the implementation did not run');
  g.close();
  bystanderWorks();
}

describe('hostile arguments of imports (guest -> host)', () => {
  test('pointers: outside memory, misaligned, and pointer + length past 2^32', () => {
    importTrap((g) => raw(g, 'e-string')(0xfffff000, 100), `${M}#e-string: argument v: string of 100 bytes at 0xfffff000 is outside memory`);
    importTrap((g) => raw(g, 'e-list-u32')(0x10, 0xffffffff), `${M}#e-list-u32: argument v: list of 4294967295 elements at 0x10 is outside memory`);
    importTrap((g) => raw(g, 'e-list-u32')(0x11, 1), `${M}#e-list-u32: argument v: list<u32> at 0x11 is not 4-byte aligned`);
    importTrap((g) => raw(g, 'e-string')(-1, 2), `${M}#e-string: argument v: string of 2 bytes at 0xffffffff is outside memory`);
    // 0x10000000 entries of 16 bytes: exactly 2^32 bytes, which a 32-bit sum would wrap to 0.
    importTrap((g) => raw(g, 'e-list-entry')(0x10, 0x10000000), `${M}#e-list-entry: argument v: list of 268435456 elements at 0x10 is outside memory`);
    importTrap((g) => raw(g, 'e-list-u8')(0x1ffff, 2), `${M}#e-list-u8: argument v: list of 2 elements at 0x1ffff is outside memory (131072 bytes)`);
  });

  test('invalid UTF-8: the byte offset of the bad sequence, short and long strings', () => {
    const bad: [number[], number][] = [
      [[0x61, 0xc3, 0x28], 1], // continuation byte missing
      [[0xc0, 0x80], 0], // overlong NUL
      [[0x41, 0xed, 0xa0, 0x80], 1], // an encoded surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0x62, 0xe2, 0x82], 2], // cut short by the end
      [[0xff], 0],
      [[...new Array(100).fill(0x61), 0x80], 100], // long: the TextDecoder path
    ];
    for (const [bytes, at] of bad) {
      importTrap((g) => {
        const n = poke(g, SCRATCH, bytes);
        return raw(g, 'e-string')(SCRATCH, n);
      }, `${M}#e-string: argument v: invalid UTF-8 at byte ${at} of the string at 0xbb8`);
    }
  });

  test('a bad value deep inside names its path: list index and field', () => {
    importTrap((g) => {
      // entry = { name: string, tags: list<string> }, 16 bytes; strings are (ptr, len).
      poke(g, 3500, 'okbad\xff');
      poke(g, 3510, [0xff]);
      pokeU32(g, 3600, 3500, 2); // tags of entry 1: ["ok", <bad>]
      pokeU32(g, 3608, 3510, 1);
      pokeU32(g, SCRATCH, 3500, 2, 3600, 0); // entry 0: name "ok", no tags
      pokeU32(g, SCRATCH + 16, 3500, 2, 3600, 2); // entry 1
      return raw(g, 'e-list-entry')(SCRATCH, 2);
    }, `${M}#e-list-entry: argument v[1].tags[1]: invalid UTF-8 at byte 0`);
  });

  test('strings that all alias the same bytes cannot add up to more than 4 times the memory (stricter than the spec)', () => {
    importTrap((g) => {
      // 200 strings of 60000 bytes, all over the same bytes: 12 MB from a 128 KiB memory.
      for (let i = 0; i < 200; i++) pokeU32(g, SCRATCH + 8 * i, 0x8000, 60000);
      return raw(g, 'e-list-string')(SCRATCH, 200);
    }, `${M}#e-list-string: argument v[17]: the strings and lists of this call add up to 1081600 bytes, more than the 1048576 allowed`);
  });

  test('chars: surrogates and values above U+10FFFF', () => {
    importTrap((g) => raw(g, 'e-char')(0xd800), `${M}#e-char: argument v: char 0xd800 is not a Unicode scalar value (a surrogate)`);
    importTrap((g) => raw(g, 'e-char')(0xdfff), 'a surrogate');
    importTrap((g) => raw(g, 'e-char')(0x110000), `${M}#e-char: argument v: char 0x110000 is not a Unicode scalar value (above 0x10ffff)`);
    importTrap((g) => raw(g, 'e-char')(-1), 'char 0xffffffff');
  });

  test('discriminants out of range: variant, enum, option, result, nested and in memory', () => {
    importTrap((g) => raw(g, 'e-color')(3), `${M}#e-color: argument v: enum color: discriminant 3 is out of range (3 cases)`);
    importTrap((g) => raw(g, 'e-shape')(6, 0n, 0), `${M}#e-shape: argument v: variant shape: discriminant 6 is out of range (6 cases)`);
    importTrap((g) => raw(g, 'e-small')(-1, 0), 'variant small: discriminant 4294967295 is out of range');
    importTrap((g) => raw(g, 'e-option-u32')(2, 0), `${M}#e-option-u32: argument v: option discriminant 2 is not 0 (none) or 1 (some)`);
    importTrap((g) => raw(g, 'e-option-option')(1, 2, 0), `${M}#e-option-option: argument v.some: option discriminant 2`);
    importTrap((g) => raw(g, 'e-result-empty')(2), `${M}#e-result-empty: argument v: result discriminant 2 is not 0 (ok) or 1 (err)`);
    importTrap((g) => raw(g, 'e-result-full')(7, 0, 0), 'result discriminant 7');
    importTrap((g) => {
      // shape: u8 discriminant, payload at 8, 16 bytes.
      poke(g, SCRATCH, [1]); // circle, payload f32 at +8
      poke(g, SCRATCH + 16, [9]);
      return raw(g, 'e-list-shape')(SCRATCH, 2);
    }, `${M}#e-list-shape: argument v[1]: variant shape: discriminant 9 is out of range`);
  });

  test('flags with bits beyond the last flag (stricter than the spec, which ignores them)', () => {
    importTrap((g) => raw(g, 'e-perms')(8), `${M}#e-perms: argument v: flags perms: unknown bits 0x8 (3 flags)`);
    importTrap((g) => raw(g, 'e-wide')(0x400), 'flags wide: unknown bits 0x400');
    importTrap((g) => raw(g, 'e-huge')(0, 0x100), `${M}#e-huge: argument v: flags huge: unknown bits 0x100 (40 flags)`);
  });

  test('bool: any nonzero value is true, as the spec says', () => {
    const g = fresh();
    assert.equal(raw(g, 'e-bool')(2), 1);
    assert.equal(raw(g, 'e-bool')(-1), 1);
    assert.equal(raw(g, 'e-bool')(0), 0);
    g.close();
  });

  test('return pointers and spilled-argument areas outside memory or misaligned', () => {
    importTrap((g) => raw(g, 't-string')(SCRATCH, 0, 0xfffffff0), `${M}#e-string: result: the return pointer 0xfffffff0 (8 bytes) is outside memory`);
    importTrap((g) => raw(g, 't-string')(SCRATCH, 0, 1025), `${M}#e-string: result: the return pointer 0x401 is not 4-byte aligned`);
    importTrap((g) => raw(g, 'e-many')(0xffffff00), `${M}#e-many: arguments: the parameter area at 0xffffff00 (72 bytes) is outside memory`);
    importTrap((g) => raw(g, 'e-many')(SCRATCH + 4), 'the parameter area at 0xbbc is not 8-byte aligned');
    importTrap((g) => {
      pokeU32(g, SCRATCH, 0xffffff00, 1); // first parameter `a`: a string outside memory
      return raw(g, 'e-many')(SCRATCH);
    }, `${M}#e-many: argument a: string of 1 bytes at 0xffffff00 is outside memory`);
  });
});

describe('hostile results of exports (guest -> host)', () => {
  /** Calls h-<name> with its return area (or flat value) planted; expects a trap naming it. */
  function resultTrap(name: string, plant: (g: GuestInstance) => void, ...fragments: string[]): void {
    const g = fresh();
    plant(g);
    expectTrap(() => (g.exports[camelCase(name)] as () => unknown)(), `${name}: result`, ...fragments);
    expectTrap(() => g.exports['eU32'](1), 'trapped earlier');
    g.close();
    bystanderWorks();
  }

  test('flat results: char, enum, flags, result', () => {
    resultTrap('h-char', (g) => pokeU32(g, 2044, 0xdfff), 'h-char: result: char 0xdfff is not a Unicode scalar value');
    resultTrap('h-color', (g) => pokeU32(g, 2044, 7), 'enum color: discriminant 7 is out of range');
    resultTrap('h-perms', (g) => pokeU32(g, 2044, 0xf0), 'flags perms: unknown bits 0xf0');
    resultTrap('h-result-empty', (g) => pokeU32(g, 2044, 2), 'result discriminant 2');
    const g = fresh();
    pokeU32(g, 2044, 5);
    assert.equal(g.exports['hBool'](), true, 'a bool result of 5 is true');
    g.close();
  });

  test('results in a return area: bad area, bad pointers inside, nested paths', () => {
    resultTrap('h-string', (g) => pokeU32(g, 2040, 3001), 'h-string: result: the return area at 0xbb9 is not 4-byte aligned');
    resultTrap('h-string', (g) => pokeU32(g, 2040, 0xfffffffc), 'the return area at 0xfffffffc (8 bytes) is outside memory');
    resultTrap('h-string', (g) => {
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, 0xffff0000, 5);
    }, 'h-string: result: string of 5 bytes at 0xffff0000 is outside memory');
    resultTrap('h-list-u32', (g) => {
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, 3001, 1);
    }, 'h-list-u32: result: list<u32> at 0xbb9 is not 4-byte aligned');
    resultTrap('h-list-entry', (g) => {
      poke(g, 3500, 'ok');
      poke(g, 3510, [0xc3]);
      pokeU32(g, 3600, 3510, 1); // tags of entry 1: [<bad>]
      pokeU32(g, SCRATCH + 8, 3500, 2, 3600, 0, 3500, 2, 3600, 1); // entries at SCRATCH+8
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, SCRATCH + 8, 2);
    }, 'h-list-entry: result[1].tags[0]: invalid UTF-8 at byte 0');
    resultTrap('h-option-u32', (g) => {
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, 3, 0);
    }, 'option discriminant 3');
    resultTrap('h-shape', (g) => {
      pokeU32(g, 2040, SCRATCH);
      poke(g, SCRATCH, [6]);
    }, 'variant shape: discriminant 6 is out of range');
    resultTrap('h-small', (g) => {
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, 3, 0);
    }, 'variant small: discriminant 3 is out of range');
    resultTrap('h-huge', (g) => {
      pokeU32(g, 2040, SCRATCH);
      pokeU32(g, SCRATCH, 0, 0x8000_0000);
    }, 'flags huge: unknown bits 0x80000000');
  });
});

describe('a guest allocator returning garbage', () => {
  function override(g: GuestInstance, value: number): void {
    (g.instance.exports['realloc_override'] as WebAssembly.Global).value = value;
  }

  test('for an export argument: outside memory, misaligned, or 0', () => {
    let g = fresh();
    override(g, 0x7ffffff0);
    expectTrap(() => g.exports['eString']('hi'), 'e-string: argument v: cabi_realloc returned 0x7ffffff0 for 2 bytes: outside memory (131072 bytes)');
    g.close();
    g = fresh();
    override(g, 3);
    expectTrap(() => g.exports['eListU32']([1]), 'e-list-u32: argument v: cabi_realloc returned 0x3 for 4 bytes aligned to 4: the pointer is misaligned');
    g.close();
    g = fresh();
    override(g, 0x1fffe);
    expectTrap(() => g.exports['eListString'](['abc']), 'e-list-string: argument v: cabi_realloc returned 0x1fffe for 8 bytes');
    g.close();
    bystanderWorks();
  });

  test('for a nested string of an export argument, and for an import result', () => {
    const g = fresh();
    poke(g, SCRATCH, 'abc');
    override(g, 0x20000);
    expectTrap(() => raw(g, 'e-string')(SCRATCH, 3), `${M}#e-string: result: cabi_realloc returned 0x20000 for 3 bytes: outside memory`);
    g.close();
    bystanderWorks();
  });
});
