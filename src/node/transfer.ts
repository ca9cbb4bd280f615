// Owns: handing a handle to another thread of the process. `describeHandle` turns a handle into a
// descriptor made of data, shared memory and MessagePorts (what postMessage carries); `adoptHandle`
// turns the descriptor into a handle in the receiving thread. How each kind crosses:
// - pipe and channel ends, TCP listeners: their shared memory (src/io/pipe.ts, src/node/net.ts);
// - host files: the receiver opens the file again through /proc/self/fd (so each thread opens and
//   closes its own descriptors, and Node closes a worker's when it ends); the description's
//   position and flags are in shared memory (FileDescription.shareWithThread);
// - host directories: opened again the same way, as the root of a confined HostBackend there;
// - anything else (in-memory, overlay, callback files and directories, and host directories with
//   mounts below them): served by the thread that has it, over a MessagePort the receiver
//   waits on with Atomics.wait (`RemoteFile`, `RemoteDir`).
// Must not: resolve paths (the owner's resolver does, or the receiver's over its own backend) or
// know about fds of a guest.
import { threadId, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ConfigError, FsError, fail, isErrorCode } from '../errors.js';
import { DirDescription, FileDescription, type DescriptionFlags, type ListedEntry, type Whence } from '../fs/descriptor.js';
import { DEFAULT_PATH_LIMITS, type PathLimits } from '../fs/limits.js';
import type { Location, Mount } from '../fs/mount.js';
import { Namespace } from '../fs/namespace.js';
import type { OpenRequest } from '../fs/resolver.js';
import type { AnyBackend, Stat, TimeChange } from '../fs/types.js';
import { ReadOnlyBackend, readOnlyIO } from '../fs/virtual/read-only.js';
import { adoptStream, describeStream, isSharedStream, type SharedStream, type StreamDescriptor } from '../io/transfer.js';
import type { Resource } from '../table/resource.js';
import { HostBackend, HostFileIO, hasProcFd, keyOf, type HostNode } from './host-backend.js';
import { PortListener, TcpListener, type ListenerShared } from './net.js';
import * as fs from 'node:fs';

/** A handle that can be handed to another thread with {@link describeHandle}. */
export type TransferableHandle = SharedStream | FileDescription | DirDescription | TcpListener;

/**
 * A handle described for another thread: post it (with the `transfer` list
 * {@link describeHandle} returned) and call {@link adoptHandle} there. Its
 * fields are internal.
 */
export type HandleDescriptor =
  | StreamDescriptor
  | { readonly kind: 'listener'; readonly shared: ListenerShared }
  | {
      readonly kind: 'host-file';
      readonly from: HostOpen;
      readonly state: SharedArrayBuffer;
      readonly readable: boolean;
      readonly writable: boolean;
      readonly readOnly: boolean;
      readonly dev: bigint;
    }
  | { readonly kind: 'host-dir'; readonly from: HostOpen; readonly path: string; readonly readOnly: boolean; readonly limits: PathLimits }
  | {
      readonly kind: 'remote';
      readonly port: MessagePort;
      readonly signal: SharedArrayBuffer;
      readonly owner: number;
      readonly root: RemoteInfo;
    };

/** What {@link describeHandle} returns. */
export interface DescribedHandle {
  descriptor: HandleDescriptor;
  /** What `postMessage` must transfer along with the descriptor. */
  transfer: MessagePort[];
  /**
   * Settles once this thread keeps nothing more for the receiver: a host file
   * or directory once the receiver has opened its own (or its thread ended), a
   * served one once the receiver closed it (or its thread ended). At once for
   * pipe and channel ends and listeners.
   */
  done: Promise<void>;
}

/** Options of {@link describeHandle}. */
export interface DescribeOptions {
  /**
   * Pipe and channel ends and sockets only: keep the end here too (the receiver becomes a
   * holder of its own) instead of moving it. Default false. Files and
   * directories are always held by both sides: release yours to move one.
   */
  keep?: boolean;
}

