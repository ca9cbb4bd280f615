// Owns: the shapes shared by the resolver, the backends and the descriptors.
// Must not: contain logic; backends implement Backend, the resolver consumes it.

/** What a node is. Names follow wasi-filesystem's descriptor-type. */
export type FileType =
  | 'unknown'
  | 'block-device'
  | 'character-device'
  | 'directory'
  | 'regular-file'
  | 'socket'
  | 'symbolic-link'
  | 'fifo';

/** Metadata of a node as a backend reports it. Times are nanoseconds since the Unix epoch. */
export interface NodeStat {
  type: FileType;
  /** Inode number, unique within the backend. */
  ino: bigint;
  nlink: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** Metadata of a node as the namespace reports it: with the device of its mount. */
export interface Stat extends NodeStat {
  dev: bigint;
}

/** A timestamp change: leave it, set it to a time in ns, or set it to the current time. */
export type TimeChange = { kind: 'keep' } | { kind: 'now' } | { kind: 'set'; ns: bigint };

/** One directory entry as a backend lists it ('.' and '..' are added by the descriptor layer). */
export interface DirEntry {
  name: string;
  type: FileType;
  ino: bigint;
}

/** How a file is opened at the backend. */
export interface OpenAccess {
  read: boolean;
  write: boolean;
}

/**
 * An open regular file (or device) at the backend. It has no position: the
 * position lives in the open-file description above it.
 */
export interface FileIO {
  /** Reads into `into` from `offset`; returns bytes read (0 at end of file). */
  read(into: Uint8Array, offset: bigint): number;
  /** Writes `data` at `offset`; returns bytes written. Growing past the end zero-fills the gap. */
  write(data: Uint8Array, offset: bigint): number;
  /** Current size in bytes (for end-relative seeks and appends). */
  size(): bigint;
  /** Sets the size, zero-filling growth. */
  truncate(size: bigint): void;
  /** Flushes data (and metadata unless `dataOnly`) to durable storage. */
  sync(dataOnly: boolean): void;
  /**
   * Metadata of the open file itself (e.g. `fstat`), when the backend can give
   * it more cheaply or more exactly than a stat of the node by name.
   */
  stat?(): NodeStat;
  /** Changes the open file's times (e.g. `futimes`), when the backend prefers that to a change by name. */
  setTimes?(atime: TimeChange, mtime: TimeChange): void;
  /** Releases what the open file holds. Called once, when the last description closes. */
  close(): void;
  /**
   * Files whose bytes cannot be addressed by offset (devices, streams served by
   * callbacks) set this: the description then ignores its position.
   */
  readonly streaming?: boolean;
  /** The file this one is a view of (a read-only view), for code that must reach the file beneath. */
  readonly unwrapped?: FileIO;
}

/**
 * A filesystem backend: operations on nodes and on single names inside a
 * directory node. A backend never sees a path: every `name` is one component,
 * never empty, never `.` or `..`, and never contains `/` or NUL. The resolver
 * (src/fs/resolver.ts) is the only caller of the methods that take names.
 *
 * Errors are thrown as FsError with an ErrorCode. `N` is the backend's own
 * node type; nodes are opaque to everyone else.
 */
export interface Backend<N extends object = object> {
  /** The root directory of the backend. */
  root(): N;
  /** Metadata of a node (symlinks are not followed). */
  stat(node: N): NodeStat;
  /**
   * Just the type of a node, when the backend knows it more cheaply than a
   * full stat (the resolver needs only the type of each component it walks).
   * Defaults to `stat(node).type`.
   */
  typeOf?(node: N): FileType;
  /** The child called `name` of directory `dir`, or undefined if there is none. */
  lookup(dir: N, name: string): N | undefined;
  /** Target of a symbolic link node. */
  readlink(node: N): string;
  /** Lists a directory (without '.' and '..'), in a stable order. */
  readdir(dir: N): DirEntry[];
  /** Opens a regular file or device for I/O. */
  open(node: N, access: OpenAccess): FileIO;
  /** Changes access/modification times (and ctime to now). */
  setTimes(node: N, atime: TimeChange, mtime: TimeChange): void;

  /** Creates an empty regular file `name` in `dir`; `exist` if the name is taken. */
  createFile(dir: N, name: string): N;
  /** Creates directory `name` in `dir`; `exist` if the name is taken. */
  mkdir(dir: N, name: string): N;
  /** Creates symlink `name` in `dir` pointing at `target` (stored as given). */
  symlink(dir: N, name: string, target: string): void;
  /** Adds a hard link `name` in `dir` to the non-directory `node`. */
  link(dir: N, name: string, node: N): void;
  /** Removes the non-directory entry `name` (`is-directory` for a directory). */
  unlink(dir: N, name: string): void;
  /** Removes the empty directory `name` (`not-directory`, `not-empty`). */
  rmdir(dir: N, name: string): void;
  /**
   * Renames with POSIX rename semantics: replaces a file by a file, an empty
   * directory by a directory; `is-directory`, `not-directory`, `not-empty`
   * otherwise; renaming a directory into its own subtree is `invalid`.
   */
  rename(fromDir: N, fromName: string, toDir: N, toName: string): void;

  /**
   * Keeps a directory reachable for as long as a description holds it open,
   * whatever happens to its name (a host backend keeps a descriptor of it).
   * Returns the function that lets it go. Optional: backends whose nodes are
   * objects need nothing.
   */
  pin?(dir: N): () => void;
  /**
   * A stable identity of a node, when node objects themselves are not stable
   * (a new object per lookup). Used to find mount points. Defaults to the node.
   */
  nodeKey?(node: N): unknown;
  /** A name for messages, e.g. "memory" or "host:/srv/data". */
  readonly label?: string;
}

/** Any backend, whatever its node type. */
export type AnyBackend = Backend<object>;
