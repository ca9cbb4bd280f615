// Owns: TCP listeners for guests: a Node server on the host's event loop whose connections become
// socket handles (two shared-memory pipes each, pumped to and from the net.Socket), handed to the
// guest's thread through a MessagePort it can read synchronously (receiveMessageOnPort).
// Must not: run guest code; the guest's blocking accept waits in its own thread (Atomics.wait).
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { ConfigError, fail } from '../errors.js';
import { ChannelEnd, type ChannelShared } from '../io/channel.js';
import { ChannelSocket, SocketListener, type SocketHandle } from '../io/socket.js';
import { Suspend, canSuspend } from '../io/suspend.js';
import { waitForChange } from '../io/pipe.js';
import { pipeFromReadable, pipeToWritable } from './node-streams.js';

/** What moves to the guest's thread to give it a listener. */
export interface ListenerShared {
  readonly port: MessagePort;
  /** Int32 slot 0 counts connections posted, so the guest can Atomics.wait for the next one. */
  readonly signal: SharedArrayBuffer;
}

/**
 * A TCP listener on the host, for a guest (`warden run --listen`, or `fds` of
 * `runInWorker`). Each accepted connection is pumped through shared-memory
 * pipes, so a guest in a worker reads and writes it with blocking calls while
 * the host's event loop does the network I/O.
 */
export class TcpListener {
  readonly #server: Server;
  readonly #channel = new MessageChannel();
  readonly #signal = new SharedArrayBuffer(4);
  readonly #sockets = new Set<Socket>();
  #given = false;

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => this.#accepted(socket));
    // The port must not keep the process alive on its own.
    this.#channel.port1.unref();
  }

  /**
   * Listens on `host:port` (port 0 picks a free one). Resolves once listening;
   * rejects with a ConfigError if the address cannot be used.
   */
  static listen(host: string, port: number): Promise<TcpListener> {
    // Half-open: a client that ends its side still gets everything the guest sends afterwards.
    const server = createServer({ allowHalfOpen: true });
    return new Promise((resolve, reject) => {
      server.once('error', (e) => reject(new ConfigError(`cannot listen on ${host}:${port}: ${(e as Error).message}`)));
      server.listen(port, host, () => resolve(new TcpListener(server)));
    });
  }

  /** The address actually bound. */
  address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  /** The listener's state for the guest's thread (once: the port moves with it). */
  share(): ListenerShared {
    if (this.#given) throw new ConfigError('a TcpListener can be given to one guest only');
    this.#given = true;
    return { port: this.#channel.port2, signal: this.#signal };
  }

  /** Stops listening and closes every connection. */
  close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    this.#channel.port1.close();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accepted(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.setNoDelay(true);
    // Guest-side ends: what the guest reads (pumped from the socket) and writes (pumped to it).
    const incoming = pipeFromReadable(socket);
    const outgoing = pipeToWritable(socket, { end: true });
    const shared: ChannelShared = { incoming: incoming.share(), outgoing: outgoing.share() };
    this.#channel.port1.postMessage(shared);
    const counter = new Int32Array(this.#signal);
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  }
}

/**
 * The guest-side listener in the guest's thread: connections arrive as
 * messages; `accept` takes them synchronously and waits with `Atomics.wait`
 * when none is there (or fails with `would-block` when nonblocking).
 */
export class PortListener extends SocketListener {
  readonly #port: MessagePort;
  readonly #counter: Int32Array;
  readonly #queue: ChannelShared[] = [];

  constructor(shared: ListenerShared) {
    super();
    this.#port = shared.port;
    this.#counter = new Int32Array(shared.signal);
  }

  #drain(): void {
    for (;;) {
      const m = receiveMessageOnPort(this.#port);
      if (m === undefined) return;
      this.#queue.push(m.message as ChannelShared);
    }
  }

  override readReady(): boolean {
    this.#drain();
    return this.#queue.length > 0;
  }

  override readableBytes(): number {
    return this.#queue.length;
  }

  override waitReady(kind: 'read' | 'write', timeoutMs: number): boolean {
    if (kind !== 'read') return false;
    const seen = Atomics.load(this.#counter, 0);
    if (this.readReady()) return true;
    Atomics.wait(this.#counter, 0, seen, timeoutMs);
    return this.readReady();
  }

  accept(): SocketHandle {
    for (;;) {
      const seen = Atomics.load(this.#counter, 0);
      this.#drain();
      const next = this.#queue.shift();
      if (next !== undefined) return new ChannelSocket(new ChannelEnd(next)).retain();
      if (this.nonblocking) fail('would-block', 'no connection is waiting');
      // Under JSPI (the listener's server on this very thread) the guest is suspended instead.
      if (canSuspend()) throw new Suspend(waitForChange(this.#counter, 0, seen));
      Atomics.wait(this.#counter, 0, seen);
    }
  }

  override whenReady(): Promise<void> {
    const seen = Atomics.load(this.#counter, 0);
    return this.readReady() ? Promise.resolve() : waitForChange(this.#counter, 0, seen);
  }

  protected override dispose(): void {
    this.#port.close();
  }
}
