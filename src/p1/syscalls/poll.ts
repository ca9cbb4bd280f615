// Owns: poll_oneoff: clock subscriptions (relative and absolute, several at once) and fd
// readiness for handles that are always ready in the synchronous core.
// Must not: busy-wait when a platform sleep exists (the context's Clocks.sleep blocks).
import { FsError, fail } from '../../errors.js';
import { DirDescription, FileDescription } from '../../fs/descriptor.js';
import { StreamHandle } from '../../io/stream.js';
import type { P1Context } from '../context.js';
import { Errno, errnoOf } from '../errno.js';
import { EventType, Rights, SUBSCRIPTION_CLOCK_ABSTIME, Size } from '../layout.js';
import { readClock } from './clock.js';

interface Ready {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

export function poll_oneoff(ctx: P1Context, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
  const mem = ctx.mem;
  const n = nsubs >>> 0;
  const inp = inPtr >>> 0;
  const outp = outPtr >>> 0;
  // wasmtime: zero subscriptions would block forever, so it is `inval`.
  if (n === 0) fail('invalid', 'poll_oneoff with no subscriptions');
  mem.check(inp, n * Size.SUBSCRIPTION, 8);
  mem.check(outp, n * Size.EVENT, 8);
  mem.check(neventsPtr >>> 0, 4, 4);

  const now = ctx.clocks.monotonic();
  const ready: Ready[] = [];
  const timers: { userdata: bigint; deadline: bigint }[] = [];
  const v = mem.view;
  for (let i = 0; i < n; i++) {
    const s = inp + i * Size.SUBSCRIPTION;
    const userdata = v.getBigUint64(s, true);
    const tag = v.getUint8(s + 8);
    if (tag === EventType.CLOCK) {
      const id = v.getUint32(s + 16, true);
      const timeout = v.getBigUint64(s + 24, true);
      const flags = v.getUint16(s + 40, true);
      if ((flags & ~SUBSCRIPTION_CLOCK_ABSTIME) !== 0) fail('invalid', 'unknown subclockflags bits');
      let wait = timeout;
      if ((flags & SUBSCRIPTION_CLOCK_ABSTIME) !== 0) {
        const current = readClock(ctx, id);
        wait = timeout > current ? timeout - current : 0n;
      } else {
        readClock(ctx, id); // validates the clock id
      }
      timers.push({ userdata, deadline: now + wait });
    } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
      const fd = v.getUint32(s + 16, true);
      ready.push(fdEvent(ctx, userdata, tag, fd));
    } else {
      fail('invalid', `unknown event type ${tag}`);
    }
  }

  if (ready.length === 0 && timers.length > 0) {
    let earliest = timers[0]!.deadline;
    for (const t of timers) if (t.deadline < earliest) earliest = t.deadline;
    const remaining = earliest - ctx.clocks.monotonic();
    if (remaining > 0n) ctx.clocks.sleep(remaining);
  }
  if (timers.length > 0) {
    const after = ctx.clocks.monotonic();
    for (const t of timers) {
      if (t.deadline <= after) ready.push({ userdata: t.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
    }
  }
  if (ready.length === 0) fail('unsupported', 'poll_oneoff would wait forever: nothing can become ready in synchronous mode');

  for (let i = 0; i < ready.length; i++) {
    const e = ready[i]!;
    const o = outp + i * Size.EVENT;
    v.setBigUint64(o, e.userdata, true);
    v.setUint16(o + 8, e.error, true);
    v.setUint8(o + 10, e.type);
    for (let k = 11; k < 16; k++) v.setUint8(o + k, 0);
    v.setBigUint64(o + 16, e.nbytes, true);
    v.setUint16(o + 24, e.flags, true);
    for (let k = 26; k < 32; k++) v.setUint8(o + k, 0);
  }
  mem.setU32(neventsPtr >>> 0, ready.length);
  return Errno.success;
}

/** The event for an fd subscription: errors are reported in the event, not by the call. */
function fdEvent(ctx: P1Context, userdata: bigint, type: number, fd: number): Ready {
  const ev: Ready = { userdata, error: 0, type, nbytes: 0n, flags: 0 };
  const slot = ctx.fds.slot(fd);
  if (slot === undefined) {
    ev.error = Errno.badf;
    return ev;
  }
  if ((slot.meta.base & Rights.POLL_FD_READWRITE) === 0) {
    ev.error = Errno.notcapable;
    return ev;
  }
  const r = slot.resource;
  try {
    if (r instanceof FileDescription) {
      // Regular files are always ready; for reads, nbytes is what is left to read.
      if (type === EventType.FD_READ) {
        const left = r.io.size() - r.position;
        ev.nbytes = left > 0n ? left : 0n;
      }
    } else if (r instanceof StreamHandle) {
      const ok = type === EventType.FD_READ ? r.readable : r.writable;
      if (!ok) ev.error = Errno.badf;
    } else if (r instanceof DirDescription) {
      ev.error = Errno.badf;
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ev.error = errnoOf[e.errorCode];
  }
  return ev;
}
