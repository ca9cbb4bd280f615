// Owns: runInWorker: running a guest in a worker_threads Worker so that its blocking calls (pipe and
// channel reads, poll_oneoff, sleeps) block the worker, never this thread's event loop; describing its
// module, directories and handles to the worker as plain data and shared memory; typed failures.
// Also runGuest: the automatic choice among JSPI (in this thread), a worker, and synchronous.
// Must not: hold logic the worker entry, the job runner or the core should own.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../errors.js';
import { reviveError, type JobHandle, type JobOutcome } from '../bridge/job.js';
import { Handover, envList, memoryDirList } from '../bridge/handover.js';
import { isSharedStream, type SharedStream } from '../io/transfer.js';
import { TcpListener } from './net.js';
import type { MessagePort } from 'node:worker_threads';
import { DirDescription, FileDescription } from '../fs/descriptor.js';
import { describeHandle } from './transfer.js';
import { chooseStrategy, type BlockingChoice, type BlockingStrategy } from '../bridge/strategy.js';
import { runJob, type NodeJob, type NodeJobHandle } from './job.js';

/** A handle that can be moved to a guest in a worker: its bytes stay in shared memory. */
export type WorkerHandle = SharedStream;

/**
 * An open file or directory for a guest in a worker (see {@link describeHandle}):
 * host files and directories are opened again by the worker, which then does
 * their I/O itself; others (in memory, overlays, callbacks) are served by this
 * thread's event loop.
 */
export type WorkerFsHandle = FileDescription | DirDescription;

/**
 * A standard stream of a guest in a worker: a pipe or channel end (moved to the
 * worker), a host fd (`{ hostFd: 3 }`), `'inherit'` (the process's own 0, 1, 2:
 * the default), `'capture'` (stdout and stderr only: returned in the result),
 * or `null` (empty input, discarded output).
 */
export type WorkerStdio = WorkerHandle | { hostFd: number } | 'inherit' | 'capture' | null;

/** A directory of the host to preopen in the worker (through a confined `HostBackend`). */
export interface WorkerHostDir {
  /** The host directory. */
  host: string;
  /** Refuse every change (EPERM). Default false. */
  readOnly?: boolean;
}

