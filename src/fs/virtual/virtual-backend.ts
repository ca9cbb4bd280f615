// Owns: a fixed tree of host-provided nodes: files served by callbacks, and device files.
// Must not: resolve paths; the tree's shape is fixed by the host (the guest cannot create or remove).
import { fail } from '../../errors.js';
import { realtimeNs } from '../../clock.js';
import { fillRandom } from '../../random.js';
import { FileDescription } from '../descriptor.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../types.js';

/** Functions that serve a file's content. Any left out makes that operation fail. */
export interface CallbackFileSpec {
  /** Returns up to `length` bytes at `offset`; fewer (or none) at the end. */
  read?(offset: bigint, length: number): Uint8Array;
  /** Stores `data` at `offset`; returns how many bytes were taken. */
  write?(data: Uint8Array, offset: bigint): number;
  /** The file's size. Default: 0. */
  size?(): bigint;
  /** Changes the size (O_TRUNC, fd_filestat_set_size). */
  truncate?(size: bigint): void;
  /**
   * True for content that is not addressed by offset (a log sink, a
   * generator): reads and writes then ignore the position.
   */
  streaming?: boolean;
  /** The file type to report. Default `regular-file`. */
  type?: FileType;
}

let nextIno = 1n;

/** A node of a {@link VirtualBackend}: a directory of named children, or a leaf served by callbacks. */
export class VirtualNode {
  readonly ino = nextIno++;
  readonly created = realtimeNs();
  atimeNs = this.created;
  mtimeNs = this.created;
  ctimeNs = this.created;
  constructor(
    readonly spec: CallbackFileSpec | undefined,
    readonly children: Map<string, VirtualNode> | undefined,
  ) {}

  /** Opens the leaf for the host directly, e.g. to place at a guest fd. */
  open(access: Partial<OpenAccess> = {}): FileDescription {
    const read = access.read ?? true;
    const write = access.write ?? false;
    const io = openLeaf(this, { read, write });
    return new FileDescription(undefined, io, read, write, {}, () => ({ ...statNode(this), dev: 0n }));
  }
}

/** A file whose content the host serves through callbacks. */
export function callbackFile(spec: CallbackFileSpec): VirtualNode {
  return new VirtualNode(spec, undefined);
}

/** A directory of virtual nodes (nested plain objects become directories). */
export type VirtualTree = { [name: string]: VirtualNode | VirtualTree };

function build(tree: VirtualTree): VirtualNode {
  const children = new Map<string, VirtualNode>();
  for (const [name, v] of Object.entries(tree)) {
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
      throw new RangeError(`"${name}" is not a valid file name`);
    }
    children.set(name, v instanceof VirtualNode ? v : build(v));
  }
  return new VirtualNode(undefined, children);
}

function statNode(n: VirtualNode): NodeStat {
  return {
    type: n.children !== undefined ? 'directory' : (n.spec?.type ?? 'regular-file'),
    ino: n.ino,
    nlink: 1n,
    size: n.children !== undefined ? BigInt(n.children.size) : (n.spec?.size?.() ?? 0n),
    atimeNs: n.atimeNs,
    mtimeNs: n.mtimeNs,
    ctimeNs: n.ctimeNs,
  };
}

function openLeaf(n: VirtualNode, access: OpenAccess): FileIO {
  const spec = n.spec;
  if (spec === undefined) fail('is-directory');
  if (access.read && spec.read === undefined) fail('access', 'this file cannot be read');
  if (access.write && spec.write === undefined) fail('access', 'this file cannot be written');
  return {
    streaming: spec.streaming ?? false,
    read(into, offset) {
      const bytes = spec.read?.(offset, into.length) ?? fail('access');
      const k = Math.min(bytes.length, into.length);
      into.set(bytes.subarray(0, k));
      return k;
    },
    write(data, offset) {
      const k = spec.write?.(data, offset) ?? fail('access');
      n.mtimeNs = realtimeNs();
      return k;
    },
    size: () => spec.size?.() ?? 0n,
    truncate(size) {
      if (spec.truncate === undefined) {
        if (spec.streaming) return; // a stream has no size to change (O_TRUNC on /dev/null is fine)
        fail('access', 'this file cannot be truncated');
      }
      spec.truncate(size);
    },
    sync() {},
    close() {},
  };
}

/**
 * A backend whose tree the host fixes up front. Leaves are served by
 * callbacks ({@link callbackFile}); the guest cannot create, remove or rename
 * anything in it (`not-permitted`).
 *
 * @example
 * ```ts
 * ns.mount('/etc', new VirtualBackend({ motd: callbackFile({ read: (o, n) => text.subarray(Number(o), Number(o) + n) }) }));
 * ```
 */
export class VirtualBackend implements Backend<VirtualNode> {
  readonly label = 'virtual';
  readonly #root: VirtualNode;
  constructor(tree: VirtualTree) {
    this.#root = build(tree);
  }
  root(): VirtualNode {
    return this.#root;
  }
  stat(node: VirtualNode): NodeStat {
    return statNode(node);
  }
  typeOf(node: VirtualNode): FileType {
    return node.children !== undefined ? 'directory' : (node.spec?.type ?? 'regular-file');
  }
  lookup(dir: VirtualNode, name: string): VirtualNode | undefined {
    if (dir.children === undefined) fail('not-directory');
    return dir.children.get(name);
  }
  readlink(): string {
    return fail('invalid', 'not a symbolic link');
  }
  readdir(dir: VirtualNode): DirEntry[] {
    if (dir.children === undefined) fail('not-directory');
    return [...dir.children].map(([name, n]) => ({ name, type: statNode(n).type, ino: n.ino }));
  }
  open(node: VirtualNode, access: OpenAccess): FileIO {
    return openLeaf(node, access);
  }
  setTimes(node: VirtualNode, atime: TimeChange, mtime: TimeChange): void {
    const now = realtimeNs();
    if (atime.kind !== 'keep') node.atimeNs = atime.kind === 'now' ? now : atime.ns;
    if (mtime.kind !== 'keep') node.mtimeNs = mtime.kind === 'now' ? now : mtime.ns;
    node.ctimeNs = now;
  }
  createFile(): VirtualNode {
    return fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  mkdir(): VirtualNode {
    return fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  symlink(): void {
    fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  link(): void {
    fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  unlink(): void {
    fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  rmdir(): void {
    fail('not-permitted', 'a virtual directory is fixed by the host');
  }
  rename(): void {
    fail('not-permitted', 'a virtual directory is fixed by the host');
  }
}

/** The device files `null`, `zero`, `urandom` and `random`, to mount at `/dev`. */
export function devices(): VirtualBackend {
  const dev = (spec: Omit<CallbackFileSpec, 'streaming' | 'type'>) => callbackFile({ ...spec, streaming: true, type: 'character-device' });
  const sink = (data: Uint8Array) => data.length;
  return new VirtualBackend({
    null: dev({ read: () => new Uint8Array(0), write: sink }),
    zero: dev({ read: (_o, n) => new Uint8Array(n), write: sink }),
    urandom: dev({ read: (_o, n) => { const b = new Uint8Array(n); fillRandom(b); return b; }, write: sink }),
    random: dev({ read: (_o, n) => { const b = new Uint8Array(n); fillRandom(b); return b; }, write: sink }),
  });
}
