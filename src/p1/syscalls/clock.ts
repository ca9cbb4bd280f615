// Owns: clock_res_get and clock_time_get.
// Must not: keep time state of its own (the context's Clocks do).
import { fail } from '../../errors.js';
import type { P1Context } from '../context.js';
import { Errno } from '../errno.js';

/** Reads clock `id` (witx `$clockid`: realtime, monotonic, process_cputime_id, thread_cputime_id). */
export function readClock(ctx: P1Context, id: number): bigint {
  const c = ctx.clocks;
  switch (id) {
    case 0:
      return c.realtime();
    case 1:
      return c.monotonic();
    case 2:
      return c.processCputime();
    case 3:
      return c.threadCputime();
    default:
      return fail('invalid', `unknown clock id ${id}`);
  }
}

export function clock_res_get(ctx: P1Context, id: number, out: number): number {
  if (id >>> 0 > 3) fail('invalid', `unknown clock id ${id >>> 0}`);
  ctx.mem.setU64(out >>> 0, ctx.clocks.resolutionNs);
  return Errno.success;
}

export function clock_time_get(ctx: P1Context, id: number, _precision: bigint, out: number): number {
  ctx.mem.setU64(out >>> 0, readClock(ctx, id >>> 0));
  return Errno.success;
}
