// Owns: the canonical ABI at run time: lifting WIT values out of a guest (flat core values or linear
// memory) with every check CanonicalABI.md makes (and a few stricter ones), lowering JS values into a
// guest (through its cabi_realloc, or as host-side buffers when it has none), and the per-function
// plans, built once at link time, that do both for an import or an export.
// Must not: know about tables, plugins or Wasi: handles and buffers go through the AbiHost interface.
import { Trap } from '../errors.js';
import type { FunctionDef, ResourceDef, WitType } from './model.js';
import { camelCase } from './names.js';
import {
  MAX_FLAT_PARAMS,
  MAX_FLAT_RESULTS,
  alignTo,
  caseTypes,
  discriminantSize,
  fieldOffsets,
  flagsWords,
  layoutOf,
  payloadOffset,
  typeName,
  type CoreType,
} from './layout.js';

export { MAX_FLAT_PARAMS, MAX_FLAT_RESULTS, layoutOf, type CoreType, type TypeLayout } from './layout.js';

// ---------------------------------------------------------------------------------------------
// Memory

const EMPTY = new Uint8Array(0);

/**
 * The current views of a guest's linear memory. `refresh()` re-reads `memory.buffer` and
 * re-takes the views if it changed (after `memory.grow`, by the guest or by its cabi_realloc);
 * the plugin runtime calls it whenever control comes back from the guest.
 */
export class LinearMemory {
  /** Bytes of the memory (empty when there is none). */
  u8: Uint8Array = EMPTY;
  /** The same bytes as a DataView. */
  dv: DataView = new DataView(EMPTY.buffer);
  /** True for a shared memory (TextDecoder cannot read it in place). */
  shared = false;
  #memory: WebAssembly.Memory | undefined;
  #buffer: ArrayBufferLike | undefined;

  /** Starts viewing `memory` (or nothing). */
  bind(memory: WebAssembly.Memory | undefined): void {
    this.#memory = memory;
    this.#buffer = undefined;
    this.refresh();
  }

  /**
   * Re-takes the views if the memory's buffer changed. Growing a non-shared memory detaches its
   * old buffer (its views then have length 0), so for those the check costs no `memory.buffer`
   * call; a shared memory's buffer is re-read every time.
   */
  refresh(): void {
    const m = this.#memory;
    if (m === undefined || (!this.shared && this.u8.byteLength !== 0)) return;
    const b = m.buffer;
    if (b === this.#buffer) return;
    this.#buffer = b;
    this.u8 = new Uint8Array(b);
    this.dv = new DataView(b);
    this.shared = typeof SharedArrayBuffer !== 'undefined' && b instanceof SharedArrayBuffer;
  }
}

/** Where a store writes: guest memory (a {@link LinearMemory}) or a host-side buffer being filled. */
export interface Sink {
  u8: Uint8Array;
  dv: DataView;
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * A value failed a check while it was lifted or lowered. `byGuest` says whose fault it is (a
 * guest value: the call traps; a host value: a TypeError for the host). The function plans turn
 * it into the final error with the function's name and the path to the value.
 */
export class AbiError extends Error {
  /** Path segments from the innermost value outwards (`[3]`, `.key`). */
  readonly trail: string[] = [];
  constructor(message: string, readonly byGuest: boolean) {
    super(message);
  }
  /** The path, outermost first: `[3].key`. */
  path(): string {
    let s = '';
    for (let i = this.trail.length - 1; i >= 0; i--) s += this.trail[i];
    return s;
  }
}

/** Throws the {@link AbiError} of a bad guest value: the call traps with this message. */
export function guestFault(message: string): never {
  throw new AbiError(message, true);
}

/** Throws the {@link AbiError} of a bad host value (a host bug: a TypeError, or a Trap in an import). */
export function hostFault(message: string): never {
  throw new AbiError(message, false);
}

function within(e: unknown, segment: string): never {
  if (e instanceof AbiError) e.trail.push(segment);
  throw e;
}

/** `0x10` */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A short description of a JS value for messages. */
function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (typeof v === 'string') return v.length > 40 ? `a string of length ${v.length}` : JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v instanceof Uint8Array) return `a Uint8Array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(v).slice(8, -1)})`;
}

// ---------------------------------------------------------------------------------------------
// The host side of a call

/**
 * What the ABI needs from the runtime that links a guest: allocation in the guest, buffers, and
 * resource handles. Every method may throw an {@link AbiError} (through {@link guestFault} or
 * {@link hostFault}); the plans add the function name and the value's path.
 */
export interface AbiHost {
  /** True when the guest exports `cabi_realloc`: strings and lists going in are allocated there. */
  readonly hasRealloc: boolean;
  /**
   * Calls the guest's `cabi_realloc(0, 0, align, size)`, refreshes `cx.mem`, and checks the
   * pointer it returned (aligned, inside memory); returns it.
   */
  alloc(cx: CallContext, align: number, size: number): number;
  /** Keeps `bytes` host-side as a buffer and returns its handle (never 0). */
  addBuffer(cx: CallContext, bytes: Uint8Array): number;
  /** The guest passes an `own<R>` handle: remove it from the guest and return what the host sees. */
  liftOwn(cx: CallContext, resource: ResourceDef, handle: number): unknown;
  /** The guest lends a handle for the duration of the call: check it and return what the host sees. */
  liftBorrow(cx: CallContext, resource: ResourceDef, handle: number): unknown;
  /** The host gives the guest an `own<R>`: return the new handle. */
  lowerOwn(cx: CallContext, resource: ResourceDef, value: unknown): number;
  /** The host lends the guest a `borrow<R>` for the duration of the call: return the handle. */
  lowerBorrow(cx: CallContext, resource: ResourceDef, value: unknown): number;
}

