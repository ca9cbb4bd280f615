// Owns: small helpers of the plugin runtime tests: loading the guests and WIT files of test/plugin/,
// reading and writing guest memory, and asserting traps.
// Must not: hold test logic of its own or mock anything.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Trap } from '../../src/errors.js';
import type { GuestInstance } from '../../src/plugin/index.js';
import { repoPath } from '../paths.js';

/** A compiled guest of test/plugin/guests/. */
export function guestModule(name: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(repoPath('test/plugin/guests', name)));
}

/** A WIT file of test/plugin/wit/ (or a path from the repository root). */
export function witText(name: string): string {
  return readFileSync(name.includes('/') ? repoPath(name) : repoPath('test/plugin/wit', name), 'utf8');
}

/** The raw core export `name` of a guest, as a function. */
export function raw(guest: GuestInstance, name: string): (...args: unknown[]) => unknown {
  const f = guest.instance.exports[name];
  assert.equal(typeof f, 'function', `the guest exports ${name}`);
  return f as (...args: unknown[]) => unknown;
}

/** The guest's memory. */
export function memoryOf(guest: GuestInstance): WebAssembly.Memory {
  const m = guest.instance.exports['memory'];
  assert.ok(m instanceof WebAssembly.Memory);
  return m;
}

/** Writes bytes (or UTF-8 text) into guest memory at `addr`; returns the byte length. */
export function poke(guest: GuestInstance, addr: number, data: Uint8Array | string | number[]): number {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
  new Uint8Array(memoryOf(guest).buffer).set(bytes, addr);
  return bytes.length;
}

/** Writes little-endian u32 values at `addr`, `addr+4`, ... */
export function pokeU32(guest: GuestInstance, addr: number, ...values: number[]): void {
  const dv = new DataView(memoryOf(guest).buffer);
  values.forEach((v, i) => dv.setUint32(addr + 4 * i, v >>> 0, true));
}

/** Reads a little-endian u32. */
export function peekU32(guest: GuestInstance, addr: number): number {
  return new DataView(memoryOf(guest).buffer).getUint32(addr, true);
}

/** Reads a u8. */
export function peekU8(guest: GuestInstance, addr: number): number {
  return new Uint8Array(memoryOf(guest).buffer)[addr]!;
}

/** Reads `len` bytes. */
export function peekBytes(guest: GuestInstance, addr: number, len: number): Uint8Array {
  return new Uint8Array(memoryOf(guest).buffer).slice(addr, addr + len);
}

/** Reads a UTF-8 string. */
export function peekString(guest: GuestInstance, addr: number, len: number): string {
  return new TextDecoder().decode(peekBytes(guest, addr, len));
}

/**
 * Runs `fn`, asserts it throws a {@link Trap} whose message contains every fragment (strings are
 * matched literally, regexps as such); returns the Trap.
 */
export function expectTrap(fn: () => unknown, ...fragments: (string | RegExp)[]): Trap {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) assert.fail(`expected a Trap containing ${fragments.join(', ')}, but the call succeeded`);
  if (!(caught instanceof Trap)) {
    assert.fail(`expected a Trap, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  }
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(caught.message.includes(f), `trap message ${JSON.stringify(caught.message)} should contain ${JSON.stringify(f)}`);
    else assert.match(caught.message, f);
  }
  return caught;
}

/** Asserts `fn` throws a TypeError whose message contains every fragment. */
export function expectTypeError(fn: () => unknown, ...fragments: string[]): TypeError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TypeError, `expected a TypeError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  for (const f of fragments) assert.ok(caught.message.includes(f), `message ${JSON.stringify(caught.message)} should contain ${JSON.stringify(f)}`);
  return caught;
}
