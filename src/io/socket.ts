// Owns: sockets as a guest sees them: a connected byte stream that can be shut down in either
// direction, and a listener that hands out connected sockets; independent of where the bytes come
// from (a channel in memory, or a Node socket pumped through shared-memory pipes in src/node/).
// Must not: know about fd numbers, errnos or any network API.
import { fail } from '../errors.js';
import type { FileType } from '../fs/types.js';
import type { ChannelEnd } from './channel.js';
import { StreamHandle } from './stream.js';
import { Suspend, canSuspend } from './suspend.js';

/** A connected stream socket. */
export abstract class SocketHandle extends StreamHandle {
  override readonly kind: string = 'socket';
  override fileType: FileType = 'socket';
  /** Shuts down reading (later reads see end of stream) and/or writing (the peer sees end of stream). */
  abstract shutdown(read: boolean, write: boolean): void;
}

/** A socket over one end of a channel (see `createChannel`): the peer is the other end. */
export class ChannelSocket extends SocketHandle {
  readonly readable = true;
  readonly writable = true;
  #readShut = false;
  #writeShut = false;

  /** @param end the channel end this socket owns (it is retained, and released with the socket). */
  constructor(readonly end: ChannelEnd) {
    super();
    end.retain();
  }

  override read(into: Uint8Array): number {
    if (this.#readShut) return 0;
    this.end.nonblocking = this.nonblocking;
    return this.end.read(into);
  }

  override write(data: Uint8Array): number {
    if (this.#writeShut) fail('pipe', 'the socket was shut down for writing');
    this.end.nonblocking = this.nonblocking;
    return this.end.write(data);
  }

  override readReady(): boolean {
    return this.#readShut || this.end.readReady();
  }
  override writeReady(): boolean {
    return this.#writeShut || this.end.writeReady();
  }
  override readableBytes(): number {
    return this.#readShut ? 0 : this.end.readableBytes();
  }
  override hungUp(): boolean {
    return this.#readShut || this.end.hungUp();
  }
  override waitReady(kind: 'read' | 'write', timeoutMs: number): boolean {
    if (kind === 'read' ? this.#readShut : this.#writeShut) return true;
    return this.end.waitReady(kind, timeoutMs);
  }
  override whenReady(kind: 'read' | 'write' = 'read'): Promise<void> {
    if (kind === 'read' ? this.#readShut : this.#writeShut) return Promise.resolve();
    return this.end.whenReady(kind);
  }

  shutdown(read: boolean, write: boolean): void {
    if (read) this.#readShut = true;
    if (write && !this.#writeShut) {
      this.#writeShut = true;
      this.end.shutdownWrite();
    }
  }

  protected override dispose(): void {
    this.end.release();
  }
}

/**
 * A listening socket. It is "readable" when a connection is waiting, so
 * poll_oneoff can wait for one; reading or writing bytes on it is
 * `not-connected` (ENOTCONN).
 */
export abstract class SocketListener extends StreamHandle {
  override readonly kind: string = 'socket-listener';
  override fileType: FileType = 'socket';
  readonly readable = true;
  readonly writable = false;
  /**
   * Takes the next waiting connection; with none, waits, or fails with
   * `would-block` when nonblocking. The caller owns one reference to the socket.
   */
  abstract accept(): SocketHandle;
  override read(): number {
    return fail('not-connected', 'a listening socket has no data');
  }
  override write(): number {
    return fail('not-connected', 'a listening socket has no peer');
  }
}

/**
 * A listener fed by the host in the same thread: `connect()` makes a channel,
 * queues one end for the guest to accept and returns the other to the host.
 * An accept with nothing queued fails with `would-block` (the host, on this
 * thread, cannot connect while the guest waits).
 */
export class QueueListener extends SocketListener {
  readonly #queue: SocketHandle[] = [];
  #arrived: (() => void) | undefined;
  #arrival: Promise<void> | undefined;
  constructor(readonly connectChannel: () => [ChannelEnd, ChannelEnd]) {
    super();
  }
  /** Queues a connection; returns the host's end of it. */
  connect(): ChannelEnd {
    const [mine, theirs] = this.connectChannel();
    const socket = new ChannelSocket(theirs);
    socket.retain();
    this.#queue.push(socket);
    this.#wake();
    return mine;
  }
  #wake(): void {
    const wake = this.#arrived;
    this.#arrived = undefined;
    this.#arrival = undefined;
    wake?.();
  }
  /** Resolves when a connection is queued (or the listener is closed), without blocking the thread. */
  override whenReady(): Promise<void> {
    if (this.#queue.length > 0 || this.disposed) return Promise.resolve();
    this.#arrival ??= new Promise<void>((resolve) => (this.#arrived = resolve));
    return this.#arrival;
  }
  override readReady(): boolean {
    return this.#queue.length > 0;
  }
  override readableBytes(): number {
    return this.#queue.length;
  }
  accept(): SocketHandle {
    const next = this.#queue.shift();
    if (next !== undefined) return next;
    // Under JSPI the guest waits (suspended) for the host to connect; otherwise the host, on this thread, cannot.
    if (!this.nonblocking && canSuspend()) throw new Suspend(this.whenReady());
    return fail('would-block', 'no connection is waiting');
  }
  protected override dispose(): void {
    for (const s of this.#queue.splice(0)) s.release();
    this.#wake();
  }
}
