// Owns: a host directory as a backend. Every operation acts on ONE name inside a directory the
// resolver reached, addressed through a verified directory descriptor (on Linux) so that a host
// process swapping a directory for a symlink mid-walk cannot redirect it; the OS is never asked
// to follow a symlink (lstat, O_NOFOLLOW, lutimes).
// Must not: resolve guest paths (the resolver does) or accept a name with '/' in it.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FsError, type ErrorCode } from '../errors.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../fs/types.js';

const C = fs.constants;

/**
 * A node of a {@link HostBackend}: a name inside a parent directory node (or
 * the root). Nodes do not hold host descriptors; directories are reached
 * through the backend's descriptor cache, keyed by device and inode.
 */
export interface HostNode {
  readonly parent: HostNode | undefined;
  readonly name: string;
  /** The host path, for messages and for platforms without fd-relative paths. */
  readonly path: string;
  /** Device and inode seen when the node was looked up (identity of a directory). */
  readonly key: string;
  /** The type seen by the lookup; a directory is then always reached through its own verified descriptor. */
  readonly type: FileType;
}

/** How host errno names map to Warden's error codes (what `HostBackend` reports for each). */
export const hostErrorCodes: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'no-entry', EEXIST: 'exist', ENOTEMPTY: 'not-empty', EISDIR: 'is-directory', ENOTDIR: 'not-directory',
  EACCES: 'access', EPERM: 'not-permitted', ELOOP: 'loop', ENAMETOOLONG: 'name-too-long', ENOSPC: 'insufficient-space',
  EXDEV: 'cross-device', EBUSY: 'busy', EINVAL: 'invalid', EMLINK: 'too-many-links', EROFS: 'read-only',
  EFBIG: 'file-too-large', EIO: 'io', EBADF: 'bad-descriptor', EMFILE: 'too-many-open-files', ENFILE: 'file-table-overflow',
  EAGAIN: 'would-block', EINTR: 'interrupted', ENOMEM: 'insufficient-memory', EDQUOT: 'insufficient-space',
  ETXTBSY: 'busy', ENXIO: 'no-entry', ENODEV: 'unsupported', EOPNOTSUPP: 'unsupported', ENOTSUP: 'unsupported',
  EOVERFLOW: 'overflow', ESPIPE: 'invalid-seek', EPIPE: 'pipe',
};

/** Runs a host call and maps its errno to an FsError; an error without a known errno code is rethrown as is (a bug to see). */
function host<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in hostErrorCodes) throw new FsError(hostErrorCodes[code]!, (e as Error).message);
    throw e;
  }
}

/** The Warden file type of a Node stat or directory entry. */
export function fileTypeOf(st: fs.BigIntStats | fs.Stats | fs.Dirent): FileType {
  if (st.isFile()) return 'regular-file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symbolic-link';
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isSocket()) return 'socket';
  if (st.isFIFO()) return 'fifo';
  return 'unknown';
}