/** Per-call state shared by the codecs and the runtime's {@link AbiHost}. */
export class CallContext {
  /** Scratch: the byte length of the string, or the element count of the list, just lowered. */
  len = 0;
  /** Bytes of strings and lists lifted so far in this call (see the lift budget). */
  lifted = 0;
  /** Runtime use: what was lent to this call (released when it ends). */
  lends: unknown[] | null = null;
  /** Runtime use: borrow handles given to the guest for this call. */
  borrows: unknown[] | null = null;
  /** Runtime use: buffers created for this call (dropped if the call fails). */
  buffers: number[] | null = null;
  constructor(
    readonly host: AbiHost,
    readonly mem: LinearMemory,
    /** The function's name in messages (`warden:kv/store@0.1.0#get`). */
    readonly label: string,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Codecs: one per WIT type (cached), closures over precomputed layouts

type Flat = ArrayLike<unknown>;

/** How one WIT type is lifted and lowered. Built once per type object. */
export interface Codec {
  readonly type: WitType;
  readonly size: number;
  readonly align: number;
  readonly flat: readonly CoreType[];
  /** Reads a value at `ptr` (the caller checked bounds and alignment of the whole value). */
  load(cx: CallContext, ptr: number): unknown;
  /** Writes `v` at `off` of `sink` (space reserved and aligned by the caller). */
  store(cx: CallContext, sink: Sink, off: number, v: unknown): void;
  /** Reads a value from flat core values starting at `vals[i]`. */
  liftFlat(cx: CallContext, vals: Flat, i: number): unknown;
  /** Appends the flat core values of `v` to `out`. */
  lowerFlat(cx: CallContext, v: unknown, out: unknown[]): void;
}

const codecs = new WeakMap<WitType, Codec>();

/** The codec of a WIT type (built on first use, then cached). */
export function codecOf(t: WitType): Codec {
  let c = codecs.get(t);
  if (c === undefined) {
    c = buildCodec(t);
    codecs.set(t, c);
  }
  return c;
}

function buildCodec(t: WitType): Codec {
  const { size, align, flat } = layoutOf(t);
  const base = { type: t, size, align, flat };
  switch (t.kind) {
    case 'bool':
      return {
        ...base,
        load: (cx, p) => cx.mem.u8[p] !== 0,
        store: (_cx, s, o, v) => {
          if (typeof v !== 'boolean') hostFault(`expected a boolean, got ${show(v)}`);
          s.u8[o] = v ? 1 : 0;
        },
        liftFlat: (_cx, vals, i) => vals[i] !== 0,
        lowerFlat: (_cx, v, out) => {
          if (typeof v !== 'boolean') hostFault(`expected a boolean, got ${show(v)}`);
          out.push(v ? 1 : 0);
        },
      };
    case 'u8':
      return intCodec(base, (v) => (v & 0xff) === v, 'an integer 0..255', (cx, p) => cx.mem.u8[p]!, (s, o, v) => { s.u8[o] = v; }, (x) => x & 0xff);
    case 's8':
      return intCodec(base, (v) => (v << 24) >> 24 === v, 'an integer -128..127', (cx, p) => cx.mem.dv.getInt8(p), (s, o, v) => s.dv.setInt8(o, v), (x) => (x << 24) >> 24);
    case 'u16':
      return intCodec(base, (v) => (v & 0xffff) === v, 'an integer 0..65535', (cx, p) => cx.mem.dv.getUint16(p, true), (s, o, v) => s.dv.setUint16(o, v, true), (x) => x & 0xffff);
    case 's16':
      return intCodec(base, (v) => (v << 16) >> 16 === v, 'an integer -32768..32767', (cx, p) => cx.mem.dv.getInt16(p, true), (s, o, v) => s.dv.setInt16(o, v, true), (x) => (x << 16) >> 16);
    case 'u32':
      return intCodec(base, (v) => v >>> 0 === v, 'an integer 0..4294967295', (cx, p) => cx.mem.dv.getUint32(p, true), (s, o, v) => s.dv.setUint32(o, v, true), (x) => x >>> 0);
    case 's32':
      return intCodec(base, (v) => (v | 0) === v, 'an integer -2147483648..2147483647', (cx, p) => cx.mem.dv.getInt32(p, true), (s, o, v) => s.dv.setInt32(o, v, true), (x) => x | 0);
    case 'u64':
      return bigCodec(base, false);
    case 's64':
      return bigCodec(base, true);
    case 'f32':
    case 'f64': {
      const is32 = t.kind === 'f32';
      const check = (v: unknown): number => (typeof v === 'number' ? v : hostFault(`expected a number, got ${show(v)}`));
      return {
        ...base,
        load: is32 ? (cx, p) => cx.mem.dv.getFloat32(p, true) : (cx, p) => cx.mem.dv.getFloat64(p, true),
        store: is32 ? (_cx, s, o, v) => s.dv.setFloat32(o, check(v), true) : (_cx, s, o, v) => s.dv.setFloat64(o, check(v), true),
        liftFlat: (_cx, vals, i) => vals[i] as number,
        lowerFlat: (_cx, v, out) => {
          out.push(check(v));
        },
      };
    }
    case 'char':
      return {
        ...base,
        load: (cx, p) => liftChar(cx.mem.dv.getUint32(p, true)),
        store: (_cx, s, o, v) => s.dv.setUint32(o, charCode(v), true),
        liftFlat: (_cx, vals, i) => liftChar((vals[i] as number) >>> 0),
        lowerFlat: (_cx, v, out) => {
          out.push(charCode(v));
        },
      };
    case 'string':
      return {
        ...base,
        load: (cx, p) => liftString(cx, cx.mem.dv.getUint32(p, true), cx.mem.dv.getUint32(p + 4, true)),
        store: (cx, s, o, v) => {
          const ptr = lowerString(cx, v);
          s.dv.setUint32(o, ptr, true);
          s.dv.setUint32(o + 4, cx.len, true);
        },
        liftFlat: (cx, vals, i) => liftString(cx, (vals[i] as number) >>> 0, (vals[i + 1] as number) >>> 0),
        lowerFlat: (cx, v, out) => {
          out.push(lowerString(cx, v), cx.len);
        },
      };
    case 'list':
      return listCodec(base, t.element);
    case 'record': {
      const keys = t.fields.map((f) => camelCase(f.name));
      const segs = t.fields.map((f) => `.${f.name}`);
      return recordCodec(base, t.fields.map((f) => codecOf(f.type)), segs, (values) => {
        const o: Record<string, unknown> = {};
        for (let k = 0; k < keys.length; k++) o[keys[k]!] = values[k];
        return o;
      }, (v, k) => {
        if (typeof v !== 'object' || v === null) hostFault(`expected an object for record ${t.name}, got ${show(v)}`);
        return (v as Record<string, unknown>)[keys[k]!];
      });
    }
    case 'tuple': {
      const n = t.items.length;
      return recordCodec(base, t.items.map(codecOf), t.items.map((_, k) => `.${k}`), (values) => values, (v, k) => {
        if (!Array.isArray(v) || v.length !== n) hostFault(`expected an array of ${n} items for ${typeName(t)}, got ${show(v)}`);
        return (v as unknown[])[k];
      });
    }
    case 'flags':
      return flagsCodec(base, t.name, t.flags);
    case 'enum':
    case 'variant':
    case 'option':
    case 'result':
      return variantCodec(base, t);
    case 'own':
    case 'borrow': {
      const res = t.resource;
      const lift = t.kind === 'own' ? (cx: CallContext, h: number) => cx.host.liftOwn(cx, res, h) : (cx: CallContext, h: number) => cx.host.liftBorrow(cx, res, h);
      const lower = t.kind === 'own' ? (cx: CallContext, v: unknown) => cx.host.lowerOwn(cx, res, v) : (cx: CallContext, v: unknown) => cx.host.lowerBorrow(cx, res, v);
      return {
        ...base,
        load: (cx, p) => lift(cx, cx.mem.dv.getUint32(p, true)),
        store: (cx, s, o, v) => {
          const h = lower(cx, v);
          s.dv.setUint32(o, h, true);
        },
        liftFlat: (cx, vals, i) => lift(cx, (vals[i] as number) >>> 0),
        lowerFlat: (cx, v, out) => {
          out.push(lower(cx, v));
        },
      };
    }
  }
}

type Base = Pick<Codec, 'type' | 'size' | 'align' | 'flat'>;

function intCodec(
  base: Base,
  ok: (v: number) => boolean,
  what: string,
  load: (cx: CallContext, p: number) => number,
  write: (s: Sink, o: number, v: number) => void,
  fromFlat: (x: number) => number,
): Codec {
  // `ok` is written with integer operators, which also reject non-numbers, fractions and NaN.
  const check = (v: unknown): number => (ok(v as number) ? (v as number) : hostFault(`expected ${base.type.kind} (${what}), got ${show(v)}`));
  return {
    ...base,
    load,
    store: (_cx, s, o, v) => write(s, o, check(v)),
    // Flat lifting keeps the low bits, as the spec does (lift_flat_unsigned/signed).
    liftFlat: (_cx, vals, i) => fromFlat(vals[i] as number),
    lowerFlat: (_cx, v, out) => {
      out.push(check(v));
    },
  };
}

function bigCodec(base: Base, signed: boolean): Codec {
  const check = (v: unknown): bigint => {
    if (typeof v !== 'bigint' || (signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v)) !== v) {
      hostFault(`expected ${base.type.kind} (a bigint ${signed ? '-2n**63n..2n**63n-1n' : '0n..2n**64n-1n'}), got ${show(v)}`);
    }
    return v;
  };
  return {
    ...base,
    load: signed ? (cx, p) => cx.mem.dv.getBigInt64(p, true) : (cx, p) => cx.mem.dv.getBigUint64(p, true),
    store: signed ? (_cx, s, o, v) => s.dv.setBigInt64(o, check(v), true) : (_cx, s, o, v) => s.dv.setBigUint64(o, check(v), true),
    liftFlat: signed ? (_cx, vals, i) => BigInt.asIntN(64, vals[i] as bigint) : (_cx, vals, i) => BigInt.asUintN(64, vals[i] as bigint),
    lowerFlat: (_cx, v, out) => {
      out.push(check(v));
    },
  };
}

// --- char

function liftChar(c: number): string {
  if (c >= 0x110000) guestFault(`char ${hex(c)} is not a Unicode scalar value (above 0x10ffff)`);
  if (c >= 0xd800 && c <= 0xdfff) guestFault(`char ${hex(c)} is not a Unicode scalar value (a surrogate)`);
  return String.fromCodePoint(c);
}

function charCode(v: unknown): number {
  if (typeof v === 'string') {
    const c = v.codePointAt(0);
    if (c !== undefined && v.length === (c > 0xffff ? 2 : 1) && !(c >= 0xd800 && c <= 0xdfff)) return c;
  }
  return hostFault(`expected a char (a string of one Unicode scalar value), got ${show(v)}`);
}

// --- strings

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
/** Strings up to this many bytes are decoded and encoded in JS (cheaper than a TextDecoder call). */
const SHORT = 64;

/** Length of the valid UTF-8 sequence at `u8[i]` (1 to 4), or 0 if it is invalid or cut by `end`. */
function utf8Seq(u8: Uint8Array, i: number, end: number): number {
  const b = u8[i]!;
  if (b < 0x80) return 1;
  const n = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
  if (n === 0 || i + n >= end) return 0;
  // Second-byte ranges exclude overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
  const b1 = u8[i + 1]!;
  const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  if (b1 < lo || b1 > hi) return 0;
  for (let k = 2; k <= n; k++) if ((u8[i + k]! & 0xc0) !== 0x80) return 0;
  return n + 1;
}

/**
 * Index (from `p`) of the first byte of the first invalid UTF-8 sequence in `[p, p+len)`, or -1.
 * Rejects overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
 */
export function invalidUtf8At(u8: Uint8Array, p: number, len: number): number {
  const end = p + len;
  for (let i = p; i < end; ) {
    const n = utf8Seq(u8, i, end);
    if (n === 0) return i - p;
    i += n;
  }
  return -1;
}

/** Decodes a short UTF-8 range in JS; null if it is invalid. */
function decodeShort(u8: Uint8Array, p: number, len: number): string | null {
  // UTF-16 code units in a plain array: String.fromCharCode.apply is fastest on one.
  const units = new Array<number>(len);
  let n = 0;
  const end = p + len;
  for (let i = p; i < end; ) {
    const b = u8[i]!;
    if (b < 0x80) {
      units[n++] = b;
      i++;
      continue;
    }
    const k = utf8Seq(u8, i, end);
    if (k === 0) return null;
    if (k === 2) units[n++] = ((b & 0x1f) << 6) | (u8[i + 1]! & 0x3f);
    else if (k === 3) units[n++] = ((b & 0x0f) << 12) | ((u8[i + 1]! & 0x3f) << 6) | (u8[i + 2]! & 0x3f);
    else {
      const cp = (((b & 0x07) << 18) | ((u8[i + 1]! & 0x3f) << 12) | ((u8[i + 2]! & 0x3f) << 6) | (u8[i + 3]! & 0x3f)) - 0x10000;
      units[n++] = 0xd800 + (cp >> 10);
      units[n++] = 0xdc00 + (cp & 0x3ff);
    }
    i += k;
  }
  if (n !== len) units.length = n;
  return String.fromCharCode.apply(null, units);
}

/**
 * Most bytes of strings and lists one call may lift: four times the guest's memory (and at least
 * 1 MiB). Values that do not share memory add up to at most the memory's size; only aliasing (many
 * strings or lists over the same bytes, which the spec allows) goes beyond, and without a bound a
 * small guest could make the host build gigabytes of JS strings. Stricter than the spec.
 */
function liftBudget(u8: Uint8Array): number {
  return Math.max(4 * u8.length, 1 << 20);
}

function overBudget(cx: CallContext, u8: Uint8Array): never {
  return guestFault(`the strings and lists of this call add up to ${cx.lifted} bytes, more than the ${liftBudget(u8)} allowed (4 times the guest's memory, at least 1 MiB): they must overlap`);
}

function liftString(cx: CallContext, p: number, len: number): string {
  const mem = cx.mem;
  const u8 = mem.u8;
  if (p + len > u8.length) guestFault(`string of ${len} bytes at ${hex(p)} is outside memory (${u8.length} bytes)`);
  if ((cx.lifted += len) > liftBudget(u8)) overBudget(cx, u8);
  if (len <= SHORT) {
    const s = decodeShort(u8, p, len);
    if (s !== null) return s;
  } else {
    try {
      return decoder.decode(mem.shared ? u8.slice(p, p + len) : u8.subarray(p, p + len));
    } catch {
      // fall through: find the offending byte for the message
    }
  }
  return guestFault(`invalid UTF-8 at byte ${invalidUtf8At(u8, p, len)} of the string at ${hex(p)}`);
}

/** Strings whose UTF-8 form surely fits are encoded here before they are copied into the guest. */
const ENCODE_SCRATCH = new Uint8Array(48 * 1024);

// Host-side buffers (the no-cabi_realloc convention) of up to POOLED_MAX bytes are carved out of
// 32 KiB slabs, as Node's Buffer pool does: one ArrayBuffer allocation per slab instead of one per
// string. A slab lives as long as any buffer in it; with at most 1024 live buffers per instance
// that pins at most 1024 slabs.
const SLAB = 32 * 1024;
const POOLED_MAX = 4096;
let slab = new Uint8Array(SLAB);
let slabUsed = 0;

/** `len` fresh zeroed bytes for a buffer. */
export function bufferBytes(len: number): Uint8Array {
  if (len > POOLED_MAX) return new Uint8Array(len);
  if (slabUsed + len > SLAB) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + len);
  slabUsed += (len + 7) & ~7;
  return out;
}

