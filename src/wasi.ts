// Owns: the embedding API of one guest instance: options -> fd table, stdio, preopens, clocks;
// the node:wasi-shaped methods (getImportObject, start, initialize); and run() for a module.
// Must not: use Node APIs (src/node/ adds host fds, Node streams and host directories).
import { ConfigError, ModuleError, ProcExit, Trap, WardenError } from './errors.js';
import { monotonicNs, realtimeNs } from './clock.js';
import { DirDescription, FileDescription } from './fs/descriptor.js';
import { Namespace } from './fs/namespace.js';
import { pooledRandom } from './random.js';
import { BytesSource, CallbackSink, CallbackSource, CaptureSink, NullStream, StreamHandle } from './io/stream.js';
import { SocketHandle, SocketListener } from './io/socket.js';
import { P1Context, type Clocks, type FdMeta } from './p1/context.js';
import { createAsyncImports, createImports, type Tracer } from './p1/imports.js';
import { chooseStrategy, type BlockingChoice } from './bridge/strategy.js';
import { promisingExport, suspendingImports } from './bridge/jspi.js';
import { ALL_RIGHTS, DIR_RIGHTS, FILE_RIGHTS, Rights, STREAM_RIGHTS } from './p1/layout.js';
import { Resource } from './table/resource.js';
import { HandleBudget, Table } from './table/table.js';

/** Standard input: text or bytes to read, a function called for more bytes (`null` = end), a stream handle, or nothing. */
export type InputSpec = string | Uint8Array | ((maxBytes: number) => Uint8Array | null) | StreamHandle | null;
/**
 * Standard output or error: `'capture'` keeps the bytes (read them from the
 * run result or {@link Wasi.output}), a function receives each chunk, a stream
 * handle, or `null` to discard.
 */
export type OutputSpec = 'capture' | ((chunk: Uint8Array) => void) | StreamHandle | null;

/** A handle the host places at a chosen fd, with optional rights (default: all that fit its kind). */
export interface PlacedHandle {
  resource: Resource;
  /** Rights of the fd (the witx bits). Default: every right that applies to the handle's kind. */
  rights?: number;
  /** Rights inherited by what is opened through it. Default: all. */
  inheritingRights?: number;
}

/** Options of a {@link Wasi} instance. Every field is optional. */
export interface WasiOptions {
  /** Program arguments; `args[0]` is the program name. Default `[]`. */
  args?: readonly string[];
  /** Environment variables, as an object or as `NAME=value` strings. Default: none. */
  env?: Readonly<Record<string, string>> | readonly string[];
  /** The filesystem. Default: a new empty {@link Namespace}. */
  namespace?: Namespace;
  /**
   * Directories the guest may use, as guest path -> namespace path (or an
   * open {@link DirDescription}). They get fds 3, 4, ... in this order (after
   * numbers taken by `fds`). Default: none.
   */
  preopens?: Readonly<Record<string, string | DirDescription>>;
  /** Default: empty. */
  stdin?: InputSpec;
  /** Default: discarded. */
  stdout?: OutputSpec;
  /** Default: discarded. */
  stderr?: OutputSpec;
  /** Host handles to place at chosen fds (3 or more) before the guest starts. */
  fds?: Readonly<Record<number, Resource | PlacedHandle>>;
  /** Most fds the guest may hold at once; more is EMFILE. Default 1024. */
  maxOpenFiles?: number;
  /** A handle budget shared with other instances; exhausting it is ENFILE. */
  sharedBudget?: HandleBudget;
  /** Time sources. Default: the platform's wall clock and `performance.now()`. */
  clocks?: Partial<Clocks>;
  /** Source of random bytes for random_get. Default: `crypto.getRandomValues`, pooled ({@link pooledRandom}). */
  random?: (into: Uint8Array) => void;
  /** Called after every WASI call with its arguments and result (the CLI's `--trace`). */
  trace?: Tracer;
  /** Most bytes the arguments and environment may take (UTF-8, with their NULs). Default 1 MiB. */
  maxArgsEnvBytes?: number;
}

/** Default of {@link WasiOptions.maxArgsEnvBytes}: 1 MiB. */
export const DEFAULT_MAX_ARGS_ENV_BYTES = 1 << 20;

/** Closes the fd table of a Wasi that was dropped without close(). */
const abandoned = new FinalizationRegistry<Table<FdMeta>>((fds) => fds.clear());

