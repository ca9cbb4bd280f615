// Owns: the worker side of runInWorker: runs the job it is given (src/node/job.ts) with blocking
// I/O in this thread, and posts the outcome back.
// Must not: be imported (it is a worker entry point); it holds no logic beyond wiring.
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, FsError, ModuleError, Trap, WardenError } from '../errors.js';
import { runJob } from './job.js';
import type { ErrorReport, WorkerJob, WorkerOutcome } from './worker-runner.js';

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
  try {
    return { ok: true, ...(await runJob(job, 'sync')) };
  } catch (e) {
    return { ok: false, error: report(e) };
  }
}

if (parentPort !== null) parentPort.postMessage(await main(workerData as WorkerJob));
