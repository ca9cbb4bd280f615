// Owns: Node adapters for guest stdio: host file descriptors and Node Writable streams as stream handles.
// Must not: hold logic the core needs; it only adapts Node APIs to StreamHandle.
import { closeSync, constants, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Writable } from 'node:stream';
import { FsError } from '../errors.js';
import { StreamHandle } from '../io/stream.js';

const pause = new Int32Array(new SharedArrayBuffer(4));

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/**
 * A host file descriptor (for example the process's own 0, 1, 2) as a guest
 * stream. Reads block the calling thread until data or end of file; writes go
 * straight to the descriptor, so output is complete and in order even if the
 * guest exits mid-way.
 */
export class HostFdStream extends StreamHandle {
  readonly readable: boolean;
  readonly writable: boolean;
  constructor(
    readonly fd: number,
    mode: 'read' | 'write',
  ) {
    super();
    this.readable = mode === 'read';
    this.writable = mode === 'write';
    this.fileType = isatty(fd) ? 'character-device' : 'unknown';
  }

  // Readiness for poll_oneoff in this thread: a second, non-blocking open description of the same
  // pipe, FIFO or terminal (/proc/self/fd/N on Linux) is read into a small buffer that the next
  // read serves first. Where that cannot be done (a socket, a regular file, not Linux) the fd is
  // reported ready, as before.
  #probe: number | null | undefined;
  #buffered: Uint8Array = new Uint8Array(0);
  #eof = false;
  /** What the probe reads into; `#buffered` is a view of it, and it is only read into once that is empty. */
  #scratch: Uint8Array | undefined;

  #probeFd(): number | null {
    if (this.#probe !== undefined) return this.#probe;
    this.#probe = null;
    if (!this.readable || process.platform !== 'linux') return null;
    try {
      const st = fstatSync(this.fd);
      if (!st.isFIFO() && !st.isCharacterDevice()) return null;
      this.#probe = openSync(`/proc/self/fd/${this.fd}`, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch {
      this.#probe = null;
    }
    return this.#probe;
  }

  override readReady(): boolean {
    if (this.#buffered.length > 0 || this.#eof) return true;
    const probe = this.#probeFd();
    if (probe === null) return true;
    const buf = (this.#scratch ??= new Uint8Array(65536));
    try {
      const n = readSync(probe, buf, 0, buf.length, null);
      if (n === 0) this.#eof = true;
      else this.#buffered = buf.subarray(0, n);
      return true;
    } catch (e) {
      if (isErrno(e, 'EAGAIN')) return false;
      if (isErrno(e, 'EOF')) {
        this.#eof = true;
        return true;
      }
      throw mapNodeError(e);
    }
  }

  override readableBytes(): number {
    return this.#buffered.length;
  }

  override hungUp(): boolean {
    return this.#eof && this.#buffered.length === 0;
  }

  /** Waits in naps of 1 ms growing to 50 ms (this thread has nothing to wait on): little CPU, no busy loop. */
  override waitReady(kind: 'read' | 'write', timeoutMs: number): boolean {
    if (kind === 'write') return this.writable;
    const end = performance.now() + timeoutMs;
    for (let nap = 1; ; nap = Math.min(50, nap * 2)) {
      if (this.readReady()) return true;
      const left = end - performance.now();
      if (left <= 0) return false;
      Atomics.wait(pause, 0, 0, Math.min(nap, left));
    }
  }

  override read(into: Uint8Array): number {
    if (this.#buffered.length > 0) {
      const n = Math.min(into.length, this.#buffered.length);
      into.set(this.#buffered.subarray(0, n));
      this.#buffered = this.#buffered.subarray(n);
      return n;
    }
    if (this.#eof) return 0;
    for (;;) {
      try {
        return readSync(this.fd, into, 0, into.length, null);
      } catch (e) {
        if (isErrno(e, 'EOF')) return 0;
        // A non-blocking descriptor (a TTY Node switched to non-blocking mode): wait a little and retry.
        if (isErrno(e, 'EAGAIN')) {
          Atomics.wait(pause, 0, 0, 10);
          continue;
        }
        throw mapNodeError(e);
      }
    }
  }

  protected override dispose(): void {
    if (typeof this.#probe === 'number') closeSync(this.#probe);
    this.#probe = null;
  }

  override write(data: Uint8Array): number {
    let done = 0;
    while (done < data.length) {
      try {
        done += writeSync(this.fd, data, done, data.length - done);
      } catch (e) {
        if (isErrno(e, 'EAGAIN')) {
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        throw mapNodeError(e);
      }
    }
    return done;
  }
}

/** A Node `Writable` as a guest output stream (each write is handed to `stream.write`). */
export class WritableSink extends StreamHandle {
  readonly readable = false;
  readonly writable = true;
  constructor(readonly stream: Writable) {
    super();
  }
  override write(data: Uint8Array): number {
    this.stream.write(Buffer.from(data));
    return data.length;
  }
}

/** Maps the errors the host's stdio can give to Warden codes; anything else is rethrown as is (a bug to see). */
export function mapNodeError(e: unknown): unknown {
  if (isErrno(e, 'EPIPE')) return new FsError('pipe', 'the reader went away');
  if (isErrno(e, 'EBADF')) return new FsError('bad-descriptor', 'the host descriptor is closed');
  if (isErrno(e, 'EIO')) return new FsError('io', 'host I/O error');
  if (isErrno(e, 'EISDIR')) return new FsError('is-directory');
  return e;
}

/** True if host fd `fd` is open. */
export function hostFdOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}
