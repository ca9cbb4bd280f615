// Owns: Node adapters for guest stdio: host file descriptors and Node Writable streams as stream handles.
// Must not: hold logic the core needs; it only adapts Node APIs to StreamHandle.
import { readSync, writeSync, fstatSync } from 'node:fs';
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

  override read(into: Uint8Array): number {
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