/** What {@link Wasi.run} returns. */
export interface RunResult {
  /** The guest's exit code: 0 when `_start` returned, else the `proc_exit` code. */
  exitCode: number;
  /** Captured standard output (empty unless `stdout: 'capture'`). */
  stdout: Uint8Array;
  /** Captured standard error (empty unless `stderr: 'capture'`). */
  stderr: Uint8Array;
  /** The instance, for reading exports after the run. */
  instance: WebAssembly.Instance;
}

const encoder = new TextEncoder();

function sleepNs(ns: bigint): void {
  const ms = Number(ns / 1_000_000n) + (ns % 1_000_000n > 0n ? 1 : 0);
  if (typeof SharedArrayBuffer !== 'undefined') {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      return;
    } catch {
      // Atomics.wait is not allowed on this thread (a browser's main thread): fall through.
    }
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* no way to block this thread: spin (documented in docs/architecture.md) */
  }
}

function defaultClocks(overrides: Partial<Clocks>): Clocks {
  const start = monotonicNs();
  return {
    realtime: realtimeNs,
    monotonic: monotonicNs,
    // Without a platform CPU clock, CPU time is approximated by time since the instance began.
    processCputime: () => monotonicNs() - start,
    threadCputime: () => monotonicNs() - start,
    resolutionNs: 1000n,
    sleep: sleepNs,
    ...overrides,
  };
}

function inputHandle(spec: InputSpec | undefined): StreamHandle {
  if (spec === undefined || spec === null) return new BytesSource(new Uint8Array(0));
  if (typeof spec === 'string' || spec instanceof Uint8Array) return new BytesSource(spec);
  if (typeof spec === 'function') return new CallbackSource(spec);
  return spec;
}

function outputHandle(spec: OutputSpec | undefined): StreamHandle {
  if (spec === undefined || spec === null) return new NullStream();
  if (spec === 'capture') return new CaptureSink();
  if (typeof spec === 'function') return new CallbackSink(spec);
  return spec;
}

function defaultRights(r: Resource): number {
  if (r instanceof DirDescription) return DIR_RIGHTS;
  if (r instanceof SocketListener) return Rights.SOCK_ACCEPT | Rights.POLL_FD_READWRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET;
  if (r instanceof SocketHandle) return STREAM_RIGHTS | Rights.SOCK_SHUTDOWN;
  if (r instanceof StreamHandle) return STREAM_RIGHTS;
  return FILE_RIGHTS;
}

/**
 * Rights of an fd the host creates with {@link Wasi.place} or {@link Wasi.add}:
 * the base rights as a number (witx bits, see `Rights`), or base and inheriting
 * rights. Either can only narrow what the handle's kind allows.
 */
export type HandleRights = number | { base?: number; inheriting?: number };

/** The fd metadata for a host-created handle: requested rights narrowed to what its kind (and direction) allows. */
function hostHandleMeta(r: Resource, rights: HandleRights | undefined): FdMeta {
  let allowed = defaultRights(r);
  if ((r instanceof StreamHandle || r instanceof FileDescription) && !r.readable) allowed &= ~Rights.FD_READ;
  if ((r instanceof StreamHandle || r instanceof FileDescription) && !r.writable) allowed &= ~Rights.FD_WRITE;
  const spec = typeof rights === 'number' ? { base: rights } : (rights ?? {});
  return { base: (spec.base ?? allowed) & allowed, inheriting: (spec.inheriting ?? (r instanceof DirDescription ? ALL_RIGHTS : 0)) & ALL_RIGHTS };
}

/**
 * One WASI preview1 guest instance: its fd table, stdio, preopens and clocks.
 * Use {@link Wasi.run} for a whole program, or the node:wasi-shaped
 * {@link Wasi.getImportObject} + {@link Wasi.start} / {@link Wasi.initialize}.
 *
 * @example
 * ```ts
 * const ns = new Namespace();
 * ns.writeFile('/data/in.txt', 'hello');
 * const wasi = new Wasi({ args: ['cat', 'in.txt'], namespace: ns, preopens: { '.': '/data' }, stdout: 'capture' });
 * const { exitCode, stdout } = await wasi.run(await WebAssembly.compile(bytes));
 * ```
 */
