// Owns: an in-memory filesystem (files, directories, symlinks, hard links) whose state is plain data.
// Must not: resolve paths or use platform APIs; it only ever sees single names.
import { FsError, fail } from '../../errors.js';
import { realtimeNs } from '../../clock.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../types.js';

/** An inode of the memory backend. Plain data: it can be cloned or serialized as is. */
export type MemoryNode = MemoryFile | MemoryDir | MemorySymlink;

interface NodeCommon {
  ino: number;
  nlink: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}
/** A regular file: `data` may be longer than `size` (spare capacity is zero). */
export interface MemoryFile extends NodeCommon {
  type: 'regular-file';
  data: Uint8Array;
  size: number;
}
/** A directory: names in insertion order, and its parent (itself for the root). */
export interface MemoryDir extends NodeCommon {
  type: 'directory';
  entries: Map<string, MemoryNode>;
  parent: MemoryDir;
}
/** A symbolic link with its target as written. */
export interface MemorySymlink extends NodeCommon {
  type: 'symbolic-link';
  target: string;
}

/** Options of a {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Largest size one file may reach; beyond it writes fail with `file-too-large` (EFBIG). Default 2 GiB - 1. */
  maxFileSize?: number;
  /**
   * Bytes all files together may hold; beyond it writes fail with
   * `insufficient-space` (ENOSPC), so a guest that writes forever stops there
   * and not at the host's memory limit. Default 1 GiB ({@link DEFAULT_MEMORY_MAX_BYTES}).
   */
  maxBytes?: number;
  /** Time source for timestamps, ns since the epoch. Default: the platform's wall clock. */
  now?: () => bigint;
}

const MAX_FILE_DEFAULT = 2 ** 31 - 1;

/** Default {@link MemoryBackendOptions.maxBytes}: 1 GiB. */
export const DEFAULT_MEMORY_MAX_BYTES = 2 ** 30;

/**
 * Open FileIOs of a file, kept under a symbol so it is not part of the plain
 * data (structured clone and JSON leave it out): the data of an unlinked file
 * is freed when the last one closes.
 */
const OPENS = Symbol('warden.opens');

/**
 * An in-memory filesystem tree. Nodes are plain objects (see {@link MemoryNode}),
 * so the whole state can be captured and restored.
 */
export class MemoryBackend implements Backend<MemoryNode> {
  readonly label = 'memory';
  readonly #root: MemoryDir;
  #nextIno = 1;
  #bytes = 0;
  readonly maxFileSize: number;
  readonly maxBytes: number;
  readonly #now: () => bigint;

