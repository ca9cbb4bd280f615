// Owns: running a described guest job (module, args, env, preopens, handles as shared memory or
// host fds) in the calling thread: what a guest's worker does (synchronous strategy), and what
// runGuest does in the host's own thread (JSPI or synchronous).
// Must not: start workers or choose the strategy.
import { readFileSync } from 'node:fs';
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
import type { HandleSpec, WorkerJob } from './worker-runner.js';

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

/** What a job ended with when the guest ran to its end. */
export interface JobResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

/**
 * Runs `job` in this thread with the `'sync'` or `'jspi'` strategy and resolves
 * with its exit code and captured output; rejects with what went wrong.
 * Every handle and host directory it opened is closed when it ends.
 */
export async function runJob(job: WorkerJob, strategy: 'sync' | 'jspi'): Promise<JobResult> {
  const hostDirs: HostBackend[] = [];
  let wasi: Wasi | undefined;
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
    wasi = new Wasi({
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
    for (const b of hostDirs) b.close();
  }
}