/** A sink writing into `len` fresh buffer bytes (offsets from 0). */
function bufferSink(len: number): Sink {
  const u8 = bufferBytes(len);
  return { u8, dv: new DataView(u8.buffer, u8.byteOffset, u8.byteLength) };
}

/** The UTF-8 bytes of `v` (of UTF-16 length `n`) as buffer bytes. */
function encodeToBuffer(v: string, n: number): Uint8Array {
  if (n * 3 > POOLED_MAX) return encoder.encode(v);
  if (slabUsed + n * 3 > SLAB) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  const written = encoder.encodeInto(v, slab.subarray(slabUsed, slabUsed + n * 3)).written;
  const out = slab.subarray(slabUsed, slabUsed + written);
  slabUsed += (written + 7) & ~7;
  return out;
}

/** Lowers a string into the guest: returns the pointer (or buffer handle) and sets `cx.len`. */
function lowerString(cx: CallContext, v: unknown): number {
  if (typeof v !== 'string') hostFault(`expected a string, got ${show(v)}`);
  const n = v.length;
  const host = cx.host;
  // Lone surrogates become U+FFFD, as TextEncoder does.
  if (n <= SHORT) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (v.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let u8: Uint8Array;
      let p: number;
      if (host.hasRealloc) {
        p = host.alloc(cx, 1, n);
        u8 = cx.mem.u8;
      } else {
        u8 = bufferBytes(n);
        p = 0;
      }
      for (let i = 0; i < n; i++) u8[p + i] = v.charCodeAt(i);
      cx.len = n;
      return host.hasRealloc ? p : host.addBuffer(cx, u8);
    }
  }
  if (host.hasRealloc) {
    // Encode into a host scratch buffer first: the allocation needs the byte length, and
    // encodeInto (native) is cheaper than measuring the string in JS.
    if (n * 3 <= ENCODE_SCRATCH.length) {
      const len = encoder.encodeInto(v, ENCODE_SCRATCH).written;
      const p = host.alloc(cx, 1, len);
      cx.mem.u8.set(ENCODE_SCRATCH.subarray(0, len), p);
      cx.len = len;
      return p;
    }
    const bytes = encoder.encode(v);
    const p = host.alloc(cx, 1, bytes.length);
    cx.mem.u8.set(bytes, p);
    cx.len = bytes.length;
    return p;
  }
  const bytes = encodeToBuffer(v, n);
  cx.len = bytes.length;
  return host.addBuffer(cx, bytes);
}

