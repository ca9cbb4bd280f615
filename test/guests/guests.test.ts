// Runs every guest program of test/guests/manifest.json under Warden and checks its exit code and output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadManifest, runUnderWarden } from './manifest.js';

for (const c of loadManifest()) {
  test(`guest ${c.name}`, async () => {
    const out = await runUnderWarden(c);
    const context = `stdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
    if (c.trap === true) {
      assert.notEqual(out.trap, null, `expected a trap\n${context}`);
    } else {
      assert.equal(out.trap, null, `unexpected trap ${out.trap}\n${context}`);
      assert.equal(out.exitCode, c.exitCode ?? 0, `exit code\n${context}`);
    }
    if (typeof c.stdout === 'string') assert.equal(out.stdout, c.stdout);
    else assert.ok(out.stdout.endsWith(`ok ${c.name}\n`), `stdout should end with "ok ${c.name}"\n${context}`);
  });
}
