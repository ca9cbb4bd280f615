// Owns: the fd_* syscalls: byte I/O, seeking, metadata, flags, rights, readdir, close, renumber.
// Must not: implement file logic (descriptions do) or resolve paths.
import { FsError, fail } from '../../errors.js';
import { DirDescription, FileDescription, type Whence } from '../../fs/descriptor.js';
import type { Stat, TimeChange } from '../../fs/types.js';
import { StreamHandle } from '../../io/stream.js';
import type { P1Context } from '../context.js';
import { Errno } from '../errno.js';
import { FdFlags, Filetype, FstFlags, Rights, Size } from '../layout.js';
import type { GuestMemory } from '../memory.js';
import { utf8 } from '../memory.js';

const R = Rights;

/** Writes a filestat struct at `ptr`. */
export function writeFilestat(mem: GuestMemory, ptr: number, st: Stat): void {
  mem.check(ptr, Size.FILESTAT, 8);
  const v = mem.view;
  v.setBigUint64(ptr, st.dev, true);
  v.setBigUint64(ptr + 8, st.ino, true);
  v.setUint8(ptr + 16, Filetype[st.type]);
  for (let i = 17; i < 24; i++) v.setUint8(ptr + i, 0);
  v.setBigUint64(ptr + 24, st.nlink, true);
  v.setBigUint64(ptr + 32, st.size, true);
  v.setBigUint64(ptr + 40, st.atimeNs, true);
  v.setBigUint64(ptr + 48, st.mtimeNs, true);
  v.setBigUint64(ptr + 56, st.ctimeNs, true);
}

/** Validates `$fstflags` and turns them into two time changes (spec: SET and NOW together is `inval`). */
export function timeChanges(atim: bigint, mtim: bigint, flags: number): [TimeChange, TimeChange] {
  if ((flags & ~0xf) !== 0) fail('invalid', 'unknown fstflags bits');
  if ((flags & FstFlags.ATIM) !== 0 && (flags & FstFlags.ATIM_NOW) !== 0) fail('invalid', 'ATIM and ATIM_NOW together');
  if ((flags & FstFlags.MTIM) !== 0 && (flags & FstFlags.MTIM_NOW) !== 0) fail('invalid', 'MTIM and MTIM_NOW together');
  const change = (set: number, now: number, ns: bigint): TimeChange =>
    (flags & now) !== 0 ? { kind: 'now' } : (flags & set) !== 0 ? { kind: 'set', ns: BigInt.asUintN(64, ns) } : { kind: 'keep' };
  return [change(FstFlags.ATIM, FstFlags.ATIM_NOW, atim), change(FstFlags.MTIM, FstFlags.MTIM_NOW, mtim)];
}

