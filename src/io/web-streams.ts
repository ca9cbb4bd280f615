// Owns: Web ReadableStream/WritableStream as blocking guest handles: the host's event loop pumps a
// stream into a shared-memory pipe (or drains a pipe into a stream) with backpressure, and the guest,
// in another thread, blocks on the pipe's other end. Also the pump result types Node's adapters share.
// Must not: use Node APIs, or block the thread it runs on (it only awaits).
import { FsError } from '../errors.js';
import { DEFAULT_PIPE_CAPACITY, PipeReader, PipeWriter, createPipe } from './pipe.js';

/** How a pump stopped. */
export interface PumpEnd {
  /**
   * `end`: the source ended (everything was put in the pipe) or the pipe's
   * writer closed (everything was handed to the sink); `closed`: the other end
   * of the pipe went away first; `error`: the stream failed (`error` says why).
   */
  reason: 'end' | 'closed' | 'error';
  /** The stream's error, when `reason` is `error`. */
  error?: unknown;
}

/** A pipe's reading end that the host's event loop fills from a stream; `done` settles (never rejects) when the pump stops. */
export type PumpedReader = PipeReader & { readonly done: Promise<PumpEnd> };
/** A pipe's writing end that the host's event loop drains into a stream; `done` settles (never rejects) when the pump stops. */
export type PumpedWriter = PipeWriter & { readonly done: Promise<PumpEnd> };

/** Options of the stream-to-pipe adapters. */
export interface PumpOptions {
  /** Bytes the pipe holds before backpressure applies. Default 64 KiB. */
  capacity?: number;
}

/** Options of the pipe-to-stream adapters. */
export interface SinkPumpOptions extends PumpOptions {
  /** Close (end) the stream when the pipe's writer closes. Default true. */
  end?: boolean;
}

/** A chunk from a stream as bytes: bytes and views are used as they are, strings encoded as UTF-8. */
export function chunkBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`a byte stream gave a ${typeof chunk} chunk; expected bytes or a string`);
}

function isCode(e: unknown, code: FsError['errorCode']): boolean {
  return e instanceof FsError && e.errorCode === code;
}

/**
 * Writes `bytes` into `writer` (nonblocking) from an event loop: when the pipe
 * is full, waits asynchronously (Atomics.waitAsync) for the reader to make room.
 * Returns false if the reader went away (or the writer was closed meanwhile).
 */
export async function pushAll(writer: PipeWriter, bytes: Uint8Array): Promise<boolean> {
  let rest = bytes;
  while (rest.length > 0) {
    if (writer.disposed) return false; // the pump stopped meanwhile: nothing more goes in
    try {
      rest = rest.subarray(writer.write(rest));
    } catch (e) {
      if (isCode(e, 'would-block')) await writer.whenReady();
      else if (isCode(e, 'pipe')) return false;
      else throw e;
    }
  }
  return true;
}

/**
 * Reads what is in `reader` now (nonblocking), waiting asynchronously until
 * something is there. Returns the bytes, or null at end of stream (or when the
 * end was closed).
 */
export async function pullSome(reader: PipeReader, maxBytes: number): Promise<Uint8Array | null> {
  for (;;) {
    await reader.whenReady();
    if (reader.disposed) return null;
    const chunk = new Uint8Array(Math.max(1, Math.min(maxBytes, reader.readableBytes())));
    try {
      const n = reader.read(chunk);
      return n === 0 ? null : chunk.subarray(0, n);
    } catch (e) {
      if (!isCode(e, 'would-block')) throw e;
    }
  }
}

/** Creates the pipe of a stream-to-pipe pump: the writer is the pump's (nonblocking, retained). */
export function sourcePipe(options: PumpOptions): { reader: PipeReader; writer: PipeWriter } {
  const { reader, writer } = createPipe(options.capacity ?? DEFAULT_PIPE_CAPACITY);
  writer.retain();
  writer.nonblocking = true;
  // A guest reading it in this very thread could never see the pump run: make that would-block, not a hang.
  reader.markServedHere();
  return { reader, writer };
}

/** Creates the pipe of a pipe-to-stream pump: the reader is the pump's (nonblocking, retained). */
export function sinkPipe(options: PumpOptions): { reader: PipeReader; writer: PipeWriter } {
  const { reader, writer } = createPipe(options.capacity ?? DEFAULT_PIPE_CAPACITY);
  reader.retain();
  reader.nonblocking = true;
  writer.markServedHere();
  return { reader, writer };
}

/**
 * A Web `ReadableStream` as a blocking guest handle: returns the reading end of
 * a pipe that this thread's event loop fills from the stream. Place it in a
 * guest that runs in another thread (a worker: see `runInWorker` in
 * `warden/node`), where reads block until data comes. Backpressure: the stream
 * is read only while the pipe has room. At the stream's end the reader sees
 * end of stream; if the stream errors, it sees `io` (EIO) after the bytes
 * already sent. If the reader goes away, the stream is cancelled (on its next chunk).
 * A guest reading it in this same thread gets `would-block` (EAGAIN) when the
 * pipe is empty, instead of waiting forever.
 */
export function pipeFromReadableStream(stream: ReadableStream<unknown>, options: PumpOptions = {}): PumpedReader {
  const { reader, writer } = sourcePipe(options);
  const source = stream.getReader();
  const done = (async (): Promise<PumpEnd> => {
    try {
      for (;;) {
        const next = await source.read();
        if (next.done) {
          writer.end();
          return { reason: 'end' };
        }
        if (!(await pushAll(writer, chunkBytes(next.value)))) {
          await source.cancel().catch(() => {});
          return { reason: 'closed' };
        }
      }
    } catch (error) {
      writer.abort();
      await source.cancel(error).catch(() => {});
      return { reason: 'error', error };
    } finally {
      writer.release();
    }
  })();
  return Object.assign(reader, { done });
}

/**
 * A Web `WritableStream` as a blocking guest handle: returns the writing end of
 * a pipe that this thread's event loop drains into the stream, waiting for the
 * stream's `ready` (its backpressure) before each write; while the stream is
 * slow the pipe fills and the guest's writes block. When the writer closes (the
 * guest exits or closes the fd), the stream is closed (unless `end: false`). If
 * the stream fails, the pipe is closed for reading: the guest's writes fail
 * with `pipe` (EPIPE).
 */
export function pipeToWritableStream(stream: WritableStream<Uint8Array>, options: SinkPumpOptions = {}): PumpedWriter {
  const { reader, writer } = sinkPipe(options);
  const sink = stream.getWriter();
  const max = options.capacity ?? DEFAULT_PIPE_CAPACITY;
  const done = (async (): Promise<PumpEnd> => {
    let last: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        const chunk = await pullSome(reader, max);
        if (chunk === null) break;
        await sink.ready;
        last = sink.write(chunk);
        last.catch(() => {}); // seen through `ready` or the next await
      }
      await last;
      if (options.end ?? true) await sink.close();
      else sink.releaseLock();
      return { reason: 'end' };
    } catch (error) {
      sink.releaseLock();
      return { reason: 'error', error };
    } finally {
      reader.release();
    }
  })();
  return Object.assign(writer, { done });
}
