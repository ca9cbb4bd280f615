// Owns: the fuzzer's targets: one filesystem each, all given the same starting tree, that execute
// an Op and report a normalized Outcome. Four are Warden (a HostBackend over a temp dir, a
// MemoryBackend, an OverlayBackend over a MemoryBackend lower, one over a HostBackend lower), each
// mounted at /m of a Namespace and driven only through DirDescription / FileDescription (the public
// path through the resolver). The fifth, `linux`, is the kernel itself: the same ops as plain path
// syscalls on another temp dir.
// Must not: decide who is right (rules.ts), or let a raw syscall leave its temp dir (see `escapes`).
import { fileTypeOf, hostErrorCodes } from '../../src/node/host-backend.js';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsError } from '../../src/errors.js';
import { DirDescription, FileDescription } from '../../src/fs/descriptor.js';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { Namespace } from '../../src/fs/namespace.js';
import { OverlayBackend } from '../../src/fs/overlay/overlay-backend.js';
import type { OpenRequest } from '../../src/fs/resolver.js';
import type { Backend, FileType, Stat, TimeChange } from '../../src/fs/types.js';
import { HostBackend } from '../../src/node/host-backend.js';
import { INITIAL_TREE, type Base, type HandleKind, type Op, type Time } from './ops.js';

/** `overlay`: over a MemoryBackend lower; `ohost`: over a HostBackend lower (a second temp dir). */
export type TargetName = 'linux' | 'host' | 'memory' | 'overlay' | 'ohost';
/** Every target, in oracle order: the first one active is the reference the others are compared with. */
export const ALL_TARGETS: readonly TargetName[] = ['linux', 'host', 'memory', 'overlay', 'ohost'];

/**
 * What an op did on one target: a normalized success value, an error code, a
 * crash (any exception that is not an FsError: always a bug), or a skip
 * (`no-handle`: the op names a handle that is not open, alike on every target;
 * `escape`: linux only, the path would leave the temp dir, so it is not run).
 */
export type Outcome = { ok: unknown } | { err: string } | { crash: string } | { skip: SkipReason };
/** `no-handle`: alike on every target. The others are linux only: the op was not run on the kernel. */
export type SkipReason = 'no-handle' | 'escape' | 'nul' | 'long';

export interface Target {
  readonly name: TargetName;
  run(op: Op): Outcome;
  /** Handles open now, by id. */
  live(): Map<number, HandleKind>;
  /** The whole tree below the root as sorted lines (type, nlink, bytes or target; no inode numbers or times). */
  dump(): string[];
  /** What must hold whatever the ops did (the overlay's lower layer is unchanged), or a description of what broke. */
  check?(): string | undefined;
  dispose(): void;
}

class Skip extends Error {
  constructor(readonly reason: SkipReason) {
    super(reason);
  }
}