// --- lists

function listCodec(base: Base, element: WitType): Codec {
  const bytes = element.kind === 'u8';
  const elem = codecOf(element);
  const esize = elem.size;
  const ealign = elem.align;
  const lift = (cx: CallContext, p: number, n: number): unknown => {
    const u8 = cx.mem.u8;
    if (p % ealign !== 0) guestFault(`list<${typeName(element)}> at ${hex(p)} is not ${ealign}-byte aligned`);
    // A zero-size element still counts a byte, so a huge count cannot make a huge array out of nothing.
    if (p + n * Math.max(esize, 1) > u8.length) guestFault(`list of ${n} elements at ${hex(p)} is outside memory (${u8.length} bytes)`);
    if ((cx.lifted += n * Math.max(esize, 1)) > liftBudget(u8)) overBudget(cx, u8);
    if (bytes) return u8.slice(p, p + n);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      try {
        out[i] = elem.load(cx, p + i * esize);
      } catch (e) {
        within(e, `[${i}]`);
      }
    }
    return out;
  };
  const lower = (cx: CallContext, v: unknown): number => {
    const host = cx.host;
    if (bytes) {
      let src: Uint8Array;
      if (v instanceof Uint8Array) src = v;
      else if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x = v[i] as number;
          if ((x & 0xff) !== x) hostFault(`expected u8 (an integer 0..255) at [${i}], got ${show(x)}`);
        }
        src = Uint8Array.from(v as number[]);
      } else return hostFault(`expected a Uint8Array (or an array of bytes) for list<u8>, got ${show(v)}`);
      cx.len = src.length;
      if (host.hasRealloc) {
        const p = host.alloc(cx, 1, src.length);
        cx.mem.u8.set(src, p);
        cx.len = src.length;
        return p;
      }
      // The buffer must not alias the host's array, which may change after the call.
      if (v instanceof Uint8Array) {
        const copy = bufferBytes(src.length);
        copy.set(src);
        src = copy;
      }
      return host.addBuffer(cx, src);
    }
    if (!Array.isArray(v)) hostFault(`expected an array for ${typeName(base.type)}, got ${show(v)}`);
    const n = v.length;
    if (n * esize > 0xffffffff) hostFault(`a list of ${n} elements of ${esize} bytes does not fit a 32-bit memory`);
    let sink: Sink;
    let p: number;
    if (host.hasRealloc) {
      p = host.alloc(cx, ealign, n * esize);
      sink = cx.mem;
    } else {
      sink = bufferSink(n * esize);
      p = 0;
    }
    for (let i = 0; i < n; i++) {
      try {
        elem.store(cx, sink, p + i * esize, v[i]);
      } catch (e) {
        within(e, `[${i}]`);
      }
    }
    cx.len = n;
    if (host.hasRealloc) return p;
    const h = host.addBuffer(cx, sink.u8);
    cx.len = n;
    return h;
  };
  return {
    ...base,
    load: (cx, p) => lift(cx, cx.mem.dv.getUint32(p, true), cx.mem.dv.getUint32(p + 4, true)),
    store: (cx, s, o, v) => {
      const ptr = lower(cx, v);
      s.dv.setUint32(o, ptr, true);
      s.dv.setUint32(o + 4, cx.len, true);
    },
    liftFlat: (cx, vals, i) => lift(cx, (vals[i] as number) >>> 0, (vals[i + 1] as number) >>> 0),
    lowerFlat: (cx, v, out) => {
      out.push(lower(cx, v), cx.len);
    },
  };
}

