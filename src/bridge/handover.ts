// Owns: what a host gives a guest in another thread, and what happens to it afterwards: stream
// ends moved (or shared, when the host retained them), and closed here once the guest is over
// unless the host still holds them; the guest thread's holds dropped if it died without closing.
// Must not: start workers or know which platform runs the guest.
import { ConfigError } from '../errors.js';
import { adoptStream, describeStream, type SharedStream, type StreamDescriptor } from '../io/transfer.js';
import type { Resource } from '../table/resource.js';

/** The handles given to one guest run in another thread. */
export class Handover {
  readonly #given = new Set<Resource>();
  readonly #kept: StreamDescriptor[] = [];

  /** Records `h` as the guest's from now on (closed by {@link closeGiven} unless the host retained it). */
  give(h: Resource): void {
    this.#given.add(h);
  }

  /**
   * Describes a stream end for the guest's thread. An end the host has not
   * retained is moved; one it retained is shared (the guest's thread becomes a
   * holder of its own), so the peer sees it closed only when both have closed it.
   */
  stream(h: SharedStream, need: 'read' | 'write' | 'any', what: string): StreamDescriptor {
    if (h.disposed) throw new ConfigError(`${what} is a closed ${h.kind}`);
    if ((need === 'read' && !h.readable) || (need === 'write' && !h.writable)) throw new ConfigError(`${what} must be ${need === 'read' ? 'readable' : 'writable'}, got a ${h.kind}`);
    this.give(h);
    const keep = h.refCount > 0;
    const d = describeStream(h, { keep });
    if (keep) this.#kept.push(d);
    return d;
  }

  /**
   * Closes what was given and not retained by the host. The guest's thread closed its copies when
   * the guest ended; if it crashed, was terminated or never started, it did not: closing them here
   * lets the peers (pumps, other guests) see end of stream or EPIPE instead of waiting forever.
   */
  closeGiven(): void {
    for (const h of this.#given) {
      if (!h.disposed && h.refCount === 0) h.retain().release();
    }
  }

  /** Drops the holds the guest's thread had on shared ends, when it died without closing them. */
  dropHolds(): void {
    for (const d of this.#kept) adoptStream(d).retain().release();
  }
}

/** Environment variables as `NAME=value` strings. */
export function envList(env: Readonly<Record<string, string>> | readonly string[] | undefined): string[] {
  if (env === undefined) return [];
  return Array.isArray(env) ? [...(env as readonly string[])] : Object.entries(env as Record<string, string>).map(([k, v]) => `${k}=${v}`);
}

const encoder = new TextEncoder();

/** In-memory directories as a job lists them. */
export function memoryDirList(dirs: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>> | undefined): { guest: string; files: [string, Uint8Array][] }[] {
  return Object.entries(dirs ?? {}).map(([guest, files]) => ({
    guest,
    files: Object.entries(files).map(([p, c]): [string, Uint8Array] => [p, typeof c === 'string' ? encoder.encode(c) : c]),
  }));
}