function toStat(st: fs.BigIntStats): NodeStat {
  return { type: fileTypeOf(st), ino: st.ino, nlink: st.nlink, size: st.size, atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

/**
 * The (atime, mtime) pair Node's utimes functions take, in seconds as doubles:
 * whole and half seconds are exact, finer times round to about 0.25 µs.
 */
function seconds(atime: TimeChange, mtime: TimeChange, current: fs.BigIntStats): [number, number] {
  const now = Date.now() / 1000;
  const pick = (c: TimeChange, currentNs: bigint): number => (c.kind === 'now' ? now : c.kind === 'set' ? Number(c.ns) / 1e9 : Number(currentNs) / 1e9);
  return [pick(atime, current.atimeNs), pick(mtime, current.mtimeNs)];
}

/** @internal The identity of a host file: device and inode. */
export const keyOf = (st: fs.BigIntStats | fs.Stats): string => `${st.dev}:${st.ino}`;

let procFd: boolean | undefined;

/**
 * @internal True where `/proc/self/fd/N/name` resolves `name` inside the directory open as fd N,
 * and opening `/proc/self/fd/N` opens again what N designates (Linux). Asked once per process.
 */
export function hasProcFd(): boolean {
  if (procFd === undefined) {
    try {
      procFd = fs.statSync('/proc/self/fd').isDirectory() && fs.readlinkSync('/proc/self/fd/0') !== '';
    } catch {
      procFd = false;
    }
  }
  return procFd;
}

/** Closes the descriptors of a HostBackend dropped without close(). */
const abandoned = new FinalizationRegistry<{ rootFd: number; dirs: Map<string, number>; pinned: Map<string, { fd: number }> }>((held) => {
  for (const fd of held.dirs.values()) fs.closeSync(fd);
  for (const p of held.pinned.values()) fs.closeSync(p.fd);
  fs.closeSync(held.rootFd);
});

/** Options of a {@link HostBackend}. */
export interface HostBackendOptions {
  /**
   * How many directory descriptors to keep open for fd-relative lookups
   * (least recently used ones are closed beyond it). Default 64.
   */
  maxOpenDirs?: number;
  /**
   * @internal Close the backend once no open directory description pins any of
   * its directories any more (for a backend made for one adopted directory).
   */
  closeWhenUnpinned?: boolean;
}

/** @internal A host directory already open: a descriptor the backend takes over, and its path (for messages). */
export interface OpenHostDir {
  fd: number;
  path: string;
}

/**
 * A directory of the host filesystem, confined. The resolver walks it one name
 * at a time and handles every symlink itself, so no guest path can reach
 * outside it. On Linux every operation names its target as
 * `/proc/self/fd/<dir>/<name>`, where `<dir>` is a descriptor of the very
 * directory the resolver checked (verified by device and inode when opened,
 * with `O_DIRECTORY|O_NOFOLLOW`): a host process that renames directories or
 * swaps one for a symlink mid-walk cannot redirect an operation outside.
 * Elsewhere host paths are used, with the window described in docs/security.md.
 *
 * Call {@link HostBackend.close} when done to close the directory descriptors.
 */
export class HostBackend implements Backend<HostNode> {
  readonly label: string;
  readonly #root: HostNode;
  readonly #rootFd: number;
  readonly #fdRelative: boolean;
  readonly #maxOpenDirs: number;
  /** Directory descriptors by device:inode, in least-recently-used order (Map keeps insertion order). */
  readonly #dirs = new Map<string, number>();
  /** Descriptors of directories that open descriptions hold: never evicted while held. */
  readonly #pinned = new Map<string, { fd: number; holders: number }>();
  #closed = false;
  /** Pins held (of any directory, the root's included), when closing with the last one. */
  #pins = 0;
  readonly #closeWhenUnpinned: boolean;

  /**
   * @param root an existing host directory; symlinks in this path itself are
   * resolved once, here. (Internally also an already open directory, whose
   * descriptor the backend then owns.)
   */
  constructor(root: string | OpenHostDir, options: HostBackendOptions = {}) {
    let real: string;
    if (typeof root === 'string') {
      try {
        real = fs.realpathSync(root);
      } catch {
        throw new ConfigError(`host directory "${root}" does not exist`);
      }
      const st = fs.statSync(real, { bigint: true });
      if (!st.isDirectory()) throw new ConfigError(`"${root}" is not a directory`);
      this.#rootFd = fs.openSync(real, C.O_RDONLY | C.O_DIRECTORY);
    } else {
      real = root.path;
      this.#rootFd = root.fd;
    }
    this.#closeWhenUnpinned = options.closeWhenUnpinned ?? false;
    const opened = fs.fstatSync(this.#rootFd, { bigint: true });
    if (!opened.isDirectory()) throw new ConfigError(`"${real}" is not a directory`);
    this.#root = { parent: undefined, name: '', path: real, key: keyOf(opened), type: 'directory' };
    this.#fdRelative = hasProcFd();
    this.#maxOpenDirs = Math.max(1, options.maxOpenDirs ?? 64);
    this.label = `host:${real}`;
    abandoned.register(this, { rootFd: this.#rootFd, dirs: this.#dirs, pinned: this.#pinned }, this);
  }

  /** True if operations go through verified directory descriptors (Linux), false if through host paths. */
  get fdRelative(): boolean {
    return this.#fdRelative;
  }

  /** Host descriptors this backend holds open right now (the root's and cached directories'). */
  get openDescriptors(): number {
    return this.#closed ? 0 : 1 + this.#dirs.size + this.#pinned.size;
  }

  /**
   * Closes every directory descriptor the backend holds. Files still open keep
   * their own descriptors. A backend dropped without this is closed when garbage-collected.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    abandoned.unregister(this);
    for (const fd of this.#dirs.values()) fs.closeSync(fd);
    this.#dirs.clear();
    for (const p of this.#pinned.values()) fs.closeSync(p.fd);
    this.#pinned.clear();
    fs.closeSync(this.#rootFd);
  }

  /**
   * Opens (and verifies) the descriptor of a directory that a description
   * holds, and keeps it while held: the description then keeps designating
   * that directory even if it is renamed, removed or replaced by name.
   */
  pin(dir: HostNode): () => void {
    if (this.#closeWhenUnpinned) {
      this.#pins++;
      const unpin = this.#pinDir(dir);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        unpin();
        if (--this.#pins === 0) this.close();
      };
    }
    return this.#pinDir(dir);
  }

  #pinDir(dir: HostNode): () => void {
    if (dir.parent === undefined || dir.type !== 'directory') return () => {};
    const key = dir.key;
    let p = this.#pinned.get(key);
    if (p === undefined) {
      const fd = this.#dirFd(dir);
      this.#dirs.delete(key);
      p = { fd, holders: 0 };
      this.#pinned.set(key, p);
    }
    p.holders++;
    let released = false;
    return () => {
      if (released || this.#closed) return;
      released = true;
      const q = this.#pinned.get(key);
      if (q === undefined || --q.holders > 0) return;
      this.#pinned.delete(key);
      fs.closeSync(q.fd);
    };
  }

  /**
   * @internal The descriptor this backend reaches directory `node` through
   * (verified to be the inode the lookup saw). It stays the backend's: valid
   * while a description pins the directory.
   */
  descriptorOf(node: HostNode): number {
    if (node.type !== 'directory') throw new FsError('not-directory');
    return this.#dirFd(node);
  }

  /** A descriptor of directory `node`, verified to be the inode the lookup saw. */
  #dirFd(node: HostNode): number {
    if (this.#closed) throw new FsError('bad-descriptor', 'the host backend was closed');
    if (node.parent === undefined) return this.#rootFd;
    const pinned = this.#pinned.get(node.key);
    if (pinned !== undefined) return pinned.fd;
    const cached = this.#dirs.get(node.key);
    if (cached !== undefined) {
      this.#dirs.delete(node.key);
      this.#dirs.set(node.key, cached);
      return cached;
    }
    const fd = host(() => fs.openSync(this.#at(node.parent!, node.name), C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW));
    const st = fs.fstatSync(fd);
    if (keyOf(st) !== node.key) {
      // The name now designates another directory than the one the resolver checked: refuse.
      fs.closeSync(fd);
      throw new FsError('no-entry', `${node.path} changed during the lookup`);
    }
    this.#dirs.set(node.key, fd);
    if (this.#dirs.size > this.#maxOpenDirs) {
      const [oldKey, oldFd] = this.#dirs.entries().next().value as [string, number];
      this.#dirs.delete(oldKey);
      fs.closeSync(oldFd);
    }
    return fd;
  }

  /** The host path that names `name` inside directory `dir`: fd-relative where possible. */
  #at(dir: HostNode, name: string): string {
    if (name.includes('/') || name === '' || name === '.' || name === '..') throw new Error(`HostBackend was given "${name}", which is not a single name (a resolver bug)`);
    return this.#fdRelative ? `/proc/self/fd/${this.#dirFd(dir)}/${name}` : join(dir.path, name);
  }

  /** The host path of `node` itself. */
  #self(node: HostNode): string {
    if (node.parent === undefined) return this.#fdRelative ? `/proc/self/fd/${this.#rootFd}` : node.path;
    return this.#at(node.parent, node.name);
  }

  #child(dir: HostNode, name: string, st: fs.Stats): HostNode {
    return { parent: dir, name, path: `${dir.path}/${name}`, key: keyOf(st), type: fileTypeOf(st) };
  }

  root(): HostNode {
    return this.#root;
  }

  stat(node: HostNode): NodeStat {
    // A directory is asked through its own verified descriptor, so a symlink swapped in at its
    // name cannot make it report (or lead to) something else.
    const st = node.type === 'directory' ? host(() => fs.fstatSync(this.#dirFd(node), { bigint: true })) : host(() => fs.lstatSync(this.#self(node), { bigint: true }));
    return toStat(st);
  }

  typeOf(node: HostNode): FileType {
    return node.type;
  }

  lookup(dir: HostNode, name: string): HostNode | undefined {
    // Type and identity only: number stats are cheaper than bigint ones, and the
    // key only has to tell inodes apart (inode numbers above 2^53 do not occur in practice).
    const st = host(() => fs.lstatSync(this.#at(dir, name), { throwIfNoEntry: false }));
    return st === undefined ? undefined : this.#child(dir, name, st);
  }

  nodeKey(node: HostNode): unknown {
    return node.key;
  }

  readlink(node: HostNode): string {
    return host(() => fs.readlinkSync(this.#self(node), 'utf8'));
  }

  readdir(dir: HostNode): DirEntry[] {
    const base = this.#fdRelative ? `/proc/self/fd/${this.#dirFd(dir)}` : dir.path;
    const names = host(() => fs.readdirSync(base));
    const out: DirEntry[] = [];
    // One lstat per entry for its inode number (Node's readdir does not expose d_ino); number
    // stats suffice and cost less than bigint ones. The order is the host's, which is stable.
    for (const name of names) {
      const st = fs.lstatSync(this.#at(dir, name), { throwIfNoEntry: false });
      if (st !== undefined) out.push({ name, type: fileTypeOf(st), ino: BigInt(st.ino) });
    }
    return out;
  }

  open(node: HostNode, access: OpenAccess): FileIO {
    if (node.type === 'directory') throw new FsError('is-directory');
    const mode = access.read && access.write ? C.O_RDWR : access.write ? C.O_WRONLY : C.O_RDONLY;
    // O_NOFOLLOW: a symlink swapped in at the name fails (ELOOP). A directory swapped in opens,
    // but reads and writes on it fail (EISDIR): nothing outside is reached either way.
    return new HostFileIO(host(() => fs.openSync(this.#self(node), mode | C.O_NOFOLLOW)));
  }

  setTimes(node: HostNode, atime: TimeChange, mtime: TimeChange): void {
    if (node.type === 'directory') {
      const fd = this.#dirFd(node);
      const current = host(() => fs.fstatSync(fd, { bigint: true }));
      host(() => fs.futimesSync(fd, ...seconds(atime, mtime, current)));
      return;
    }
    const path = this.#self(node);
    const st = host(() => fs.lstatSync(path, { bigint: true }));
    host(() => fs.lutimesSync(path, ...seconds(atime, mtime, st)));
  }

  createFile(dir: HostNode, name: string): HostNode {
    const fd = host(() => fs.openSync(this.#at(dir, name), C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW, 0o666));
    const st = fs.fstatSync(fd);
    fs.closeSync(fd);
    return { parent: dir, name, path: join(dir.path, name), key: keyOf(st), type: 'regular-file' };
  }

  mkdir(dir: HostNode, name: string): HostNode {
    const path = this.#at(dir, name);
    host(() => fs.mkdirSync(path, 0o777));
    return this.#child(dir, name, host(() => fs.lstatSync(path)));
  }

  symlink(dir: HostNode, name: string, target: string): void {
    host(() => fs.symlinkSync(target, this.#at(dir, name)));
  }

  link(dir: HostNode, name: string, node: HostNode): void {
    // link(2) does not follow a symlink in its source, so the source stays the node itself.
    const source = this.#self(node);
    if (node.parent === undefined || host(() => fs.lstatSync(source)).isDirectory()) throw new FsError('not-permitted', 'hard links to directories are not allowed');
    host(() => fs.linkSync(source, this.#at(dir, name)));
  }

  unlink(dir: HostNode, name: string): void {
    const path = this.#at(dir, name);
    const st = host(() => fs.lstatSync(path));
    if (st.isDirectory()) throw new FsError('is-directory');
    host(() => fs.unlinkSync(path));
  }

  rmdir(dir: HostNode, name: string): void {
    // A cached descriptor of the removed directory stays open: a description still holding the
    // directory keeps working on it (fstat gives nlink 0), as on Linux. It leaves the cache by LRU.
    host(() => fs.rmdirSync(this.#at(dir, name)));
  }

  rename(fromDir: HostNode, fromName: string, toDir: HostNode, toName: string): void {
    host(() => fs.renameSync(this.#at(fromDir, fromName), this.#at(toDir, toName)));
  }
}

/**
 * @internal An open host file. Any thread of the process can use its
 * descriptor, so another thread can hold the same open description
 * (`FileDescription.shareWithThread`) over a `HostFileIO` of its own.
 */
export class HostFileIO implements FileIO {
  readonly #fd: number;
  constructor(fd: number) {
    this.#fd = fd;
  }
  /** The host descriptor. */
  get fd(): number {
    return this.#fd;
  }
  /** fstat of the open file: what fd_filestat_get reports, even after the name was renamed or replaced. */
  stat(): NodeStat {
    return toStat(host(() => fs.fstatSync(this.#fd, { bigint: true })));
  }
  read(into: Uint8Array, offset: bigint): number {
    return host(() => fs.readSync(this.#fd, into, 0, into.length, offset));
  }
  write(data: Uint8Array, offset: bigint): number {
    return host(() => fs.writeSync(this.#fd, data, 0, data.length, Number(offset)));
  }
  size(): bigint {
    return host(() => fs.fstatSync(this.#fd, { bigint: true }).size);
  }
  truncate(size: bigint): void {
    host(() => fs.ftruncateSync(this.#fd, Number(size)));
  }
  setTimes(atime: TimeChange, mtime: TimeChange): void {
    const st = host(() => fs.fstatSync(this.#fd, { bigint: true }));
    host(() => fs.futimesSync(this.#fd, ...seconds(atime, mtime, st)));
  }
  sync(dataOnly: boolean): void {
    host(() => (dataOnly ? fs.fdatasyncSync(this.#fd) : fs.fsyncSync(this.#fd)));
  }
  close(): void {
    fs.closeSync(this.#fd);
  }
}