// --- records and tuples

function recordCodec(base: Base, fields: Codec[], segs: string[], make: (values: unknown[]) => unknown, get: (v: unknown, k: number) => unknown): Codec {
  const offsets = fieldOffsets(fields.map((f) => f.type));
  const n = fields.length;
  return {
    ...base,
    load: (cx, p) => {
      const values = new Array<unknown>(n);
      for (let k = 0; k < n; k++) {
        try {
          values[k] = fields[k]!.load(cx, p + offsets[k]!);
        } catch (e) {
          within(e, segs[k]!);
        }
      }
      return make(values);
    },
    store: (cx, s, o, v) => {
      for (let k = 0; k < n; k++) {
        try {
          fields[k]!.store(cx, s, o + offsets[k]!, get(v, k));
        } catch (e) {
          within(e, segs[k]!);
        }
      }
    },
    liftFlat: (cx, vals, i) => {
      const values = new Array<unknown>(n);
      for (let k = 0; k < n; k++) {
        try {
          values[k] = fields[k]!.liftFlat(cx, vals, i);
        } catch (e) {
          within(e, segs[k]!);
        }
        i += fields[k]!.flat.length;
      }
      return make(values);
    },
    lowerFlat: (cx, v, out) => {
      for (let k = 0; k < n; k++) {
        try {
          fields[k]!.lowerFlat(cx, get(v, k), out);
        } catch (e) {
          within(e, segs[k]!);
        }
      }
    },
  };
}

// --- flags

