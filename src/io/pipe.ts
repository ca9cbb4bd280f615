// Owns: pipes whose bytes live in a SharedArrayBuffer ring, so their two ends can sit in different
// threads (workers) with no copy through the main thread, and a read really blocks (Atomics.wait)
// until a writer in another thread writes or closes.
// Must not: know about fd numbers or errnos; a read or write that cannot proceed fails with an ErrorCode.
import { fail } from '../errors.js';
import { StreamHandle } from './stream.js';
import { Suspend, canSuspend } from './suspend.js';
import { addHolder, dropHolder } from '../table/holders.js';

// Layout of the shared header (Int32 slots), then the data ring.
const WRITTEN = 0; // total bytes written, mod 2^32
const READ = 1; // total bytes read, mod 2^32
const WRITER_CLOSED = 2;
const READER_CLOSED = 3;
const SEQ = 4; // bumped on every change; waiters wait on it
const FAILED = 5; // the writer closed with an error: the reader gets `io` after the bytes left
const SERVED_BY = 6; // id of the thread whose event loop serves the other end (0: none), see markServedHere
const READER_HOLDERS = 7; // bit mask of the holders of the reading end (see share({ keep: true }))
const WRITER_HOLDERS = 8; // the same for the writing end
const HEADER_BYTES = 64;

/** This thread's id for SERVED_BY: random per module instance (each worker loads its own). */
const THIS_THREAD = (Math.floor(Math.random() * 0x7ffffffe) + 1) | 0;

type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs?: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/**
 * Resolves once `i32[index]` may differ from `seen` (or `timeoutMs` passed), without blocking
 * the thread: Atomics.waitAsync where the platform has it, a 4 ms timer elsewhere. Callers
 * re-check. While it waits, a long timer keeps a Node event loop alive (waitAsync alone does not).
 */
export async function waitForChange(i32: Int32Array, index: number, seen: number, timeoutMs = Infinity): Promise<void> {
  if (waitAsync === undefined) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(4, timeoutMs)));
    return;
  }
  const r = waitAsync(i32, index, seen, timeoutMs === Infinity ? undefined : Math.max(1, Math.ceil(timeoutMs)));
  if (!r.async) return;
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    await r.value;
  } finally {
    clearInterval(keepAlive);
  }
}

/** Default ring size: 64 KiB, as a Linux pipe. */
export const DEFAULT_PIPE_CAPACITY = 65536;

function canBlock(): boolean {
  // Atomics.wait throws on a browser's main thread; Node allows it everywhere.
  return typeof SharedArrayBuffer !== 'undefined' && (typeof (globalThis as { window?: unknown }).window === 'undefined' || typeof (globalThis as { importScripts?: unknown }).importScripts === 'function');
}

/** The shared state of one pipe: what is sent to another thread to hand it an end. */
export interface PipeShared {
  readonly buffer: SharedArrayBuffer;
  /** Which holder of the end this is (bit number in the holders mask); 0 if absent. */
  readonly holder?: number;
}

class Ring {
  readonly i32: Int32Array;
  readonly data: Uint8Array;
  readonly capacity: number;
  constructor(readonly buffer: SharedArrayBuffer) {
    this.i32 = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.capacity = this.data.length;
  }
  get used(): number {
    return (Atomics.load(this.i32, WRITTEN) - Atomics.load(this.i32, READ)) >>> 0;
  }
  bump(): void {
    Atomics.add(this.i32, SEQ, 1);
    Atomics.notify(this.i32, SEQ);
  }
  /** Moves `n` bytes (no more than are there) out of the ring into `into`, wrapping around its end. */
  take(into: Uint8Array, n: number): void {
    const start = (Atomics.load(this.i32, READ) >>> 0) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    into.set(this.data.subarray(start, start + first));
    if (n > first) into.set(this.data.subarray(0, n - first), first);
    Atomics.add(this.i32, READ, n);
    this.bump();
  }
  /** Moves all of `bytes` (no more than there is room for) into the ring, wrapping around its end. */
  put(bytes: Uint8Array): void {
    const n = bytes.length;
    const start = (Atomics.load(this.i32, WRITTEN) >>> 0) % this.capacity;
    const first = Math.min(n, this.capacity - start);
    this.data.set(bytes.subarray(0, first), start);
    if (n > first) this.data.set(bytes.subarray(first), 0);
    Atomics.add(this.i32, WRITTEN, n);
    this.bump();
  }
  /** Waits until SEQ differs from `seen` (or `timeoutMs` passes). */
  wait(seen: number, timeoutMs = Infinity): void {
    // Under JSPI the guest's stack is suspended instead; the other end may be served by this thread.
    if (canSuspend()) throw new Suspend(this.changed(seen, timeoutMs));
    if (!canBlock()) fail('would-block', 'this thread cannot block (a browser main thread): run the guest in a worker');
    // The other end is fed or drained by this very thread's event loop, which cannot run while we wait.
    if (timeoutMs === Infinity && Atomics.load(this.i32, SERVED_BY) === THIS_THREAD) {
      fail('would-block', "the other end of this pipe is served by this thread's event loop: run the guest in a worker");
    }
    Atomics.wait(this.i32, SEQ, seen, timeoutMs);
  }
  /** Blocks up to `timeoutMs` until `ready()` holds or the pipe changes; returns `ready()`. */
  waitFor(ready: () => boolean, timeoutMs: number): boolean {
    const seen = Atomics.load(this.i32, SEQ);
    if (ready()) return true;
    this.wait(seen, timeoutMs);
    return ready();
  }

