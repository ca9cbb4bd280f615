// Owns: the worker side of runInWorker: runs the job it is given (src/node/job.ts) with blocking
// I/O in this thread, and posts the outcome back.
// Must not: be imported (it is a worker entry point); it holds no logic beyond wiring.
import { parentPort, workerData } from 'node:worker_threads';
import { reportError, type JobOutcome } from '../bridge/job.js';
import { runJob, type NodeJob } from './job.js';

async function main(job: NodeJob): Promise<JobOutcome> {
  try {
    return { ok: true, ...(await runJob(job, 'sync')) };
  } catch (e) {
    return { ok: false, error: reportError(e) };
  }
}

if (parentPort !== null) parentPort.postMessage(await main(workerData as NodeJob));