/**
 * Describes `handle` for another thread of this process. The receiver calls
 * {@link adoptHandle} on what it gets and holds the same open handle:
 * - a pipe or channel end, or a connected socket (an accepted connection): moved
 *   (stop using it here) or, with `keep`, held by both;
 * - a file: one open description for both threads (one position, one set of
 *   flags; closed when the last holder closes it). Host files are read and
 *   written by the receiver itself; other files are served by this thread
 *   (its event loop must run for the receiver's calls to complete);
 * - a directory: the receiver can open, create, list... below it and never
 *   above it. A host directory becomes a confined host directory there; other
 *   directories are served by this thread.
 *
 * @example
 * ```ts
 * const file = ns.openFile('/data/log.txt', { write: true, append: true });
 * const { descriptor, transfer } = describeHandle(file);
 * worker.postMessage(descriptor, transfer);
 * // in the worker: const file = adoptHandle(descriptor) as FileDescription
 * ```
 */
export function describeHandle(handle: TransferableHandle, options: DescribeOptions = {}): DescribedHandle {
  if (handle instanceof TcpListener) {
    const shared = handle.share();
    return { descriptor: { kind: 'listener', shared }, transfer: [shared.port], done: Promise.resolve() };
  }
  if (handle.disposed) throw new ConfigError(`cannot hand a closed ${handle.kind} to another thread`);
  if (isSharedStream(handle)) return { descriptor: describeStream(handle, options), transfer: [], done: Promise.resolve() };
  if (handle instanceof FileDescription) return describeFile(handle);
  if (handle instanceof DirDescription) return describeDir(handle);
  throw new ConfigError(`a ${(handle as Resource).kind} cannot be handed to another thread`);
}

/**
 * The handle `descriptor` describes, in this thread (see {@link describeHandle}).
 * Adopt each descriptor once, in a thread other than the one that described it.
 */
