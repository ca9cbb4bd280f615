// Test helpers: a Wasi instance bound to a real WebAssembly.Memory, whose imports are called
// directly the way a guest would call them, with values written into that memory.
import { Wasi, type WasiOptions } from '../../src/index.js';

// (module (memory (export "memory") 1))
const MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0]);

export interface Raw {
  wasi: Wasi;
  call: Record<string, (...a: (number | bigint)[]) => number>;
  memory: WebAssembly.Memory;
  u8: () => Uint8Array;
  view: () => DataView;
  /** Writes bytes (or UTF-8 text) at `ptr`; returns its length. */
  put: (ptr: number, data: string | Uint8Array) => number;
  /** Writes an iovec array at `ptr` for (buf, len) pairs. */
  iovecs: (ptr: number, vecs: [number, number][]) => void;
  text: (ptr: number, len: number) => string;
}

export function raw(options: WasiOptions = {}): Raw {
  const wasi = new Wasi(options);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(MODULE), {});
  wasi.initialize(instance);
  const memory = instance.exports['memory'] as WebAssembly.Memory;
  const u8 = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  return {
    wasi,
    call: wasi.wasiImport as unknown as Record<string, (...a: (number | bigint)[]) => number>,
    memory,
    u8,
    view,
    put(ptr, data) {
      const b = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      u8().set(b, ptr);
      return b.length;
    },
    iovecs(ptr, vecs) {
      vecs.forEach(([buf, len], i) => {
        view().setUint32(ptr + i * 8, buf, true);
        view().setUint32(ptr + i * 8 + 4, len, true);
      });
    },
    text(ptr, len) {
      return new TextDecoder().decode(u8().slice(ptr, ptr + len));
    },
  };
}

/** errno values used in the tests (witx). */
export const E = { success: 0, badf: 8, exist: 20, fault: 21, ilseq: 25, inval: 28, isdir: 31, loop: 32, mfile: 33, nametoolong: 37, noent: 44, notdir: 54, notsock: 57, perm: 63, spipe: 70, notcapable: 76 } as const;
