// Worker side of the pipe tests: runs a guest whose stdout is the writing end of a pipe created
// in the main thread (received as shared memory), after an optional delay.
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { PipeWriter, Wasi, type PipeShared } from '../../src/index.js';

const { shared, wasm, args, delayMs } = workerData as { shared: PipeShared; wasm: string; args: string[]; delayMs: number };
if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
const writer = new PipeWriter(shared);
const wasi = new Wasi({ args, stdout: writer });
const result = await wasi.run(readFileSync(wasm)); // run() closes the fds: the reader then sees end of stream
parentPort?.postMessage({ exitCode: result.exitCode });