  constructor(options: MemoryBackendOptions = {}) {
    this.maxFileSize = options.maxFileSize ?? MAX_FILE_DEFAULT;
    this.maxBytes = options.maxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
    this.#now = options.now ?? realtimeNs;
    const t = this.#now();
    const root = { type: 'directory', ino: this.#nextIno++, nlink: 2, atimeNs: t, mtimeNs: t, ctimeNs: t, entries: new Map() } as unknown as MemoryDir;
    root.parent = root;
    this.#root = root;
  }

  /** Bytes held by file contents (capacity actually allocated). */
  get bytesUsed(): number {
    return this.#bytes;
  }

  root(): MemoryNode {
    return this.#root;
  }

  stat(node: MemoryNode): NodeStat {
    return {
      type: node.type,
      ino: BigInt(node.ino),
      nlink: BigInt(node.nlink),
      size: BigInt(sizeOf(node)),
      atimeNs: node.atimeNs,
      mtimeNs: node.mtimeNs,
      ctimeNs: node.ctimeNs,
    };
  }

  typeOf(node: MemoryNode): FileType {
    return node.type;
  }

  lookup(dir: MemoryNode, name: string): MemoryNode | undefined {
    return asDir(dir).entries.get(name);
  }

  readlink(node: MemoryNode): string {
    if (node.type !== 'symbolic-link') fail('invalid', 'not a symbolic link');
    return node.target;
  }

  readdir(dir: MemoryNode): DirEntry[] {
    const d = asDir(dir);
    d.atimeNs = this.#now();
    const out: DirEntry[] = [];
    for (const [name, n] of d.entries) out.push({ name, type: n.type, ino: BigInt(n.ino) });
    return out;
  }

  open(node: MemoryNode, _access: OpenAccess): FileIO {
    if (node.type === 'directory') fail('is-directory');
    if (node.type !== 'regular-file') fail('invalid', 'cannot open a symbolic link for I/O');
    const f = node as MemoryFile & { [OPENS]?: number };
    f[OPENS] = (f[OPENS] ?? 0) + 1;
    return new MemoryFileIO(this, node);
  }

  setTimes(node: MemoryNode, atime: TimeChange, mtime: TimeChange): void {
    const now = this.#now();
    if (atime.kind !== 'keep') node.atimeNs = atime.kind === 'now' ? now : atime.ns;
    if (mtime.kind !== 'keep') node.mtimeNs = mtime.kind === 'now' ? now : mtime.ns;
    node.ctimeNs = now;
  }

  createFile(dir: MemoryNode, name: string): MemoryNode {
    const t = this.#now();
    const file: MemoryFile = { type: 'regular-file', ino: this.#nextIno++, nlink: 1, atimeNs: t, mtimeNs: t, ctimeNs: t, data: new Uint8Array(0), size: 0 };
    this.#add(asDir(dir), name, file);
    return file;
  }

  mkdir(dir: MemoryNode, name: string): MemoryNode {
    const parent = asDir(dir);
    const t = this.#now();
    const child: MemoryDir = { type: 'directory', ino: this.#nextIno++, nlink: 2, atimeNs: t, mtimeNs: t, ctimeNs: t, entries: new Map(), parent };
    this.#add(parent, name, child);
    parent.nlink++;
    return child;
  }

  symlink(dir: MemoryNode, name: string, target: string): void {
    const t = this.#now();
    this.#add(asDir(dir), name, { type: 'symbolic-link', ino: this.#nextIno++, nlink: 1, atimeNs: t, mtimeNs: t, ctimeNs: t, target });
  }

  link(dir: MemoryNode, name: string, node: MemoryNode): void {
    if (node.type === 'directory') fail('not-permitted', 'hard links to directories are not allowed');
    this.#add(asDir(dir), name, node);
    node.nlink++;
    node.ctimeNs = this.#now();
  }

  unlink(dir: MemoryNode, name: string): void {
    const d = asDir(dir);
    const node = d.entries.get(name) ?? fail('no-entry');
    if (node.type === 'directory') fail('is-directory');
    d.entries.delete(name);
    this.#touchDir(d);
    this.#dropLink(node);
  }

  rmdir(dir: MemoryNode, name: string): void {
    const d = asDir(dir);
    const node = d.entries.get(name) ?? fail('no-entry');
    if (node.type !== 'directory') fail('not-directory');
    if (node.entries.size > 0) fail('not-empty');
    d.entries.delete(name);
    d.nlink--;
    node.nlink = 0;
    this.#touchDir(d);
  }

  rename(fromDir: MemoryNode, fromName: string, toDir: MemoryNode, toName: string): void {
    const src = asDir(fromDir);
    const dst = asDir(toDir);
    const node = src.entries.get(fromName) ?? fail('no-entry');
    if (dst.nlink === 0) fail('no-entry', 'the target directory was removed');
    const existing = dst.entries.get(toName);
    if (existing === node) return; // POSIX: renaming a link onto another link of the same file does nothing
    if (node.type === 'directory') {
      // A directory may not move into its own subtree.
      for (let p: MemoryDir = dst; ; p = p.parent) {
        if (p === node) fail('invalid', 'cannot move a directory into itself');
        if (p.parent === p) break;
      }
      if (existing !== undefined) {
        if (existing.type !== 'directory') fail('not-directory');
        if (existing.entries.size > 0) fail('not-empty');
      }
    } else if (existing?.type === 'directory') {
      fail('is-directory');
    }
    if (existing !== undefined) {
      dst.entries.delete(toName);
      if (existing.type === 'directory') {
        dst.nlink--;
        existing.nlink = 0;
      } else {
        this.#dropLink(existing);
      }
    }
    src.entries.delete(fromName);
    dst.entries.set(toName, node);
    if (node.type === 'directory') {
      src.nlink--;
      dst.nlink++;
      node.parent = dst;
    }
    const t = this.#now();
    node.ctimeNs = t;
    src.mtimeNs = src.ctimeNs = t;
    dst.mtimeNs = dst.ctimeNs = t;
  }

  #add(dir: MemoryDir, name: string, node: MemoryNode): void {
    if (dir.nlink === 0) fail('no-entry', 'the directory was removed');
    if (dir.entries.has(name)) fail('exist');
    dir.entries.set(name, node);
    this.#touchDir(dir);
  }

  #touchDir(dir: MemoryDir): void {
    const t = this.#now();
    dir.mtimeNs = t;
    dir.ctimeNs = t;
  }

  #dropLink(node: MemoryNode): void {
    node.nlink--;
    node.ctimeNs = this.#now();
    // The data of an unlinked file stays reachable through open descriptions;
    // it is freed (and its bytes given back) when the last of them closes.
    if (node.type === 'regular-file' && node.nlink === 0 && !((node as { [OPENS]?: number })[OPENS]! > 0)) this.#free(node);
  }

