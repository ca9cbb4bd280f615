// The static side of the canonical ABI (src/wit/layout.ts, src/wit/abi.ts) against numbers worked
// out by hand from CanonicalABI.md: sizes, alignments, flattening, the core signatures of imports
// and exports (also against the hand-written signatures of test/plugin/guests/echo.wat), memory
// layouts byte by byte, and the UTF-8 validator against TextDecoder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AbiError, CallContext, ExportPlan, ImportPlan, LinearMemory, codecOf, invalidUtf8At, type AbiHost } from '../../src/wit/abi.js';
import { alignTo, discriminantSize, flagsSize, joinCore, layoutOf } from '../../src/wit/layout.js';
import type { WitType } from '../../src/wit/model.js';
import { parseWit } from '../../src/wit/parse.js';
import { repoPath } from '../paths.js';

const doc = parseWit(readFileSync(repoPath('test/plugin/wit/types.wit'), 'utf8'));
const echo = doc.main.interfaces.get('echo')!;
const kv = parseWit(readFileSync(repoPath('examples/kv/kv.wit'), 'utf8')).main.interfaces.get('store')!;

function named(name: string, from = echo): WitType {
  const t = from.types.get(name);
  assert.ok(t !== undefined && t.kind !== 'resource', name);
  return t as WitType;
}

function paramType(fn: string): WitType {
  return echo.functions.get(fn)!.params[0]!.type;
}

describe('layout', () => {
  test('primitives', () => {
    const cases: [string, number, number, string[]][] = [
      ['bool', 1, 1, ['i32']], ['u8', 1, 1, ['i32']], ['s16', 2, 2, ['i32']], ['u32', 4, 4, ['i32']], ['char', 4, 4, ['i32']],
      ['s64', 8, 8, ['i64']], ['f32', 4, 4, ['f32']], ['f64', 8, 8, ['f64']], ['string', 8, 4, ['i32', 'i32']],
    ];
    for (const [kind, size, align, flat] of cases) {
      assert.deepEqual(layoutOf({ kind } as WitType), { size, align, flat }, kind);
    }
  });

  test('records pad each field to its alignment and the whole to the largest', () => {
    // mixed: a u8 @0, b u64 @8, c f32 @16, d string @20, e list @28, f char @36, g bool @40, h s16 @42, i f64 @48 -> 56.
    assert.deepEqual(layoutOf(named('mixed')), { size: 56, align: 8, flat: ['i32', 'i64', 'f32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'] });
    assert.deepEqual(layoutOf(named('entry')), { size: 16, align: 4, flat: ['i32', 'i32', 'i32', 'i32'] });
    // tuple<u8, string, f64>: 0, 4, 16 -> 24.
    assert.deepEqual(layoutOf(paramType('e-tuple')), { size: 24, align: 8, flat: ['i32', 'i32', 'i32', 'f64'] });
  });

  test('variants: discriminant, payload aligned to the widest case, flat types joined', () => {
    assert.deepEqual(layoutOf(named('shape')), { size: 16, align: 8, flat: ['i32', 'i64', 'i32'] });
    assert.deepEqual(layoutOf(named('small')), { size: 8, align: 4, flat: ['i32', 'i32'] });
    assert.deepEqual(layoutOf(named('color')), { size: 1, align: 1, flat: ['i32'] });
    assert.deepEqual(layoutOf(paramType('e-option-option')), { size: 12, align: 4, flat: ['i32', 'i32', 'i32'] });
    assert.deepEqual(layoutOf(paramType('e-result-ok-only')), { size: 16, align: 8, flat: ['i32', 'i64'] });
    assert.deepEqual(layoutOf(paramType('e-result-empty')), { size: 1, align: 1, flat: ['i32'] });
    assert.deepEqual(layoutOf(named('error', kv)), { size: 12, align: 4, flat: ['i32', 'i32', 'i32'] });
    assert.equal(discriminantSize(256), 1);
    assert.equal(discriminantSize(257), 2);
    assert.equal(discriminantSize(65537), 4);
    const wide: WitType = { kind: 'enum', name: 'e', cases: Array.from({ length: 300 }, (_, i) => `c${i}`) };
    assert.deepEqual(layoutOf(wide), { size: 2, align: 2, flat: ['i32'] });
    assert.equal(joinCore('f32', 'i32'), 'i32');
    assert.equal(joinCore('i32', 'f64'), 'i64');
    assert.equal(joinCore('f32', 'f64'), 'i64');
    assert.equal(joinCore('f64', 'f64'), 'f64');
  });

  test('flags: 1, 2, then 4 bytes per 32 flags', () => {
    assert.deepEqual(layoutOf(named('perms')), { size: 1, align: 1, flat: ['i32'] });
    assert.deepEqual(layoutOf(named('wide')), { size: 2, align: 2, flat: ['i32'] });
    assert.deepEqual(layoutOf(named('huge')), { size: 8, align: 4, flat: ['i32', 'i32'] });
    assert.equal(flagsSize(17), 4);
    assert.equal(flagsSize(33), 8);
    assert.equal(alignTo(13, 8), 16);
  });
});

