// Owns: args_*, environ_*, random_get, sched_yield, proc_exit, proc_raise.
// Must not: do anything but copy bytes the context already holds.
import { ProcExit } from '../../errors.js';
import type { P1Context } from '../context.js';
import { Errno } from '../errno.js';

/** Writes NUL-terminated strings and a pointer array (the shape of args_get/environ_get). */
function writeList(ctx: P1Context, list: readonly Uint8Array[], ptrsPtr: number, bufPtr: number): number {
  const mem = ctx.mem;
  let total = 0;
  for (const s of list) total += s.length + 1;
  mem.check(ptrsPtr, list.length * 4, 4);
  mem.check(bufPtr, total);
  let at = bufPtr;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    mem.setU32(ptrsPtr + i * 4, at);
    mem.writeBytes(at, s);
    mem.setU8(at + s.length, 0);
    at += s.length + 1;
  }
  return Errno.success;
}

function writeSizes(ctx: P1Context, list: readonly Uint8Array[], countPtr: number, sizePtr: number): number {
  let total = 0;
  for (const s of list) total += s.length + 1;
  ctx.mem.check(countPtr, 4, 4);
  ctx.mem.check(sizePtr, 4, 4);
  ctx.mem.setU32(countPtr, list.length);
  ctx.mem.setU32(sizePtr, total);
  return Errno.success;
}

export function args_get(ctx: P1Context, argv: number, buf: number): number {
  return writeList(ctx, ctx.args, argv >>> 0, buf >>> 0);
}
export function args_sizes_get(ctx: P1Context, count: number, size: number): number {
  return writeSizes(ctx, ctx.args, count >>> 0, size >>> 0);
}
export function environ_get(ctx: P1Context, environ: number, buf: number): number {
  return writeList(ctx, ctx.env, environ >>> 0, buf >>> 0);
}
export function environ_sizes_get(ctx: P1Context, count: number, size: number): number {
  return writeSizes(ctx, ctx.env, count >>> 0, size >>> 0);
}

export function random_get(ctx: P1Context, buf: number, len: number): number {
  const view = ctx.mem.bytes(buf >>> 0, len >>> 0);
  if (view.buffer instanceof ArrayBuffer) {
    ctx.random(view);
  } else {
    // getRandomValues refuses views of shared memory in some engines: fill a copy.
    const tmp = new Uint8Array(view.length);
    ctx.random(tmp);
    view.set(tmp);
  }
  return Errno.success;
}

export function sched_yield(): number {
  return Errno.success;
}

export function proc_exit(_ctx: P1Context, code: number): number {
  throw new ProcExit(code >>> 0);
}

/** Signals are not part of Warden's model; wasmtime does not support proc_raise either. */
export function proc_raise(): number {
  return Errno.nosys;
}