/** Options of {@link runInWorker}. */
export interface WorkerRunOptions {
  /** The module: a file path or `file:` URL (read in the worker), its bytes, or a compiled module. */
  module: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module;
  /** Program arguments; `args[0]` is the program name. Default `[]`. */
  args?: readonly string[];
  /** Environment variables, as an object or as `NAME=value` strings. Default: none. */
  env?: Readonly<Record<string, string>> | readonly string[];
  /**
   * Directories to preopen, as guest path -> a host directory (opened by the
   * worker through a confined `HostBackend`) or an open directory of this
   * thread (`namespace.openDir(...)`, any backend). Default: none.
   */
  preopens?: Readonly<Record<string, string | WorkerHostDir | DirDescription>>;
  /** In-memory directories to preopen, as guest path -> initial files (relative path -> contents). Default: none. */
  memoryDirs?: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>>;
  /** Standard input: as {@link WorkerStdio} (not `'capture'`), or fixed text or bytes. Default `'inherit'`. */
  stdin?: Exclude<WorkerStdio, 'capture'> | string | Uint8Array;
  /** Default `'inherit'`. */
  stdout?: WorkerStdio;
  /** Default `'inherit'`. */
  stderr?: WorkerStdio;
  /**
   * Pipe or channel ends, open files and directories, or TCP listeners
   * (`TcpListener.listen`), to place at chosen fds (3 or more; preopens take
   * the numbers after them).
   */
  fds?: Readonly<Record<number, WorkerHandle | WorkerFsHandle | TcpListener>>;
  /** Most fds the guest may hold at once. Default 1024. */
  maxOpenFiles?: number;
  /** Aborting terminates the worker; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What {@link runInWorker} resolves to. */
export interface WorkerRunResult {
  /** The guest's exit code: 0 when `_start` returned, else the `proc_exit` code. */
  exitCode: number;
  /** Captured standard output (empty unless `stdout: 'capture'`). */
  stdout: Uint8Array;
  /** Captured standard error (empty unless `stderr: 'capture'`). */
  stderr: Uint8Array;
}

/** @internal A handle described for the guest's thread (see src/node/job.ts). */
export type HandleSpec = JobHandle<NodeJobHandle>;

/** @internal What the worker entry receives as `workerData`. */
export type WorkerJob = NodeJob;


/** Where a job is described for: a worker (handles as descriptors) or this thread (files and directories as they are). */
interface Target {
  sameThread: boolean;
  transfer: MessagePort[];
  handover: Handover;
  /** Settle once this thread keeps nothing more for the guest's thread (see DescribedHandle.done). */
  done: Promise<void>[];
}

function describe(h: WorkerHandle | WorkerFsHandle | TcpListener, target: Target, keep = false): HandleSpec {
  if (target.sameThread && (h instanceof FileDescription || h instanceof DirDescription)) return { kind: 'local', resource: h };
  const d = describeHandle(h, { keep });
  target.transfer.push(...d.transfer);
  target.done.push(d.done);
  return { kind: 'handle', descriptor: d.descriptor };
}

/** A stream end for the guest's thread (see Handover.stream). */
function describeEnd(h: WorkerHandle, need: 'read' | 'write' | 'any', what: string, target: Target): HandleSpec {
  return { kind: 'handle', descriptor: target.handover.stream(h, need, what) };
}

function describeStdio(spec: WorkerStdio | string | Uint8Array | undefined, fd: 0 | 1 | 2, target: Target): HandleSpec {
  const name = ['stdin', 'stdout', 'stderr'][fd]!;
  if (spec === undefined || spec === 'inherit') return { kind: 'host-fd', fd };
  if (spec === null) return fd === 0 ? { kind: 'bytes', bytes: new Uint8Array(0) } : { kind: 'null' };
  if (spec === 'capture') {
    if (fd === 0) throw new ConfigError('stdin cannot be "capture"');
    return { kind: 'capture' };
  }
  if (typeof spec === 'string' || spec instanceof Uint8Array) {
    if (fd !== 0) throw new ConfigError(`${name} cannot be text or bytes`);
    return { kind: 'bytes', bytes: typeof spec === 'string' ? new TextEncoder().encode(spec) : spec };
  }
  if (isSharedStream(spec)) return describeEnd(spec, fd === 0 ? 'read' : 'write', name, target);
  if (Number.isInteger(spec.hostFd) && spec.hostFd >= 0) return { kind: 'host-fd', fd: spec.hostFd };
  throw new ConfigError(`${name}: unsupported value`);
}

function describeModule(m: WorkerRunOptions['module']): WorkerJob['module'] {
  if (typeof m === 'string') return { path: m };
  if (m instanceof URL) return { path: fileURLToPath(m) };
  if (m instanceof WebAssembly.Module) return { compiled: m };
  if (m instanceof ArrayBuffer) return { bytes: new Uint8Array(m) };
  return { bytes: m };
}

/** A job described for a thread, the ends it was given, and how to close them when it is over. */
interface Described {
  job: WorkerJob;
  transfer: MessagePort[];
  handover: Handover;
  /** Settles once this thread keeps nothing more for the guest's files and directories. */
  handedOver: Promise<unknown>;
}

/**
 * Turns options into a job made of plain data, shared memory and ports (or, for a guest in this
 * thread, files and directories as they are). Closes the given ends if it throws.
 */
function describeJob(options: WorkerRunOptions, sameThread = false): Described {
  const handover = new Handover();
  // Every handle given is the guest's from now on, also if this call fails.
  for (const h of [options.stdin, options.stdout, options.stderr, ...Object.values(options.fds ?? {}), ...Object.values(options.preopens ?? {})]) {
    if (isSharedStream(h) || h instanceof FileDescription || h instanceof DirDescription) handover.give(h);
  }
  const target: Target = { sameThread, transfer: [], handover, done: [] };
  try {
    const fds: [number, HandleSpec][] = [];
    for (const [key, h] of Object.entries(options.fds ?? {})) {
      const n = Number(key);
      if (!Number.isInteger(n) || n < 3) throw new ConfigError(`extra handles go at fd 3 or above (got ${key})`);
      if (h instanceof TcpListener || h instanceof FileDescription || h instanceof DirDescription) {
        if (!(h instanceof TcpListener) && h.disposed) throw new ConfigError(`fd ${key} is a closed ${h.kind}`);
        fds.push([n, describe(h, target)]);
        continue;
      }
      if (!isSharedStream(h)) throw new ConfigError(`fd ${key}: only pipe and channel ends, sockets, files, directories and TCP listeners can be given to a guest in a worker`);
      fds.push([n, describeEnd(h, 'any', `fd ${key}`, target)]);
    }
    const preopens: WorkerJob['preopens'] = Object.entries(options.preopens ?? {}).map(([guest, d]) => {
      if (d instanceof DirDescription) {
        if (d.disposed) throw new ConfigError(`preopen "${guest}" is a closed directory`);
        return { guest, dir: describe(d, target) };
      }
      return typeof d === 'string' ? { guest, host: d, readOnly: false } : { guest, host: d.host, readOnly: d.readOnly ?? false };
    });
    const job: WorkerJob = {
      module: describeModule(options.module),
      args: [...(options.args ?? [])],
      env: envList(options.env),
      preopens,
      memoryDirs: memoryDirList(options.memoryDirs),
      stdio: [describeStdio(options.stdin, 0, target), describeStdio(options.stdout, 1, target), describeStdio(options.stderr, 2, target)],
      fds,
      ...(options.maxOpenFiles === undefined ? {} : { maxOpenFiles: options.maxOpenFiles }),
    };
    if (options.signal?.aborted === true) throw options.signal.reason;
    return { job, transfer: target.transfer, handover, handedOver: Promise.all(target.done) };
  } catch (e) {
    // Files and directories offered are let go of once their ports close.
    for (const p of target.transfer) p.close();
    handover.closeGiven();
    handover.dropHolds();
    throw e;
  }
}

/**
 * Runs a guest module in a `worker_threads` Worker, where its blocking calls
 * (reads of pipes and channels, poll_oneoff, sleeps) block the worker while
 * this thread's event loop stays free: stream pumps ({@link pipeFromReadable},
 * {@link pipeToWritable}), timers and sockets keep running.
 *
 * Pipe and channel ends given as stdio or `fds` are *moved* to the worker:
 * their bytes go through shared memory without passing through this thread,
 * and once the worker is done (or crashed, or was aborted, or the call failed)
 * they are closed here too, unless the host still holds a reference to them
 * (`retain()`). An end belongs to one thread at a time: closing it in any
 * thread closes it for the pipe.
 * Preopened host directories are opened by the worker itself through a
 * confined `HostBackend`.
 *
 * Resolves with the exit code (and captured output) once the guest is over.
 * Rejects with a {@link Trap} carrying the trap message if the guest traps, a
 * {@link ModuleError} if the module cannot be run (listing missing imports), a
 * {@link ConfigError} for bad options (a missing host directory, say).
 *
 * @example
 * ```ts
 * const out = pipeToWritable(process.stdout, { end: false });
 * const { exitCode } = await runInWorker({ module: 'app.wasm', args: ['app'], stdin: pipeFromReadable(process.stdin), stdout: out });
 * ```
 */
export function runInWorker(options: WorkerRunOptions): Promise<WorkerRunResult> {
  let described: Described;
  try {
    described = describeJob(options);
  } catch (e) {
    return Promise.reject(e);
  }
  const { job, transfer, handover, handedOver } = described;
  const signal = options.signal;

  return new Promise<WorkerRunResult>((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: job, transferList: transfer });
    // Once the worker is gone its ports are closed; should a close never be reported, do not wait forever.
    const gone = new Promise<void>((resolve) => worker.once('exit', () => setTimeout(resolve, 1000).unref()));
    let settled = false;
    let reported = false;
    const settle = (outcome: { value: WorkerRunResult } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // Files and directories handed over are let go of here once the worker has its own (or is gone).
      // Their ports do not keep the event loop alive on their own: this timer does, until then.
      const keepAlive = setInterval(() => {}, 1 << 30);
      void Promise.race([handedOver, gone]).then(() => {
        clearInterval(keepAlive);
        handover.closeGiven();
        // A worker that reported has closed its holds itself (runJob closes every fd it made).
        if (!reported) handover.dropHolds();
        if ('value' in outcome) resolve(outcome.value);
        else reject(outcome.error);
      });
    };
    let aborted = false;
    const onAbort = (): void => {
      // Settled on 'exit', once the worker is really gone (then its handles can be closed here).
      aborted = true;
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (m: JobOutcome) => {
      if (aborted) return;
      reported = true;
      if (m.ok) settle({ value: { exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr } });
      else settle({ error: reviveError(m.error) });
    });
    worker.once('error', (error) => settle({ error }));
    worker.once('exit', (code) => settle({ error: aborted ? signal?.reason : new Error(`the guest's worker exited (code ${code}) before the guest finished`) }));
  });
}

