// Owns: the Web Worker side of the browser runInWorker: runs the job it is posted (src/bridge/job.ts)
// with blocking I/O in this worker, and posts the outcome back.
// Must not: be imported (it is a worker entry point); it holds no logic beyond wiring.
import { reportError, runJob, type GuestJob, type JobOutcome } from '../bridge/job.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<GuestJob>) => void) | null; postMessage(m: JobOutcome): void };

scope.onmessage = (e) => {
  scope.onmessage = null;
  void (async (): Promise<void> => {
    let outcome: JobOutcome;
    try {
      outcome = { ok: true, ...(await runJob(e.data, 'sync', { handle: (spec: never) => spec })) };
    } catch (err) {
      outcome = { ok: false, error: reportError(err) };
    }
    scope.postMessage(outcome);
  })();
};
