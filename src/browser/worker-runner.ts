// Owns: running a guest in a Web Worker (module worker) so that its blocking calls (pipe and channel
// reads, poll_oneoff, sleeps) block the worker with Atomics.wait while the page stays responsive;
// and runGuest, the automatic choice among JSPI (in this thread), a worker, and synchronous.
// Must not: use Node APIs, or hold logic the core job runner (src/bridge/job.ts) owns.
import { Handover, envList, memoryDirList } from '../bridge/handover.js';
import { reviveError, runJob, type GuestJob, type JobHandle, type JobOutcome, type JobResult } from '../bridge/job.js';
import { chooseStrategy, StrategyError, type BlockingChoice, type BlockingStrategy } from '../bridge/strategy.js';
import { ConfigError } from '../errors.js';
import { isSharedStream, type SharedStream } from '../io/transfer.js';
import { pipeFromReadableStream, pipeToWritableStream, type PumpEnd } from '../io/web-streams.js';

/** Standard input of a browser guest: a stream end, a Web `ReadableStream`, fixed text or bytes, or `null` (empty). */
export type BrowserInput = SharedStream | ReadableStream<Uint8Array> | string | Uint8Array | null;
/** Standard output or error: a stream end, a Web `WritableStream`, `'capture'` (returned in the result), or `null` (discarded). */
export type BrowserOutput = SharedStream | WritableStream<Uint8Array> | 'capture' | null;

/** Options of {@link runInWorker} and {@link runGuest} (browsers). */
export interface BrowserRunOptions {
  /** The module: a URL (fetched by the thread that runs it), its bytes, or a compiled module. */
  module: string | URL | Uint8Array | ArrayBuffer | WebAssembly.Module;
  /** Program arguments; `args[0]` is the program name. Default `[]`. */
  args?: readonly string[];
  /** Environment variables, as an object or as `NAME=value` strings. Default: none. */
  env?: Readonly<Record<string, string>> | readonly string[];
  /** In-memory directories to preopen, as guest path -> initial files (relative path -> contents). Default: none. */
  memoryDirs?: Readonly<Record<string, Readonly<Record<string, string | Uint8Array>>>>;
  /** Default: empty. */
  stdin?: BrowserInput;
  /** Default `'capture'`. */
  stdout?: BrowserOutput;
  /** Default `'capture'`. */
  stderr?: BrowserOutput;
  /** Pipe or channel ends to place at chosen fds (3 or more; preopens take the numbers after them). */
  fds?: Readonly<Record<number, SharedStream>>;
  /** Most fds the guest may hold at once. Default 1024. */
  maxOpenFiles?: number;
  /** Aborting terminates the worker; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The worker script (default: `worker-entry.js` beside this module). Bundlers
   * that do not follow `new URL(..., import.meta.url)` need it set.
   */
  workerUrl?: string | URL;
}

/** What a browser run resolves to. */
export interface BrowserRunResult extends JobResult {
  /** The strategy that ran the guest. */
  strategy: BlockingStrategy;
}

/** A job for a browser thread: only core handle kinds (shared-memory streams, stdio content). */
type BrowserJob = GuestJob<never, never>;

/** The job, and what to do once the guest is over. */
interface Described {
  job: BrowserJob;
  handover: Handover;
  /** Pumps to and from Web streams made here: awaited so that output is written out when the run resolves. */
  pumps: Promise<PumpEnd>[];
}

function describeModule(m: BrowserRunOptions['module']): BrowserJob['module'] {
  if (m instanceof WebAssembly.Module) return { compiled: m };
  if (m instanceof ArrayBuffer) return { bytes: new Uint8Array(m) };
  if (m instanceof Uint8Array) return { bytes: m };
  // Relative URLs are the page's: resolved here, since a worker's base is its own script.
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return { url: new URL(String(m), base).href };
}