function flagsCodec(base: Base, name: string, flags: readonly string[]): Codec {
  const keys = flags.map(camelCase);
  const index = new Map(keys.map((k, i) => [k, i]));
  const words = flagsWords(flags.length);
  const size = base.size;
  const toJs = (w: ArrayLike<number>): unknown => {
    // Stricter than the spec (which ignores them): bits beyond the last flag trap, as they can
    // only come from a guest built against another version of the type, or from garbage.
    const rest = flags.length % 32;
    const extra = rest === 0 ? 0 : (w[words - 1]! >>> rest);
    if (extra !== 0) guestFault(`flags ${name}: unknown bits ${hex(extra << rest >>> 0)} (${flags.length} flags)`);
    const o: Record<string, boolean> = {};
    for (let i = 0; i < keys.length; i++) o[keys[i]!] = ((w[i >> 5]! >>> (i & 31)) & 1) === 1;
    return o;
  };
  const fromJs = (v: unknown): number[] => {
    if (typeof v !== 'object' || v === null) hostFault(`expected an object of booleans for flags ${name}, got ${show(v)}`);
    const w = new Array<number>(words).fill(0);
    for (const k in v) {
      const i = index.get(k);
      if (i === undefined) hostFault(`flags ${name} has no flag "${k}" (flags: ${keys.join(', ')})`);
      const b = (v as Record<string, unknown>)[k];
      if (b === true) w[i >> 5] = (w[i >> 5]! | (1 << (i & 31))) >>> 0;
      else if (b !== false && b !== undefined) hostFault(`flag "${k}" of flags ${name} must be a boolean, got ${show(b)}`);
    }
    return w;
  };
  return {
    ...base,
    load: (cx, p) => {
      const dv = cx.mem.dv;
      if (size === 1) return toJs([dv.getUint8(p)]);
      if (size === 2) return toJs([dv.getUint16(p, true)]);
      const w = new Array<number>(words);
      for (let i = 0; i < words; i++) w[i] = dv.getUint32(p + 4 * i, true);
      return toJs(w);
    },
    store: (_cx, s, o, v) => {
      const w = fromJs(v);
      if (size === 1) s.dv.setUint8(o, w[0]!);
      else if (size === 2) s.dv.setUint16(o, w[0]!, true);
      else for (let i = 0; i < words; i++) s.dv.setUint32(o + 4 * i, w[i]!, true);
    },
    liftFlat: (_cx, vals, i) => {
      const w = new Array<number>(words);
      for (let k = 0; k < words; k++) w[k] = (vals[i + k] as number) >>> 0;
      return toJs(w);
    },
    lowerFlat: (_cx, v, out) => {
      for (const x of fromJs(v)) out.push(x | 0);
    },
  };
}

// --- variants, enums, options, results

const scratch = new DataView(new ArrayBuffer(8));

/** Converts a flat value of core type `from` (as lowered for one case) to the joined type `to`. */
function widen(from: CoreType, to: CoreType): ((x: unknown) => unknown) | null {
  if (from === to) return null;
  if (from === 'i32' && to === 'i64') return (x) => BigInt((x as number) >>> 0);
  if (from === 'f32' && to === 'i32') return (x) => (scratch.setFloat32(0, x as number, true), scratch.getInt32(0, true));
  if (from === 'f32' && to === 'i64') return (x) => (scratch.setFloat32(0, x as number, true), BigInt(scratch.getUint32(0, true)));
  if (from === 'f64' && to === 'i64') return (x) => (scratch.setFloat64(0, x as number, true), scratch.getBigInt64(0, true));
  throw new Error(`cannot join ${from} into ${to}`);
}

/** The reverse of {@link widen}: reads a case's flat value of type `to` out of a joined slot of type `from`. */
function narrow(from: CoreType, to: CoreType): ((x: unknown) => unknown) | null {
  if (from === to) return null;
  if (from === 'i64' && to === 'i32') return (x) => Number(BigInt.asUintN(32, x as bigint)) | 0;
  if (from === 'i32' && to === 'f32') return (x) => (scratch.setInt32(0, x as number, true), scratch.getFloat32(0, true));
  if (from === 'i64' && to === 'f32') return (x) => (scratch.setUint32(0, Number(BigInt.asUintN(32, x as bigint)), true), scratch.getFloat32(0, true));
  if (from === 'i64' && to === 'f64') return (x) => (scratch.setBigInt64(0, BigInt.asIntN(64, x as bigint), true), scratch.getFloat64(0, true));
  throw new Error(`cannot read ${to} out of ${from}`);
}

const ZERO: Record<CoreType, unknown> = { i32: 0, i64: 0n, f32: 0, f64: 0 };

interface Case {
  readonly codec: Codec | null;
  readonly seg: string;
  readonly widen: (((x: unknown) => unknown) | null)[] | null;
  readonly narrow: (((x: unknown) => unknown) | null)[] | null;
  readonly pad: unknown[];
}