function streamStat(s: StreamHandle): Stat {
  return { type: s.fileType, dev: 0n, ino: 0n, nlink: 1n, size: 0n, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
}

export function fd_advise(ctx: P1Context, fd: number, _offset: bigint, _len: bigint, advice: number): number {
  ctx.file(fd, R.FD_ADVISE);
  if (advice >>> 0 > 5) fail('invalid', `unknown advice ${advice}`);
  return Errno.success;
}

export function fd_allocate(ctx: P1Context, fd: number, offset: bigint, len: bigint): number {
  const f = ctx.file(fd, R.FD_ALLOCATE);
  f.allocate(BigInt.asUintN(64, offset), BigInt.asUintN(64, len));
  return Errno.success;
}

export function fd_close(ctx: P1Context, fd: number): number {
  ctx.fds.remove(fd);
  return Errno.success;
}

/** fd_sync and fd_datasync: files flush to storage, streams flush their buffers, directories have nothing to do. */
function sync(ctx: P1Context, fd: number, dataOnly: boolean): number {
  const r = ctx.slot(fd).resource;
  if (r instanceof FileDescription) ctx.file(fd, dataOnly ? R.FD_DATASYNC : R.FD_SYNC).sync(dataOnly);
  else if (r instanceof StreamHandle) r.flush();
  else if (!(r instanceof DirDescription)) fail('bad-descriptor');
  return Errno.success;
}

export function fd_datasync(ctx: P1Context, fd: number): number {
  return sync(ctx, fd, true);
}

export function fd_sync(ctx: P1Context, fd: number): number {
  return sync(ctx, fd, false);
}

export function fd_fdstat_get(ctx: P1Context, fd: number, out: number): number {
  const slot = ctx.slot(fd);
  const r = slot.resource;
  const ptr = out >>> 0;
  ctx.mem.check(ptr, Size.FDSTAT, 8);
  let type: number = Filetype.unknown;
  let flags = 0;
  if (r instanceof FileDescription) {
    type = Filetype[r.stat().type];
    const f = r.flags;
    flags = (f.append ? FdFlags.APPEND : 0) | (f.dsync ? FdFlags.DSYNC : 0) | (f.nonblock ? FdFlags.NONBLOCK : 0) | (f.rsync ? FdFlags.RSYNC : 0) | (f.sync ? FdFlags.SYNC : 0);
  } else if (r instanceof DirDescription) {
    type = Filetype.directory;
  } else if (r instanceof StreamHandle) {
    type = Filetype[r.fileType];
    flags = r.nonblocking ? FdFlags.NONBLOCK : 0;
  }
  const v = ctx.mem.view;
  v.setUint8(ptr, type);
  v.setUint8(ptr + 1, 0);
  v.setUint16(ptr + 2, flags, true);
  v.setUint32(ptr + 4, 0, true);
  v.setBigUint64(ptr + 8, BigInt(slot.meta.base), true);
  v.setBigUint64(ptr + 16, BigInt(slot.meta.inheriting), true);
  return Errno.success;
}

export function fd_fdstat_set_flags(ctx: P1Context, fd: number, flags: number): number {
  const slot = ctx.slot(fd);
  if ((slot.meta.base & R.FD_FDSTAT_SET_FLAGS) === 0) fail('not-capable');
  const f = flags & 0xffff;
  if ((f & ~0x1f) !== 0) fail('invalid', 'unknown fdflags bits');
  const r = slot.resource;
  // Everything is checked before anything changes, so a refused call leaves the flags as they were.
  if (r instanceof FileDescription) {
    // wasmtime refuses to change the synchronous-I/O flags after open.
    if ((f & (FdFlags.SYNC | FdFlags.DSYNC | FdFlags.RSYNC)) !== 0) fail('unsupported', 'sync flags can only be set at open');
    r.flags.append = (f & FdFlags.APPEND) !== 0;
    r.flags.nonblock = (f & FdFlags.NONBLOCK) !== 0;
  } else if (r instanceof StreamHandle || r instanceof DirDescription) {
    if ((f & ~FdFlags.NONBLOCK) !== 0) fail('invalid', 'only NONBLOCK can be set on this kind of fd');
    if (r instanceof DirDescription) r.flags.nonblock = (f & FdFlags.NONBLOCK) !== 0;
    else r.nonblocking = (f & FdFlags.NONBLOCK) !== 0;
  }
  return Errno.success;
}

export function fd_fdstat_set_rights(ctx: P1Context, fd: number, base: bigint, inheriting: bigint): number {
  const slot = ctx.slot(fd);
  const b = BigInt.asUintN(64, base);
  const i = BigInt.asUintN(64, inheriting);
  // Rights can only be narrowed: asking for any right the fd lacks is `notcapable`.
  if ((b & ~BigInt(slot.meta.base)) !== 0n || (i & ~BigInt(slot.meta.inheriting)) !== 0n) fail('not-capable', 'rights can only be narrowed');
  slot.meta.base = Number(b);
  slot.meta.inheriting = Number(i);
  return Errno.success;
}

export function fd_filestat_get(ctx: P1Context, fd: number, out: number): number {
  const slot = ctx.slot(fd);
  const r = slot.resource;
  let st: Stat;
  if (r instanceof FileDescription || r instanceof DirDescription) {
    if ((slot.meta.base & R.FD_FILESTAT_GET) === 0) fail('not-capable');
    st = r.stat();
  } else if (r instanceof StreamHandle) {
    st = streamStat(r);
  } else {
    return fail('bad-descriptor');
  }
  writeFilestat(ctx.mem, out >>> 0, st);
  return Errno.success;
}

export function fd_filestat_set_size(ctx: P1Context, fd: number, size: bigint): number {
  const f = ctx.file(fd, R.FD_FILESTAT_SET_SIZE);
  const s = BigInt.asUintN(64, size);
  if (s > 0x7fff_ffff_ffff_ffffn) fail('file-too-large');
  f.setSize(s);
  return Errno.success;
}

export function fd_filestat_set_times(ctx: P1Context, fd: number, atim: bigint, mtim: bigint, flags: number): number {
  const slot = ctx.slot(fd);
  const r = slot.resource;
  if (!(r instanceof FileDescription || r instanceof DirDescription)) fail('bad-descriptor');
  if ((slot.meta.base & R.FD_FILESTAT_SET_TIMES) === 0) fail('not-capable');
  const [a, m] = timeChanges(atim, mtim, flags & 0xffff);
  r.setTimes(a, m);
  return Errno.success;
}

/**
 * Moves bytes between the guest's iovec array and `op`, buffer by buffer,
 * stopping at the first short transfer; stores the total at `out`.
 * - The array is read once, before any byte moves (as readv/writev), so a read
 *   that overwrites a later iovec cannot redirect it; every buffer is checked
 *   first, so a bad iovec transfers nothing.
 * - If a later buffer fails after earlier ones moved bytes, the call succeeds
 *   with the partial count (as POSIX readv/writev), so the guest never sees an
 *   error for data that was in fact transferred.
 */
function transfer(ctx: P1Context, iovs: number, iovsLen: number, out: number, op: (buf: Uint8Array) => number): number {
  const mem = ctx.mem;
  const count = iovsLen >>> 0;
  const base = iovs >>> 0;
  mem.check(out >>> 0, 4, 4);
  mem.check(base, count * Size.IOVEC, 4);
  const view = mem.view;
  let total = 0;
  if (count === 1) {
    const buf = view.getUint32(base, true);
    const len = view.getUint32(base + 4, true);
    const bytes = mem.bytes(buf, len); // checked here, once
    if (len > 0) total = op(bytes);
  } else {
    const vecs = new Uint32Array(count * 2);
    for (let i = 0; i < count * 2; i += 2) {
      vecs[i] = view.getUint32(base + i * 4, true);
      vecs[i + 1] = view.getUint32(base + i * 4 + 4, true);
      mem.check(vecs[i]!, vecs[i + 1]!);
    }
    for (let i = 0; i < count * 2; i += 2) {
      const len = vecs[i + 1]!;
      if (len === 0) continue;
      let n: number;
      try {
        n = op(mem.bytes(vecs[i]!, len));
      } catch (e) {
        if (total > 0 && e instanceof FsError) break;
        throw e;
      }
      total += n;
      if (n < len) break;
    }
  }
  mem.setU32(out >>> 0, total);
  return Errno.success;
}

export function fd_read(ctx: P1Context, fd: number, iovs: number, iovsLen: number, nread: number): number {
  const target = ctx.io(fd, R.FD_READ);
  return transfer(ctx, iovs, iovsLen, nread, (buf) => target.read(buf));
}

export function fd_write(ctx: P1Context, fd: number, iovs: number, iovsLen: number, nwritten: number): number {
  const target = ctx.io(fd, R.FD_WRITE);
  return transfer(ctx, iovs, iovsLen, nwritten, (buf) => target.write(buf));
}

function seekable(ctx: P1Context, fd: number, rights: number): FileDescription {
  const r = ctx.slot(fd).resource;
  if (r instanceof StreamHandle) fail('invalid-seek', 'a stream has no position');
  return ctx.file(fd, rights);
}

export function fd_pread(ctx: P1Context, fd: number, iovs: number, iovsLen: number, offset: bigint, nread: number): number {
  const f = seekable(ctx, fd, R.FD_READ | R.FD_SEEK);
  let at = BigInt.asUintN(64, offset);
  return transfer(ctx, iovs, iovsLen, nread, (buf) => {
    const n = f.pread(buf, at);
    at += BigInt(n);
    return n;
  });
}

export function fd_pwrite(ctx: P1Context, fd: number, iovs: number, iovsLen: number, offset: bigint, nwritten: number): number {
  const f = seekable(ctx, fd, R.FD_WRITE | R.FD_SEEK);
  let at = BigInt.asUintN(64, offset);
  return transfer(ctx, iovs, iovsLen, nwritten, (buf) => {
    const n = f.pwrite(buf, at);
    at += BigInt(n);
    return n;
  });
}

export function fd_prestat_get(ctx: P1Context, fd: number, out: number): number {
  const name = ctx.slot(fd).meta.preopen ?? fail('bad-descriptor', 'not a preopened directory');
  const ptr = out >>> 0;
  ctx.mem.check(ptr, Size.PRESTAT, 4);
  ctx.mem.view.setUint32(ptr, 0, true); // tag 0 = dir, padding zero
  ctx.mem.view.setUint32(ptr + 4, utf8(name).length, true);
  return Errno.success;
}

export function fd_prestat_dir_name(ctx: P1Context, fd: number, path: number, pathLen: number): number {
  const name = utf8(ctx.slot(fd).meta.preopen ?? fail('bad-descriptor', 'not a preopened directory'));
  // wasmtime: a buffer shorter than the name is `nametoolong`; the name is written without NUL.
  if (pathLen >>> 0 < name.length) fail('name-too-long', 'buffer too small for the preopen name');
  ctx.mem.writeBytes(path >>> 0, name);
  return Errno.success;
}

export function fd_readdir(ctx: P1Context, fd: number, buf: number, bufLen: number, cookie: bigint, bufused: number): number {
  const dir = ctx.slot(fd).resource;
  if (!(dir instanceof DirDescription)) fail(dir instanceof FileDescription ? 'not-directory' : 'bad-descriptor');
  ctx.dir(fd, R.FD_READDIR);
  const mem = ctx.mem;
  const start = buf >>> 0;
  const len = bufLen >>> 0;
  mem.check(start, len);
  mem.check(bufused >>> 0, 4, 4);
  const out = mem.bytes(start, len);
  const header = new Uint8Array(Size.DIRENT);
  const hv = new DataView(header.buffer);
  let used = 0;
  for (const e of dir.entries(BigInt.asUintN(64, cookie))) {
    if (used >= len) break;
    const name = utf8(e.name);
    hv.setBigUint64(0, e.next, true);
    hv.setBigUint64(8, e.ino, true);
    hv.setUint32(16, name.length, true);
    hv.setUint8(20, Filetype[e.type]);
    // The last entry is cut off when the buffer is full: bufused == buf_len tells the guest to read on.
    const h = Math.min(Size.DIRENT, len - used);
    out.set(header.subarray(0, h), used);
    used += h;
    const n = Math.min(name.length, len - used);
    out.set(name.subarray(0, n), used);
    used += n;
  }
  mem.setU32(bufused >>> 0, used);
  return Errno.success;
}

export function fd_renumber(ctx: P1Context, from: number, to: number): number {
  ctx.fds.renumber(from, to);
  return Errno.success;
}

const whences: readonly Whence[] = ['set', 'current', 'end'];

export function fd_seek(ctx: P1Context, fd: number, offset: bigint, whence: number, out: number): number {
  const w = whences[whence >>> 0] ?? fail('invalid', `unknown whence ${whence}`);
  // Spec: fd_seek(0, cur) needs only the fd_tell right.
  const f = seekable(ctx, fd, offset === 0n && w === 'current' ? R.FD_TELL : R.FD_SEEK);
  ctx.mem.check(out >>> 0, 8, 8);
  ctx.mem.setU64(out >>> 0, f.seek(BigInt.asIntN(64, offset), w));
  return Errno.success;
}

export function fd_tell(ctx: P1Context, fd: number, out: number): number {
  const f = seekable(ctx, fd, R.FD_TELL);
  ctx.mem.setU64(out >>> 0, f.position);
  return Errno.success;
}
