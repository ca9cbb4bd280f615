// Owns: open-file and open-directory descriptions: the objects a table slot holds for the
// filesystem. A file description has its own position and append flag, apart from the inode.
// Must not: resolve paths itself (it asks the resolver) or know about fds, rights or errnos.
import { fail } from '../errors.js';
import { Resource } from '../table/resource.js';
import type { PathLimits } from './limits.js';
import type { Location } from './mount.js';
import * as R from './resolver.js';
import type { DirEntry, FileIO, Stat, TimeChange } from './types.js';

/** How a seek offset is interpreted. */
export type Whence = 'set' | 'current' | 'end';

/** Flags of an open description that preview1 calls fdflags (shared by every fd on it). */
export interface DescriptionFlags {
  append: boolean;
  nonblock: boolean;
  sync: boolean;
  dsync: boolean;
  rsync: boolean;
}

const noFlags = (): DescriptionFlags => ({ append: false, nonblock: false, sync: false, dsync: false, rsync: false });

// A description held by several threads keeps its position and flags in shared memory:
// Int32 slots LOCK and FLAGS (bits as FLAG_BITS), then the position as a BigInt64 at byte 8.
const LOCK = 0;
const FLAGS = 1;
const POSITION = 1;
const SHARED_BYTES = 16;
const FLAG_BITS: Record<keyof DescriptionFlags, number> = { append: 1, nonblock: 2, sync: 4, dsync: 8, rsync: 16 };
/** How long a lock may stay taken before a waiter assumes its holder's thread was terminated mid-call. */
const STALE_LOCK_MS = 2000;

/** The state of a description that several threads hold. */
class ThreadState {
  readonly i32: Int32Array;
  readonly big: BigInt64Array;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer, 0, 2);
    this.big = new BigInt64Array(buffer, 0, 2);
  }

  /** Runs `f` while no other holder runs an operation that reads and moves the position. */
  locked<T>(f: () => T): T {
    const a = this.i32;
    while (Atomics.compareExchange(a, LOCK, 0, 1) !== 0) {
      let r: string;
      try {
        r = Atomics.wait(a, LOCK, 1, STALE_LOCK_MS);
      } catch {
        continue; // this thread may not block (a browser's main thread): the holder's call is short, spin
      }
      // Nobody let go for that long: the holder's thread was terminated inside a call. Take it over.
      if (r === 'timed-out' && Atomics.compareExchange(a, LOCK, 1, 1) === 1) break;
    }
    try {
      return f();
    } finally {
      Atomics.store(a, LOCK, 0);
      Atomics.notify(a, LOCK, 1);
    }
  }
}

