// Owns: poll_oneoff: clock subscriptions (relative and absolute, several at once) and fd
// readiness of every kind of handle (files always ready; streams and pipes as they are).
// Must not: busy-wait: it sleeps on the clock (Clocks.sleep) or waits on a handle (waitReady).
import { FsError, fail } from '../../errors.js';
import { DirDescription, FileDescription } from '../../fs/descriptor.js';
import { StreamHandle } from '../../io/stream.js';
import type { P1Context } from '../context.js';
import { Errno, errnoOf } from '../errno.js';
import { EVENT_FD_READWRITE_HANGUP, EventType, Rights, SUBSCRIPTION_CLOCK_ABSTIME, Size } from '../layout.js';
import { readClock } from './clock.js';

interface Ready {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

/** A parsed poll_oneoff call: what to watch and where to write the events. */
interface Poll {
  timers: { userdata: bigint; deadline: bigint }[];
  fdSubs: { userdata: bigint; type: number; fd: number }[];
  earliest: bigint | undefined;
  outp: number;
  neventsPtr: number;
}

/** One look at every subscription: the ready events, or what to wait on and for how long. */
interface Turn {
  ready: Ready[];
  waiting: { stream: StreamHandle; kind: 'read' | 'write' }[];
  /** Nanoseconds to the earliest clock deadline, or undefined for none. */
  remainingNs: bigint | undefined;
}

function parse(ctx: P1Context, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): Poll {
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
  const timers: Poll['timers'] = [];
  const fdSubs: Poll['fdSubs'] = [];
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
      fdSubs.push({ userdata, type: tag, fd: v.getUint32(s + 16, true) });
    } else {
      fail('invalid', `unknown event type ${tag}`);
    }
  }
  let earliest: bigint | undefined;
  for (const t of timers) if (earliest === undefined || t.deadline < earliest) earliest = t.deadline;
  return { timers, fdSubs, earliest, outp, neventsPtr: neventsPtr >>> 0 };
}

/** Every ready fd subscription, then every expired clock. */
function look(ctx: P1Context, p: Poll): Turn {
  const ready: Ready[] = [];
  const waiting: Turn['waiting'] = [];
  for (const sub of p.fdSubs) {
    const ev = fdEvent(ctx, sub.userdata, sub.type, sub.fd);
    if (ev instanceof StreamHandle) waiting.push({ stream: ev, kind: sub.type === EventType.FD_READ ? 'read' : 'write' });
    else ready.push(ev);
  }
  const t = ctx.clocks.monotonic();
  for (const timer of p.timers) {
    if (timer.deadline <= t) ready.push({ userdata: timer.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
  }
  if (ready.length === 0 && waiting.length === 0 && p.earliest === undefined) {
    fail('unsupported', 'poll_oneoff would wait forever: nothing can become ready');
  }
  return { ready, waiting, remainingNs: p.earliest === undefined ? undefined : p.earliest - t };
}

function writeEvents(ctx: P1Context, p: Poll, ready: Ready[]): number {
  const v = ctx.mem.view;
  for (let i = 0; i < ready.length; i++) {
    const e = ready[i]!;
    const o = p.outp + i * Size.EVENT;
    v.setBigUint64(o, e.userdata, true);
    v.setUint16(o + 8, e.error, true);
    v.setUint8(o + 10, e.type);
    for (let k = 11; k < 16; k++) v.setUint8(o + k, 0);
    v.setBigUint64(o + 16, e.nbytes, true);
    v.setUint16(o + 24, e.flags, true);
    for (let k = 26; k < 32; k++) v.setUint8(o + k, 0);
  }
  ctx.mem.setU32(p.neventsPtr, ready.length);
  return Errno.success;
}

export function poll_oneoff(ctx: P1Context, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): number {
  const p = parse(ctx, inPtr, outPtr, nsubs, neventsPtr);
  for (let turn = 0; ; turn++) {
    const { ready, waiting, remainingNs } = look(ctx, p);
    if (ready.length > 0) return writeEvents(ctx, p, ready);
    if (waiting.length === 0) {
      ctx.clocks.sleep(remainingNs!);
      continue;
    }
    // Wait on one not-ready handle at a time; with several, in turns of at most 10 ms, so that
    // a change on any of them is seen within that time. No CPU is used while waiting.
    const remainingMs = remainingNs === undefined ? Infinity : Number(remainingNs) / 1e6;
    const w = waiting[turn % waiting.length]!;
    w.stream.waitReady(w.kind, waiting.length === 1 ? remainingMs : Math.min(remainingMs, 10));
  }
}

/**
 * poll_oneoff for a guest that can be suspended (JSPI): the same subscriptions and events, but
 * it awaits the first of the handles' `whenReady` and the earliest deadline instead of blocking
 * the thread. Everything is parsed and checked before the first await.
 */
export async function poll_oneoff_async(ctx: P1Context, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): Promise<number> {
  const p = parse(ctx, inPtr, outPtr, nsubs, neventsPtr);
  for (;;) {
    const { ready, waiting, remainingNs } = look(ctx, p);
    if (ready.length > 0) return writeEvents(ctx, p, ready);
    const waits: Promise<unknown>[] = waiting.map((w) => w.stream.whenReady(w.kind));
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (remainingNs !== undefined) {
      const ms = Math.max(0, Math.ceil(Number(remainingNs) / 1e6));
      waits.push(new Promise((resolve) => (timer = setTimeout(resolve, ms))));
    }
    try {
      await Promise.race(waits);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

/**
 * The event for an fd subscription if it is ready (errors are reported in the
 * event, not by the call), or the stream to wait on if it is not.
 */
function fdEvent(ctx: P1Context, userdata: bigint, type: number, fd: number): Ready | StreamHandle {
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
        ev.nbytes = r.remaining();
      }
    } else if (r instanceof StreamHandle) {
      const reading = type === EventType.FD_READ;
      if (!(reading ? r.readable : r.writable)) {
        ev.error = Errno.badf;
        return ev;
      }
      if (!(reading ? r.readReady() : r.writeReady())) return r;
      if (reading) ev.nbytes = BigInt(r.readableBytes());
      if (r.hungUp()) ev.flags = EVENT_FD_READWRITE_HANGUP;
    } else if (r instanceof DirDescription) {
      ev.error = Errno.badf;
    }
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    ev.error = errnoOf[e.errorCode];
  }
  return ev;
}