  /** Resolves once SEQ differs from `seen` or `timeoutMs` passed, without blocking the thread. */
  async changed(seen: number, timeoutMs = Infinity): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    await this.whenReady(() => Atomics.load(this.i32, SEQ) !== seen || performance.now() >= deadline, timeoutMs);
  }

  /** Records that this thread's event loop serves the other end (see PipeReader.markServedHere). */
  markServedHere(): void {
    Atomics.store(this.i32, SERVED_BY, THIS_THREAD);
  }

  /** Resolves once `ready()` holds, without blocking the thread (see {@link waitForChange}). */
  async whenReady(ready: () => boolean, timeoutMs = Infinity): Promise<void> {
    for (;;) {
      const seen = Atomics.load(this.i32, SEQ);
      if (ready()) return;
      await waitForChange(this.i32, SEQ, seen, timeoutMs);
    }
  }
}

/**
 * Creates a pipe: bytes written to `writer` are read from `reader`. Either end
 * may be placed in a guest's fd table, given to the host's own code, or moved
 * to another thread with {@link PipeReader.share}/{@link PipeWriter.share} and
 * `postMessage` (the bytes stay in shared memory: no copy through the main thread).
 */
export function createPipe(capacity = DEFAULT_PIPE_CAPACITY): { reader: PipeReader; writer: PipeWriter } {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 30) throw new RangeError('pipe capacity must be an integer from 1 to 2^30');
  // A power of two, so that positions taken modulo 2^32 stay consistent modulo the capacity.
  let size = 1;
  while (size < capacity) size *= 2;
  const buffer = new SharedArrayBuffer(HEADER_BYTES + size);
  const i32 = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  i32[READER_HOLDERS] = 1;
  i32[WRITER_HOLDERS] = 1;
  return { reader: new PipeReader({ buffer }), writer: new PipeWriter({ buffer }) };
}

/** What the two ends of a pipe share: the ring, which holder of its end this object is, waits. */
abstract class PipeEnd extends StreamHandle {
  protected readonly ring: Ring;
  readonly #holder: number;

  constructor(
    shared: PipeShared,
    /** The header slot of this end's holders mask. */
    private readonly holders: number,
    /** The header slot set when the last holder closes. */
    private readonly closedFlag: number,
    /** The direction this end waits for. */
    private readonly direction: 'read' | 'write',
  ) {
    super();
    this.ring = new Ring(shared.buffer);
    this.#holder = shared.holder ?? 0;
  }

  /** True when an operation in this end's direction would not block. */
  protected abstract ready(): boolean;

  /**
   * The shared state, to `postMessage` to another thread. By default the end is
   * *moved*: the receiver is the same holder as this object, and closing either
   * closes the end (stop using it here). With `keep: true` the receiver becomes
   * a holder of its own, and the end closes (EOF for the reader, EPIPE for the
   * writer) only when every holder has closed, as for a pipe fd inherited by two processes.
   */
  share(options: { keep?: boolean } = {}): PipeShared {
    const holder = options.keep === true ? addHolder(this.ring.i32, this.holders, 'a pipe end') : this.#holder;
    return { buffer: this.ring.buffer, holder };
  }

