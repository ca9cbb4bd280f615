// poll_oneoff on the process's own stdin in synchronous mode (the CLI's default without JSPI):
// a pipe with nothing in it is not ready; it becomes ready when the other process writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { repoPath } from '../paths.js';

// A shell pipeline, so that stdin is a real pipe (Node's own child stdio would be a socket pair,
// which has no non-blocking second open: it is reported ready at once, see docs/architecture.md).
function runPollRead(delayMs: number, write: boolean): Promise<{ stdout: string; ms: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const producer = `sleep ${delayMs / 1000}${write ? '; printf x' : ''}`;
    const cli = `'${process.execPath}' '${repoPath('test/cli/run-cli.mjs')}' run '${repoPath('test/io/poll-read.wasm')}'`;
    const child = spawn('sh', ['-c', `(${producer}) | ${cli}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ stdout, ms: performance.now() - t0, code }));
  });
}

test('sync mode: poll_oneoff on a stdin pipe waits until the other process writes, then reports the fd', async () => {
  const r = await runPollRead(800, true);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'r');
  assert.ok(r.ms >= 800, `returned after ${r.ms.toFixed(0)} ms, before anything was written`);
  assert.ok(r.ms < 4500, `took ${r.ms.toFixed(0)} ms (the clock subscription is 5 s)`);
});

test('sync mode: a stdin pipe closed by the writer is ready (end of file)', async () => {
  const r = await runPollRead(300, false);
  assert.equal(r.stdout, 'r');
  assert.ok(r.ms >= 300);
});
