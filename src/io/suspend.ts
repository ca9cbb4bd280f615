// Owns: how a wait inside a synchronous guest call becomes a suspension under JSPI: while a call
// runs in "suspendable" mode, a handle that would block throws `Suspend` carrying a promise of
// the moment to retry, instead of blocking the thread.
// Must not: know about JSPI's API (src/bridge/ does) or retry calls itself.
import { FsError } from '../errors.js';

/**
 * Thrown by a handle that would have to wait, while the current guest call can
 * be suspended (see {@link suspendable}). It is a `would-block` FsError, so
 * code that already stops at `would-block` after moving some bytes (readv,
 * writev) reports the partial count; the bridge awaits `until` and calls the
 * syscall again from the start. A call must not change anything before it
 * throws this (the retry would do it twice).
 */
export class Suspend extends FsError {
  constructor(readonly until: Promise<unknown>) {
    super('would-block', 'the call waits for the host (suspending the guest)');
  }
}

let depth = 0;

/** True while a guest call that may suspend is running in this thread. */
export function canSuspend(): boolean {
  return depth > 0;
}

/**
 * Calls `fn(ctx, ...args)` (a synchronous syscall) with suspension allowed: waits inside it throw
 * {@link Suspend}. Takes the function and its arguments apart so the hot path allocates no closure.
 */
export function suspendable<C, T>(fn: (ctx: C, ...args: unknown[]) => T, ctx: C, args: readonly unknown[]): T {
  depth++;
  try {
    return fn(ctx, ...args);
  } finally {
    depth--;
  }
}