  #free(file: MemoryFile): void {
    this.#bytes -= file.data.length;
    file.data = new Uint8Array(0);
  }

  /** @internal Called when a FileIO of `file` closes. */
  closed(file: MemoryFile): void {
    const f = file as MemoryFile & { [OPENS]?: number };
    const n = (f[OPENS] ?? 1) - 1;
    f[OPENS] = n;
    if (n <= 0 && file.nlink === 0) this.#free(file);
  }

  /** @internal Grows or shrinks a file's storage, enforcing the limits. */
  resize(file: MemoryFile, size: number): void {
    if (size > this.maxFileSize) fail('file-too-large', `files are limited to ${this.maxFileSize} bytes`);
    if (size > file.data.length) {
      // Doubling keeps appends amortized O(1): a file of n bytes is copied less than 2n bytes in all.
      const capacity = Math.min(this.maxFileSize, Math.max(size, file.data.length * 2, 64));
      const delta = capacity - file.data.length;
      if (this.#bytes + delta > this.maxBytes) {
        const exact = size - file.data.length;
        if (this.#bytes + exact > this.maxBytes) fail('insufficient-space', `the memory filesystem is limited to ${this.maxBytes} bytes`);
        this.#grow(file, size);
      } else {
        this.#grow(file, capacity);
      }
    } else if (size < file.size) {
      file.data.fill(0, size, file.size);
    }
    file.size = size;
  }

  #grow(file: MemoryFile, capacity: number): void {
    let data: Uint8Array;
    try {
      data = new Uint8Array(capacity);
    } catch {
      fail('insufficient-space', `cannot allocate ${capacity} bytes for a file`);
    }
    data.set(file.data.subarray(0, file.size));
    this.#bytes += capacity - file.data.length;
    file.data = data;
  }

  /** @internal */
  now(): bigint {
    return this.#now();
  }
}

class MemoryFileIO implements FileIO {
  constructor(
    readonly backend: MemoryBackend,
    readonly file: MemoryFile,
  ) {}

  read(into: Uint8Array, offset: bigint): number {
    const f = this.file;
    f.atimeNs = this.backend.now();
    if (offset >= BigInt(f.size)) return 0;
    const start = Number(offset);
    const n = Math.min(into.length, f.size - start);
    into.set(f.data.subarray(start, start + n));
    return n;
  }

  write(data: Uint8Array, offset: bigint): number {
    const f = this.file;
    if (data.length === 0) return 0;
    const start = Number(offset);
    const e = start + data.length;
    if (e > this.backend.maxFileSize) fail('file-too-large', `files are limited to ${this.backend.maxFileSize} bytes`);
    if (e > f.size) this.backend.resize(f, e);
    f.data.set(data, start);
    const t = this.backend.now();
    f.mtimeNs = t;
    f.ctimeNs = t;
    return data.length;
  }

  size(): bigint {
    return BigInt(this.file.size);
  }

  truncate(size: bigint): void {
    if (size > BigInt(this.backend.maxFileSize)) fail('file-too-large');
    this.backend.resize(this.file, Number(size));
    const t = this.backend.now();
    this.file.mtimeNs = t;
    this.file.ctimeNs = t;
  }

  sync(): void {}
  close(): void {
    this.backend.closed(this.file);
  }
}

function asDir(node: MemoryNode): MemoryDir {
  if (node.type !== 'directory') throw new FsError('not-directory');
  return node;
}

function sizeOf(node: MemoryNode): number {
  switch (node.type) {
    case 'regular-file':
      return node.size;
    case 'directory':
      return node.entries.size;
    case 'symbolic-link':
      return new TextEncoder().encode(node.target).length;
  }
}

export type { FileType };
