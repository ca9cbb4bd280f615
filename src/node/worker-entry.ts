// Owns: the worker side of runInWorker: rebuilds the guest's namespace (host directories through
// HostBackend, in-memory dirs), its handles (pipe and channel ends from shared memory, host fds),
// runs the guest with blocking I/O in this thread, and posts the outcome back.
// Must not: be imported (it is a worker entry point); it holds no logic beyond wiring.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, FsError, ModuleError, Trap, WardenError } from '../errors.js';
import { MemoryBackend } from '../fs/memory/memory-backend.js';
import { Namespace } from '../fs/namespace.js';
import { ChannelEnd } from '../io/channel.js';
import { PipeReader, PipeWriter } from '../io/pipe.js';
import { BytesSource, CaptureSink, NullStream, type StreamHandle } from '../io/stream.js';
import { Wasi } from '../wasi.js';
import { nodeClocks } from './clocks.js';
import { HostBackend } from './host-backend.js';
import { HostFdStream } from './streams.js';
import { PortListener } from './net.js';
import type { ErrorReport, HandleSpec, WorkerJob, WorkerOutcome } from './worker-runner.js';

function handle(spec: HandleSpec, mode: 'read' | 'write'): StreamHandle {
  switch (spec.kind) {
    case 'pipe-reader':
      return new PipeReader(spec.shared);
    case 'pipe-writer':
      return new PipeWriter(spec.shared);
    case 'channel':
      return new ChannelEnd(spec.shared);
    case 'listener':
      return new PortListener(spec.shared);
    case 'host-fd':
      return new HostFdStream(spec.fd, mode);
    case 'bytes':
      return new BytesSource(spec.bytes);
    case 'capture':
      return new CaptureSink();
    case 'null':
      return new NullStream();
  }
}

function report(e: unknown): ErrorReport {
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

async function main(job: WorkerJob): Promise<WorkerOutcome> {
  const hostDirs: HostBackend[] = [];
  try {
    const ns = new Namespace();
    const preopens: Record<string, string> = {};
    job.preopens.forEach((p, i) => {
      const backend = new HostBackend(p.host);
      hostDirs.push(backend);
      const at = `/preopen/${i}`;
      ns.mount(at, backend, { readOnly: p.readOnly });
      preopens[p.guest] = at;
    });
    job.memoryDirs.forEach((d, i) => {
      const at = `/memory/${i}`;
      ns.mount(at, new MemoryBackend());
      for (const [path, bytes] of d.files) ns.writeFile(`${at}/${path}`, bytes);
      preopens[d.guest] = at;
    });
    const stdout = handle(job.stdio[1], 'write');
    const stderr = handle(job.stdio[2], 'write');
    const wasi = new Wasi({
      args: job.args,
      env: job.env,
      namespace: ns,
      preopens,
      stdin: handle(job.stdio[0], 'read'),
      stdout,
      stderr,
      fds: Object.fromEntries(job.fds.map(([fd, spec]) => [fd, handle(spec, 'read')])),
      clocks: nodeClocks(),
      ...(job.maxOpenFiles === undefined ? {} : { maxOpenFiles: job.maxOpenFiles }),
    });
    const m = job.module;
    const module = 'compiled' in m ? m.compiled : 'bytes' in m ? m.bytes : readFileSync(m.path);
    const r = await wasi.run(module); // run() closes every fd: pipe and channel peers see it at once
    return {
      ok: true,
      exitCode: r.exitCode,
      stdout: stdout instanceof CaptureSink ? stdout.bytes() : new Uint8Array(0),
      stderr: stderr instanceof CaptureSink ? stderr.bytes() : new Uint8Array(0),
    };
  } catch (e) {
    return { ok: false, error: report(e) };
  } finally {
    for (const b of hostDirs) b.close();
  }
}

if (parentPort !== null) parentPort.postMessage(await main(workerData as WorkerJob));
