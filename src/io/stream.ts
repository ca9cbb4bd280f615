// Owns: byte streams as table resources (stdio, host sinks and sources).
// Must not: know about fd numbers or errnos.
import { fail } from '../errors.js';
import { Resource } from '../table/resource.js';
import type { FileType } from '../fs/types.js';

/**
 * A byte stream a guest reads or writes through an fd: stdio, a host
 * callback, a pipe end. Reads return 0 at end of stream.
 */
export abstract class StreamHandle extends Resource {
  readonly kind: string = 'stream';
  /** What fd_fdstat_get reports: `character-device` for a terminal, else `unknown` (as wasmtime does for pipes). */
  fileType: FileType = 'unknown';
  abstract readonly readable: boolean;
  abstract readonly writable: boolean;
  /** When true, a read or write that would wait fails with `would-block` instead (fdflags NONBLOCK). */
  nonblocking = false;
  /** Reads into `into`; returns bytes read, 0 at end of stream. */
  read(_into: Uint8Array): number {
    return fail('bad-descriptor', 'stream is not readable');
  }
  /** Writes `data`; returns bytes taken. */
  write(_data: Uint8Array): number {
    return fail('bad-descriptor', 'stream is not writable');
  }
  /** Flushes buffered output, if any. */
  flush(): void {}
  /** True if a read would not block (data or end of stream available). */
  readReady(): boolean {
    return true;
  }
  /** True if a write would not block. */
  writeReady(): boolean {
    return true;
  }
  /** Bytes a read could return now, for poll_oneoff's `nbytes` (0 when unknown). */
  readableBytes(): number {
    return 0;
  }
  /** True once no more data can ever be read (the writer is gone), for poll_oneoff's hangup flag. */
  hungUp(): boolean {
    return false;
  }
  /**
   * Blocks up to `timeoutMs` (Infinity: no limit) until a read (or write) would
   * not block, or something else changes; returns whether it is ready. Streams
   * that are always ready return at once. It may return early, so callers re-check.
   */
  waitReady(kind: 'read' | 'write', _timeoutMs: number): boolean {
    return kind === 'read' ? this.readReady() : this.writeReady();
  }
  /**
   * Resolves when a read (or write) would not block, or something else changed,
   * without blocking the thread: what a suspended guest (JSPI) awaits. Streams
   * that are always ready resolve at once. Callers re-check.
   */
  whenReady(_kind: 'read' | 'write' = 'read'): Promise<void> {
    return Promise.resolve();
  }
}

/** A stream that reads from a fixed byte array (stdin given as bytes or text). */
export class BytesSource extends StreamHandle {
  readonly readable = true;
  readonly writable = false;
  #data: Uint8Array;
  #pos = 0;
  constructor(data: Uint8Array | string) {
    super();
    this.#data = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  }
  override read(into: Uint8Array): number {
    const n = Math.min(into.length, this.#data.length - this.#pos);
    into.set(this.#data.subarray(this.#pos, this.#pos + n));
    this.#pos += n;
    return n;
  }
}

/** A stream whose reads call a host function; `null` or an empty array means end of stream. */
export class CallbackSource extends StreamHandle {
  readonly readable = true;
  readonly writable = false;
  #pending: Uint8Array = new Uint8Array(0);
  #ended = false;
  constructor(readonly pull: (maxBytes: number) => Uint8Array | null) {
    super();
  }
  override read(into: Uint8Array): number {
    if (this.#pending.length === 0 && !this.#ended) {
      const chunk = this.pull(into.length);
      if (chunk === null || chunk.length === 0) this.#ended = true;
      else this.#pending = chunk;
    }
    const n = Math.min(into.length, this.#pending.length);
    into.set(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    return n;
  }
}

/** A stream whose writes call a host function with a copy of the bytes. */
export class CallbackSink extends StreamHandle {
  readonly readable = false;
  readonly writable = true;
  constructor(readonly push: (chunk: Uint8Array) => void) {
    super();
  }
  override write(data: Uint8Array): number {
    this.push(data.slice());
    return data.length;
  }
}

/** A stream that keeps everything written to it, for the host to read afterwards. */
export class CaptureSink extends StreamHandle {
  readonly readable = false;
  readonly writable = true;
  #chunks: Uint8Array[] = [];
  #length = 0;
  override write(data: Uint8Array): number {
    this.#chunks.push(data.slice());
    this.#length += data.length;
    return data.length;
  }
  /** All bytes written so far. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.#chunks = [out];
    return out;
  }
  /** All bytes written so far, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** A stream that discards writes and reads as empty (what stdio is when the host gives nothing). */
export class NullStream extends StreamHandle {
  readonly readable = true;
  readonly writable = true;
  override read(): number {
    return 0;
  }
  override write(data: Uint8Array): number {
    return data.length;
  }
}