/** The flags of a description held by several threads: bits in shared memory. */
class SharedFlags implements DescriptionFlags {
  constructor(private readonly i32: Int32Array) {}
  #get(bit: number): boolean {
    return (Atomics.load(this.i32, FLAGS) & bit) !== 0;
  }
  #set(bit: number, on: boolean): void {
    if (on) Atomics.or(this.i32, FLAGS, bit);
    else Atomics.and(this.i32, FLAGS, ~bit);
  }
  get append(): boolean { return this.#get(FLAG_BITS.append); }
  set append(v: boolean) { this.#set(FLAG_BITS.append, v); }
  get nonblock(): boolean { return this.#get(FLAG_BITS.nonblock); }
  set nonblock(v: boolean) { this.#set(FLAG_BITS.nonblock, v); }
  get sync(): boolean { return this.#get(FLAG_BITS.sync); }
  set sync(v: boolean) { this.#set(FLAG_BITS.sync, v); }
  get dsync(): boolean { return this.#get(FLAG_BITS.dsync); }
  set dsync(v: boolean) { this.#set(FLAG_BITS.dsync, v); }
  get rsync(): boolean { return this.#get(FLAG_BITS.rsync); }
  set rsync(v: boolean) { this.#set(FLAG_BITS.rsync, v); }
}

/**
 * An open regular file (or device). Two descriptions on one file have their
 * own positions and flags; closing one never affects the other; a file
 * unlinked while open stays readable through its description.
 *
 * A description whose file any thread of the process can open again (a host
 * file) can be held by several threads at once
 * ({@link FileDescription.shareWithThread}): its position and flags then live
 * in shared memory and operations that move the position take a lock; each
 * thread has its own `io` on the file and closes it itself.
 */
export class FileDescription extends Resource {
  readonly kind = 'file';
  #position = 0n;
  #flags: DescriptionFlags;
  #shared: ThreadState | undefined;

  constructor(
    /** Where the file lives (mount and node). Undefined for files served directly by the host. */
    readonly location: Location | undefined,
    readonly io: FileIO,
    readonly readable: boolean,
    readonly writable: boolean,
    flags: Partial<DescriptionFlags> = {},
    /** How to stat a file that has no location. */
    readonly statFallback?: () => Stat,
  ) {
    super();
    this.#flags = {
      append: flags.append ?? false,
      nonblock: flags.nonblock ?? false,
      sync: flags.sync ?? false,
      dsync: flags.dsync ?? false,
      rsync: flags.rsync ?? false,
    };
  }

  /**
   * @internal The description another thread gets from `state` (see
   * {@link FileDescription.shareWithThread}), over its own `io` on the same file.
   */
  static adopt(state: SharedArrayBuffer, io: FileIO, readable: boolean, writable: boolean, statFallback: () => Stat): FileDescription {
    const d = new FileDescription(undefined, io, readable, writable, {}, statFallback);
    d.#shared = new ThreadState(state);
    d.#flags = new SharedFlags(d.#shared.i32);
    return d;
  }

  /**
   * @internal Lets other threads hold this description: moves the position and
   * flags into shared memory (once) and returns that memory. Only for files
   * that another thread can open again by itself (a host file).
   */
  shareWithThread(): SharedArrayBuffer {
    if (this.disposed) throw new Error('cannot share a closed file description');
    if (this.#shared === undefined) {
      const buffer = new SharedArrayBuffer(SHARED_BYTES);
      const state = new ThreadState(buffer);
      let bits = 0;
      for (const k of Object.keys(FLAG_BITS) as (keyof DescriptionFlags)[]) if (this.#flags[k]) bits |= FLAG_BITS[k];
      state.i32[FLAGS] = bits;
      state.big[POSITION] = BigInt.asIntN(64, this.#position);
      this.#shared = state;
      this.#flags = new SharedFlags(state.i32);
    }
    return this.#shared.buffer;
  }

  /** The byte offset the next read or write uses (unless `append`). */
  get position(): bigint {
    const s = this.#shared;
    return s === undefined ? this.#position : Atomics.load(s.big, POSITION);
  }
  set position(v: bigint) {
    const s = this.#shared;
    if (s === undefined) this.#position = v;
    else Atomics.store(s.big, POSITION, v);
  }

  /** The fdflags of this description (shared by every fd and thread holding it). */
  get flags(): DescriptionFlags {
    return this.#flags;
  }

  /** Reads at the position and advances it. */
  read(into: Uint8Array): number {
    if (!this.readable) fail('bad-descriptor', 'not open for reading');
    const s = this.#shared;
    return s === undefined ? this.#read(into) : s.locked(() => this.#read(into));
  }

  #read(into: Uint8Array): number {
    const n = this.io.read(into, this.position);
    if (!this.io.streaming) this.position += BigInt(n);
    return n;
  }

  /** Writes at the position (at the end when appending) and advances it. */
  write(data: Uint8Array): number {
    if (!this.writable) fail('bad-descriptor', 'not open for writing');
    if (data.length === 0) return 0; // write(2) of nothing changes nothing, not even an append position
    const s = this.#shared;
    return s === undefined ? this.#write(data) : s.locked(() => this.#write(data));
  }

  #write(data: Uint8Array): number {
    // The position moves only after a successful write (a failed append leaves it where it was).
    const at = this.flags.append && !this.io.streaming ? this.io.size() : this.position;
    const n = this.io.write(data, at);
    if (!this.io.streaming) this.position = at + BigInt(n);
    if (this.flags.sync || this.flags.dsync) this.io.sync(!this.flags.sync);
    return n;
  }

  /** Bytes from the position to the end of the file (what poll reports a read could get). */
  remaining(): bigint {
    const left = this.io.size() - this.position;
    return left > 0n ? left : 0n;
  }

  /** Reads at `offset` without moving the position. */
  pread(into: Uint8Array, offset: bigint): number {
    if (!this.readable) fail('bad-descriptor', 'not open for reading');
    return this.io.read(into, offset);
  }

  /** Writes at `offset` without moving the position. */
  pwrite(data: Uint8Array, offset: bigint): number {
    if (!this.writable) fail('bad-descriptor', 'not open for writing');
    if (offset + BigInt(data.length) > 0x7fff_ffff_ffff_ffffn) fail('file-too-large');
    // As Linux pwrite(2) on an O_APPEND file (and wasmtime): the data goes to the end, whatever the offset.
    if (this.flags.append && !this.io.streaming) {
      const s = this.#shared;
      return s === undefined ? this.io.write(data, this.io.size()) : s.locked(() => this.io.write(data, this.io.size()));
    }
    return this.io.write(data, offset);
  }

  /** Moves the position; returns the new one. A resulting negative position is `invalid`. */
  seek(offset: bigint, whence: Whence): bigint {
    const s = this.#shared;
    return s === undefined ? this.#seek(offset, whence) : s.locked(() => this.#seek(offset, whence));
  }

  #seek(offset: bigint, whence: Whence): bigint {
    if (this.io.streaming) {
      this.position = 0n;
      return 0n;
    }
    const base = whence === 'set' ? 0n : whence === 'current' ? this.position : this.io.size();
    const next = base + offset;
    if (next < 0n) fail('invalid', 'seek before the start of the file');
    if (next > 0x7fff_ffff_ffff_ffffn) fail('overflow');
    this.position = next;
    return next;
  }

  /** Metadata of the file. */
  stat(): Stat {
    if (this.location !== undefined) {
      if (this.io.stat === undefined) return R.statLocation(this.location);
      const st = this.io.stat() as Stat;
      st.dev = this.location.mount.dev;
      return st;
    }
    if (this.statFallback !== undefined) return this.statFallback();
    return { type: 'regular-file', dev: 0n, ino: 0n, nlink: 1n, size: this.io.size(), atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
  }

  /** Sets the file's size (zero-filling growth). */
  setSize(size: bigint): void {
    if (!this.writable) fail('bad-descriptor', 'not open for writing');
    this.io.truncate(size);
  }

  /** Makes sure `[offset, offset+len)` is allocated (grows the file, zero-filled). */
  allocate(offset: bigint, len: bigint): void {
    if (!this.writable) fail('bad-descriptor', 'not open for writing');
    const end = offset + len;
    if (end > 0x7fff_ffff_ffff_ffffn) fail('file-too-large');
    const grow = (): void => {
      if (end > this.io.size()) this.io.truncate(end);
    };
    const s = this.#shared;
    if (s === undefined) grow();
    else s.locked(grow);
  }

  /** Changes access/modification times. */
  setTimes(atime: TimeChange, mtime: TimeChange): void {
    if (this.io.setTimes !== undefined) this.io.setTimes(atime, mtime);
    else if (this.location === undefined) fail('unsupported', 'this file has no timestamps');
    else this.location.mount.backend.setTimes(this.location.node, atime, mtime);
  }

  /** Flushes to durable storage. */
  sync(dataOnly: boolean): void {
    this.io.sync(dataOnly);
  }

  protected override dispose(): void {
    this.io.close();
  }
}

/** A directory entry as a directory description lists it, with its cookie. */
export interface ListedEntry extends DirEntry {
  /** The cookie that resumes the listing after this entry. */
  next: bigint;
}

/**
 * An open directory. Paths given to its methods are resolved relative to it
 * and can never climb above it: it is a sandbox root for what it opens.
 */
export class DirDescription extends Resource {
  readonly kind = 'directory';
  readonly flags: DescriptionFlags = noFlags();
  #listing: DirEntry[] | undefined;
  readonly #unpin: (() => void) | undefined;

  constructor(
    readonly location: Location,
    readonly limits: PathLimits,
    /** The directory this one was opened from, for the `..` entry of listings. */
    readonly parent: Location | undefined = undefined,
  ) {
    super();
    // An open directory stays the same directory whatever happens to its name (as a POSIX dir fd).
    this.#unpin = location.mount.backend.pin?.(location.node);
  }

  protected override dispose(): void {
    this.#unpin?.();
  }

  /** The walk context rooted at this directory. */
  get walk(): R.Walk {
    return { start: this.location, limits: this.limits };
  }

  stat(): Stat {
    return R.statLocation(this.location);
  }

  setTimes(atime: TimeChange, mtime: TimeChange): void {
    this.location.mount.backend.setTimes(this.location.node, atime, mtime);
  }

  /**
   * Lists entries from `cookie` on (0 starts over; '.' and '..' come first).
   * The listing is snapshotted at cookie 0 so that a guest reading it in small
   * pieces sees one consistent list and costs O(n) in all.
   */
  list(cookie: bigint): ListedEntry[] {
    return [...this.entries(cookie)];
  }

  /** Like {@link list}, one entry at a time, so a reader that stops early pays only for what it took. */
  *entries(cookie: bigint): IterableIterator<ListedEntry> {
    if (cookie === 0n || this.#listing === undefined) {
      const self = R.statLocation(this.location);
      const up = this.parent === undefined ? self : R.statLocation(this.parent);
      this.#listing = [
        { name: '.', type: 'directory', ino: self.ino },
        { name: '..', type: 'directory', ino: up.ino },
        ...R.listDir(this.location),
      ];
    }
    const listing = this.#listing;
    if (cookie >= BigInt(listing.length)) return;
    for (let i = Number(cookie); i < listing.length; i++) yield { ...listing[i]!, next: BigInt(i + 1) };
  }

  /** Opens `path` below this directory. */
  open(path: string, req: R.OpenRequest, flags: Partial<DescriptionFlags> = {}): FileDescription | DirDescription {
    const opened = R.openAt(this.walk, path, req);
    if (opened.kind === 'directory') return new DirDescription(opened.location, this.limits, opened.parent ?? this.location);
    return new FileDescription(opened.location, opened.io, req.read, req.write, flags);
  }

  mkdir(path: string): void {
    R.mkdirAt(this.walk, path);
  }
  rmdir(path: string): void {
    R.rmdirAt(this.walk, path);
  }
  unlink(path: string): void {
    R.unlinkAt(this.walk, path);
  }
  symlink(target: string, path: string): void {
    R.symlinkAt(this.walk, target, path);
  }
  readlink(path: string): string {
    return R.readlinkAt(this.walk, path);
  }
  statAt(path: string, follow: boolean): Stat {
    return R.statAt(this.walk, path, follow);
  }
  setTimesAt(path: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void {
    R.setTimesAt(this.walk, path, follow, atime, mtime);
  }
  /** Hard-links `from` (below this dir) to `to` below `target`. */
  link(from: string, follow: boolean, target: DirDescription, to: string): void {
    R.linkAt(this.walk, from, follow, target.walk, to);
  }
  /** Renames `from` (below this dir) to `to` below `target`. */
  rename(from: string, target: DirDescription, to: string): void {
    R.renameAt(this.walk, from, target.walk, to);
  }
}

export type { FileIO };
