// Differential test: runs each guest that node:wasi is known to get right under both node:wasi
// and Warden, and requires the same exit code and stdout. node:wasi runs in a child process with
// --no-turbo-fast-api-calls because Node 20's node:wasi crashes on syscall-heavy guests otherwise
// (nodejs/node #46777, #53087).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { repoPath } from '../paths.js';
import { loadManifest, runUnderWarden, type GuestCase } from './manifest.js';

interface NodeOutcome {
  stdout: string;
  exit: string;
}

function runUnderNode(c: GuestCase): Promise<NodeOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--no-turbo-fast-api-calls', '--no-warnings', repoPath('test/guests/run-node-wasi.mjs'), repoPath('test/guests', c.wasm), ...(c.args ?? [])],
      { env: { ...process.env, GUEST_STDIN: c.stdin ?? '', GUEST_ENV: JSON.stringify(c.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      // run-node-wasi prints the guest's stdout, then "stderr: ..." lines, then "exit: N" or "trap: ...".
      const lines = out.split('\n');
      let last = lines.length - 1;
      while (last >= 0 && lines[last] === '') last--;
      const exit = lines[last] ?? `no output (${err})`;
      let body = lines.slice(0, last).join('\n');
      if (last > 0) body += '\n';
      const cut = body.indexOf('stderr: ');
      resolve({ stdout: cut >= 0 && (cut === 0 || body[cut - 1] === '\n') ? body.slice(0, cut) : body, exit });
    });
  });
}

const cases = loadManifest().filter((c) => c.nodeWasi === true);
test('differential: there are guests node:wasi is known to run right', () => {
  assert.ok(cases.length > 0);
});
for (const c of cases) {
  test(`differential ${c.name}: Warden matches node:wasi`, async () => {
    const [mine, theirs] = await Promise.all([runUnderWarden(c), runUnderNode(c)]);
    const myExit = mine.trap !== null ? 'trap' : `exit: ${mine.exitCode}`;
    assert.equal(theirs.exit.startsWith('trap') ? 'trap' : theirs.exit, myExit, `node:wasi said ${theirs.exit}`);
    assert.equal(mine.stdout, theirs.stdout);
  });
}
