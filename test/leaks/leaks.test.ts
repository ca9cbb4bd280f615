// No leaks, nothing lost: host descriptors opened for a guest are closed when it traps, and
// its output up to the trap is delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostBackend } from '../../src/node/host-backend.js';
import { Namespace, Wasi } from '../../src/index.js';
import { repoPath } from '../paths.js';

const openFds = () => readdirSync('/proc/self/fd').length;
const module = new WebAssembly.Module(readFileSync(repoPath('test/leaks/open-and-trap.wasm')));

test('300 guests that open host files and trap leave no host descriptor open', { skip: process.platform !== 'linux' ? 'counts /proc/self/fd' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-leaks-'));
  try {
    const before = openFds();
    const backend = new HostBackend(dir);
    const ns = new Namespace();
    ns.mount('/box', backend);
    let traps = 0;
    for (let i = 0; i < 300; i++) {
      const wasi = new Wasi({ namespace: ns, preopens: { '/box': '/box' }, stdout: 'capture' });
      await assert.rejects(wasi.run(module), WebAssembly.RuntimeError);
      assert.equal(new TextDecoder().decode(wasi.output(1)), 'opened\n', 'output before the trap is delivered');
      traps++;
    }
    assert.equal(traps, 300);
    assert.ok(openFds() <= before + backend.openDescriptors, `fds: ${before} before, ${openFds()} after`);
    backend.close();
    assert.equal(openFds(), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
