// Owns: the state of one preview1 instance: guest memory, the fd map (a capability table whose
// slots carry rights), args, env, clocks. Syscall modules read and change it.
// Must not: implement filesystem or stream logic.
import { FsError, Trap, fail } from '../errors.js';
import { DirDescription, FileDescription } from '../fs/descriptor.js';
import { StreamHandle } from '../io/stream.js';
import type { Resource } from '../table/resource.js';
import { Table } from '../table/table.js';
import { Rights } from './layout.js';
import { GuestMemory } from './memory.js';

/** Per-fd data of preview1: the rights, and the guest path when the fd is a preopen. */
export interface FdMeta {
  /** Rights of this fd (as a number: every right fits in 30 bits). */
  base: number;
  /** Rights that fds opened through this one may have. */
  inheriting: number;
  /** The guest path reported by fd_prestat_dir_name, for preopened directories. */
  preopen?: string;
}

/** Time sources of an instance, in nanoseconds. */
export interface Clocks {
  realtime(): bigint;
  monotonic(): bigint;
  processCputime(): bigint;
  threadCputime(): bigint;
  /** Resolution reported by clock_res_get, for every clock. */
  resolutionNs: bigint;
  /** Blocks the calling thread for `ns` nanoseconds (poll_oneoff on a clock). */
  sleep(ns: bigint): void;
}

/** Everything a preview1 syscall needs. */
export class P1Context {
  #memory: GuestMemory | undefined;
  constructor(
    readonly fds: Table<FdMeta>,
    readonly args: readonly Uint8Array[],
    readonly env: readonly Uint8Array[],
    readonly clocks: Clocks,
    readonly random: (into: Uint8Array) => void,
  ) {}

  /** Binds the guest's exported memory; syscalls before this trap. */
  bindMemory(memory: WebAssembly.Memory): void {
    this.#memory = new GuestMemory(memory);
  }

  get mem(): GuestMemory {
    return this.#memory ?? (() => {
      throw new Trap('a WASI function was called before the instance was started (no memory bound yet)');
    })();
  }

  /** The slot at `fd`; `bad-descriptor` if there is none. */
  slot(fd: number) {
    return this.fds.slot(fd) ?? fail('bad-descriptor');
  }

  /**
   * The resource at `fd` if it is an instance of `type` (else `wrongType`, as
   * wasmtime answers: a directory where bytes are expected is `bad-descriptor`)
   * and holds every right in `rights` (else `not-capable`).
   */
  #typed<T extends Resource>(fd: number, rights: number, type: abstract new (...a: never[]) => T, wrongType: FsError['errorCode']): T {
    const slot = this.fds.slot(fd) ?? fail('bad-descriptor');
    const r = slot.resource;
    if (!(r instanceof type)) fail(wrongType, `fd ${fd} is a ${r.kind}`);
    if ((slot.meta.base & rights) !== rights) missingRights(fd, rights & ~slot.meta.base);
    return r;
  }

  /** The open file at `fd` with `rights`. */
  file(fd: number, rights: number): FileDescription {
    return this.#typed(fd, rights, FileDescription, 'bad-descriptor');
  }

  /** The open directory at `fd` with `rights`; anything else gives `not-directory`. */
  dir(fd: number, rights: number): DirDescription {
    return this.#typed(fd, rights, DirDescription, 'not-directory');
  }

  /** A file or stream at `fd` with `rights`, for reading/writing bytes. */
  io(fd: number, rights: number): FileDescription | StreamHandle {
    const slot = this.fds.slot(fd) ?? fail('bad-descriptor');
    const r = slot.resource;
    if (!(r instanceof FileDescription || r instanceof StreamHandle)) fail('bad-descriptor', `fd ${fd} is a ${r.kind}`);
    if ((slot.meta.base & rights) !== rights) missingRights(fd, rights & ~slot.meta.base);
    return r;
  }
}

/**
 * Fails for an fd that lacks `missing` rights. Reading or writing without the
 * right is EBADF, as POSIX answers a file opened in the other mode (and as
 * wasi-testsuite's path_open_read_without_rights expects); other rights are ENOTCAPABLE.
 */
function missingRights(fd: number, missing: number): never {
  if ((missing & (Rights.FD_READ | Rights.FD_WRITE)) !== 0) fail('bad-descriptor', `fd ${fd} is not open for ${(missing & Rights.FD_READ) !== 0 ? 'reading' : 'writing'}`);
  return fail('not-capable', `fd ${fd} lacks the rights for this call`);
}

export { FsError };
