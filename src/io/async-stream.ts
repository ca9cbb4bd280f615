// Owns: streams whose data comes from (or goes to) asynchronous host functions: the "async-only"
// handles. Under JSPI a guest waiting on one is suspended; in synchronous mode, where nothing can
// wait for a promise, a read that must wait fails with `unsupported` (ENOTSUP) and a message saying
// what to do, and writes queue up in memory.
// Must not: block the thread or busy-wait.
import { fail } from '../errors.js';
import { StreamHandle } from './stream.js';
import { Suspend, canSuspend } from './suspend.js';

const SYNC_HINT = 'this handle is async-only: run the guest with JSPI (Wasi.runAsync) or feed it through a pipe to a worker (runInWorker)';

/**
 * A readable stream whose bytes come from `pull(maxBytes)`, an async host
 * function (a fetch body, a database cursor, a prompt). `null` or an empty
 * array means end of stream; a rejected promise makes later reads fail with
 * `io` (EIO). One pull is in flight at a time; what it returns beyond the
 * guest's buffer is kept for the next read.
 */
export class AsyncSource extends StreamHandle {
  override readonly kind = 'async-source';
  readonly readable = true;
  readonly writable = false;
  #pending: Uint8Array = new Uint8Array(0);
  #ended = false;
  #failed: unknown;
  #inFlight: Promise<void> | undefined;

  constructor(readonly pull: (maxBytes: number) => Promise<Uint8Array | null> | Uint8Array | null) {
    super();
  }

  #start(maxBytes: number): Promise<void> {
    this.#inFlight ??= Promise.resolve()
      .then(() => this.pull(maxBytes))
      .then(
        (chunk) => {
          if (chunk === null || chunk.length === 0) this.#ended = true;
          else this.#pending = chunk;
        },
        (e: unknown) => {
          this.#failed = e ?? new Error('the source failed');
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }

  override readReady(): boolean {
    return this.#pending.length > 0 || this.#ended || this.#failed !== undefined;
  }

  override readableBytes(): number {
    return this.#pending.length;
  }

  override hungUp(): boolean {
    return this.#ended && this.#pending.length === 0;
  }

  override read(into: Uint8Array): number {
    if (this.#pending.length === 0) {
      if (this.#failed !== undefined) fail('io', `the source of this stream failed: ${String(this.#failed)}`);
      if (this.#ended) return 0;
      if (into.length === 0) return 0;
      if (this.nonblocking) {
        void this.#start(into.length);
        fail('would-block');
      }
      if (!canSuspend()) fail('unsupported', SYNC_HINT);
      throw new Suspend(this.#start(into.length));
    }
    const n = Math.min(into.length, this.#pending.length);
    into.set(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    return n;
  }

  override whenReady(): Promise<void> {
    return this.readReady() ? Promise.resolve() : this.#start(65536);
  }
}

/**
 * A writable stream whose bytes go to `push(chunk)`, an async host function.
 * A write hands over a copy and returns at once; under JSPI the next write
 * waits until that push has settled (one chunk in flight), so a slow consumer
 * slows the guest down. In synchronous mode (nothing can wait) chunks queue
 * up in memory and are pushed in order once the host's event loop runs.
 * A rejected push makes later writes fail with `io` (EIO).
 */
export class AsyncSink extends StreamHandle {
  override readonly kind = 'async-sink';
  readonly readable = false;
  readonly writable = true;
  #inFlight: Promise<void> | undefined;
  #failed: unknown;

  constructor(readonly push: (chunk: Uint8Array) => Promise<void> | void) {
    super();
  }

  override writeReady(): boolean {
    return this.#inFlight === undefined;
  }

  override write(data: Uint8Array): number {
    if (this.#failed !== undefined) fail('io', `the sink of this stream failed: ${String(this.#failed)}`);
    if (this.#inFlight !== undefined) {
      if (this.nonblocking) fail('would-block');
      if (canSuspend()) throw new Suspend(this.#inFlight);
      // Synchronous mode cannot wait: the chunk queues behind the one in flight (no backpressure).
    }
    const copy = data.slice();
    const p = (this.#inFlight ?? Promise.resolve())
      .then(() => this.push(copy))
      .then(
        () => undefined,
        (e: unknown) => {
          this.#failed = e ?? new Error('the sink failed');
        },
      )
      .finally(() => {
        if (this.#inFlight === p) this.#inFlight = undefined;
      });
    this.#inFlight = p;
    return data.length;
  }

  override whenReady(): Promise<void> {
    return this.#inFlight ?? Promise.resolve();
  }

  /** Resolves when every chunk written so far has been pushed. */
  drained(): Promise<void> {
    return this.#inFlight ?? Promise.resolve();
  }
}