function describe(options: BrowserRunOptions): Described {
  const handover = new Handover();
  const pumps: Promise<PumpEnd>[] = [];
  for (const h of [options.stdin, options.stdout, options.stderr, ...Object.values(options.fds ?? {})]) if (isSharedStream(h)) handover.give(h);
  try {
    const input = (spec: BrowserInput | undefined): JobHandle => {
      if (spec === undefined || spec === null) return { kind: 'bytes', bytes: new Uint8Array(0) };
      if (typeof spec === 'string') return { kind: 'bytes', bytes: new TextEncoder().encode(spec) };
      if (spec instanceof Uint8Array) return { kind: 'bytes', bytes: spec };
      if (isSharedStream(spec)) return { kind: 'stream', descriptor: handover.stream(spec, 'read', 'stdin') };
      if (spec instanceof ReadableStream) {
        const reader = pipeFromReadableStream(spec);
        pumps.push(reader.done);
        return { kind: 'stream', descriptor: handover.stream(reader, 'read', 'stdin') };
      }
      throw new ConfigError('stdin: unsupported value');
    };
    const output = (spec: BrowserOutput | undefined, name: string): JobHandle => {
      if (spec === undefined || spec === 'capture') return { kind: 'capture' };
      if (spec === null) return { kind: 'null' };
      if (isSharedStream(spec)) return { kind: 'stream', descriptor: handover.stream(spec, 'write', name) };
      if (spec instanceof WritableStream) {
        const writer = pipeToWritableStream(spec);
        pumps.push(writer.done);
        return { kind: 'stream', descriptor: handover.stream(writer, 'write', name) };
      }
      throw new ConfigError(`${name}: unsupported value`);
    };
    const fds: [number, JobHandle][] = Object.entries(options.fds ?? {}).map(([key, h]) => {
      const n = Number(key);
      if (!Number.isInteger(n) || n < 3) throw new ConfigError(`extra handles go at fd 3 or above (got ${key})`);
      if (!isSharedStream(h)) throw new ConfigError(`fd ${key}: only pipe and channel ends and sockets can be given to a guest in a worker`);
      return [n, { kind: 'stream', descriptor: handover.stream(h, 'any', `fd ${key}`) }];
    });
    const job: BrowserJob = {
      module: describeModule(options.module),
      args: [...(options.args ?? [])],
      env: envList(options.env),
      preopens: [],
      memoryDirs: memoryDirList(options.memoryDirs),
      stdio: [input(options.stdin), output(options.stdout, 'stdout'), output(options.stderr, 'stderr')],
      fds,
      ...(options.maxOpenFiles === undefined ? {} : { maxOpenFiles: options.maxOpenFiles }),
    };
    if (options.signal?.aborted === true) throw options.signal.reason;
    return { job, handover, pumps };
  } catch (e) {
    handover.closeGiven();
    handover.dropHolds();
    throw e;
  }
}

/**
 * Runs a guest module in a module Web Worker, where its blocking calls block
 * the worker (`Atomics.wait` on shared memory) while this page stays
 * responsive: Web streams given as stdio are pumped here, timers run. Needs
 * `SharedArrayBuffer`, that is a cross-origin-isolated page (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`).
 *
 * Resolves with the exit code and captured output once the guest is over and
 * the output streams given were written out. Rejects with a `Trap`,
 * `ModuleError` or `ConfigError` as the guest's worker reported it.
 *
 * @example
 * ```ts
 * const { exitCode, stdout } = await runInWorker({ module: '/app.wasm', args: ['app'], stdin: 'input text' });
 * ```
 */
export async function runInWorker(options: BrowserRunOptions): Promise<BrowserRunResult> {
  if (chooseStrategy('auto', { workers: true }) === 'sync' || typeof Worker === 'undefined') {
    throw new StrategyError('a guest in a worker needs Web Workers and SharedArrayBuffer: serve the page cross-origin isolated (COOP: same-origin, COEP: require-corp)');
  }
  const { job, handover, pumps } = describe(options);
  const signal = options.signal;
  let worker: Worker;
  try {
    worker = new Worker(options.workerUrl ?? new URL('./worker-entry.js', import.meta.url), { type: 'module' });
  } catch (e) {
    handover.closeGiven();
    handover.dropHolds();
    throw e;
  }
  // Whether the worker reported: then it closed its holds itself; one that failed or was terminated did not.
  let reported = false;
  const outcome = await new Promise<{ value: JobResult } | { error: unknown }>((resolve) => {
    const onAbort = (): void => {
      worker.terminate();
      resolve({ error: signal?.reason });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.onmessage = (e: MessageEvent<JobOutcome>) => {
      signal?.removeEventListener('abort', onAbort);
      const m = e.data;
      reported = true;
      resolve(m.ok ? { value: { exitCode: m.exitCode, stdout: m.stdout, stderr: m.stderr } } : { error: reviveError(m.error) });
    };
    worker.onerror = (e: ErrorEvent) => {
      signal?.removeEventListener('abort', onAbort);
      e.preventDefault();
      resolve({ error: new Error(`the guest's worker failed before the guest finished: ${e.message}`) });
    };
    worker.postMessage(job);
  });
  worker.terminate();
  handover.closeGiven();
  if (!reported) handover.dropHolds();
  await Promise.all(pumps);
  if ('error' in outcome) throw outcome.error;
  return { ...outcome.value, strategy: 'worker' };
}

/**
 * Runs a guest with the best blocking strategy this browser offers, or the one
 * asked for: `'auto'` (default) takes JSPI where the engine has it (the guest
 * runs in this thread and is suspended while it waits), else a worker
 * ({@link runInWorker}) where the page is cross-origin isolated, else
 * `'sync'` (this thread, blocked; waits on streams pumped here fail with EAGAIN).
 */
export async function runGuest(options: BrowserRunOptions & { blocking?: BlockingChoice }): Promise<BrowserRunResult> {
  const strategy = chooseStrategy(options.blocking ?? 'auto', { workers: typeof Worker !== 'undefined' });
  if (strategy === 'worker') return runInWorker(options);
  const { job, handover, pumps } = describe(options);
  try {
    return { ...(await runJob(job, strategy, { handle: (spec: never) => spec })), strategy };
  } finally {
    handover.closeGiven();
    await Promise.all(pumps);
  }
}