function variantCodec(base: Base, t: Extract<WitType, { kind: 'variant' | 'option' | 'result' | 'enum' }>): Codec {
  const types = caseTypes(t);
  const n = types.length;
  const joined = base.flat.slice(1);
  const names = t.kind === 'variant' ? t.cases.map((c) => c.name) : t.kind === 'enum' ? [...t.cases] : t.kind === 'option' ? ['none', 'some'] : ['ok', 'err'];
  const cases: Case[] = types.map((ct, k) => {
    const codec = ct === null ? null : codecOf(ct);
    const cf = codec?.flat ?? [];
    const w = cf.map((f, j) => widen(f, joined[j]!));
    const nr = cf.map((f, j) => narrow(joined[j]!, f));
    return {
      codec,
      seg: `.${names[k]}`,
      widen: w.some((x) => x !== null) ? w : null,
      narrow: nr.some((x) => x !== null) ? nr : null,
      pad: joined.slice(cf.length).map((j) => ZERO[j]),
    };
  });
  const discSize = discriminantSize(n);
  const payloadOff = payloadOffset(types);
  const badDisc = (d: number): never => {
    switch (t.kind) {
      case 'option':
        return guestFault(`option discriminant ${d} is not 0 (none) or 1 (some)`);
      case 'result':
        return guestFault(`result discriminant ${d} is not 0 (ok) or 1 (err)`);
      default:
        return guestFault(`${t.kind} ${t.name}: discriminant ${d} is out of range (${n} cases)`);
    }
  };

  // JS representation.
  let toJs: (k: number, val: unknown) => unknown;
  let caseOf: (v: unknown) => number;
  let payloadOf: (v: unknown) => unknown;
  const tagged = (v: unknown, what: string): { tag: unknown; val?: unknown } => {
    if (typeof v !== 'object' || v === null || !('tag' in v)) hostFault(`expected { tag, val } for ${what}, got ${show(v)}`);
    return v as { tag: unknown; val?: unknown };
  };
  if (t.kind === 'enum') {
    const index = new Map(names.map((c, k) => [c, k]));
    toJs = (k) => names[k];
    caseOf = (v) => index.get(v as string) ?? hostFault(`expected one of ${names.map((c) => JSON.stringify(c)).join(', ')} for enum ${t.name}, got ${show(v)}`);
    payloadOf = () => undefined;
  } else if (t.kind === 'option' && t.some.kind !== 'option') {
    toJs = (k, val) => (k === 0 ? undefined : val);
    caseOf = (v) => (v === undefined || v === null ? 0 : 1);
    payloadOf = (v) => v;
  } else {
    const what = typeName(t);
    const index = new Map(names.map((c, k) => [c, k]));
    toJs = (k, val) => ({ tag: names[k], val });
    if (t.kind === 'option') toJs = (k, val) => (k === 0 ? { tag: 'none' } : { tag: 'some', val });
    caseOf = (v) => {
      const tag = tagged(v, what).tag;
      const k = index.get(tag as string);
      if (k === undefined) hostFault(`${what} has no case ${show(tag)} (cases: ${names.join(', ')})`);
      return k;
    };
    payloadOf = (v) => (v as { val?: unknown }).val;
  }

  const readDisc = discSize === 1 ? (dv: DataView, p: number) => dv.getUint8(p) : discSize === 2 ? (dv: DataView, p: number) => dv.getUint16(p, true) : (dv: DataView, p: number) => dv.getUint32(p, true);
  const writeDisc = discSize === 1 ? (dv: DataView, p: number, d: number) => dv.setUint8(p, d) : discSize === 2 ? (dv: DataView, p: number, d: number) => dv.setUint16(p, d, true) : (dv: DataView, p: number, d: number) => dv.setUint32(p, d, true);

  return {
    ...base,
    load: (cx, p) => {
      const d = readDisc(cx.mem.dv, p);
      if (d >= n) badDisc(d);
      const c = cases[d]!;
      if (c.codec === null) return toJs(d, undefined);
      let val: unknown;
      try {
        val = c.codec.load(cx, p + payloadOff);
      } catch (e) {
        within(e, c.seg);
      }
      return toJs(d, val);
    },
    store: (cx, s, o, v) => {
      const d = caseOf(v);
      const c = cases[d]!;
      writeDisc(s.dv, o, d);
      if (c.codec === null) return;
      try {
        c.codec.store(cx, s, o + payloadOff, payloadOf(v));
      } catch (e) {
        within(e, c.seg);
      }
    },
    liftFlat: (cx, vals, i) => {
      const d = (vals[i] as number) >>> 0;
      if (d >= n) badDisc(d);
      const c = cases[d]!;
      if (c.codec === null) return toJs(d, undefined);
      let val: unknown;
      try {
        if (c.narrow === null) val = c.codec.liftFlat(cx, vals, i + 1);
        else {
          const tmp = c.narrow.map((f, j) => (f === null ? vals[i + 1 + j] : f(vals[i + 1 + j])));
          val = c.codec.liftFlat(cx, tmp, 0);
        }
      } catch (e) {
        within(e, c.seg);
      }
      return toJs(d, val);
    },
    lowerFlat: (cx, v, out) => {
      const d = caseOf(v);
      const c = cases[d]!;
      out.push(d);
      if (c.codec !== null) {
        const start = out.length;
        try {
          c.codec.lowerFlat(cx, payloadOf(v), out);
        } catch (e) {
          within(e, c.seg);
        }
        if (c.widen !== null) {
          for (let j = 0; j < c.widen.length; j++) {
            const f = c.widen[j];
            if (f) out[start + j] = f(out[start + j]);
          }
        }
      }
      for (const z of c.pad) out.push(z);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Function plans

/** How a function's parameters or results travel: flat core values, or through memory. */
interface Shape {
  readonly codecs: readonly Codec[];
  readonly names: readonly string[];
  readonly flat: readonly CoreType[];
  /** Laid out as a tuple in memory (more flat values than the limit). */
  readonly spilled: boolean;
  readonly offsets: readonly number[];
  readonly size: number;
  readonly align: number;
}

function shapeOf(types: readonly WitType[], names: readonly string[], max: number): Shape {
  const codecs = types.map(codecOf);
  const flat = codecs.flatMap((c) => c.flat);
  const offsets = fieldOffsets(types);
  let size = 0;
  let align = 1;
  for (let k = 0; k < codecs.length; k++) {
    size = offsets[k]! + codecs[k]!.size;
    align = Math.max(align, codecs[k]!.align);
  }
  return { codecs, names, flat, spilled: flat.length > max, offsets, size: alignTo(size, align), align };
}

/** Checks that `[p, p+size)` lies in memory and `p` is aligned, for a return area or a spilled tuple. */
function checkArea(cx: CallContext, p: number, size: number, align: number, what: string): void {
  if (p % align !== 0) guestFault(`${what} ${hex(p)} is not ${align}-byte aligned`);
  if (p + size > cx.mem.u8.length) guestFault(`${what} ${hex(p)} (${size} bytes) is outside memory (${cx.mem.u8.length} bytes)`);
}

/** Turns an {@link AbiError} from a guest value into the call's Trap; passes anything else through. */
function guestTrap(label: string, where: string, e: unknown): unknown {
  if (e instanceof AbiError && e.byGuest) return new Trap(`${label}: ${where}${e.path()}: ${e.message}`);
  return e;
}

/** The WIT names of a function's parameters (for messages: `argument key`). */
function paramNames(fn: FunctionDef): string[] {
  return fn.params.map((p) => p.name);
}

/** What both plans derive from a WIT function once: the parameters' shape and the result's codec. */
abstract class Plan {
  protected readonly params: Shape;
  protected readonly result: Codec | null;
  /** True when the result does not fit in one flat value and goes through a return area. */
  protected readonly retptr: boolean;

  constructor(
    /** The WIT function. */
    readonly fn: FunctionDef,
    /** The name used in messages. */
    readonly label: string,
  ) {
    this.params = shapeOf(fn.params.map((p) => p.type), paramNames(fn), MAX_FLAT_PARAMS);
    this.result = fn.result === null ? null : codecOf(fn.result);
    this.retptr = (this.result?.flat.length ?? 0) > MAX_FLAT_RESULTS;
  }
}

/**
 * The import side (the guest calls, the host implements): lifts the core arguments the guest
 * passed into JS values and lowers the implementation's result into the guest. Built once per
 * function at link time.
 */
export class ImportPlan extends Plan {
  /** The core parameter types of the import (including the spill pointer and return pointer). */
  readonly coreParams: readonly CoreType[];
  /** The core result types (none, or one). */
  readonly coreResults: readonly CoreType[];
  readonly #retIndex: number;

  /** `label` is `module#name` of the import. */
  constructor(fn: FunctionDef, label: string) {
    super(fn, label);
    const params: CoreType[] = this.params.spilled ? ['i32'] : [...this.params.flat];
    this.#retIndex = params.length;
    if (this.retptr) params.push('i32');
    this.coreParams = params;
    this.coreResults = this.retptr ? [] : (this.result?.flat ?? []);
  }

  /** Lifts the guest's core arguments into the JS arguments of the implementation. Traps on a bad value. */
  liftArgs(cx: CallContext, core: Flat): unknown[] {
    const shape = this.params;
    const n = shape.codecs.length;
    const out = new Array<unknown>(n);
    let k = n;
    try {
      if (shape.spilled) {
        const p = (core[0] as number) >>> 0;
        checkArea(cx, p, shape.size, shape.align, 'the parameter area at');
        for (k = 0; k < n; k++) out[k] = shape.codecs[k]!.load(cx, p + shape.offsets[k]!);
      } else {
        let i = 0;
        for (k = 0; k < n; k++) {
          const c = shape.codecs[k]!;
          out[k] = c.liftFlat(cx, core, i);
          i += c.flat.length;
        }
      }
    } catch (e) {
      throw guestTrap(this.label, k < n ? `argument ${shape.names[k]}` : 'arguments', e);
    }
    // The return pointer is checked before the implementation runs (memory only grows, so it
    // stays valid): a call that is bound to trap should not have side effects first.
    if (this.retptr) {
      const c = this.result!;
      try {
        checkArea(cx, (core[this.#retIndex] as number) >>> 0, c.size, c.align, 'the return pointer');
      } catch (e) {
        throw guestTrap(this.label, 'result', e);
      }
    }
    return out;
  }

  /**
   * Lowers the implementation's result: into the return area the guest passed (returns
   * undefined) or as the one flat core result. A bad host value is a host bug: a Trap whose
   * cause is a TypeError; a bad return pointer (or allocation) is the guest's: a Trap.
   */
  lowerResult(cx: CallContext, value: unknown, core: Flat): unknown {
    const c = this.result;
    if (c === null) return undefined;
    try {
      if (this.retptr) {
        const p = (core[this.#retIndex] as number) >>> 0;
        checkArea(cx, p, c.size, c.align, 'the return pointer');
        c.store(cx, cx.mem, p, value);
        return undefined;
      }
      const out: unknown[] = [];
      c.lowerFlat(cx, value, out);
      return out[0];
    } catch (e) {
      if (e instanceof AbiError && !e.byGuest) {
        const cause = new TypeError(`${this.label}: the implementation returned an invalid result${e.path() === '' ? '' : ` (at ${e.path()})`}: ${e.message}`);
        throw new Trap(cause.message, { cause });
      }
      throw guestTrap(this.label, 'result', e);
    }
  }
}

/**
 * The export side (the host calls, the guest implements): lowers the JS arguments into the
 * guest and lifts the guest's result. Built once per function at link time.
 */
export class ExportPlan extends Plan {
  /** The core parameter types of the export (one i32 when the parameters are spilled). */
  readonly coreParams: readonly CoreType[];
  /** The core result types (one i32 pointing at the return area when they are spilled). */
  readonly coreResults: readonly CoreType[];

  /** `label` is the core export name. */
  constructor(fn: FunctionDef, label: string) {
    super(fn, label);
    this.coreParams = this.params.spilled ? ['i32'] : [...this.params.flat];
    this.coreResults = this.retptr ? ['i32'] : (this.result?.flat ?? []);
  }

  /** Number of JS arguments. */
  get arity(): number {
    return this.params.codecs.length;
  }

  /**
   * Lowers the host's JS arguments into core arguments for the guest. A bad host value throws a
   * TypeError; a guest failure on the way (its cabi_realloc returning garbage) a Trap.
   */
  lowerArgs(cx: CallContext, args: readonly unknown[]): unknown[] {
    const shape = this.params;
    const n = shape.codecs.length;
    if (args.length !== n) throw new TypeError(`${this.label} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
    let k = n;
    try {
      if (shape.spilled) {
        const host = cx.host;
        if (host.hasRealloc) {
          const p = host.alloc(cx, shape.align, shape.size);
          for (k = 0; k < n; k++) shape.codecs[k]!.store(cx, cx.mem, p + shape.offsets[k]!, args[k]);
          return [p];
        }
        const sink = bufferSink(shape.size);
        for (k = 0; k < n; k++) shape.codecs[k]!.store(cx, sink, shape.offsets[k]!, args[k]);
        k = n;
        return [host.addBuffer(cx, sink.u8)];
      }
      const out: unknown[] = [];
      for (k = 0; k < n; k++) shape.codecs[k]!.lowerFlat(cx, args[k], out);
      return out;
    } catch (e) {
      const where = k < n ? `argument ${shape.names[k]}` : 'arguments';
      if (e instanceof AbiError && !e.byGuest) throw new TypeError(`${this.label}: ${where}${e.path()}: ${e.message}`);
      throw guestTrap(this.label, where, e);
    }
  }

  /** Lifts the guest's core result (a value, or a pointer to its return area). Traps on a bad value. */
  liftResult(cx: CallContext, ret: unknown): unknown {
    const c = this.result;
    if (c === null) return undefined;
    try {
      if (this.retptr) {
        const p = (ret as number) >>> 0;
        checkArea(cx, p, c.size, c.align, 'the return area at');
        return c.load(cx, p);
      }
      return c.liftFlat(cx, [ret], 0);
    } catch (e) {
      throw guestTrap(this.label, 'result', e);
    }
  }
}
