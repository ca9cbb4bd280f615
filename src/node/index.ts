// Owns: the Node entry point (`warden/node`): the core plus Node stdio, clocks and defaults.
// Must not: hold logic the core needs.

export * from '../index.js';
export { HostFdStream, WritableSink } from './streams.js';
export { nodeClocks } from './clocks.js';
export { HostBackend, type HostNode } from './host-backend.js';
export { WASI, type NodeWasiOptions } from './compat.js';
export { TcpListener, PortListener, type ListenerShared } from './net.js';
export { applyOverlay, applyChanges, type ApplyResult } from './apply-overlay.js';
export { pipeFromReadable, pipeToWritable } from './node-streams.js';
export { createNodeWasi } from './create.js';
export { runInWorker, runGuest, type GuestRunOptions, type GuestRunResult, type WorkerRunOptions, type WorkerRunResult, type WorkerHandle, type WorkerFsHandle, type WorkerStdio, type WorkerHostDir } from './worker-runner.js';
export { describeHandle, adoptHandle, type HandleDescriptor, type DescribedHandle, type DescribeOptions, type TransferableHandle } from './transfer.js';
