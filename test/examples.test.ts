// The examples do what the README says they do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../examples/embed.js';
import { Wasi } from '../src/index.js';
import { repoPath } from './paths.js';

test('examples/embed.ts lists the in-memory tree, follows its symlink and reads the callback file', async () => {
  const r = await main(repoPath('examples/ls-cat/ls-cat.wasm'));
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'file        19 README.txt',
      'dir          1 src',
      'link        10 main-link',
      'An in-memory file.',
      'int main(void) { return 0; }',
      'reads so far: 1',
      '',
    ].join('\n'),
  );
});

test('examples/hello prints its greeting and arguments', async () => {
  const wasi = new Wasi({ args: ['hello', 'x'], stdout: 'capture' });
  const r = await wasi.run(readFileSync(repoPath('examples/hello/hello.wasm')));
  assert.equal(r.exitCode, 0);
  assert.equal(new TextDecoder().decode(r.stdout), 'Hello from WebAssembly!\narg 1: x\n');
});

test('examples/kv/host.ts: the TypeScript KV plugin serves the C guest, with and without cabi_realloc', async () => {
  const { main: kvMain } = await import('../examples/kv/host.js');
  const expected = ['greeting = hello', 'cat.png: 4 bytes', 'key cat.png', 'entry cat.png: 4 bytes, binary', 'perms: read write', 'open missing: not found', ''].join('\n');
  for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
    const r = await kvMain(repoPath('examples/kv', file), 'test');
    assert.equal(r.result, 'hello, test; 1 keys', file);
    assert.equal(r.stdout, expected, file);
  }
});