const enc = new TextEncoder();
const utf8 = enc; // (named for what it measures)
const bytes = (b: Uint8Array): string => String.fromCharCode(...b);
const SEC = 1_000_000_000n;

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack === undefined ? '' : `\n${e.stack.split('\n').slice(1, 6).join('\n')}`}`;
  return String(e);
}

/** What a stat is compared on: type, nlink, and size except for directories (their size is the backend's business). */
function statView(type: FileType, nlink: bigint, size: bigint): Record<string, unknown> {
  return type === 'directory' ? { type, nlink: Number(nlink) } : { type, nlink: Number(nlink), size: Number(size) };
}

/**
 * The times an op set to a value (whole seconds, so every backend must store them exactly). Not the
 * atime of a symlink: the kernel moves it whenever it follows the link, which it may do to stat the
 * very path (`d/z/z` where z -> ..), and Warden's backends keep no atime for following.
 */
function timesView(type: FileType, atime: Time, mtime: Time, atimeNs: bigint, mtimeNs: bigint): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof atime === 'number' && type !== 'symbolic-link') out.atime = String(atimeNs);
  if (typeof mtime === 'number') out.mtime = String(mtimeNs);
  return out;
}

const listView = (entries: { name: string; type: FileType }[]): string[] => entries.map((e) => `${e.name}:${e.type}`).sort();

// ------------------------------------------------------------------------------------ Warden

function timeChange(t: Time): TimeChange {
  if (t === null) return { kind: 'keep' };
  if (t === 'now') return { kind: 'now' };
  return { kind: 'set', ns: BigInt(t) * SEC };
}

const readReq = (over: Partial<OpenRequest> = {}): OpenRequest => ({ follow: true, create: false, exclusive: false, truncate: false, directory: false, read: true, write: false, ...over });

function readAll(f: FileDescription): string {
  let out = '';
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = f.read(buf);
    if (n === 0) return out;
    out += bytes(buf.subarray(0, n));
  }
}

/** A Warden namespace with the backend under test at /m, driven through descriptions only. */
export class WardenTarget implements Target {
  readonly #handles = new Map<number, FileDescription | DirDescription>();
  readonly #root: DirDescription;

  constructor(
    readonly name: TargetName,
    readonly ns: Namespace,
    readonly cleanup: () => void,
    readonly invariant?: () => string | undefined,
    /** How to read the whole tree, when not through the descriptions (which would warm a HostBackend's caches). */
    readonly dumper?: () => string[],
  ) {
    this.#root = ns.openDir('/m').retain();
  }

  check(): string | undefined {
    return this.invariant?.();
  }

  live(): Map<number, HandleKind> {
    const out = new Map<number, HandleKind>();
    for (const [id, d] of this.#handles) out.set(id, d instanceof DirDescription ? 'dir' : 'file');
    return out;
  }

  #dir(base: Base): DirDescription {
    if (base === null) return this.#root;
    const d = this.#handles.get(base);
    if (!(d instanceof DirDescription)) throw new Skip('no-handle');
    return d;
  }

  #file(h: number): FileDescription {
    const d = this.#handles.get(h);
    if (!(d instanceof FileDescription)) throw new Skip('no-handle');
    return d;
  }

  #any(h: number): FileDescription | DirDescription {
    return this.#handles.get(h) ?? (() => { throw new Skip('no-handle'); })();
  }

  run(op: Op): Outcome {
    try {
      return { ok: this.#exec(op) };
    } catch (e) {
      if (e instanceof Skip) return { skip: e.reason };
      if (e instanceof FsError) return { err: e.errorCode };
      return { crash: describe(e) };
    }
  }

  #exec(op: Op): unknown {
    switch (op.op) {
      case 'open': {
        const dir = this.#dir(op.base);
        const req: OpenRequest = { follow: op.follow, create: op.create, exclusive: op.exclusive, truncate: op.truncate, directory: op.directory, read: op.access !== 'w', write: op.access !== 'r' };
        const d = dir.open(op.path, req, { append: op.append }).retain();
        this.#handles.set(op.id, d);
        return d instanceof DirDescription ? 'dir' : 'file';
      }
      case 'close': {
        const d = this.#any(op.h);
        this.#handles.delete(op.h);
        d.release();
        return null;
      }
      case 'read': {
        const f = this.#file(op.h);
        const buf = new Uint8Array(op.n);
        const data = bytes(buf.subarray(0, f.read(buf)));
        return { data, pos: Number(f.position) };
      }
      case 'pread': {
        const buf = new Uint8Array(op.n);
        return bytes(buf.subarray(0, this.#file(op.h).pread(buf, BigInt(op.off))));
      }
      case 'write': {
        const f = this.#file(op.h);
        const n = f.write(enc.encode(op.data));
        return { n, pos: Number(f.position) };
      }
      case 'pwrite':
        return this.#file(op.h).pwrite(enc.encode(op.data), BigInt(op.off));
      case 'seek':
        return Number(this.#file(op.h).seek(BigInt(op.off), op.whence));
      case 'tell':
        return Number(this.#file(op.h).position);
      case 'setSize':
        this.#file(op.h).setSize(BigInt(op.size));
        return null;
      case 'fstat': {
        const st = this.#any(op.h).stat();
        return statView(st.type, st.nlink, st.size);
      }
      case 'fsetTimes': {
        const d = this.#any(op.h);
        d.setTimes(timeChange(op.atime), timeChange(op.mtime));
        const st = d.stat();
        return timesView(st.type, op.atime, op.mtime, st.atimeNs, st.mtimeNs);
      }
      case 'readdir':
        return listView(this.#dir(op.base).list(0n));
      case 'readdirAt': {
        const d = this.#dir(op.base).open(op.path, readReq({ directory: true })).retain();
        try {
          if (!(d instanceof DirDescription)) throw new Error('O_DIRECTORY opened a file');
          return listView(d.list(0n));
        } finally {
          d.release();
        }
      }
      case 'readFile': {
        const d = this.#dir(op.base).open(op.path, readReq()).retain();
        try {
          return d instanceof DirDescription ? { dir: true } : readAll(d);
        } finally {
          d.release();
        }
      }
      case 'mkdir':
        this.#dir(op.base).mkdir(op.path);
        return null;
      case 'rmdir':
        this.#dir(op.base).rmdir(op.path);
        return null;
      case 'unlink':
        this.#dir(op.base).unlink(op.path);
        return null;
      case 'symlink':
        this.#dir(op.base).symlink(op.target, op.path);
        return null;
      case 'readlink':
        return this.#dir(op.base).readlink(op.path);
      case 'stat': {
        const st = this.#dir(op.base).statAt(op.path, op.follow);
        return statView(st.type, st.nlink, st.size);
      }
      case 'setTimes': {
        const dir = this.#dir(op.base);
        dir.setTimesAt(op.path, op.follow, timeChange(op.atime), timeChange(op.mtime));
        const st: Stat = dir.statAt(op.path, op.follow);
        return timesView(st.type, op.atime, op.mtime, st.atimeNs, st.mtimeNs);
      }
      case 'link':
        this.#dir(op.base).link(op.from, op.follow, this.#dir(op.toBase), op.to);
        return null;
      case 'rename':
        this.#dir(op.base).rename(op.from, this.#dir(op.toBase), op.to);
        return null;
    }
  }

  dump(): string[] {
    if (this.dumper !== undefined) return this.dumper();
    const out: string[] = [];
    const walk = (dir: DirDescription, prefix: string): void => {
      const names = dir.list(0n).map((e) => e.name).filter((n) => n !== '.' && n !== '..');
      for (const name of names) {
        const p = `${prefix}${name}`;
        const st = dir.statAt(name, false);
        if (st.type === 'directory') {
          out.push(`${p}/ dir nlink=${st.nlink}`);
          const sub = dir.open(name, readReq({ directory: true, follow: false })).retain();
          try {
            walk(sub as DirDescription, `${p}/`);
          } finally {
            sub.release();
          }
        } else if (st.type === 'symbolic-link') {
          out.push(`${p} -> ${JSON.stringify(dir.readlink(name))} nlink=${st.nlink}`);
        } else {
          const f = dir.open(name, readReq({ follow: false })).retain();
          try {
            out.push(`${p} ${st.type} nlink=${st.nlink} ${JSON.stringify(readAll(f as FileDescription))}`);
          } finally {
            f.release();
          }
        }
      }
    };
    walk(this.#root, '');
    return out.sort();
  }

  dispose(): void {
    for (const d of this.#handles.values()) {
      try {
        d.release();
      } catch {
        // already reported by an op if it matters
      }
    }
    this.#handles.clear();
    this.#root.release();
    this.cleanup();
  }
}

/** Builds INITIAL_TREE through a directory description (the public path). */
function populateWarden(root: DirDescription): void {
  for (const [type, path, data] of INITIAL_TREE) {
    if (type === 'dir') root.mkdir(path);
    else if (type === 'symlink') root.symlink(data, path);
    else {
      const f = root.open(path, { ...readReq({ create: true, exclusive: true, write: true, read: false }) }).retain() as FileDescription;
      try {
        f.write(enc.encode(data));
      } finally {
        f.release();
      }
    }
  }
}

function wardenOver(name: TargetName, backend: Backend<any>, cleanup: () => void, invariant?: () => string | undefined, dumper?: () => string[]): WardenTarget {
  const ns = new Namespace();
  ns.mount('/m', backend);
  return new WardenTarget(name, ns, cleanup, invariant, dumper);
}

// ------------------------------------------------------------------------------------ Linux

const C = fs.constants;

/** errno names as HostBackend maps them, so that both speak ErrorCode. */
const ERRNO: Readonly<Record<string, string>> = hostErrorCodes;

class Errno extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const typeOfStats = fileTypeOf;

/**
 * True if resolving `path` from directory `base` the way Linux does could leave `base`
 * (a `..` above it, an absolute path or symlink target) or follows a symlink
 * more than 40 times. Walks the tree with lstat/readlink only, following symlinks as
 * path resolution would (the last one if `followLast` or a trailing slash). Such a
 * path is not run on the raw host: Warden refuses it by design (not-permitted), and
 * running it would touch files outside the fuzzer's temp dir.
 */
export function escapes(base: string, path: string, followLast: boolean): boolean {
  if (path.startsWith('/')) return true;
  const queue = path.split('/').filter((p) => p !== '');
  let trailing = path.endsWith('/');
  const stack = [base];
  let hops = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      if (stack.length === 1) return true;
      stack.pop();
      continue;
    }
    const p = `${stack[stack.length - 1]!}/${c}`;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(p, { throwIfNoEntry: false });
    } catch {
      return false; // ENOTDIR, ENAMETOOLONG, NUL...: resolution stops here
    }
    if (st === undefined) return false;
    const last = queue.length === 0;
    if (st.isSymbolicLink() && (!last || followLast || trailing)) {
      if (++hops > 40) return true; // ELOOP on Linux; refused here so the guard itself stays bounded
      const t = fs.readlinkSync(p);
      if (t.startsWith('/')) return true;
      if (last && t.endsWith('/')) trailing = true;
      queue.unshift(...t.split('/').filter((x) => x !== ''));
      continue;
    }
    if (!st.isDirectory() && !last) return false;
    stack.push(p);
  }
  return false;
}

interface RawHandle {
  fd: number;
  kind: HandleKind;
  pos: number;
  append: boolean;
  readable: boolean;
  writable: boolean;
}

function secs(t: Time, currentNs: bigint): number {
  if (t === null) return Number(currentNs) / 1e9;
  if (t === 'now') return Date.now() / 1000;
  return t;
}

/**
 * The Linux kernel as the oracle: each op as the path syscall(s) a C program would make
 * (open, mkdir, renameat...), relative to the temp dir or to a held directory through
 * /proc/self/fd/N. Node has no lseek, so the file position is kept here, as the kernel
 * keeps it (reads and writes at the position, appends at the end).
 */
export class LinuxTarget implements Target {
  readonly name = 'linux' as const;
  readonly #handles = new Map<number, RawHandle>();
  /** The base the process is in during an op (undefined between ops). */
  #cwd: Base | undefined;

  constructor(
    readonly root: string,
    readonly cleanup: () => void,
  ) {}

  live(): Map<number, HandleKind> {
    const out = new Map<number, HandleKind>();
    for (const [id, h] of this.#handles) out.set(id, h.kind);
    return out;
  }

  #base(base: Base): string {
    if (base === null) return this.root;
    const h = this.#handles.get(base);
    if (h === undefined || h.kind !== 'dir') throw new Skip('no-handle');
    return `/proc/self/fd/${h.fd}`;
  }

  /**
   * `path` below `base` as the kernel should see it, refusing (skip) one that would leave it. The
   * process is in `base` during an op that has one (see run), so the path goes to the kernel as
   * the guest gave it, relative, and limits such as PATH_MAX apply to exactly those bytes; only a
   * second path from another base (rename, link) is made absolute through /proc/self/fd.
   */
  #path(base: Base, path: string, followLast: boolean): string {
    const b = this.#base(base);
    // Node refuses a NUL before any syscall (a C string would just end there): nothing to compare with.
    if (path.includes('\0')) throw new Skip('nul');
    if (escapes(b, path, followLast)) throw new Skip('escape');
    if (base === this.#cwd) return path; // '' too: the kernel says ENOENT when it gets to it
    if (path === '') throw new Errno('ENOENT'); // b + '/' would name the base itself
    const abs = `${b}/${path}`;
    // Made absolute, a path near PATH_MAX would pass it: the kernel could not be given what the guest gave.
    if (utf8.encode(abs).length >= 4096) throw new Skip('long');
    return abs;
  }

  #handle(h: number, kind?: HandleKind): RawHandle {
    const r = this.#handles.get(h);
    if (r === undefined || (kind !== undefined && r.kind !== kind)) throw new Skip('no-handle');
    return r;
  }

  run(op: Op): Outcome {
    const saved = process.cwd();
    try {
      if ('base' in op) {
        process.chdir(this.#base(op.base));
        this.#cwd = op.base;
      }
      return { ok: this.#exec(op) };
    } catch (e) {
      if (e instanceof Skip) return { skip: e.reason };
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code in ERRNO) return { err: ERRNO[code]! };
      return { crash: describe(e) };
    } finally {
      if (this.#cwd !== undefined) {
        this.#cwd = undefined;
        process.chdir(saved);
      }
    }
  }

  #exec(op: Op): unknown {
    switch (op.op) {
      case 'open': {
        let flags = op.access === 'r' ? C.O_RDONLY : op.access === 'w' ? C.O_WRONLY : C.O_RDWR;
        if (op.create) flags |= C.O_CREAT;
        if (op.exclusive) flags |= C.O_EXCL;
        if (op.truncate) flags |= C.O_TRUNC;
        if (op.directory) flags |= C.O_DIRECTORY;
        if (!op.follow) flags |= C.O_NOFOLLOW;
        if (op.append) flags |= C.O_APPEND;
        const p = this.#path(op.base, op.path, op.follow && !(op.create && op.exclusive));
        const fd = fs.openSync(p, flags, 0o666);
        const kind: HandleKind = fs.fstatSync(fd).isDirectory() ? 'dir' : 'file';
        this.#handles.set(op.id, { fd, kind, pos: 0, append: op.append, readable: op.access !== 'w', writable: op.access !== 'r' });
        return kind;
      }
      case 'close': {
        const h = this.#handle(op.h);
        this.#handles.delete(op.h);
        fs.closeSync(h.fd);
        return null;
      }
      case 'read': {
        const h = this.#handle(op.h, 'file');
        // Node answers a 0-byte read without asking the kernel, which would check the mode first.
        if (op.n === 0 && !h.readable) throw new Errno('EBADF');
        const buf = new Uint8Array(op.n);
        const n = fs.readSync(h.fd, buf, 0, op.n, h.pos);
        h.pos += n;
        return { data: bytes(buf.subarray(0, n)), pos: h.pos };
      }
      case 'pread': {
        const h = this.#handle(op.h, 'file');
        if (op.n === 0 && !h.readable) throw new Errno('EBADF');
        const buf = new Uint8Array(op.n);
        return bytes(buf.subarray(0, fs.readSync(h.fd, buf, 0, op.n, op.off)));
      }
      case 'write': {
        const h = this.#handle(op.h, 'file');
        const data = enc.encode(op.data);
        if (data.length === 0 && !h.writable) throw new Errno('EBADF');
        // With O_APPEND the kernel writes at the end whatever the offset, and the position ends there;
        // a write of 0 bytes changes nothing, not even the position (generic_write_checks returns first).
        const n = fs.writeSync(h.fd, data, 0, data.length, h.pos);
        h.pos = h.append && n > 0 ? Number(fs.fstatSync(h.fd).size) : h.pos + n;
        return { n, pos: h.pos };
      }
      case 'pwrite': {
        const h = this.#handle(op.h, 'file');
        const data = enc.encode(op.data);
        if (data.length === 0 && !h.writable) throw new Errno('EBADF');
        return fs.writeSync(h.fd, data, 0, data.length, op.off);
      }
      case 'seek': {
        const h = this.#handle(op.h, 'file');
        const base = op.whence === 'set' ? 0 : op.whence === 'current' ? h.pos : Number(fs.fstatSync(h.fd).size);
        if (base + op.off < 0) throw new Errno('EINVAL');
        h.pos = base + op.off;
        return h.pos;
      }
      case 'tell':
        return this.#handle(op.h, 'file').pos;
      case 'setSize':
        fs.ftruncateSync(this.#handle(op.h, 'file').fd, op.size);
        return null;
      case 'fstat': {
        const st = fs.fstatSync(this.#handle(op.h).fd, { bigint: true });
        return statView(typeOfStats(st), st.nlink, st.size);
      }
      case 'fsetTimes': {
        const fd = this.#handle(op.h).fd;
        const cur = fs.fstatSync(fd, { bigint: true });
        fs.futimesSync(fd, secs(op.atime, cur.atimeNs), secs(op.mtime, cur.mtimeNs));
        const st = fs.fstatSync(fd, { bigint: true });
        return timesView(typeOfStats(st), op.atime, op.mtime, st.atimeNs, st.mtimeNs);
      }
      case 'readdir':
        return this.#list(this.#base(op.base));
      case 'readdirAt':
        return this.#list(this.#path(op.base, op.path, true));
      case 'readFile': {
        const fd = fs.openSync(this.#path(op.base, op.path, true), C.O_RDONLY);
        try {
          if (fs.fstatSync(fd).isDirectory()) return { dir: true };
          return bytes(fs.readFileSync(fd));
        } finally {
          fs.closeSync(fd);
        }
      }
      case 'mkdir':
        fs.mkdirSync(this.#path(op.base, op.path, false), 0o777);
        return null;
      case 'rmdir':
        fs.rmdirSync(this.#path(op.base, op.path, false));
        return null;
      case 'unlink':
        fs.unlinkSync(this.#path(op.base, op.path, false));
        return null;
      case 'symlink':
        if (op.target.includes('\0')) throw new Skip('nul');
        fs.symlinkSync(op.target, this.#path(op.base, op.path, false));
        return null;
      case 'readlink':
        return fs.readlinkSync(this.#path(op.base, op.path, false), 'utf8');
      case 'stat': {
        const p = this.#path(op.base, op.path, op.follow);
        const st = op.follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true });
        return statView(typeOfStats(st), st.nlink, st.size);
      }
      case 'setTimes': {
        const p = this.#path(op.base, op.path, op.follow);
        const get = (): fs.BigIntStats => (op.follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true }));
        const cur = get();
        (op.follow ? fs.utimesSync : fs.lutimesSync)(p, secs(op.atime, cur.atimeNs), secs(op.mtime, cur.mtimeNs));
        const st = get();
        return timesView(typeOfStats(st), op.atime, op.mtime, st.atimeNs, st.mtimeNs);
      }
      case 'link': {
        const from = this.#path(op.base, op.from, op.follow);
        // link(2) never follows; linkat(AT_SYMLINK_FOLLOW) is link(realpath(from)), with the C library's
        // realpath(3) (Node's own realpathSync resolves `..` lexically, which is not what the kernel does).
        // realpath(3) does not refuse an input of PATH_MAX bytes or more as the kernel's getname() does
        // (first thing linkat does, before it copies the second path).
        if (op.follow && utf8.encode(from).length >= 4096) throw new Errno('ENAMETOOLONG');
        const to = this.#path(op.toBase, op.to, false);
        fs.linkSync(op.follow ? fs.realpathSync.native(from) : from, to);
        return null;
      }
      case 'rename':
        fs.renameSync(this.#path(op.base, op.from, false), this.#path(op.toBase, op.to, false));
        return null;
    }
  }

  #list(path: string): string[] {
    const entries = fs.readdirSync(path, { withFileTypes: true }).map((d) => ({ name: d.name, type: typeOfStats(d) }));
    return listView([{ name: '.', type: 'directory' }, { name: '..', type: 'directory' }, ...entries]);
  }

  dump(): string[] {
    return dumpHostDir(this.root);
  }

  dispose(): void {
    for (const h of this.#handles.values()) fs.closeSync(h.fd);
    this.#handles.clear();
    this.cleanup();
  }
}

/** A host directory's tree as {@link Target.dump} gives it, read with plain node:fs calls. */
function dumpHostDir(root: string): string[] {
  const out: string[] = [];
  // Each directory is reached through its parent's descriptor, so deep trees never meet PATH_MAX.
  const walk = (dir: string, prefix: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const p = `${dir}/${name}`;
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        out.push(`${prefix}${name}/ dir nlink=${st.nlink}`);
        const fd = fs.openSync(p, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
        try {
          walk(`/proc/self/fd/${fd}`, `${prefix}${name}/`);
        } finally {
          fs.closeSync(fd);
        }
      } else if (st.isSymbolicLink()) {
        out.push(`${prefix}${name} -> ${JSON.stringify(fs.readlinkSync(p, 'utf8'))} nlink=${st.nlink}`);
      } else {
        out.push(`${prefix}${name} ${typeOfStats(st)} nlink=${st.nlink} ${JSON.stringify(bytes(fs.readFileSync(p)))}`);
      }
    }
  };
  walk(root, '');
  return out.sort();
}

/** Builds INITIAL_TREE with plain node:fs calls (for the host directories). */
function populateHost(root: string): void {
  for (const [type, path, data] of INITIAL_TREE) {
    const p = join(root, path);
    if (type === 'dir') fs.mkdirSync(p);
    else if (type === 'symlink') fs.symlinkSync(data, p);
    else fs.writeFileSync(p, data);
  }
}

/** How deep below its temp dir the linux target's root sits: a second fence behind `escapes`. */
const LINUX_DEPTH = 12;

/** Fresh targets with the starting tree, in {@link ALL_TARGETS} order. Dispose each when done. */
export function makeTargets(names: readonly TargetName[]): Target[] {
  const out: Target[] = [];
  try {
    for (const name of ALL_TARGETS) {
      if (!names.includes(name)) continue;
      switch (name) {
        case 'linux': {
          const top = fs.mkdtempSync(join(tmpdir(), 'warden-fuzz-linux-'));
          let root = top;
          for (let i = 0; i < LINUX_DEPTH; i++) root = join(root, `n${i}`);
          fs.mkdirSync(root, { recursive: true });
          populateHost(root);
          out.push(new LinuxTarget(fs.realpathSync(root), () => fs.rmSync(top, { recursive: true, force: true })));
          break;
        }
        case 'host': {
          const dir = fs.mkdtempSync(join(tmpdir(), 'warden-fuzz-host-'));
          populateHost(dir);
          const backend = new HostBackend(dir);
          // The host dir is read with plain node:fs: through the descriptions, every dump would open
          // (and cache) a descriptor of every directory, hiding what happens to one never used before.
          out.push(
            wardenOver(
              'host',
              backend,
              () => {
                backend.close();
                fs.rmSync(dir, { recursive: true, force: true });
              },
              undefined,
              () => dumpHostDir(dir),
            ),
          );
          break;
        }
        case 'memory': {
          const t = wardenOver('memory', new MemoryBackend(), () => {});
          populateWarden(t.ns.openDir('/m'));
          out.push(t);
          break;
        }
        case 'overlay': {
          // The lower layer holds the starting tree; the upper starts empty.
          const lower = new MemoryBackend();
          const lns = new Namespace();
          lns.mount('/m', lower);
          populateWarden(lns.openDir('/m'));
          out.push(wardenOver('overlay', new OverlayBackend(lower), () => {}));
          break;
        }
        case 'ohost': {
          // The lower layer is a host directory holding the starting tree (it must never change).
          const dir = fs.mkdtempSync(join(tmpdir(), 'warden-fuzz-lower-'));
          populateHost(dir);
          const before = JSON.stringify(dumpHostDir(dir));
          const lower = new HostBackend(dir);
          out.push(
            wardenOver(
              'ohost',
              new OverlayBackend(lower),
              () => {
                lower.close();
                fs.rmSync(dir, { recursive: true, force: true });
              },
              () => (JSON.stringify(dumpHostDir(dir)) === before ? undefined : `the overlay's lower host directory changed: ${JSON.stringify(dumpHostDir(dir))}`),
            ),
          );
          break;
        }
      }
    }
  } catch (e) {
    for (const t of out) t.dispose();
    throw e;
  }
  return out;
}
