// Owns: a guest run described as data (a job: module, args, env, in-memory dirs, handles as
// descriptors), running one in the calling thread with the 'sync' or 'jspi' strategy (what a
// guest's worker does, and what runGuest does in the host's own thread), and errors crossing
// between threads as data.
// Must not: start workers, choose the strategy, or use platform APIs (a JobPlatform adds those:
// host fds and directories in src/node/job.ts).
import { ConfigError, FsError, ModuleError, Trap, WardenError, isErrorCode } from '../errors.js';
import { DirDescription } from '../fs/descriptor.js';
import { MemoryBackend } from '../fs/memory/memory-backend.js';
import { Namespace } from '../fs/namespace.js';
import { BytesSource, CaptureSink, NullStream, StreamHandle } from '../io/stream.js';
import { adoptStream, type StreamDescriptor } from '../io/transfer.js';
import type { Clocks } from '../p1/context.js';
import type { Resource } from '../table/resource.js';
import { Wasi } from '../wasi.js';

/** A handle of a job: a shared-memory stream, stdio content, or a platform's own kind `X`. */
export type JobHandle<X = never> =
  | { kind: 'stream'; descriptor: StreamDescriptor }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'capture' }
  | { kind: 'null' }
  | X;

/** A guest run as data (structured-cloneable, once a platform's handles are). */
export interface GuestJob<X = never, P = never> {
  module: { url: string } | { path: string } | { bytes: Uint8Array } | { compiled: WebAssembly.Module };
  args: string[];
  env: string[];
  /** Directories to preopen: an open directory handed over, or a platform's kind `P` (a host directory). */
  preopens: ({ guest: string; dir: JobHandle<X> } | P)[];
  memoryDirs: { guest: string; files: [string, Uint8Array][] }[];
  stdio: [JobHandle<X>, JobHandle<X>, JobHandle<X>];
  fds: [number, JobHandle<X>][];
  maxOpenFiles?: number;
}

/** What a platform adds to {@link runJob}: its own handle and preopen kinds, module paths, clocks. */
export interface JobPlatform<X, P> {
  /** The resource of a handle of the platform's own kind. */
  handle(spec: X, mode: 'read' | 'write'): Resource;
  /** Mounts a preopen of the platform's own kind in `ns`; returns the namespace path (or a directory) to preopen. */
  preopen?(spec: P, ns: Namespace, index: number): string | DirDescription;
  /** Reads a module given by path. */
  readModule?(path: string): Uint8Array;
  clocks?: Partial<Clocks>;
  /** Called once the job is over (whatever happened): close what `preopen` opened. */
  close?(): void;
}

/** What a job ended with when the guest ran to its end. */
export interface JobResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

function coreHandle<X>(spec: JobHandle<X>, mode: 'read' | 'write', platform: JobPlatform<X, unknown>): Resource {
  const s = spec as { kind: string };
  switch (s.kind) {
    case 'stream':
      return adoptStream((spec as { descriptor: StreamDescriptor }).descriptor);
    case 'bytes':
      return new BytesSource((spec as { bytes: Uint8Array }).bytes);
    case 'capture':
      return new CaptureSink();
    case 'null':
      return new NullStream();
    default:
      return platform.handle(spec as X, mode);
  }
}

