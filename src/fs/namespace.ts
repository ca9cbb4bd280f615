// Owns: the namespace: backends mounted at paths, and the directory descriptions (preopens)
// handed to guests. Host-side paths are trusted and absolute; they walk through the resolver too.
// Must not: walk paths itself or let a guest name the namespace root unless the host preopens it.
import { ConfigError, FsError } from '../errors.js';
import { DirDescription, FileDescription } from './descriptor.js';
import { DEFAULT_PATH_LIMITS, type PathLimits } from './limits.js';
import { MemoryBackend } from './memory/memory-backend.js';
import { nodeKey, type Location, type Mount } from './mount.js';
import * as R from './resolver.js';
import { ReadOnlyBackend } from './virtual/read-only.js';
import type { AnyBackend, Backend, Stat } from './types.js';

/** Options of {@link Namespace.mount}. */
export interface MountOptions {
  /** Mount a read-only view: every change fails with `not-permitted` (EPERM, as wasmtime's read-only dirs). */
  readOnly?: boolean;
}

/** Options of a {@link Namespace}. */
export interface NamespaceOptions {
  /** The backend of `/`. Default: a new {@link MemoryBackend}. */
  root?: Backend<any>;
  /** Limits on every lookup. Default {@link DEFAULT_PATH_LIMITS}. */
  limits?: Partial<PathLimits>;
}

/**
 * One tree of mounted backends. Paths given to its methods are host paths:
 * absolute, trusted, and resolved from the namespace root with the same
 * resolver guests use (so symlinks inside the namespace still cannot leave it).
 *
 * @example
 * ```ts
 * const ns = new Namespace();
 * ns.mount('/data', new MemoryBackend());
 * ns.writeFile('/data/hello.txt', 'hi');
 * ```
 */
export class Namespace {
  readonly limits: PathLimits;
  readonly #root: Mount;
  #nextId = 1;

  constructor(options: NamespaceOptions = {}) {
    this.limits = { ...DEFAULT_PATH_LIMITS, ...options.limits };
    this.#root = this.#newMount(options.root ?? new MemoryBackend());
  }

  #newMount(backend: AnyBackend): Mount {
    const id = this.#nextId++;
    return { id, dev: BigInt(id), backend, children: new Map() };
  }

  #walk(): R.Walk {
    return { start: { mount: this.#root, node: this.#root.backend.root() }, limits: this.limits };
  }

  #rel(path: string): string {
    if (!path.startsWith('/')) throw new ConfigError(`namespace paths are absolute: "${path}" should start with "/"`);
    const rel = path.replace(/^\/+/, '');
    return rel === '' ? '.' : rel;
  }

  /** Resolves a host path to a location. */
  locate(path: string, follow = true): Location {
    return R.resolve(this.#walk(), this.#rel(path), follow).location;
  }

  /**
   * Mounts `backend` at `path`, creating the mount point directory (and its
   * parents) in the backend below if needed. Lookups then cross into it
   * transparently; renames and links across mounts fail with `cross-device`.
   */
  mount(path: string, backend: Backend<any>, options: MountOptions = {}): void {
    const rel = this.#rel(path);
    if (rel === '.') throw new ConfigError('cannot mount over "/": pass the backend as the namespace root instead');
    this.mkdirp(path);
    const where = this.locate(path);
    const key = nodeKey(where.mount, where.node);
    if (where.mount.children.has(key)) throw new ConfigError(`something is already mounted at "${path}"`);
    const b: AnyBackend = options.readOnly === true ? new ReadOnlyBackend(backend) : backend;
    where.mount.children.set(key, this.#newMount(b));
  }

  /** Creates a directory and any missing parents (like `mkdir -p`). */
  mkdirp(path: string): void {
    const parts = this.#rel(path).split('/').filter((p) => p !== '' && p !== '.');
    let prefix = '';
    for (const p of parts) {
      prefix = prefix === '' ? p : `${prefix}/${p}`;
      try {
        R.mkdirAt(this.#walk(), prefix);
      } catch (e) {
        if (!(e instanceof FsError && e.errorCode === 'exist')) throw e;
      }
    }
  }

  /**
   * A directory description for `path`, rooted there: what a guest opens
   * through it can never climb above it. This is what a preopen is.
   */
  openDir(path: string): DirDescription {
    const r = R.resolve(this.#walk(), this.#rel(path), true);
    if (r.type !== 'directory') throw new FsError('not-directory', `${path} is not a directory`);
    return new DirDescription(r.location, this.limits);
  }

  /** Opens a file for the host (to place at a guest fd, for example). */
  openFile(path: string, options: { read?: boolean; write?: boolean; create?: boolean; truncate?: boolean; append?: boolean } = {}): FileDescription {
    const read = options.read ?? true;
    const write = options.write ?? false;
    const opened = R.openAt(this.#walk(), this.#rel(path), {
      follow: true,
      create: options.create ?? false,
      exclusive: false,
      truncate: options.truncate ?? false,
      directory: false,
      read,
      write,
    });
    if (opened.kind !== 'file') throw new FsError('is-directory', `${path} is a directory`);
    return new FileDescription(opened.location, opened.io, read, write, { append: options.append ?? false });
  }

  /** Writes a whole file, creating it (and its parent directories). */
  writeFile(path: string, data: string | Uint8Array): void {
    const slash = path.lastIndexOf('/');
    if (slash > 0) this.mkdirp(path.slice(0, slash));
    const f = this.openFile(path, { read: false, write: true, create: true, truncate: true });
    f.retain();
    try {
      f.write(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    } finally {
      f.release();
    }
  }

  /** Reads a whole file. */
  readFile(path: string): Uint8Array {
    const f = this.openFile(path);
    f.retain();
    try {
      const size = Number(f.stat().size);
      const out = new Uint8Array(size);
      let done = 0;
      while (done < size) {
        const n = f.read(out.subarray(done));
        if (n === 0) break;
        done += n;
      }
      return out.subarray(0, done);
    } finally {
      f.release();
    }
  }

  /** Reads a whole file as UTF-8 text. */
  readText(path: string): string {
    return new TextDecoder().decode(this.readFile(path));
  }

  /** Creates a symbolic link at `path` with content `target`. */
  symlink(target: string, path: string): void {
    R.symlinkAt(this.#walk(), target, this.#rel(path));
  }

  /** Metadata of `path` (following a final symlink unless `follow` is false). */
  stat(path: string, follow = true): Stat {
    return R.statAt(this.#walk(), this.#rel(path), follow);
  }

  /** Names in the directory at `path`. */
  readdir(path: string): string[] {
    return R.listDir(this.locate(path)).map((e) => e.name);
  }
}
