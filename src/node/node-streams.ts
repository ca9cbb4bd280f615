// Owns: Node Readable/Writable streams as blocking guest handles: this thread's event loop pumps a
// Readable into a shared-memory pipe (pausing it while the pipe is full) or drains a pipe into a
// Writable (waiting for 'drain'); the guest blocks on the pipe's other end in a worker.
// Must not: block the event loop (it waits with Atomics.waitAsync only), or hold pipe logic (src/io/ has it).
import { finished, type Readable, type Writable } from 'node:stream';
import { FsError } from '../errors.js';
import { DEFAULT_PIPE_CAPACITY } from '../io/pipe.js';
import { chunkBytes, pullSome, pushAll, sinkPipe, sourcePipe, type PumpEnd, type PumpOptions, type PumpedReader, type PumpedWriter, type SinkPumpOptions } from '../io/web-streams.js';

/**
 * A Node `Readable` as a blocking guest handle: returns the reading end of a
 * pipe that this thread's event loop fills from the stream. Give it to a guest
 * running in a worker ({@link runInWorker}), where reads block until data comes.
 *
 * Backpressure: when the pipe is full the stream is paused, and resumed once
 * the reader has made room (Atomics.waitAsync on the pipe, no polling). At the
 * stream's end the reader sees end of stream; if the stream errors (or is
 * destroyed before its end), the reader gets what was sent, then `io` (EIO).
 * If the reader goes away first, the stream is destroyed on its next chunk (as
 * a shell pipeline stops its producer). A guest reading the pipe in this same
 * thread gets `would-block` (EAGAIN) when it is empty instead of hanging.
 *
 * @example
 * ```ts
 * await runInWorker({ module: 'cat.wasm', stdin: pipeFromReadable(createReadStream('in.txt')) });
 * ```
 */
export function pipeFromReadable(readable: Readable, options: PumpOptions = {}): PumpedReader {
  const { reader, writer } = sourcePipe(options);
  let settled = false;
  let ended = false;
  let busy = false; // a push is waiting for room: the stream is paused
  const queue: Uint8Array[] = [];
  let resolveDone: (end: PumpEnd) => void = () => {};
  const done = new Promise<PumpEnd>((resolve) => (resolveDone = resolve));

  const settle = (end: PumpEnd): void => {
    if (settled) return;
    settled = true;
    readable.off('data', onData);
    if (end.reason === 'end') writer.end();
    else if (end.reason === 'error') writer.abort();
    writer.release();
    resolveDone(end);
  };

  const drainQueue = async (): Promise<void> => {
    busy = true;
    try {
      while (queue.length > 0 && !settled) {
        if (!(await pushAll(writer, queue.shift()!))) {
          settle({ reason: 'closed' });
          readable.destroy();
          return;
        }
      }
    } catch (error) {
      settle({ reason: 'error', error });
      return;
    } finally {
      busy = false;
    }
    if (ended) settle({ reason: 'end' });
    else readable.resume();
  };

  function onData(chunk: unknown): void {
    if (settled) return;
    let bytes: Uint8Array;
    try {
      bytes = chunkBytes(chunk);
    } catch (error) {
      settle({ reason: 'error', error }); // an object-mode stream of something else than bytes
      readable.destroy();
      return;
    }
    if (busy) {
      queue.push(bytes);
      return;
    }
    // Fast path: the pipe has room for the whole chunk.
    let rest = bytes;
    try {
      rest = rest.subarray(writer.write(rest));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (e.errorCode === 'pipe') {
        settle({ reason: 'closed' });
        readable.destroy();
        return;
      }
      if (e.errorCode !== 'would-block') throw e;
    }
    if (rest.length === 0) return;
    readable.pause();
    queue.push(rest);
    void drainQueue();
  }

  // finished() leaves its listeners in place afterwards (an 'error' listener among them), so a late
  // error from the stream does not crash the process.
  finished(readable, { writable: false }, (error) => {
    if (error) settle({ reason: 'error', error });
    else {
      ended = true;
      if (!busy) settle({ reason: 'end' });
    }
  });
  readable.on('data', onData);
  return Object.assign(reader, { done });
}

/**
 * A Node `Writable` as a blocking guest handle: returns the writing end of a
 * pipe that this thread's event loop drains into the stream, honouring its
 * backpressure (after a `write()` that returns false, it waits for `drain`;
 * meanwhile the pipe fills and the guest's writes block). When the writer
 * closes (the guest exits or closes the fd) the stream is ended, unless
 * `end: false` (use that for `process.stdout`). If the stream fails, the pipe is
 * closed for reading, so the guest's writes fail with `pipe` (EPIPE); the
 * stream's error is in `done` (an 'error' listener is attached, so it does not crash the process).
 */
export function pipeToWritable(writable: Writable, options: SinkPumpOptions = {}): PumpedWriter {
  const { reader, writer } = sinkPipe(options);
  const max = options.capacity ?? DEFAULT_PIPE_CAPACITY;
  let failure: { error: unknown } | undefined;
  const failed = (): PumpEnd | undefined => (failure === undefined ? undefined : { reason: 'error', error: failure.error });
  // Wakes whatever the pump waits on (the pipe or 'drain') when the stream fails.
  let wake: () => void = () => {};
  finished(writable, { readable: false }, (error) => {
    if (error) {
      failure = { error };
      if (!reader.disposed) reader.release(); // the guest's writes now fail with EPIPE; wakes a pipe wait
      wake();
    }
  });
  const done = (async (): Promise<PumpEnd> => {
    try {
      for (;;) {
        const chunk = await pullSome(reader, max);
        if (failed()) return failed()!;
        if (chunk === null) break;
        if (!writable.write(chunk)) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            writable.once('drain', resolve);
          });
          writable.off('drain', wake);
          if (failed()) return failed()!;
        }
      }
      if (options.end ?? true) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          writable.end(resolve);
        });
        if (failed()) return failed()!;
      }
      return { reason: 'end' };
    } finally {
      // finished()'s listeners stay on the stream, so a late error does not crash the process.
      if (!reader.disposed) reader.release();
    }
  })();
  return Object.assign(writer, { done });
}
