// Owns: bounds- and alignment-checked access to a guest's linear memory.
// Must not: trust any pointer or length from the guest; every access goes through a check.
import { fail } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/**
 * A view of a guest's memory that re-reads the buffer after `memory.grow`.
 * Pointers and lengths are u32 (callers pass `x >>> 0`). An access outside the
 * memory fails with `fault`; a misaligned typed access with `invalid` (as
 * wasmtime's wiggle does).
 */
export class GuestMemory {
  #buffer: ArrayBuffer | SharedArrayBuffer;
  #u8: Uint8Array;
  #view: DataView;

  constructor(readonly memory: WebAssembly.Memory) {
    this.#buffer = memory.buffer;
    this.#u8 = new Uint8Array(this.#buffer);
    this.#view = new DataView(this.#buffer);
  }

  #refresh(): void {
    if (this.#buffer !== this.memory.buffer || this.#u8.byteLength !== this.memory.buffer.byteLength) {
      this.#buffer = this.memory.buffer;
      this.#u8 = new Uint8Array(this.#buffer);
      this.#view = new DataView(this.#buffer);
    }
  }

  /**
   * Fails with `fault` unless `[ptr, ptr+len)` lies inside memory; with
   * `invalid` unless `ptr` is aligned. The views are re-taken only when a
   * range seems out of bounds: after `memory.grow` the old buffer is detached
   * (length 0) or, for shared memory, shorter, so a stale view can only err on
   * the side of a re-check.
   */
  check(ptr: number, len: number, align = 1): void {
    // A detached view (after memory.grow) has length 0: re-take it even for an empty range.
    if (ptr + len > this.#u8.byteLength || this.#u8.byteLength === 0) {
      this.#refresh();
      if (ptr + len > this.#u8.byteLength) fail('fault', `guest range ${ptr}+${len} is outside memory (${this.#u8.byteLength} bytes)`);
    }
    if ((ptr & (align - 1)) !== 0) fail('invalid', `guest pointer ${ptr} is not ${align}-byte aligned`);
  }

  /** A live view of `[ptr, ptr+len)` (checked). Do not keep it across a call that may grow memory. */
  bytes(ptr: number, len: number): Uint8Array {
    this.check(ptr, len);
    return this.#u8.subarray(ptr, ptr + len);
  }

  u8(ptr: number): number {
    this.check(ptr, 1);
    return this.#u8[ptr]!;
  }
  u16(ptr: number): number {
    this.check(ptr, 2, 2);
    return this.#view.getUint16(ptr, true);
  }
  u32(ptr: number): number {
    this.check(ptr, 4, 4);
    return this.#view.getUint32(ptr, true);
  }
  u64(ptr: number): bigint {
    this.check(ptr, 8, 8);
    return this.#view.getBigUint64(ptr, true);
  }
  setU8(ptr: number, v: number): void {
    this.check(ptr, 1);
    this.#u8[ptr] = v;
  }
  setU16(ptr: number, v: number): void {
    this.check(ptr, 2, 2);
    this.#view.setUint16(ptr, v, true);
  }
  setU32(ptr: number, v: number): void {
    this.check(ptr, 4, 4);
    this.#view.setUint32(ptr, v, true);
  }
  setU64(ptr: number, v: bigint): void {
    this.check(ptr, 8, 8);
    this.#view.setBigUint64(ptr, v, true);
  }

  /** The unchecked DataView, for filling a struct whose whole range was checked first. */
  get view(): DataView {
    if (this.#view.byteLength === 0) this.#refresh();
    return this.#view;
  }

  /** Decodes a UTF-8 string; invalid UTF-8 fails with `illegal-byte-sequence`. */
  string(ptr: number, len: number): string {
    const bytes = this.bytes(ptr, len);
    // Short ASCII strings (most paths) are decoded without TextDecoder, which costs more to call.
    if (len <= 64) {
      let ascii = true;
      for (let i = 0; i < len; i++) {
        if (bytes[i]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
    try {
      // A copy first: TextDecoder rejects views of a SharedArrayBuffer.
      return decoder.decode(this.#buffer instanceof ArrayBuffer ? bytes : bytes.slice());
    } catch {
      return fail('illegal-byte-sequence', 'path is not valid UTF-8');
    }
  }

  /** Copies `data` into guest memory at `ptr` (checked). */
  writeBytes(ptr: number, data: Uint8Array): void {
    this.check(ptr, data.length);
    this.#u8.set(data, ptr);
  }
}

/** UTF-8 encoding of `s`. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