/** Options of {@link runGuest}: those of {@link runInWorker}, and the blocking strategy. */
export interface GuestRunOptions extends WorkerRunOptions {
  /**
   * How the guest waits for the host: `'auto'` (default) takes JSPI where the
   * engine has it (the guest runs in this thread and is suspended while it
   * waits), else a worker; `'sync'` runs it in this thread and blocks it.
   */
  blocking?: BlockingChoice;
}

/** What {@link runGuest} resolves to: {@link WorkerRunResult} and the strategy it used. */
export interface GuestRunResult extends WorkerRunResult {
  strategy: BlockingStrategy;
}

/**
 * Runs a guest with the best blocking strategy this platform offers, or the one
 * asked for (see {@link GuestRunOptions.blocking}). With every strategy the
 * options mean the same, and pipe and channel ends given are closed here once
 * the guest is over unless the host retained them.
 * - `'jspi'`: in this thread; waits on async handles (ends pumped by
 *   {@link pipeFromReadable}, TCP listeners) suspend the guest while this
 *   thread's event loop runs.
 * - `'worker'`: {@link runInWorker}.
 * - `'sync'`: in this thread, blocking it; a read of a pipe pumped by this
 *   thread fails with EAGAIN once it is empty, and TCP listeners are refused.
 */
export async function runGuest(options: GuestRunOptions): Promise<GuestRunResult> {
  const strategy = chooseStrategy(options.blocking ?? 'auto', { workers: true });
  if (strategy === 'worker') return { ...(await runInWorker(options)), strategy };
  if (strategy === 'sync' && Object.values(options.fds ?? {}).some((h) => h instanceof TcpListener)) {
    throw new ConfigError("a TCP listener needs the 'jspi' or 'worker' strategy: in this thread, blocked, its connections could never arrive");
  }
  const { job, handover } = describeJob(options, true);
  try {
    return { ...(await runJob(job, strategy)), strategy };
  } finally {
    handover.closeGiven();
  }
}
