// Owns: small helpers shared by the unit and contract tests (error assertions, bytes, waiting).
// Must not: hold test logic of its own or mock anything.
import assert from 'node:assert/strict';
import { FsError, type ErrorCode } from '../src/errors.js';
import { FileDescription, type DescriptionFlags, type DirDescription } from '../src/fs/descriptor.js';
import type { OpenRequest } from '../src/fs/resolver.js';
import type { FileIO } from '../src/fs/types.js';

/**
 * Runs `fn` and asserts it throws an {@link FsError} whose `errorCode` is `code`.
 * Returns the error for further checks.
 */
export function expectFsError(fn: () => unknown, code: ErrorCode, what?: string): FsError {
  let threw = false;
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  const label = what === undefined ? '' : ` (${what})`;
  if (!threw) assert.fail(`expected FsError '${code}'${label}, but the call succeeded`);
  if (!(caught instanceof FsError)) {
    assert.fail(`expected FsError '${code}'${label}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  }
  assert.equal(caught.errorCode, code, `error code${label}: ${caught.message}`);
  return caught;
}

/** The FsError code `fn` throws, or undefined if it succeeds; any other exception propagates. */
export function errorCodeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof FsError) return e.errorCode;
    throw e;
  }
  return undefined;
}

/** An open request: read-only, following symlinks, nothing created, with `over` applied. */
export function req(over: Partial<OpenRequest> = {}): OpenRequest {
  return { follow: true, create: false, exclusive: false, truncate: false, directory: false, read: true, write: false, ...over };
}

/** Opens a file below `dir` and takes a reference, as a table slot would; release() closes it. */
export function openFile(dir: DirDescription, path: string, over: Partial<OpenRequest> = {}, flags: Partial<DescriptionFlags> = {}): FileDescription {
  const d = dir.open(path, req(over), flags);
  assert.ok(d instanceof FileDescription, `${path} opened as a file`);
  return d.retain();
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of `s`. */
export function enc(s: string): Uint8Array {
  return encoder.encode(s);
}

/** `b` decoded as UTF-8. */
export function dec(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Reads a whole file through a backend FileIO, from offset 0 to the end, in small pieces. */
export function readAllIO(io: FileIO, chunk = 5): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0n;
  for (;;) {
    const buf = new Uint8Array(chunk);
    const n = io.read(buf, offset);
    if (n === 0) break;
    parts.push(buf.subarray(0, n));
    offset += BigInt(n);
  }
  const out = new Uint8Array(Number(offset));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Blocks the thread for `ms` milliseconds (so a clock with coarse ticks moves on). */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Wall-clock now in ns (coarse: for "about now" checks only). */
export function wallNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
