// Owns: running a described guest job (module, args, env, preopens, handles as descriptors, host
// fds or, in this thread, as they are) in the calling thread: what a guest's worker does (synchronous strategy), and what
// runGuest does in the host's own thread (JSPI or synchronous).
// Must not: start workers or choose the strategy.
import { readFileSync } from 'node:fs';
import { MemoryBackend } from '../fs/memory/memory-backend.js';
import { Namespace } from '../fs/namespace.js';
import { ConfigError } from '../errors.js';
import { DirDescription } from '../fs/descriptor.js';
import { BytesSource, CaptureSink, NullStream, StreamHandle } from '../io/stream.js';
import type { Resource } from '../table/resource.js';
import { Wasi } from '../wasi.js';
import { nodeClocks } from './clocks.js';
import { HostBackend } from './host-backend.js';
import { HostFdStream } from './streams.js';
import { adoptHandle } from './transfer.js';
import type { HandleSpec, WorkerJob } from './worker-runner.js';

function handle(spec: HandleSpec, mode: 'read' | 'write'): Resource {
  switch (spec.kind) {
    case 'handle':
      return adoptHandle(spec.descriptor);
    case 'local':
      return spec.resource;
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
  // Each handle made or adopted for the job, held until it is over (the guest may close its fds earlier).
  const adopted: Resource[] = [];
  try {
    const ns = new Namespace();
    const preopens: Record<string, string | DirDescription> = {};
    const take = (spec: HandleSpec, mode: 'read' | 'write'): Resource => {
      const r = handle(spec, mode);
      adopted.push(r.retain());
      return r;
    };
    const stream = (spec: HandleSpec, mode: 'read' | 'write'): StreamHandle => {
      const r = take(spec, mode);
      if (!(r instanceof StreamHandle)) throw new ConfigError(`${mode === 'read' ? 'stdin' : 'stdout and stderr'} must be a stream, got a ${r.kind}`);
      return r;
    };
    job.preopens.forEach((p, i) => {
      if ('dir' in p) {
        const dir = take(p.dir, 'read');
        if (!(dir instanceof DirDescription)) throw new ConfigError(`preopen "${p.guest}" must be a directory, got a ${dir.kind}`);
        preopens[p.guest] = dir;
        return;
      }
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
    for (const r of adopted) r.release();
    for (const b of hostDirs) b.close();
  }
}
