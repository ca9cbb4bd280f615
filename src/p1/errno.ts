// Owns: preview1 errno numbers and the one mapping from ErrorCode to errno.
// Must not: be used outside src/p1/.
import type { ErrorCode } from '../errors.js';

/** `errno` values of wasi_snapshot_preview1 (witx `$errno`). */
export const Errno = {
  success: 0, '2big': 1, acces: 2, addrinuse: 3, addrnotavail: 4, afnosupport: 5, again: 6, already: 7,
  badf: 8, badmsg: 9, busy: 10, canceled: 11, child: 12, connaborted: 13, connrefused: 14, connreset: 15,
  deadlk: 16, destaddrreq: 17, dom: 18, dquot: 19, exist: 20, fault: 21, fbig: 22, hostunreach: 23,
  idrm: 24, ilseq: 25, inprogress: 26, intr: 27, inval: 28, io: 29, isconn: 30, isdir: 31, loop: 32,
  mfile: 33, mlink: 34, msgsize: 35, multihop: 36, nametoolong: 37, netdown: 38, netreset: 39,
  netunreach: 40, nfile: 41, nobufs: 42, nodev: 43, noent: 44, noexec: 45, nolck: 46, nolink: 47,
  nomem: 48, nomsg: 49, noprotoopt: 50, nospc: 51, nosys: 52, notconn: 53, notdir: 54, notempty: 55,
  notrecoverable: 56, notsock: 57, notsup: 58, notty: 59, nxio: 60, overflow: 61, ownerdead: 62,
  perm: 63, pipe: 64, proto: 65, protonosupport: 66, prototype: 67, range: 68, rofs: 69, spipe: 70,
  srch: 71, stale: 72, timedout: 73, txtbsy: 74, xdev: 75, notcapable: 76,
} as const;

/** The errno for each ErrorCode. */
export const errnoOf: Readonly<Record<ErrorCode, number>> = {
  access: Errno.acces,
  'would-block': Errno.again,
  already: Errno.already,
  'bad-descriptor': Errno.badf,
  busy: Errno.busy,
  exist: Errno.exist,
  'file-too-large': Errno.fbig,
  'illegal-byte-sequence': Errno.ilseq,
  interrupted: Errno.intr,
  invalid: Errno.inval,
  io: Errno.io,
  'is-directory': Errno.isdir,
  loop: Errno.loop,
  'too-many-links': Errno.mlink,
  'name-too-long': Errno.nametoolong,
  'no-entry': Errno.noent,
  'insufficient-memory': Errno.nomem,
  'insufficient-space': Errno.nospc,
  'not-directory': Errno.notdir,
  'not-empty': Errno.notempty,
  unsupported: Errno.notsup,
  'no-tty': Errno.notty,
  overflow: Errno.overflow,
  'not-permitted': Errno.perm,
  pipe: Errno.pipe,
  'read-only': Errno.rofs,
  'invalid-seek': Errno.spipe,
  'cross-device': Errno.xdev,
  'not-socket': Errno.notsock,
  'not-connected': Errno.notconn,
  'not-capable': Errno.notcapable,
  'too-many-open-files': Errno.mfile,
  'file-table-overflow': Errno.nfile,
  'bad-file-type': Errno.badf,
  fault: Errno.fault,
};

const names = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** The witx name of an errno, for traces. */
export function errnoName(errno: number): string {
  return names.get(errno) ?? `errno ${errno}`;
}