  /** Resolves when this end's operation would not block, or this end is closed, without blocking the thread. */
  override whenReady(): Promise<void> {
    return this.ring.whenReady(() => this.disposed || this.ready());
  }

  /**
   * @internal For adapters that serve the other end from this thread's event loop
   * (a Node or Web stream pump): a wait in this thread that could only end by that
   * event loop running fails with `would-block` instead of waiting forever.
   */
  markServedHere(): void {
    this.ring.markServedHere();
  }

  override waitReady(kind: 'read' | 'write', timeoutMs: number): boolean {
    return kind === this.direction && this.ring.waitFor(() => this.ready(), timeoutMs);
  }

  /** Marks the end closed for the other side. */
  protected closeEnd(): void {
    Atomics.store(this.ring.i32, this.closedFlag, 1);
    this.ring.bump();
  }

  protected override dispose(): void {
    if (dropHolder(this.ring.i32, this.holders, this.#holder)) this.closeEnd();
  }
}

/** The reading end of a pipe. Reads block until data arrives or the writer closes (then 0: end of stream). */
export class PipeReader extends PipeEnd {
  override readonly kind = 'pipe-reader';
  readonly readable = true;
  readonly writable = false;

  /** Attaches to a pipe's shared state (from {@link createPipe} or {@link PipeReader.share} in another thread). */
  constructor(shared: PipeShared) {
    super(shared, READER_HOLDERS, READER_CLOSED, 'read');
  }

  protected ready(): boolean {
    return this.readReady();
  }

  override readableBytes(): number {
    return this.ring.used;
  }

  override readReady(): boolean {
    return this.ring.used > 0 || Atomics.load(this.ring.i32, WRITER_CLOSED) === 1;
  }

  /** True once the writer has closed (what is still in the pipe can be read). */
  override hungUp(): boolean {
    return Atomics.load(this.ring.i32, WRITER_CLOSED) === 1;
  }

  override read(into: Uint8Array): number {
    const r = this.ring;
    for (;;) {
      const seen = Atomics.load(r.i32, SEQ);
      const used = r.used;
      if (used > 0) {
        const n = Math.min(used, into.length);
        r.take(into, n);
        return n;
      }
      if (Atomics.load(r.i32, WRITER_CLOSED) === 1) {
        if (Atomics.load(r.i32, FAILED) === 1) fail('io', 'the source of this pipe failed');
        return 0;
      }
      if (this.nonblocking || into.length === 0) fail('would-block');
      r.wait(seen);
    }
  }

}

/** The writing end of a pipe. Writes block while the pipe is full; with the reader gone they fail with `pipe` (EPIPE). */
export class PipeWriter extends PipeEnd {
  override readonly kind = 'pipe-writer';
  readonly readable = false;
  readonly writable = true;

  /** Attaches to a pipe's shared state (from {@link createPipe} or {@link PipeWriter.share} in another thread). */
  constructor(shared: PipeShared) {
    super(shared, WRITER_HOLDERS, WRITER_CLOSED, 'write');
  }

  protected ready(): boolean {
    return this.writeReady();
  }

  override writeReady(): boolean {
    return this.ring.used < this.ring.capacity || Atomics.load(this.ring.i32, READER_CLOSED) === 1;
  }

  override write(data: Uint8Array): number {
    const r = this.ring;
    let done = 0;
    while (done < data.length) {
      const seen = Atomics.load(r.i32, SEQ);
      if (Atomics.load(r.i32, READER_CLOSED) === 1) {
        if (done > 0) return done;
        fail('pipe', 'the reading end is closed');
      }
      const space = r.capacity - r.used;
      if (space === 0) {
        if (done > 0 && (this.nonblocking || canSuspend())) return done;
        if (this.nonblocking) fail('would-block');
        r.wait(seen);
        continue;
      }
      const n = Math.min(space, data.length - done);
      r.put(data.subarray(done, done + n));
      done += n;
    }
    return done;
  }

  override hungUp(): boolean {
    return Atomics.load(this.ring.i32, READER_CLOSED) === 1;
  }

  /**
   * Closes the writing end with an error (the source failed): the reader gets
   * what was written, then `io` (EIO) instead of end of stream.
   */
  abort(): void {
    Atomics.store(this.ring.i32, FAILED, 1);
    this.end();
  }

  /** Closes the writing end now (the reader then sees end of stream), whatever holds references to it. */
  end(): void {
    this.closeEnd();
  }
}
