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

/**
 * An open regular file (or device). Two descriptions on one file have their
 * own positions and flags; closing one never affects the other; a file
 * unlinked while open stays readable through its description.
 */
export class FileDescription extends Resource {
  readonly kind = 'file';
  /** The byte offset the next read or write uses (unless `append`). */
  position = 0n;
  readonly flags: DescriptionFlags;

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
    this.flags = {
      append: flags.append ?? false,
      nonblock: flags.nonblock ?? false,
      sync: flags.sync ?? false,
      dsync: flags.dsync ?? false,
      rsync: flags.rsync ?? false,
    };
  }

  /** Reads at the position and advances it. */
  read(into: Uint8Array): number {
    if (!this.readable) fail('bad-descriptor', 'not open for reading');
    const n = this.io.read(into, this.position);
    if (!this.io.streaming) this.position += BigInt(n);
    return n;
  }

  /** Writes at the position (at the end when appending) and advances it. */
  write(data: Uint8Array): number {
    if (!this.writable) fail('bad-descriptor', 'not open for writing');
    if (data.length === 0) return 0; // write(2) of nothing changes nothing, not even an append position
    // The position moves only after a successful write (a failed append leaves it where it was).
    const at = this.flags.append && !this.io.streaming ? this.io.size() : this.position;
    const n = this.io.write(data, at);
    if (!this.io.streaming) this.position = at + BigInt(n);
    if (this.flags.sync || this.flags.dsync) this.io.sync(!this.flags.sync);
    return n;
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
    if (this.flags.append && !this.io.streaming) return this.io.write(data, this.io.size());
    return this.io.write(data, offset);
  }

  /** Moves the position; returns the new one. A resulting negative position is `invalid`. */
  seek(offset: bigint, whence: Whence): bigint {
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
    if (end > this.io.size()) this.io.truncate(end);
  }

  /** Changes access/modification times. */
  setTimes(atime: TimeChange, mtime: TimeChange): void {
    if (this.location === undefined) fail('unsupported', 'this file has no timestamps');
    if (this.io.setTimes !== undefined) this.io.setTimes(atime, mtime);
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
