// Owns: the `wasi_snapshot_preview1` import object: one wrapper per syscall that maps FsError to
// an errno, lets ProcExit and traps through, and turns any other exception into a Trap.
// Must not: swallow an unknown host exception into a made-up errno.
import { FsError, ProcExit, Trap, WardenError } from '../errors.js';
import type { P1Context } from './context.js';
import { errnoOf } from './errno.js';
import * as args from './syscalls/args.js';
import * as clock from './syscalls/clock.js';
import * as fd from './syscalls/fd.js';
import * as path from './syscalls/path.js';
import * as poll from './syscalls/poll.js';
import * as sock from './syscalls/sock.js';
import { Suspend, suspendable } from '../io/suspend.js';

type Syscall = (ctx: P1Context, ...args: never[]) => number;

/** Every wasi_snapshot_preview1 function, by its witx name. */
export const syscalls: Readonly<Record<string, Syscall>> = {
  args_get: args.args_get,
  args_sizes_get: args.args_sizes_get,
  environ_get: args.environ_get,
  environ_sizes_get: args.environ_sizes_get,
  clock_res_get: clock.clock_res_get,
  clock_time_get: clock.clock_time_get,
  fd_advise: fd.fd_advise,
  fd_allocate: fd.fd_allocate,
  fd_close: fd.fd_close,
  fd_datasync: fd.fd_datasync,
  fd_fdstat_get: fd.fd_fdstat_get,
  fd_fdstat_set_flags: fd.fd_fdstat_set_flags,
  fd_fdstat_set_rights: fd.fd_fdstat_set_rights,
  fd_filestat_get: fd.fd_filestat_get,
  fd_filestat_set_size: fd.fd_filestat_set_size,
  fd_filestat_set_times: fd.fd_filestat_set_times,
  fd_pread: fd.fd_pread,
  fd_prestat_get: fd.fd_prestat_get,
  fd_prestat_dir_name: fd.fd_prestat_dir_name,
  fd_pwrite: fd.fd_pwrite,
  fd_read: fd.fd_read,
  fd_readdir: fd.fd_readdir,
  fd_renumber: fd.fd_renumber,
  fd_seek: fd.fd_seek,
  fd_sync: fd.fd_sync,
  fd_tell: fd.fd_tell,
  fd_write: fd.fd_write,
  path_create_directory: path.path_create_directory,
  path_filestat_get: path.path_filestat_get,
  path_filestat_set_times: path.path_filestat_set_times,
  path_link: path.path_link,
  path_open: path.path_open,
  path_readlink: path.path_readlink,
  path_remove_directory: path.path_remove_directory,
  path_rename: path.path_rename,
  path_symlink: path.path_symlink,
  path_unlink_file: path.path_unlink_file,
  poll_oneoff: poll.poll_oneoff,
  proc_exit: args.proc_exit,
  proc_raise: args.proc_raise,
  sched_yield: args.sched_yield,
  random_get: args.random_get,
  sock_accept: sock.sock_accept,
  sock_recv: sock.sock_recv,
  sock_send: sock.sock_send,
  sock_shutdown: sock.sock_shutdown,
};

/** What a trace callback is told after each call: the result is an errno, or how the call ended the guest. */
export type TraceResult = { errno: number } | { exit: number } | { trap: Error };

/** Called after every WASI call when tracing is on. */
export type Tracer = (name: string, args: readonly (number | bigint)[], result: TraceResult) => void;

/** Maps an exception thrown by a syscall: an errno for FsError; rethrows exits and traps; wraps host bugs. */
function toErrno(name: string, e: unknown): number {
  if (e instanceof FsError) return errnoOf[e.errorCode];
  if (e instanceof ProcExit || e instanceof Trap) throw e;
  if (e instanceof WardenError) throw e;
  const message = e instanceof Error ? e.message : String(e);
  throw new Trap(`host error in ${name}: ${message}`, { cause: e });
}

/** {@link toErrno}, telling `trace` first when the call ends the guest (an exit or a trap) instead. */
function toErrnoTraced(name: string, a: unknown[], e: unknown, trace: Tracer | undefined): number {
  try {
    return toErrno(name, e);
  } catch (end) {
    trace?.(name, a as (number | bigint)[], end instanceof ProcExit ? { exit: end.exitCode } : { trap: end as Error });
    throw end;
  }
}

type Call = (ctx: P1Context, ...a: unknown[]) => number;
type Wrapped = (...a: never[]) => number;

/**
 * The wrapper of one syscall, with a fixed arity: V8 optimizes a fixed
 * parameter list far better than a rest parameter on this hot path.
 */
