// Owns: the sock_* syscalls over socket handles (src/io/socket.ts): accept on a listener, recv,
// send and shutdown on a connected socket. Any other fd is a non-socket, as the spec requires.
// Must not: touch the network (the handles do).
import { FsError, fail } from '../../errors.js';
import { SocketHandle, SocketListener } from '../../io/socket.js';
import type { P1Context } from '../context.js';
import { Errno } from '../errno.js';
import { FdFlags, Rights, SdFlags, Size, STREAM_RIGHTS } from '../layout.js';
import { insert } from './path.js';

const RECV_PEEK = 1;
const RECV_WAITALL = 2;

/** The resource at `fd` if it is a `type`: EBADF for a closed fd, ENOTSOCK for a non-socket. */
function socketAt<T extends SocketHandle | SocketListener>(ctx: P1Context, fd: number, type: abstract new (...a: never[]) => T, rights: number): T {
  const slot = ctx.slot(fd);
  const r = slot.resource;
  if (!(r instanceof SocketHandle || r instanceof SocketListener)) fail('not-socket', `fd ${fd} is not a socket`);
  // A listener where a connection is expected (or the reverse) is ENOTCONN / EINVAL, as POSIX.
  if (!(r instanceof type)) fail(r instanceof SocketListener ? 'not-connected' : 'invalid', `fd ${fd} is the wrong kind of socket`);
  if ((slot.meta.base & rights) !== rights) fail('not-capable', `fd ${fd} lacks the rights for this call`);
  return r;
}

export function sock_accept(ctx: P1Context, fd: number, flags: number, out: number): number {
  const listener = socketAt(ctx, fd, SocketListener, Rights.SOCK_ACCEPT);
  const f = flags & 0xffff;
  if ((f & ~FdFlags.NONBLOCK) !== 0) fail('invalid', 'sock_accept takes only the NONBLOCK flag');
  ctx.mem.check(out >>> 0, 4, 4);
  const socket = listener.accept();
  try {
    socket.nonblocking = (f & FdFlags.NONBLOCK) !== 0;
    const newFd = insert(ctx, socket, { base: STREAM_RIGHTS | Rights.SOCK_SHUTDOWN, inheriting: 0 });
    ctx.mem.setU32(out >>> 0, newFd);
  } finally {
    socket.release();
  }
  return Errno.success;
}

/** Reads the guest's iovec array once; returns the checked views. */
function vectors(ctx: P1Context, ptr: number, count: number): Uint8Array[] {
  const mem = ctx.mem;
  const n = count >>> 0;
  const base = ptr >>> 0;
  mem.check(base, n * Size.IOVEC, 4);
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) pairs.push([mem.view.getUint32(base + i * 8, true), mem.view.getUint32(base + i * 8 + 4, true)]);
  return pairs.map(([p, l]) => mem.bytes(p, l));
}

export function sock_recv(ctx: P1Context, fd: number, riData: number, riLen: number, riFlags: number, roLen: number, roFlags: number): number {
  const s = socketAt(ctx, fd, SocketHandle, Rights.FD_READ);
  const flags = riFlags & 0xffff;
  if ((flags & ~(RECV_PEEK | RECV_WAITALL)) !== 0) fail('invalid', 'unknown riflags bits');
  if ((flags & RECV_PEEK) !== 0) fail('unsupported', 'MSG_PEEK is not supported');
  ctx.mem.check(roLen >>> 0, 4, 4);
  ctx.mem.check(roFlags >>> 0, 2, 2);
  const bufs = vectors(ctx, riData, riLen);
  let total = 0;
  outer: for (const b of bufs) {
    let filled = 0;
    while (filled < b.length) {
      let n: number;
      try {
        n = s.read(b.subarray(filled));
      } catch (e) {
        // Bytes already taken are reported, never lost behind an error (as POSIX recv).
        if (total + filled > 0 && e instanceof FsError) {
          total += filled;
          break outer;
        }
        throw e;
      }
      filled += n;
      // Without WAITALL one read is enough; with it, go on until the buffer is full or the stream ends.
      if (n === 0 || (flags & RECV_WAITALL) === 0) break;
    }
    total += filled;
    if (filled < b.length) break;
  }
  ctx.mem.setU32(roLen >>> 0, total);
  ctx.mem.setU16(roFlags >>> 0, 0); // no ROFLAGS_RECV_DATA_TRUNCATED: stream sockets never truncate
  return Errno.success;
}

export function sock_send(ctx: P1Context, fd: number, siData: number, siLen: number, siFlags: number, soLen: number): number {
  const s = socketAt(ctx, fd, SocketHandle, Rights.FD_WRITE);
  if ((siFlags & 0xffff) !== 0) fail('invalid', 'siflags has no defined bits');
  ctx.mem.check(soLen >>> 0, 4, 4);
  let total = 0;
  for (const b of vectors(ctx, siData, siLen)) {
    if (b.length === 0) continue;
    let n: number;
    try {
      n = s.write(b);
    } catch (e) {
      if (total > 0 && e instanceof FsError) break; // report what was sent, as POSIX send
      throw e;
    }
    total += n;
    if (n < b.length) break;
  }
  ctx.mem.setU32(soLen >>> 0, total);
  return Errno.success;
}

export function sock_shutdown(ctx: P1Context, fd: number, how: number): number {
  const s = socketAt(ctx, fd, SocketHandle, Rights.SOCK_SHUTDOWN);
  const h = how & 0xff;
  if (h === 0 || (h & ~(SdFlags.RD | SdFlags.WR)) !== 0) fail('invalid', 'sdflags must be RD, WR or both');
  s.shutdown((h & SdFlags.RD) !== 0, (h & SdFlags.WR) !== 0);
  return Errno.success;
}
