// Owns: the path_* syscalls. Each reads its strings, checks rights, and asks a directory
// description to act; the resolver behind it does all path handling.
// Must not: look at path strings beyond decoding them.
import { fail } from '../../errors.js';
import { DirDescription, FileDescription } from '../../fs/descriptor.js';
import type { Resource } from '../../table/resource.js';
import type { FdMeta, P1Context } from '../context.js';
import { Errno } from '../errno.js';
import { ALL_RIGHTS, DIR_RIGHTS, FILE_RIGHTS, FdFlags, LOOKUP_SYMLINK_FOLLOW, OFlags, Rights } from '../layout.js';
import { timeChanges, writeFilestat } from './fd.js';

const R = Rights;

function path(ctx: P1Context, ptr: number, len: number): string {
  return ctx.mem.string(ptr >>> 0, len >>> 0);
}

const follows = (lookupFlags: number): boolean => (lookupFlags & LOOKUP_SYMLINK_FOLLOW) !== 0;

export function path_create_directory(ctx: P1Context, fd: number, p: number, len: number): number {
  ctx.dir(fd, R.PATH_CREATE_DIRECTORY).mkdir(path(ctx, p, len));
  return Errno.success;
}

export function path_filestat_get(ctx: P1Context, fd: number, flags: number, p: number, len: number, out: number): number {
  const dir = ctx.dir(fd, R.PATH_FILESTAT_GET);
  const st = dir.statAt(path(ctx, p, len), follows(flags));
  writeFilestat(ctx.mem, out >>> 0, st);
  return Errno.success;
}

export function path_filestat_set_times(ctx: P1Context, fd: number, flags: number, p: number, len: number, atim: bigint, mtim: bigint, fst: number): number {
  const dir = ctx.dir(fd, R.PATH_FILESTAT_SET_TIMES);
  const [a, m] = timeChanges(atim, mtim, fst & 0xffff);
  dir.setTimesAt(path(ctx, p, len), follows(flags), a, m);
  return Errno.success;
}

export function path_link(ctx: P1Context, oldFd: number, oldFlags: number, oldP: number, oldLen: number, newFd: number, newP: number, newLen: number): number {
  const from = ctx.dir(oldFd, R.PATH_LINK_SOURCE);
  const to = ctx.dir(newFd, R.PATH_LINK_TARGET);
  from.link(path(ctx, oldP, oldLen), follows(oldFlags), to, path(ctx, newP, newLen));
  return Errno.success;
}

export function path_open(
  ctx: P1Context,
  fd: number,
  dirflags: number,
  p: number,
  len: number,
  oflags: number,
  rightsBase: bigint,
  rightsInheriting: bigint,
  fdflags: number,
  out: number,
): number {
  const o = oflags & 0xffff;
  const ff = fdflags & 0xffff;
  if ((o & ~0xf) !== 0) fail('invalid', 'unknown oflags bits');
  if ((ff & ~0x1f) !== 0) fail('invalid', 'unknown fdflags bits');
  let needed = R.PATH_OPEN;
  if ((o & OFlags.CREAT) !== 0) needed |= R.PATH_CREATE_FILE;
  const dirSlot = ctx.fds.slot(fd);
  const dir = ctx.dir(fd, needed);
  // wasi-testsuite truncation_rights: O_TRUNC without path_filestat_set_size is EPERM.
  if ((o & OFlags.TRUNC) !== 0 && (dirSlot!.meta.base & R.PATH_FILESTAT_SET_SIZE) === 0) fail('not-permitted', 'no right to truncate through this directory');
  // witx: the new fd's rights come from the directory's inheriting rights; asking for more is ENOTCAPABLE
  // (as uvwasi). Bits above the defined rights are ignored.
  const inherit = dirSlot!.meta.inheriting;
  const base = Number(BigInt.asUintN(30, rightsBase)) & ALL_RIGHTS;
  const inheriting = Number(BigInt.asUintN(30, rightsInheriting)) & ALL_RIGHTS;
  if ((base & ~inherit) !== 0 || (inheriting & ~inherit) !== 0) fail('not-capable', 'requested rights the directory cannot pass on');
  const name = path(ctx, p, len);
  ctx.mem.check(out >>> 0, 4, 4);
  const opened = dir.open(
    name,
    {
      follow: follows(dirflags),
      create: (o & OFlags.CREAT) !== 0,
      exclusive: (o & OFlags.EXCL) !== 0,
      truncate: (o & OFlags.TRUNC) !== 0,
      directory: (o & OFlags.DIRECTORY) !== 0,
      read: (base & (R.FD_READ | R.FD_READDIR)) !== 0,
      write: (base & R.FD_WRITE) !== 0,
    },
    {
      append: (ff & FdFlags.APPEND) !== 0,
      dsync: (ff & FdFlags.DSYNC) !== 0,
      nonblock: (ff & FdFlags.NONBLOCK) !== 0,
      rsync: (ff & FdFlags.RSYNC) !== 0,
      sync: (ff & FdFlags.SYNC) !== 0,
    },
  );
  const meta: FdMeta = {
    base: base & (opened instanceof DirDescription ? DIR_RIGHTS : FILE_RIGHTS),
    inheriting,
  };
  if (opened instanceof FileDescription && !opened.writable) meta.base &= ~(R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE);
  ctx.mem.setU32(out >>> 0, insert(ctx, opened, meta));
  return Errno.success;
}

/** Puts a new description in the fd table; if that fails (EMFILE) the description is closed, not leaked. */
export function insert(ctx: P1Context, r: Resource, meta: FdMeta): number {
  try {
    return ctx.fds.insert(r, meta);
  } catch (e) {
    r.retain().release();
    throw e;
  }
}

export function path_readlink(ctx: P1Context, fd: number, p: number, len: number, buf: number, bufLen: number, used: number): number {
  const dir = ctx.dir(fd, R.PATH_READLINK);
  const target = new TextEncoder().encode(dir.readlink(path(ctx, p, len)));
  ctx.mem.check(used >>> 0, 4, 4);
  // POSIX readlink: a short buffer gets a truncated target.
  const n = Math.min(target.length, bufLen >>> 0);
  ctx.mem.writeBytes(buf >>> 0, target.subarray(0, n));
  ctx.mem.setU32(used >>> 0, n);
  return Errno.success;
}

export function path_remove_directory(ctx: P1Context, fd: number, p: number, len: number): number {
  ctx.dir(fd, R.PATH_REMOVE_DIRECTORY).rmdir(path(ctx, p, len));
  return Errno.success;
}

export function path_rename(ctx: P1Context, fd: number, oldP: number, oldLen: number, newFd: number, newP: number, newLen: number): number {
  const from = ctx.dir(fd, R.PATH_RENAME_SOURCE);
  const to = ctx.dir(newFd, R.PATH_RENAME_TARGET);
  from.rename(path(ctx, oldP, oldLen), to, path(ctx, newP, newLen));
  return Errno.success;
}

export function path_symlink(ctx: P1Context, oldP: number, oldLen: number, fd: number, newP: number, newLen: number): number {
  const target = path(ctx, oldP, oldLen);
  ctx.dir(fd, R.PATH_SYMLINK).symlink(target, path(ctx, newP, newLen));
  return Errno.success;
}

export function path_unlink_file(ctx: P1Context, fd: number, p: number, len: number): number {
  ctx.dir(fd, R.PATH_UNLINK_FILE).unlink(path(ctx, p, len));
  return Errno.success;
}
