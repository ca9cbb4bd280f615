// Owns: a host directory as a backend. Every operation acts on ONE name inside a directory node
// the resolver reached; the OS is never asked to follow a symlink (lstat, O_NOFOLLOW, lutimes).
// Must not: resolve guest paths (the resolver does) or accept a name with '/' in it.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FsError, type ErrorCode } from '../errors.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../fs/types.js';

const C = fs.constants;

/** A node of a {@link HostBackend}: a host path made of the root and names the resolver checked. */
export interface HostNode {
  readonly path: string;
  /** The lstat taken by the lookup that produced this node, used once by the stat that follows. */
  fresh?: fs.BigIntStats | undefined;
}

const codes: Record<string, ErrorCode> = {
  ENOENT: 'no-entry', EEXIST: 'exist', ENOTEMPTY: 'not-empty', EISDIR: 'is-directory', ENOTDIR: 'not-directory',
  EACCES: 'access', EPERM: 'not-permitted', ELOOP: 'loop', ENAMETOOLONG: 'name-too-long', ENOSPC: 'insufficient-space',
  EXDEV: 'cross-device', EBUSY: 'busy', EINVAL: 'invalid', EMLINK: 'too-many-links', EROFS: 'read-only',
  EFBIG: 'file-too-large', EIO: 'io', EBADF: 'bad-descriptor', EMFILE: 'too-many-open-files', ENFILE: 'file-table-overflow',
  EAGAIN: 'would-block', EINTR: 'interrupted', ENOMEM: 'insufficient-memory', EDQUOT: 'insufficient-space',
  ETXTBSY: 'busy', ENXIO: 'no-entry', ENODEV: 'unsupported', EOPNOTSUPP: 'unsupported', ENOTSUP: 'unsupported',
  EOVERFLOW: 'overflow', ESPIPE: 'invalid-seek', EPIPE: 'pipe',
};

/** Runs a host call and maps its errno to an FsError; an error without a known errno code is rethrown as is. */
function host<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in codes) throw new FsError(codes[code]!, (e as Error).message);
    throw e;
  }
}

function typeOf(st: fs.BigIntStats | fs.Dirent): FileType {
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
  return { type: typeOf(st), ino: st.ino, nlink: st.nlink, size: st.size, atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

/**
 * A directory of the host filesystem, confined: the resolver walks it one
 * name at a time and handles every symlink itself, so no guest path can
 * reach outside it. (The window in which a concurrent host process swaps a
 * directory for a symlink mid-walk is described in docs/security.md.)
 */
export class HostBackend implements Backend<HostNode> {
  readonly label: string;
  readonly #root: HostNode;

  /** @param root an existing host directory; symlinks in this path itself are resolved once, here. */
  constructor(root: string) {
    let real: string;
    try {
      real = fs.realpathSync(root);
    } catch {
      throw new ConfigError(`host directory "${root}" does not exist`);
    }
    if (!fs.statSync(real).isDirectory()) throw new ConfigError(`"${root}" is not a directory`);
    this.#root = { path: real };
    this.label = `host:${real}`;
  }

  root(): HostNode {
    return this.#root;
  }

  stat(node: HostNode): NodeStat {
    const st = node.fresh ?? host(() => fs.lstatSync(node.path, { bigint: true }));
    node.fresh = undefined;
    return toStat(st);
  }

  lookup(dir: HostNode, name: string): HostNode | undefined {
    const path = join(dir.path, name);
    const st = host(() => fs.lstatSync(path, { bigint: true, throwIfNoEntry: false }));
    return st === undefined ? undefined : { path, fresh: st };
  }

  nodeKey(node: HostNode): unknown {
    const st = host(() => fs.lstatSync(node.path, { bigint: true }));
    return `${st.dev}:${st.ino}`;
  }

  readlink(node: HostNode): string {
    return host(() => fs.readlinkSync(node.path, 'utf8'));
  }

  readdir(dir: HostNode): DirEntry[] {
    const names = host(() => fs.readdirSync(dir.path)).sort();
    const out: DirEntry[] = [];
    for (const name of names) {
      const st = fs.lstatSync(join(dir.path, name), { bigint: true, throwIfNoEntry: false });
      if (st !== undefined) out.push({ name, type: typeOf(st), ino: st.ino });
    }
    return out;
  }

  open(node: HostNode, access: OpenAccess): FileIO {
    const mode = access.read && access.write ? C.O_RDWR : access.write ? C.O_WRONLY : C.O_RDONLY;
    const fd = host(() => fs.openSync(node.path, mode | C.O_NOFOLLOW));
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw new FsError('is-directory');
    }
    return new HostFileIO(fd);
  }

  setTimes(node: HostNode, atime: TimeChange, mtime: TimeChange): void {
    const st = host(() => fs.lstatSync(node.path, { bigint: true }));
    const now = Date.now() / 1000;
    const pick = (c: TimeChange, currentNs: bigint): number =>
      c.kind === 'now' ? now : c.kind === 'set' ? Number(c.ns) / 1e9 : Number(currentNs) / 1e9;
    host(() => fs.lutimesSync(node.path, pick(atime, st.atimeNs), pick(mtime, st.mtimeNs)));
  }

  createFile(dir: HostNode, name: string): HostNode {
    const path = join(dir.path, name);
    const fd = host(() => fs.openSync(path, C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW, 0o666));
    fs.closeSync(fd);
    return { path };
  }

  mkdir(dir: HostNode, name: string): HostNode {
    const path = join(dir.path, name);
    host(() => fs.mkdirSync(path, 0o777));
    return { path };
  }

  symlink(dir: HostNode, name: string, target: string): void {
    host(() => fs.symlinkSync(target, join(dir.path, name)));
  }

  link(dir: HostNode, name: string, node: HostNode): void {
    host(() => fs.linkSync(node.path, join(dir.path, name)));
  }

  unlink(dir: HostNode, name: string): void {
    const path = join(dir.path, name);
    const st = host(() => fs.lstatSync(path));
    if (st.isDirectory()) throw new FsError('is-directory');
    host(() => fs.unlinkSync(path));
  }

  rmdir(dir: HostNode, name: string): void {
    host(() => fs.rmdirSync(join(dir.path, name)));
  }

  rename(fromDir: HostNode, fromName: string, toDir: HostNode, toName: string): void {
    host(() => fs.renameSync(join(fromDir.path, fromName), join(toDir.path, toName)));
  }
}

class HostFileIO implements FileIO {
  #fd: number;
  constructor(fd: number) {
    this.#fd = fd;
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
  sync(dataOnly: boolean): void {
    host(() => (dataOnly ? fs.fdatasyncSync(this.#fd) : fs.fsyncSync(this.#fd)));
  }
  close(): void {
    fs.closeSync(this.#fd);
  }
}
