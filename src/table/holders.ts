// Owns: the holders of a resource shared by several threads: a bit mask in one Int32 slot of a
// SharedArrayBuffer, each holder one bit, so that whoever clears the last bit knows it was last.
// Must not: know what is held (pipe ends, open files); callers close it when the last bit goes.

/** Up to 31 threads (or objects) may hold one shared resource at once. */
export const MAX_HOLDERS = 31;

/** Takes a free holder bit in `i32[slot]`; throws a RangeError naming `what` if all are taken. */
export function addHolder(i32: Int32Array, slot: number, what = 'a shared resource'): number {
  for (;;) {
    const mask = Atomics.load(i32, slot);
    let bit = 0;
    while (bit < MAX_HOLDERS && (mask & (1 << bit)) !== 0) bit++;
    if (bit === MAX_HOLDERS) throw new RangeError(`${what} can have at most ${MAX_HOLDERS} holders`);
    if (Atomics.compareExchange(i32, slot, mask, mask | (1 << bit)) === mask) return bit;
  }
}

/** Clears holder `bit` in `i32[slot]` (idempotent); returns true when no holder is left. */
export function dropHolder(i32: Int32Array, slot: number, bit: number): boolean {
  for (;;) {
    const mask = Atomics.load(i32, slot);
    const next = mask & ~(1 << bit);
    if (Atomics.compareExchange(i32, slot, mask, next) === mask) return next === 0;
  }
}

