// The browser runner (warden/browser) in real headless Chromium, where this machine has one:
// scripts/browser-test.mjs serves the repository cross-origin isolated and runs
// test/browser/runner.html against the sources compiled for this test run. Without Chromium
// (CI machines have only Node and npm) the test is skipped and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoPath, repoRoot } from '../paths.js';

test('guests in Web Workers and under JSPI in Chromium (test/browser/runner.html)', (t) => {
  const lib = `/${relative(repoRoot, fileURLToPath(new URL('../../src', import.meta.url))).split('\\').join('/')}`;
  const r = spawnSync(process.execPath, [repoPath('scripts/browser-test.mjs'), 'test/browser/runner.html', '--timeout', '90000', '--query', `lib=${lib}`], { encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0 && /no Chromium found/.test(r.stdout + r.stderr)) {
    t.skip('no Chromium on this machine (set CHROME=... to run it)');
    return;
  }
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /"ok": true/);
});