export class Wasi {
  /** The namespace the preopens come from. */
  readonly namespace: Namespace;
  /** The fd table. The host may insert, inspect or remove handles (also while the guest runs). */
  readonly fds: Table<FdMeta>;
  /** The functions of the `wasi_snapshot_preview1` import module (as node:wasi's `wasiImport`). */
  readonly wasiImport: Record<string, (...a: never[]) => number>;
  readonly #ctx: P1Context;
  readonly #trace: Tracer | undefined;
  readonly #captures: (CaptureSink | undefined)[] = [];
  #started = false;

  constructor(options: WasiOptions = {}) {
    this.namespace = options.namespace ?? new Namespace();
    const tableOptions: { capacity?: number; budget?: HandleBudget } = {};
    if (options.maxOpenFiles !== undefined) tableOptions.capacity = options.maxOpenFiles;
    if (options.sharedBudget !== undefined) tableOptions.budget = options.sharedBudget;
    this.fds = new Table<FdMeta>(tableOptions);
    const args = (options.args ?? []).map((a) => encoder.encode(a));
    const envList = Array.isArray(options.env)
      ? (options.env as readonly string[])
      : Object.entries((options.env ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    for (const e of envList) {
      if (e.includes('\0')) throw new ConfigError('environment entries cannot contain NUL bytes');
    }
    for (const a of options.args ?? []) {
      if (a.includes('\0')) throw new ConfigError('arguments cannot contain NUL bytes');
    }
    this.#ctx = new P1Context(this.fds, args, envList.map((e) => encoder.encode(e)), defaultClocks(options.clocks ?? {}), options.random ?? pooledRandom);

    const argsEnvBytes = args.reduce((n, a) => n + a.length + 1, 0) + envList.reduce((n, e) => n + encoder.encode(e).length + 1, 0);
    const maxArgsEnv = options.maxArgsEnvBytes ?? DEFAULT_MAX_ARGS_ENV_BYTES;
    if (argsEnvBytes > maxArgsEnv) throw new ConfigError(`arguments and environment take ${argsEnvBytes} bytes, more than maxArgsEnvBytes (${maxArgsEnv})`);
    const stdout = outputHandle(options.stdout);
    const stderr = outputHandle(options.stderr);
    this.#captures[1] = stdout instanceof CaptureSink ? stdout : undefined;
    this.#captures[2] = stderr instanceof CaptureSink ? stderr : undefined;
    this.fds.insertAt(0, inputHandle(options.stdin), { base: STREAM_RIGHTS, inheriting: 0 });
    this.fds.insertAt(1, stdout, { base: STREAM_RIGHTS, inheriting: 0 });
    this.fds.insertAt(2, stderr, { base: STREAM_RIGHTS, inheriting: 0 });
    for (const [key, value] of Object.entries(options.fds ?? {})) {
      const n = Number(key);
      if (!Number.isInteger(n) || n < 3) throw new ConfigError(`host handles go at fd 3 or above (got ${key}); use stdin/stdout/stderr for 0-2`);
      const placed: PlacedHandle = value instanceof Resource ? { resource: value } : value;
      this.fds.insertAt(n, placed.resource, { base: placed.rights ?? defaultRights(placed.resource), inheriting: placed.inheritingRights ?? ALL_RIGHTS });
    }
    for (const [guestPath, where] of Object.entries(options.preopens ?? {})) {
      const dir = typeof where === 'string' ? this.namespace.openDir(where) : where;
      this.fds.insert(dir, { base: DIR_RIGHTS, inheriting: ALL_RIGHTS, preopen: guestPath }, { min: 3 });
    }
    this.wasiImport = createImports(this.#ctx, options.trace);
    this.#trace = options.trace;
    abandoned.register(this, this.fds, this);
  }

  // Host handles: the table is the host's to fill, before the guest starts or while it runs (from a
  // host import function). A resource can sit in several slots and in several instances' tables at
  // once; it is closed when the last slot lets go.

  /**
   * Puts `resource` at fd `fd` (stdio numbers included, if the guest or host freed them).
   * `rights` default to every right of the handle's kind and direction, and can only narrow them.
   * Fails with `busy` if `fd` is taken (nothing is retained then).
   */
  place(fd: number, resource: Resource, rights?: HandleRights): void {
    this.fds.insertAt(fd, resource, hostHandleMeta(resource, rights));
  }

  /** Puts `resource` at the lowest free fd from 3 up and returns it; `rights` as for {@link place}. */
  add(resource: Resource, rights?: HandleRights): number {
    return this.fds.insert(resource, hostHandleMeta(resource, rights), { min: 3 });
  }

  /** The resource at `fd` (still owned by the table: retain it to keep it past a close). Fails with `bad-descriptor`. */
  get(fd: number): Resource {
    return this.fds.get(fd);
  }

  /**
   * Removes `fd` without closing what it holds, and hands the table's reference
   * to the caller, who now owns it: place it elsewhere and then `release()` it,
   * or just `release()` it to close it. Fails with `bad-descriptor`.
   */
  take(fd: number): Resource {
    const slot = this.fds.take(fd);
    slot.parent?.release();
    return slot.resource;
  }

  /**
   * Like `dup(2)`: a second fd (the lowest free from 3 up) on the same open
   * description (shared position and flags), with the same rights (not the
   * preopen name). Returns the new fd.
   */
  duplicate(fd: number): number {
    this.fds.get(fd);
    const { resource, meta, parent } = this.fds.slot(fd)!;
    return this.fds.insert(resource, { base: meta.base, inheriting: meta.inheriting }, parent === undefined ? { min: 3 } : { min: 3, parent });
  }

  /**
   * Gives the handle at `fd` to `other` too: one open description in two
   * instances (shared position and flags; closed when the last fd on it, in
   * either, is closed). It keeps its rights (and preopen name). Goes at `toFd`
   * (which must be free: else `busy`) or the lowest free fd from 3 up; returns
   * the fd in `other`.
   */
  share(fd: number, other: Wasi, toFd?: number): number {
    this.fds.get(fd);
    const { resource, meta, parent } = this.fds.slot(fd)!;
    const copy: FdMeta = { ...meta };
    const opts = parent === undefined ? {} : { parent };
    if (toFd === undefined) return other.fds.insert(resource, copy, { ...opts, min: 3 });
    other.fds.insertAt(toFd, resource, copy, opts);
    return toFd;
  }

  /** `{ wasi_snapshot_preview1: ... }`, to pass to `WebAssembly.instantiate`. */
  getImportObject(): { wasi_snapshot_preview1: Record<string, (...a: never[]) => number> } {
    return { wasi_snapshot_preview1: this.wasiImport };
  }

  /**
   * The import object for a guest that will be run with JSPI ({@link startAsync}):
   * the calls that may wait (reads, writes, poll_oneoff, sock_*) are
   * `WebAssembly.Suspending`, so a wait on an async host handle (a stream
   * pumped by this thread, an {@link AsyncSource}, a socket) suspends the guest
   * and lets this thread's event loop run. Throws a `StrategyError` where the
   * engine has no JSPI.
   */
  getSuspendingImportObject(): { wasi_snapshot_preview1: Record<string, unknown> } {
    const { imports, blocking } = createAsyncImports(this.#ctx, this.#trace);
    return { wasi_snapshot_preview1: suspendingImports(imports, blocking) };
  }

  /**
   * Captured output of stdout (1) or stderr (2) when it was configured as
   * `'capture'` (else empty). Still available after {@link close}, and even if
   * the guest closed or renumbered the fd.
   */
  output(fd: 1 | 2): Uint8Array {
    return this.#captures[fd]?.bytes() ?? new Uint8Array(0);
  }

  #bind(instance: WebAssembly.Instance): void {
    if (this.#started) throw new ConfigError('this Wasi instance was already started; create a new one per guest instance');
    const memory = instance.exports['memory'];
    if (!(memory instanceof WebAssembly.Memory)) throw new ModuleError('the module does not export a memory named "memory"');
    this.#ctx.bindMemory(memory);
    this.#started = true;
  }

  /**
   * Runs a command's `_start` and returns its exit code (0 when it returns,
   * the `proc_exit` code otherwise). A trap is thrown as the engine's
   * `WebAssembly.RuntimeError` (or a {@link Trap} for a host-side failure).
   */
  start(instance: WebAssembly.Instance): number {
    const start = this.#startFunction(instance);
    try {
      start();
      return 0;
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      this.#flush();
    }
  }

  /** Binds the instance and returns its `_start`. */
  #startFunction(instance: WebAssembly.Instance): () => void {
    this.#bind(instance);
    const start = instance.exports['_start'];
    if (typeof start !== 'function') throw new ModuleError('the module has no "_start" export; is it a reactor? use initialize()');
    return start as () => void;
  }

  /**
   * {@link start} for a guest instantiated with {@link getSuspendingImportObject}:
   * `_start` runs on a stack that JSPI can suspend, so the promise settles when
   * the guest is over and this thread's event loop runs while it waits.
   */
  async startAsync(instance: WebAssembly.Instance): Promise<number> {
    const start = promisingExport(this.#startFunction(instance));
    try {
      await start();
      return 0;
    } catch (e) {
      return exitCodeOf(e);
    } finally {
      this.#flush();
    }
  }

  /** Initializes a reactor: calls `_initialize` if it is exported. */
  initialize(instance: WebAssembly.Instance): void {
    this.#bind(instance);
    const init = instance.exports['_initialize'];
    if (init === undefined) return;
    if (typeof init !== 'function') throw new ModuleError('"_initialize" is not a function');
    (init as () => void)();
  }

  #flush(): void {
    for (const fd of [1, 2]) {
      const r = this.fds.slot(fd)?.resource;
      if (r instanceof StreamHandle) r.flush();
    }
  }

  /**
   * Instantiates `module` (bytes or a compiled module) with these WASI
   * imports (plus `extraImports`) and runs `_start`. Fails with a
   * {@link ModuleError} listing every import nothing provides.
   */
  async run(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer, extraImports: WebAssembly.Imports = {}): Promise<RunResult> {
    return this.#runWith(module, { ...extraImports, ...this.getImportObject() }, (instance) => this.start(instance));
  }

  /** Compiles, checks the imports, instantiates, runs `start`, and closes the instance whatever happens. */
  async #runWith(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer, imports: WebAssembly.Imports, start: (instance: WebAssembly.Instance) => number | Promise<number>): Promise<RunResult> {
    const compiled = module instanceof WebAssembly.Module ? module : await compile(module);
    checkImports(compiled, imports);
    const instance = await WebAssembly.instantiate(compiled, imports);
    try {
      const exitCode = await start(instance);
      return { exitCode, stdout: this.output(1), stderr: this.output(2), instance };
    } finally {
      // The guest is over, whether it returned, exited or trapped: release what it held.
      this.close();
    }
  }

  /**
   * {@link run} with a blocking strategy: `'jspi'` suspends the guest while it
   * waits for the host (see {@link getSuspendingImportObject}), `'sync'` is
   * {@link run}, and `'auto'` (the default) takes JSPI where the engine has it.
   * (Workers are the third strategy; `runGuest` in `warden/node` chooses among all three.)
   */
  async runAsync(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer, extraImports: WebAssembly.Imports = {}, options: { blocking?: BlockingChoice } = {}): Promise<RunResult> {
    const strategy = chooseStrategy(options.blocking ?? 'auto', { workers: false });
    if (strategy !== 'jspi') return this.run(module, extraImports);
    return this.#runWith(module, { ...extraImports, ...this.getSuspendingImportObject() } as WebAssembly.Imports, (instance) => this.startAsync(instance));
  }

  /**
   * Closes every fd (the guest is over): host files it opened are closed.
   * Descriptions shared with other tables stay open there. {@link run} calls
   * this itself; after {@link start}, call it when done with the instance (a
   * Wasi that is dropped without it is closed when garbage-collected).
   */
  close(): void {
    abandoned.unregister(this);
    this.fds.clear();
  }
}

/** The exit code a guest ended with: its `proc_exit` code; anything else (a trap) is rethrown. */
function exitCodeOf(e: unknown): number {
  if (e instanceof ProcExit) return e.exitCode;
  throw e;
}

/** Compiles wasm bytes, turning a compile error into a {@link ModuleError}. */
export async function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (e) {
    throw new ModuleError(`not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Fails with a {@link ModuleError} naming each import of `module` that `imports` lacks. */
export function checkImports(module: WebAssembly.Module, imports: WebAssembly.Imports): void {
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = imports[imp.module];
    if (ns === undefined || !(imp.name in ns)) missing.push(`${imp.module}.${imp.name}`);
  }
  if (missing.length > 0) {
    throw new ModuleError(`the module imports ${missing.length === 1 ? 'something' : 'things'} Warden does not provide: ${missing.join(', ')}`, missing);
  }
}

export { Trap, WardenError };
