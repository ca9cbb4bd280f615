// Owns: the buffers of the no-cabi_realloc convention: bytes kept host-side for a guest that has no
// allocator, numbered from 1, at most MAX_BUFFERS live per instance, and the `warden:abi/buffers`
// import module (size, take, drop) through which the guest copies them into its own memory.
// Must not: write guest memory the guest did not hand over, or grow it.
//
// Buffers are a small map of their own, not slots of the capability table: they are data in transit,
// not capabilities (a list of 1000 strings makes 1001 of them, which must not count against the
// guest's open-file limit), the guest must not be able to fd_close or fd_read them through preview1,
// and a typed array in a free-list array is cheaper per call than a table slot with reference counts.
import { Trap } from '../errors.js';
import { guestFault, hex, type LinearMemory } from '../wit/abi.js';

/** Most buffers one instance may hold at once (more: the call that would create one traps). */
export const MAX_BUFFERS = 1024;

/** The import module name of the buffer functions. */
export const BUFFERS_MODULE = 'warden:abi/buffers';

/** The live buffers of one guest instance, by handle (1, 2, ...; a freed handle is reused). */
export class BufferTable {
  #slots: (Uint8Array | undefined)[] = [undefined];
  #free: number[] = [];
  #live = 0;

  /** Number of live buffers. */
  get live(): number {
    return this.#live;
  }

  /** Keeps `bytes` (not copied: the caller gives them up) and returns the new handle. Guest fault when full. */
  add(bytes: Uint8Array): number {
    if (this.#live >= MAX_BUFFERS) {
      guestFault(`the guest holds ${MAX_BUFFERS} buffers, the most an instance may have: it must take or drop them (${BUFFERS_MODULE}) before receiving more`);
    }
    const h = this.#free.pop() ?? this.#slots.length;
    this.#slots[h] = bytes;
    this.#live++;
    return h;
  }

  /** The bytes of a live buffer, or undefined. */
  get(h: number): Uint8Array | undefined {
    return h === 0 ? undefined : this.#slots[h];
  }

  /** Frees a buffer; does nothing for a handle that is not live. */
  drop(h: number): void {
    if (h === 0 || this.#slots[h] === undefined) return;
    this.#slots[h] = undefined;
    this.#free.push(h);
    this.#live--;
  }

  /** Frees every buffer (the instance ended). */
  clear(): void {
    this.#slots = [undefined];
    this.#free = [];
    this.#live = 0;
  }
}

/**
 * The `warden:abi/buffers` functions for one instance:
 * `size(h) -> i32` (-1 if not live), `take(h, dst, cap) -> i32` (copies and frees; -1 if not live
 * or `cap` is too small; traps if `[dst, dst+cap)` is outside memory), `drop(h)`.
 */
export function bufferImports(buffers: BufferTable, mem: LinearMemory): Record<string, (...a: number[]) => number | void> {
  return {
    size(h: number): number {
      const b = buffers.get(h >>> 0);
      return b === undefined ? -1 : b.length;
    },
    take(h: number, dst: number, cap: number): number {
      dst >>>= 0;
      cap >>>= 0;
      mem.refresh();
      const len = mem.u8.length;
      if (dst + cap > len) throw new Trap(`${BUFFERS_MODULE}#take: destination ${hex(dst)} (${cap} bytes) is outside memory (${len} bytes)`);
      const b = buffers.get(h >>> 0);
      if (b === undefined || cap < b.length) return -1;
      mem.u8.set(b, dst);
      buffers.drop(h >>> 0);
      return b.length;
    },
    drop(h: number): void {
      buffers.drop(h >>> 0);
    },
  };
}
