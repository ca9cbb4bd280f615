// Owns: createNodeWasi: a Wasi with Node's defaults (the process's stdio, hrtime clocks), in a module
// of its own so that the CLI can use it without loading the whole public API (WIT, plugins).
// Must not: hold logic the core needs.
import { Wasi, type WasiOptions } from '../wasi.js';
import { nodeClocks } from './clocks.js';
import { HostFdStream } from './streams.js';

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