describe('function plans: core signatures', () => {
  test('every echo import and export has the core signature written by hand in echo.wat', () => {
    const wat = readFileSync(repoPath('test/plugin/guests/echo.wat'), 'utf8');
    const parse = (s: string | undefined): string[] => (s === undefined ? [] : s.trim().split(/\s+/));
    let checked = 0;
    for (const m of wat.matchAll(/\(import "test:types\/echo@0\.1\.0" "([^"]+)" \(func \$\S+(?: \(param ([^)]*)\))?(?: \(result ([^)]*)\))?\)\)/g)) {
      const fn = echo.functions.get(m[1]!)!;
      const plan = new ImportPlan(fn, `x#${fn.coreName}`);
      assert.deepEqual([plan.coreParams, plan.coreResults], [parse(m[2]), parse(m[3])], `import ${m[1]}`);
      checked++;
    }
    for (const m of wat.matchAll(/\(func \(export "(e-[^"]+)"\)(?: \(param ([^)]*)\))?(?: \(result ([^)]*)\))?/g)) {
      const fn = echo.functions.get(m[1]!)!;
      const plan = new ExportPlan(fn, fn.coreName);
      assert.deepEqual([plan.coreParams, plan.coreResults], [parse(m[2]), parse(m[3])], `export ${m[1]}`);
      checked++;
    }
    assert.equal(checked, 2 * echo.functions.size);
  });

  test('kv.wit: methods take self first; results that do not fit one value go through a return pointer', () => {
    const bucket = kv.resources[0]!;
    const fn = (core: string) => bucket.functions.find((f) => f.coreName === core)!;
    const sig = (core: string) => {
      const p = new ImportPlan(fn(core), core);
      return [p.coreParams.join(' '), p.coreResults.join(' ')];
    };
    assert.deepEqual(sig('[constructor]bucket'), ['i32 i32', 'i32']);
    assert.deepEqual(sig('[method]bucket.get'), ['i32 i32 i32 i32', '']);
    assert.deepEqual(sig('[method]bucket.set'), ['i32 i32 i32 i32 i32 i32', '']);
    assert.deepEqual(sig('[method]bucket.perms'), ['i32', 'i32']);
    assert.deepEqual(sig('[static]bucket.open'), ['i32 i32 i32', '']);
  });
});

/** A real memory and the smallest AbiHost that keeps buffers in an array (for byte-level checks). */
function harness(): { cx: CallContext; mem: LinearMemory; buffers: Uint8Array[] } {
  const mem = new LinearMemory();
  mem.bind(new WebAssembly.Memory({ initial: 1 }));
  const buffers: Uint8Array[] = [];
  const host: AbiHost = {
    hasRealloc: false,
    alloc: () => assert.fail('no allocator'),
    addBuffer: (_cx, bytes) => buffers.push(bytes),
    liftOwn: () => assert.fail(),
    liftBorrow: () => assert.fail(),
    lowerOwn: () => assert.fail(),
    lowerBorrow: () => assert.fail(),
  };
  return { cx: new CallContext(host, mem, 'test'), mem, buffers };
}

describe('memory layout, byte by byte', () => {
  test('a record stored into memory lands at the hand-computed offsets, and loads back', () => {
    const { cx, mem, buffers } = harness();
    const codec = codecOf(named('mixed'));
    const value = { a: 0xab, b: 0x0102030405060708n, c: 1.5, d: 'hi', e: [0x1234], f: '€', g: true, h: -2, i: -0.5 };
    codec.store(cx, mem, 64, value);
    const dv = mem.dv;
    assert.equal(dv.getUint8(64), 0xab);
    assert.equal(dv.getBigUint64(72, true), 0x0102030405060708n);
    assert.equal(dv.getFloat32(80, true), 1.5);
    assert.equal(dv.getUint32(84, true), 1, 'd: buffer handle 1 in place of the pointer');
    assert.equal(dv.getUint32(88, true), 2, 'd: UTF-8 length');
    assert.equal(dv.getUint32(92, true), 2, 'e: buffer handle 2');
    assert.equal(dv.getUint32(96, true), 1, 'e: element count');
    assert.equal(dv.getUint32(100, true), 0x20ac);
    assert.equal(dv.getUint8(104), 1);
    assert.equal(dv.getInt16(106, true), -2);
    assert.equal(dv.getFloat64(112, true), -0.5);
    assert.deepEqual([...buffers[0]!], [0x68, 0x69]);
    assert.deepEqual([...buffers[1]!], [0x34, 0x12]);
    // Put the buffers where the pointers say and load it back.
    new Uint8Array(mem.u8.buffer).set(buffers[0]!, 1000);
    new Uint8Array(mem.u8.buffer).set(buffers[1]!, 1002);
    dv.setUint32(84, 1000, true);
    dv.setUint32(92, 1002, true);
    assert.deepEqual(codec.load(cx, 64), value);
  });

  test('variants: u8 discriminant, payload at the case alignment; flags as little-endian words', () => {
    const { cx, mem } = harness();
    codecOf(named('shape')).store(cx, mem, 0, { tag: 'big', val: 0xffn });
    assert.equal(mem.dv.getUint8(0), 4);
    assert.equal(mem.dv.getBigUint64(8, true), 0xffn);
    codecOf(named('huge')).store(cx, mem, 32, { h0: true, h33: true });
    assert.equal(mem.dv.getUint32(32, true), 1);
    assert.equal(mem.dv.getUint32(36, true), 2);
    const flat: unknown[] = [];
    codecOf(named('shape')).lowerFlat(cx, { tag: 'circle', val: 1.5 }, flat);
    // f32 1.5 = 0x3fc00000, widened into the joined i64 slot; the unused i32 slot is 0.
    assert.deepEqual(flat, [1, 0x3fc00000n, 0]);
    assert.deepEqual(codecOf(named('shape')).liftFlat(cx, flat, 0), { tag: 'circle', val: 1.5 });
  });

  test('a bad value reports the path from the outermost value inwards', () => {
    const { cx, mem } = harness();
    mem.dv.setUint32(0, 100, true); // list<entry> at 100, 1 element
    mem.dv.setUint32(4, 1, true);
    mem.dv.setUint32(100, 200, true); // name
    mem.dv.setUint32(104, 0, true);
    mem.dv.setUint32(108, 300, true); // tags: 1 string at 300
    mem.dv.setUint32(112, 1, true);
    mem.dv.setUint32(300, 0xfffffff0, true);
    mem.dv.setUint32(304, 64, true);
    assert.throws(() => codecOf(paramType('e-list-entry')).load(cx, 0), (e: unknown) => e instanceof AbiError && e.byGuest && e.path() === '[0].tags[0]' && /string of 64 bytes at 0xfffffff0 is outside memory/.test(e.message));
  });
});

describe('UTF-8 validation', () => {
  test('known bad sequences and their offsets', () => {
    const at = (bytes: number[]) => invalidUtf8At(Uint8Array.from(bytes), 0, bytes.length);
    assert.equal(at([0x61, 0x62]), -1);
    assert.equal(at([0xe2, 0x82, 0xac]), -1, '€');
    assert.equal(at([0xf0, 0x9f, 0x98, 0x80]), -1, '😀');
    assert.equal(at([0xf4, 0x8f, 0xbf, 0xbf]), -1, 'U+10FFFF');
    assert.equal(at([0xc1, 0xbf]), 0, 'overlong');
    assert.equal(at([0xe0, 0x9f, 0xbf]), 0, 'overlong 3-byte');
    assert.equal(at([0xf0, 0x8f, 0xbf, 0xbf]), 0, 'overlong 4-byte');
    assert.equal(at([0x20, 0xed, 0xbf, 0xbf]), 1, 'surrogate');
    assert.equal(at([0xf4, 0x90, 0x80, 0x80]), 0, 'above U+10FFFF');
    assert.equal(at([0xf5, 0x80, 0x80, 0x80]), 0);
    assert.equal(at([0x61, 0x80]), 1, 'lone continuation');
    assert.equal(at([0x61, 0xe2, 0x82]), 1, 'cut short');
  });

  test('agrees with TextDecoder (fatal) on 20000 random byte strings', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 16;
    };
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const lead = [0x41, 0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let n = 0; n < 20000; n++) {
      const len = rand() % 8;
      const bytes = Uint8Array.from({ length: len }, () => (rand() % 3 === 0 ? lead[rand() % lead.length]! : rand() % 3 === 0 ? 0x80 | (rand() & 0x3f) : rand() & 0xff));
      let valid = true;
      try {
        decoder.decode(bytes);
      } catch {
        valid = false;
      }
      assert.equal(invalidUtf8At(bytes, 0, len) === -1, valid, `bytes ${[...bytes].map((b) => b.toString(16)).join(' ')}`);
    }
  });
});