function fast(ctx: P1Context, name: string, call: Call): Wrapped {
  const guard = (e: unknown): number => toErrno(name, e);
  switch (call.length - 1) {
    case 0:
      return () => { try { return call(ctx); } catch (e) { return guard(e); } };
    case 1:
      return ((a: unknown) => { try { return call(ctx, a); } catch (e) { return guard(e); } }) as Wrapped;
    case 2:
      return ((a: unknown, b: unknown) => { try { return call(ctx, a, b); } catch (e) { return guard(e); } }) as Wrapped;
    case 3:
      return ((a: unknown, b: unknown, c: unknown) => { try { return call(ctx, a, b, c); } catch (e) { return guard(e); } }) as Wrapped;
    case 4:
      return ((a: unknown, b: unknown, c: unknown, d: unknown) => { try { return call(ctx, a, b, c, d); } catch (e) { return guard(e); } }) as Wrapped;
    case 5:
      return ((a: unknown, b: unknown, c: unknown, d: unknown, f: unknown) => { try { return call(ctx, a, b, c, d, f); } catch (e) { return guard(e); } }) as Wrapped;
    default:
      return ((...a: unknown[]) => { try { return call(ctx, ...a); } catch (e) { return guard(e); } }) as Wrapped;
  }
}

/** Builds the functions of the `wasi_snapshot_preview1` import module for one context. */
export function createImports(ctx: P1Context, trace?: Tracer): Record<string, (...a: never[]) => number> {
  const out: Record<string, (...a: never[]) => number> = {};
  for (const [name, fn] of Object.entries(syscalls)) {
    const call = fn as (ctx: P1Context, ...a: unknown[]) => number;
    if (trace === undefined) {
      out[name] = fast(ctx, name, call);
    } else {
      out[name] = (...a: unknown[]) => {
        const shown = a as (number | bigint)[];
        let errno: number;
        try {
          errno = call(ctx, ...a);
        } catch (e) {
          errno = toErrnoTraced(name, a, e, trace);
        }
        trace(name, shown, { errno });
        return errno;
      };
    }
  }
  return out;
}

/** The syscalls that may wait for the host: under JSPI they may suspend the guest. */
export const BLOCKING_SYSCALLS: readonly string[] = ['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'poll_oneoff', 'sock_accept', 'sock_recv', 'sock_send'];

/** A syscall function that returns its errno at once, or a promise of it when it had to wait. */
export type MaybeAsync = (...a: never[]) => number | Promise<number>;

/**
 * The functions of `wasi_snapshot_preview1` for a guest that can be suspended
 * (JSPI): the same as {@link createImports}, except that each of
 * {@link BLOCKING_SYSCALLS} runs with suspension allowed. When it completes
 * without waiting it returns the errno directly (no suspension, no promise);
 * when a handle must wait it returns a promise that awaits the handle and
 * calls the syscall again (the syscall changed nothing before it asked to
 * wait). `poll_oneoff` has its own async form, so its deadlines hold across waits.
 * The caller wraps the blocking ones in `WebAssembly.Suspending` (src/bridge/).
 */
export function createAsyncImports(ctx: P1Context, trace?: Tracer): { imports: Record<string, MaybeAsync>; blocking: ReadonlySet<string> } {
  const imports: Record<string, MaybeAsync> = createImports(ctx, trace);
  const report = (name: string, a: unknown[], errno: number): number => {
    trace?.(name, a as (number | bigint)[], { errno });
    return errno;
  };
  const settle = (name: string, a: unknown[], e: unknown): number => report(name, a, toErrnoTraced(name, a, e, trace));
  for (const name of BLOCKING_SYSCALLS) {
    if (name === 'poll_oneoff') {
      imports[name] = ((...a: unknown[]) =>
        poll.poll_oneoff_async(ctx, ...(a as [number, number, number, number])).then(
          (errno) => report(name, a, errno),
          (e: unknown) => settle(name, a, e),
        )) as MaybeAsync;
      continue;
    }
    const call = syscalls[name] as (ctx: P1Context, ...a: unknown[]) => number;
    const attempt = (a: unknown[]): number | Promise<number> => {
      try {
        return report(name, a, suspendable(call, ctx, a));
      } catch (e) {
        if (e instanceof Suspend) return e.until.then(() => attempt(a), () => attempt(a));
        return settle(name, a, e);
      }
    };
    imports[name] = ((...a: unknown[]) => attempt(a)) as MaybeAsync;
  }
  return { imports, blocking: new Set(BLOCKING_SYSCALLS) };
}
