// Owns: bidirectional channels: two ends, each a readable and writable stream handle, made of two
// shared-memory pipes (one per direction), so either end can be moved to another thread.
// Must not: know about fd numbers or errnos; it adds no buffering or logic beyond the two pipes.
import { DEFAULT_PIPE_CAPACITY, PipeReader, PipeWriter, createPipe, type PipeShared } from './pipe.js';
import { StreamHandle } from './stream.js';

/** The shared state of one channel end: what is sent to another thread to hand it the end. */
export interface ChannelShared {
  /** The pipe this end reads from (the peer writes into it). */
  readonly incoming: PipeShared;
  /** The pipe this end writes into (the peer reads from it). */
  readonly outgoing: PipeShared;
}

/**
 * Creates a channel: what one end writes, the other reads, in both directions
 * (like a socketpair). Each direction is a pipe of `capacity` bytes (rounded up
 * to a power of two; default 64 KiB). Either end may be placed in a guest's fd
 * table (as stdin and stdout at once, or at any fd), used by host code, or moved
 * to another thread with {@link ChannelEnd.share} and `postMessage`.
 *
 * @example
 * ```ts
 * const [host, guest] = createChannel();
 * const wasi = new Wasi({ stdin: guest, stdout: guest });   // both directions on one end
 * ```
 */
export function createChannel(capacity = DEFAULT_PIPE_CAPACITY): [ChannelEnd, ChannelEnd] {
  const ab = createPipe(capacity); // a -> b
  const ba = createPipe(capacity); // b -> a
  const a = new ChannelEnd({ incoming: ba.reader.share(), outgoing: ab.writer.share() });
  const b = new ChannelEnd({ incoming: ab.reader.share(), outgoing: ba.writer.share() });
  return [a, b];
}

/**
 * One end of a channel: reads what the peer wrote (blocking until data arrives
 * or the peer closes: then 0, end of stream) and writes to the peer (blocking
 * while its pipe is full; `pipe` (EPIPE) once the peer is closed). Closing the
 * end (the last table releasing it) closes both directions for the peer.
 */
export class ChannelEnd extends StreamHandle {
  override readonly kind = 'channel';
  readonly readable = true;
  readonly writable = true;
  readonly #in: PipeReader;
  readonly #out: PipeWriter;
  readonly #shared: ChannelShared;

  /** Attaches to a channel end's shared state (from {@link createChannel} or {@link ChannelEnd.share} in another thread). */
  constructor(shared: ChannelShared) {
    super();
    this.#shared = { incoming: shared.incoming, outgoing: shared.outgoing };
    this.#in = new PipeReader(shared.incoming).retain();
    this.#out = new PipeWriter(shared.outgoing).retain();
  }

  /**
   * The shared state, to `postMessage` to another thread: moved by default
   * (stop using it here), or with `keep: true` held by both threads, the peer
   * seeing the end closed only when both have closed it (see {@link PipeReader.share}).
   */
  share(options: { keep?: boolean } = {}): ChannelShared {
    if (options.keep !== true) return this.#shared;
    return { incoming: this.#in.share(options), outgoing: this.#out.share(options) };
  }

  override read(into: Uint8Array): number {
    this.#in.nonblocking = this.nonblocking;
    return this.#in.read(into);
  }

  override write(data: Uint8Array): number {
    this.#out.nonblocking = this.nonblocking;
    return this.#out.write(data);
  }

  override readReady(): boolean {
    return this.#in.readReady();
  }

  override writeReady(): boolean {
    return this.#out.writeReady();
  }

  override readableBytes(): number {
    return this.#in.readableBytes();
  }

  /** True once the peer has closed (or shut down its writing side, or stopped reading). */
  override hungUp(): boolean {
    return this.#in.hungUp() || this.#out.hungUp();
  }

  override waitReady(kind: 'read' | 'write', timeoutMs: number): boolean {
    return kind === 'read' ? this.#in.waitReady('read', timeoutMs) : this.#out.waitReady('write', timeoutMs);
  }

  /** Resolves when a read (or a write) would not block, without blocking the thread (for host code on an event loop). */
  override whenReady(kind: 'read' | 'write' = 'read'): Promise<void> {
    return kind === 'read' ? this.#in.whenReady() : this.#out.whenReady();
  }

  /**
   * Closes this end's writing direction only (as `shutdown(SHUT_WR)`): the peer
   * reads what is left, then end of stream, and can still write to this end.
   */
  shutdownWrite(): void {
    this.#out.end();
  }

  protected override dispose(): void {
    this.#in.release();
    this.#out.release();
  }
}