export function adoptHandle(descriptor: HandleDescriptor): Resource {
  switch (descriptor.kind) {
    case 'pipe-reader':
    case 'pipe-writer':
    case 'channel':
    case 'socket':
      return adoptStream(descriptor);
    case 'listener':
      return new PortListener(descriptor.shared);
    case 'host-file': {
      const d = descriptor;
      const host = new HostFileIO(reopen(d.from, d.readable && d.writable ? fs.constants.O_RDWR : d.writable ? fs.constants.O_WRONLY : fs.constants.O_RDONLY));
      const io = d.readOnly ? readOnlyIO(host) : host;
      return FileDescription.adopt(d.state, io, d.readable, d.writable, () => ({ ...host.stat(), dev: d.dev }));
    }
    case 'host-dir': {
      const fd = reopen(descriptor.from, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      const backend = new HostBackend({ fd, path: descriptor.path }, { closeWhenUnpinned: true });
      const ns = new Namespace({ root: descriptor.readOnly ? new ReadOnlyBackend(backend) : backend, limits: descriptor.limits });
      return ns.openDir('/');
    }
    case 'remote': {
      if (descriptor.owner === threadId) throw new ConfigError('adopt a handle in another thread than the one that described it (here, use the handle itself)');
      return new Connection(descriptor.port, descriptor.signal).adopt(descriptor.root);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Host files and directories: the receiver uses the host descriptors itself.

/**
 * A host descriptor the receiver opens again: its number in the describing thread, the
 * identity it must have, and a port whose closing tells the describer it may let go.
 */
interface HostOpen {
  readonly fd: number;
  readonly key: string;
  readonly done: MessagePort;
}


/**
 * Keeps `r` (and so its host descriptor `fd`) open until the receiver has opened its own, and
 * describes how it can. If the receiver's thread ends first, its port closes all the same.
 */
function offer(r: FileDescription | DirDescription, fd: number): { from: HostOpen; done: Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  r.retain();
  const done = new Promise<void>((resolve) => {
    port1.once('close', () => {
      r.release();
      resolve();
    });
  });
  port1.unref();
  return { from: { fd, key: keyOf(fs.fstatSync(fd)), done: port2 }, done };
}

/** Opens again, in this thread, what `from.fd` designates in the describing thread; checks it is the same file. */
function reopen(from: HostOpen, flags: number): number {
  try {
    const fd = fs.openSync(`/proc/self/fd/${from.fd}`, flags);
    if (keyOf(fs.fstatSync(fd)) !== from.key) {
      fs.closeSync(fd);
      throw new FsError('no-entry', 'the file handed over is no longer open in the thread that handed it (adopt a handle once)');
    }
    return fd;
  } finally {
    from.done.close();
  }
}

/** The host file beneath a description's I/O, if there is one (through a read-only view). */
function hostFileOf(file: FileDescription): { io: HostFileIO; readOnly: boolean } | undefined {
  if (!hasProcFd()) return undefined;
  if (file.io instanceof HostFileIO) return { io: file.io, readOnly: false };
  if (file.io.unwrapped instanceof HostFileIO) return { io: file.io.unwrapped, readOnly: true };
  return undefined;
}

/** The host backend a location is in, if any (through a read-only mount). */
function hostMountOf(mount: Mount): { backend: HostBackend; readOnly: boolean } | undefined {
  // A directory with other mounts below it is served instead, so that the receiver sees them too.
  if (!hasProcFd() || mount.children.size > 0) return undefined;
  const b: AnyBackend = mount.backend;
  if (b instanceof HostBackend && b.fdRelative) return { backend: b, readOnly: false };
  if (b instanceof ReadOnlyBackend && b.inner instanceof HostBackend && b.inner.fdRelative) return { backend: b.inner, readOnly: true };
  return undefined;
}

function describeFile(file: FileDescription): DescribedHandle {
  const host = hostFileOf(file);
  if (host === undefined) return serve(file);
  const state = file.shareWithThread();
  const { from, done } = offer(file, host.io.fd);
  const dev = file.location?.mount.dev ?? 0n;
  return {
    descriptor: { kind: 'host-file', from, state, readable: file.readable, writable: file.writable, readOnly: host.readOnly, dev },
    transfer: [from.done],
    done,
  };
}

function describeDir(dir: DirDescription): DescribedHandle {
  const host = hostMountOf(dir.location.mount);
  if (host === undefined) return serve(dir);
  const node = dir.location.node as HostNode;
  const { from, done } = offer(dir, host.backend.descriptorOf(node));
  return { descriptor: { kind: 'host-dir', from, path: node.path, readOnly: host.readOnly, limits: dir.limits }, transfer: [from.done], done };
}

// ---------------------------------------------------------------------------------------------
// Served handles: the thread that has them answers the receiver's calls.

/** What the receiver learns of a served description. */
interface RemoteInfo {
  id: number;
  type: 'file' | 'directory';
  readable: boolean;
  writable: boolean;
}

type Request = { id: number; op: string; args: unknown[] };
type Reply = { ok: unknown } | { fs: { code: string; message: string } } | { bug: { message: string; stack?: string } };

/** Largest chunk a served read or write moves per call. */
const CHUNK = 1 << 20;

/** The first `n` bytes of `buf`, in a buffer of their own (postMessage copies a view's whole buffer). */
const exact = (buf: Uint8Array, n: number): Uint8Array => (n === buf.length ? buf : buf.slice(0, n));

/** Serves one description (and what is opened through it) to one receiving thread. */
function serve(root: FileDescription | DirDescription): DescribedHandle {
  const { port1, port2 } = new MessageChannel();
  const signal = new SharedArrayBuffer(4);
  const flag = new Int32Array(signal);
  const held = new Map<number, FileDescription | DirDescription>();
  let nextId = 1;
  const register = (d: FileDescription | DirDescription): RemoteInfo => {
    const id = nextId++;
    held.set(id, d.retain());
    return d instanceof FileDescription ? { id, type: 'file', readable: d.readable, writable: d.writable } : { id, type: 'directory', readable: false, writable: false };
  };
  const info = register(root);
  const dirOf = (id: unknown): DirDescription => {
    const d = held.get(id as number);
    if (!(d instanceof DirDescription)) fail('bad-descriptor', 'not a directory of this connection');
    return d;
  };
  const fileOf = (id: unknown): FileDescription => {
    const d = held.get(id as number);
    if (!(d instanceof FileDescription)) fail('bad-descriptor', 'not a file of this connection');
    return d;
  };
  const run = (req: Request): unknown => {
    const a = req.args;
    switch (req.op) {
      case 'close': {
        const d = held.get(req.id);
        held.delete(req.id);
        d?.release();
        return undefined;
      }
      case 'stat':
        return held.get(req.id)?.stat() ?? fail('bad-descriptor');
      case 'setTimes':
        return (held.get(req.id) ?? fail('bad-descriptor')).setTimes(a[0] as TimeChange, a[1] as TimeChange);
      // Files.
      case 'read': {
        const buf = new Uint8Array(a[0] as number);
        return exact(buf, fileOf(req.id).read(buf));
      }
      case 'pread': {
        const buf = new Uint8Array(a[0] as number);
        return exact(buf, fileOf(req.id).pread(buf, a[1] as bigint));
      }
      case 'write':
        return fileOf(req.id).write(a[0] as Uint8Array);
      case 'pwrite':
        return fileOf(req.id).pwrite(a[0] as Uint8Array, a[1] as bigint);
      case 'seek':
        return fileOf(req.id).seek(a[0] as bigint, a[1] as Whence);
      case 'remaining':
        return fileOf(req.id).remaining();
      case 'setSize':
        return fileOf(req.id).setSize(a[0] as bigint);
      case 'allocate':
        return fileOf(req.id).allocate(a[0] as bigint, a[1] as bigint);
      case 'sync':
        return fileOf(req.id).sync(a[0] as boolean);
      case 'flags':
        return { ...fileOf(req.id).flags };
      case 'setFlag':
        fileOf(req.id).flags[a[0] as keyof DescriptionFlags] = a[1] as boolean;
        return undefined;
      // Directories.
      case 'open': {
        const opened = dirOf(req.id).open(a[0] as string, a[1] as OpenRequest, a[2] as Partial<DescriptionFlags>);
        try {
          return register(opened);
        } finally {
          // register retained it; an opened description starts with no reference of its own.
          if (opened.refCount === 0) opened.retain().release();
        }
      }
      case 'list':
        return dirOf(req.id).list(0n);
      case 'mkdir':
        return dirOf(req.id).mkdir(a[0] as string);
      case 'rmdir':
        return dirOf(req.id).rmdir(a[0] as string);
      case 'unlink':
        return dirOf(req.id).unlink(a[0] as string);
      case 'symlink':
        return dirOf(req.id).symlink(a[0] as string, a[1] as string);
      case 'readlink':
        return dirOf(req.id).readlink(a[0] as string);
      case 'statAt':
        return dirOf(req.id).statAt(a[0] as string, a[1] as boolean);
      case 'setTimesAt':
        return dirOf(req.id).setTimesAt(a[0] as string, a[1] as boolean, a[2] as TimeChange, a[3] as TimeChange);
      case 'link':
        return dirOf(req.id).link(a[0] as string, a[1] as boolean, dirOf(a[2]), a[3] as string);
      case 'rename':
        return dirOf(req.id).rename(a[0] as string, dirOf(a[1]), a[2] as string);
      default:
        throw new Error(`unknown request "${req.op}" (a Warden bug)`);
    }
  };
  port1.on('message', (req: Request) => {
    let reply: Reply;
    try {
      reply = { ok: run(req) };
    } catch (e) {
      // An FsError is the answer; anything else is a bug, reported as one on the other side.
      reply = e instanceof FsError ? { fs: { code: e.errorCode, message: e.message } } : { bug: { message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack !== undefined ? { stack: e.stack } : {}) } };
    }
    port1.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  // The receiver closed its side (everything it held is closed) or its thread ended: let go of what it held.
  const done = new Promise<void>((resolve) => {
    port1.once('close', () => {
      for (const d of held.values()) d.release();
      held.clear();
      resolve();
    });
  });
  // The receiver's thread keeps the process alive while it needs this; the port must not on its own.
  port1.unref();
  return { descriptor: { kind: 'remote', port: port2, signal, owner: threadId, root: info }, transfer: [port2], done };
}

/** A thread's side of a served handle: calls that block until the owner's thread answers. */
class Connection {
  readonly #flag: Int32Array;
  #live = 0;
  constructor(
    readonly port: MessagePort,
    signal: SharedArrayBuffer,
  ) {
    this.#flag = new Int32Array(signal);
  }

  adopt(info: RemoteInfo): FileDescription | DirDescription {
    this.#live++;
    return info.type === 'file' ? new RemoteFile(this, info) : new RemoteDir(this, info);
  }

  call(id: number, op: string, ...args: unknown[]): unknown {
    Atomics.store(this.#flag, 0, 0);
    this.port.postMessage({ id, op, args } satisfies Request);
    // The owner's event loop answers; this thread waits without using CPU.
    while (Atomics.wait(this.#flag, 0, 0) === 'ok' && Atomics.load(this.#flag, 0) === 0);
    const m = receiveMessageOnPort(this.port);
    if (m === undefined) throw new Error('the thread serving this handle did not answer (a Warden bug)');
    const reply = m.message as Reply;
    if ('ok' in reply) return reply.ok;
    if ('fs' in reply) throw new FsError(isErrorCode(reply.fs.code) ? reply.fs.code : 'io', reply.fs.message);
    const e = new Error(`in the thread serving this handle: ${reply.bug.message}`);
    if (reply.bug.stack !== undefined) e.stack = reply.bug.stack;
    throw e;
  }

  closed(id: number): void {
    this.call(id, 'close');
    if (--this.#live === 0) this.port.close();
  }
}

/** Where a served description claims to live: a mount no path of this thread can reach. */
function elsewhere(): Location {
  const refuse = (): never => fail('cross-device', 'that directory is served by another thread');
  const backend = new Proxy({} as AnyBackend, { get: (_t, key) => (key === 'label' ? 'another thread' : key === 'pin' || key === 'nodeKey' || key === 'typeOf' ? undefined : refuse) });
  const mount: Mount = { id: -1, dev: 0n, backend, children: new Map() };
  return { mount, node: {} };
}

/** The flags of a served file: read and changed in the owner's description. */
function remoteFlags(conn: Connection, id: number): DescriptionFlags {
  const now = conn.call(id, 'flags') as DescriptionFlags;
  const flags = {} as DescriptionFlags;
  for (const k of Object.keys(now) as (keyof DescriptionFlags)[]) {
    Object.defineProperty(flags, k, {
      enumerable: true,
      get: () => now[k],
      set: (v: boolean) => {
        conn.call(id, 'setFlag', k, v);
        now[k] = v;
      },
    });
  }
  return flags;
}

/** A file served by another thread: every operation is done by the owner's description. */
class RemoteFile extends FileDescription {
  constructor(
    private readonly conn: Connection,
    private readonly info: RemoteInfo,
  ) {
    const id = info.id;
    super(
      undefined,
      {
        read: () => fail('unsupported'),
        write: () => fail('unsupported'),
        size: () => fail('unsupported'),
        truncate: (size) => void conn.call(id, 'setSize', size),
        sync: (dataOnly) => void conn.call(id, 'sync', dataOnly),
        setTimes: (a, m) => void conn.call(id, 'setTimes', a, m),
        close: () => conn.closed(id),
      },
      info.readable,
      info.writable,
      {},
      () => conn.call(id, 'stat') as Stat,
    );
  }
  override get flags(): DescriptionFlags {
    return remoteFlags(this.conn, this.info.id);
  }
  override get position(): bigint {
    return this.conn.call(this.info.id, 'seek', 0n, 'current') as bigint;
  }
  override set position(_v: bigint) {
    throw new Error('the position of a served file moves in its owner (a Warden bug)');
  }
  override read(into: Uint8Array): number {
    return this.#chunked(into, (n) => this.conn.call(this.info.id, 'read', n) as Uint8Array);
  }
  override pread(into: Uint8Array, offset: bigint): number {
    let at = offset;
    return this.#chunked(into, (n) => {
      const got = this.conn.call(this.info.id, 'pread', n, at) as Uint8Array;
      at += BigInt(got.length);
      return got;
    });
  }
  #chunked(into: Uint8Array, next: (n: number) => Uint8Array): number {
    let done = 0;
    while (done < into.length) {
      const want = Math.min(CHUNK, into.length - done);
      const got = next(want);
      into.set(got, done);
      done += got.length;
      if (got.length < want) break;
    }
    return done;
  }
  override write(data: Uint8Array): number {
    return this.#sent(data, (chunk) => this.conn.call(this.info.id, 'write', chunk) as number);
  }
  override pwrite(data: Uint8Array, offset: bigint): number {
    return this.#sent(data, (chunk, done) => this.conn.call(this.info.id, 'pwrite', chunk, offset + BigInt(done)) as number);
  }
  /** Sends `data` in chunks (copies: a view of guest memory would send all of it); stops at a short write. */
  #sent(data: Uint8Array, send: (chunk: Uint8Array, done: number) => number): number {
    let done = 0;
    do {
      const chunk = data.slice(done, done + CHUNK);
      const n = send(chunk, done);
      done += n;
      if (n < chunk.length) break;
    } while (done < data.length);
    return done;
  }
  override seek(offset: bigint, whence: Whence): bigint {
    return this.conn.call(this.info.id, 'seek', offset, whence) as bigint;
  }
  override remaining(): bigint {
    return this.conn.call(this.info.id, 'remaining') as bigint;
  }
  override allocate(offset: bigint, len: bigint): void {
    this.conn.call(this.info.id, 'allocate', offset, len);
  }
}

/** A directory served by another thread: paths are resolved by the owner's resolver, below it. */
class RemoteDir extends DirDescription {
  #listing: ListedEntry[] | undefined;
  constructor(
    private readonly conn: Connection,
    private readonly info: RemoteInfo,
  ) {
    super(elsewhere(), DEFAULT_PATH_LIMITS);
  }
  protected override dispose(): void {
    this.conn.closed(this.info.id);
  }
  #call(op: string, ...args: unknown[]): unknown {
    return this.conn.call(this.info.id, op, ...args);
  }
  /** The id of `target` if the same owner serves it through this connection; else a cross-device change. */
  #peer(target: DirDescription): number {
    if (target instanceof RemoteDir && target.conn === this.conn) return target.info.id;
    return fail('cross-device', 'the two directories are not served together');
  }
  override stat(): Stat {
    return this.#call('stat') as Stat;
  }
  override setTimes(atime: TimeChange, mtime: TimeChange): void {
    this.#call('setTimes', atime, mtime);
  }
  override *entries(cookie: bigint): IterableIterator<ListedEntry> {
    // One listing per pass from cookie 0, kept here, as the owner's description snapshots it.
    if (cookie === 0n || this.#listing === undefined) this.#listing = this.#call('list') as ListedEntry[];
    for (let i = Number(cookie); i < this.#listing.length; i++) yield this.#listing[i]!;
  }
  override open(path: string, req: OpenRequest, flags: Partial<DescriptionFlags> = {}): FileDescription | DirDescription {
    return this.conn.adopt(this.#call('open', path, req, flags) as RemoteInfo);
  }
  override mkdir(path: string): void {
    this.#call('mkdir', path);
  }
  override rmdir(path: string): void {
    this.#call('rmdir', path);
  }
  override unlink(path: string): void {
    this.#call('unlink', path);
  }
  override symlink(target: string, path: string): void {
    this.#call('symlink', target, path);
  }
  override readlink(path: string): string {
    return this.#call('readlink', path) as string;
  }
  override statAt(path: string, follow: boolean): Stat {
    return this.#call('statAt', path, follow) as Stat;
  }
  override setTimesAt(path: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void {
    this.#call('setTimesAt', path, follow, atime, mtime);
  }
  override link(from: string, follow: boolean, target: DirDescription, to: string): void {
    this.#call('link', from, follow, this.#peer(target), to);
  }
  override rename(from: string, target: DirDescription, to: string): void {
    this.#call('rename', from, this.#peer(target), to);
  }
}
