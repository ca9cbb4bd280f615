// Owns: Node's part of running a described guest job in this thread (src/bridge/job.ts runs it):
// handles handed over from another thread (adoptHandle), handles passed as they are (a guest in
// this thread), the process's fds, host directories to preopen, module paths, Node clocks.
// Must not: start workers or choose the strategy.
import { readFileSync } from 'node:fs';
import { runJob as runCoreJob, type GuestJob, type JobPlatform, type JobResult } from '../bridge/job.js';
import type { Resource } from '../table/resource.js';
import { nodeClocks } from './clocks.js';
import { HostBackend } from './host-backend.js';
import { HostFdStream } from './streams.js';
import { adoptHandle, type HandleDescriptor } from './transfer.js';

/** Node's own handle kinds in a job: any handle descriptor, a resource of this thread, a host fd. */
export type NodeJobHandle = { kind: 'handle'; descriptor: HandleDescriptor } | { kind: 'local'; resource: Resource } | { kind: 'host-fd'; fd: number };

/** A host directory to preopen, opened by the thread that runs the job. */
export interface NodeJobHostDir {
  guest: string;
  host: string;
  readOnly: boolean;
}

/** A guest job as runInWorker describes it. */
export type NodeJob = GuestJob<NodeJobHandle, NodeJobHostDir>;

export type { JobResult };

/** Runs `job` in this thread with the `'sync'` or `'jspi'` strategy (see src/bridge/job.ts). */
export function runJob(job: NodeJob, strategy: 'sync' | 'jspi'): Promise<JobResult> {
  const hostDirs: HostBackend[] = [];
  const platform: JobPlatform<NodeJobHandle, NodeJobHostDir> = {
    handle(spec, mode) {
      if (spec.kind === 'handle') return adoptHandle(spec.descriptor);
      if (spec.kind === 'local') return spec.resource;
      return new HostFdStream(spec.fd, mode);
    },
    preopen(p, ns, i) {
      const backend = new HostBackend(p.host);
      hostDirs.push(backend);
      const at = `/preopen/${i}`;
      ns.mount(at, backend, { readOnly: p.readOnly });
      return at;
    },
    readModule: (path) => readFileSync(path),
    clocks: nodeClocks(),
    close() {
      for (const b of hostDirs) b.close();
    },
  };
  return runCoreJob(job, strategy, platform);
}