async function loadModule(m: GuestJob['module'], platform: JobPlatform<unknown, unknown>): Promise<Uint8Array | WebAssembly.Module> {
  if ('compiled' in m) return m.compiled;
  if ('bytes' in m) return m.bytes;
  if ('url' in m) {
    const res = await fetch(m.url);
    if (!res.ok) throw new ConfigError(`cannot fetch the module ${m.url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  if (platform.readModule === undefined) throw new ConfigError(`a module path ("${m.path}") needs a platform that reads files: pass the bytes or a URL`);
  return platform.readModule(m.path);
}

/**
 * Runs `job` in this thread with the `'sync'` or `'jspi'` strategy and resolves
 * with its exit code and captured output; rejects with what went wrong. Every
 * handle it made or adopted is closed when it ends (a retained one keeps the
 * host's reference).
 */
export async function runJob<X, P>(job: GuestJob<X, P>, strategy: 'sync' | 'jspi', platform: JobPlatform<X, P>): Promise<JobResult> {
  let wasi: Wasi | undefined;
  // Each handle made or adopted for the job, held until it is over (the guest may close its fds earlier).
  const adopted: Resource[] = [];
  try {
    const ns = new Namespace();
    const preopens: Record<string, string | DirDescription> = {};
    const take = (spec: JobHandle<X>, mode: 'read' | 'write'): Resource => {
      const r = coreHandle(spec, mode, platform as JobPlatform<X, unknown>);
      adopted.push(r.retain());
      return r;
    };
    const stream = (spec: JobHandle<X>, mode: 'read' | 'write'): StreamHandle => {
      const r = take(spec, mode);
      if (!(r instanceof StreamHandle)) throw new ConfigError(`${mode === 'read' ? 'stdin' : 'stdout and stderr'} must be a stream, got a ${r.kind}`);
      return r;
    };
    job.preopens.forEach((p, i) => {
      if (typeof p === 'object' && p !== null && 'dir' in p) {
        const d = p as { guest: string; dir: JobHandle<X> };
        const dir = take(d.dir, 'read');
        if (!(dir instanceof DirDescription)) throw new ConfigError(`preopen "${d.guest}" must be a directory, got a ${dir.kind}`);
        preopens[d.guest] = dir;
        return;
      }
      if (platform.preopen === undefined) throw new ConfigError('this platform has no host directories to preopen');
      preopens[(p as { guest: string }).guest] = platform.preopen(p as P, ns, i);
    });
    job.memoryDirs.forEach((d, i) => {
      const at = `/memory/${i}`;
      ns.mount(at, new MemoryBackend());
      for (const [path, bytes] of d.files) ns.writeFile(`${at}/${path}`, bytes);
      preopens[d.guest] = at;
    });
    const stdout = stream(job.stdio[1], 'write');
    const stderr = stream(job.stdio[2], 'write');
    wasi = new Wasi({
      args: job.args,
      env: job.env,
      namespace: ns,
      preopens,
      stdin: stream(job.stdio[0], 'read'),
      stdout,
      stderr,
      fds: Object.fromEntries(job.fds.map(([fd, spec]) => [fd, take(spec, 'read')])),
      ...(platform.clocks === undefined ? {} : { clocks: platform.clocks }),
      ...(job.maxOpenFiles === undefined ? {} : { maxOpenFiles: job.maxOpenFiles }),
    });
    const module = await loadModule(job.module, platform as JobPlatform<unknown, unknown>);
    // run() closes every fd: pipe and channel peers see it at once.
    const r = strategy === 'jspi' ? await wasi.runAsync(module, {}, { blocking: 'jspi' }) : await wasi.run(module);
    return {
      exitCode: r.exitCode,
      stdout: stdout instanceof CaptureSink ? stdout.bytes() : new Uint8Array(0),
      stderr: stderr instanceof CaptureSink ? stderr.bytes() : new Uint8Array(0),
    };
  } finally {
    // Also when the module could not even be compiled: every handle made for the job is closed.
    wasi?.close();
    for (const r of adopted) r.release();
    platform.close?.();
  }
}

/** How an error crossed the thread boundary. */
export interface ErrorReport {
  kind: 'trap' | 'module' | 'config' | 'fs' | 'other';
  message: string;
  missingImports?: string[];
  errorCode?: string;
  stack?: string;
}

/** What a guest's worker posts back, once. */
export type JobOutcome = ({ ok: true } & JobResult) | { ok: false; error: ErrorReport };

/** Describes an error as data, to post to another thread. */
export function reportError(e: unknown): ErrorReport {
  const message = e instanceof Error ? e.message : String(e);
  const stack = e instanceof Error ? e.stack : undefined;
  const base = stack === undefined ? { message } : { message, stack };
  if (e instanceof ModuleError) return { kind: 'module', ...base, missingImports: [...e.missingImports] };
  if (e instanceof ConfigError) return { kind: 'config', ...base };
  if (e instanceof FsError) return { kind: 'fs', ...base, errorCode: e.errorCode };
  // A wasm trap (RuntimeError), a stack overflow in the guest (RangeError) or a host failure during a call (Trap).
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError || e instanceof Trap || e instanceof WardenError) return { kind: 'trap', ...base };
  return { kind: 'other', ...base };
}

/** Turns a report back into the typed error it was. */
export function reviveError(r: ErrorReport): Error {
  let e: Error;
  if (r.kind === 'trap') e = new Trap(r.message);
  else if (r.kind === 'module') e = new ModuleError(r.message, r.missingImports ?? []);
  else if (r.kind === 'config') e = new ConfigError(r.message);
  else if (r.kind === 'fs' && isErrorCode(r.errorCode)) e = new FsError(r.errorCode, r.message);
  else e = new Error(r.message);
  if (r.stack !== undefined) e.stack = `${e.name}: ${r.message}\n    (in the guest's worker)\n${r.stack.split('\n').slice(1).join('\n')}`;
  return e;
}
