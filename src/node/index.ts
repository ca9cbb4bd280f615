// Owns: the Node entry point (`warden/node`): the core plus Node stdio, clocks and defaults.
// Must not: hold logic the core needs.
import { Wasi, type WasiOptions } from '../wasi.js';
import { nodeClocks } from './clocks.js';
import { HostFdStream } from './streams.js';

export * from '../index.js';
export { HostFdStream, WritableSink } from './streams.js';
export { nodeClocks } from './clocks.js';
export { HostBackend, type HostNode } from './host-backend.js';
export { WASI, type NodeWasiOptions } from './compat.js';
export { TcpListener, PortListener, type ListenerShared } from './net.js';
export { applyOverlay, applyChanges, type ApplyResult } from './apply-overlay.js';
export { pipeFromReadable, pipeToWritable } from './node-streams.js';
export { runInWorker, runGuest, type GuestRunOptions, type GuestRunResult, type WorkerRunOptions, type WorkerRunResult, type WorkerHandle, type WorkerStdio, type WorkerHostDir } from './worker-runner.js';

/**
 * Like `new Wasi(options)`, with Node defaults: stdio is the process's own
 * (fds 0, 1, 2) unless given, and clocks use hrtime and cpuUsage.
 */
export function createNodeWasi(options: WasiOptions = {}): Wasi {
  return new Wasi({
    ...options,
    stdin: options.stdin === undefined ? new HostFdStream(0, 'read') : options.stdin,
    stdout: options.stdout === undefined ? new HostFdStream(1, 'write') : options.stdout,
    stderr: options.stderr === undefined ? new HostFdStream(2, 'write') : options.stderr,
    clocks: { ...nodeClocks(), ...options.clocks },
  });
}
