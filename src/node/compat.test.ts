// warden/node's WASI is a drop-in for node:wasi's: same options, same methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from './compat.js';

const root = new URL('../../../', import.meta.url);

test('node:wasi options and methods: args, preopens of host dirs, stdout to a host fd, exit code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-compat-'));
  try {
    writeFileSync(join(dir, 'note.txt'), 'from the host\n');
    const outPath = join(dir, 'out');
    const out = openSync(outPath, 'w');
    const wasi = new WASI({ version: 'preview1', args: ['ls-cat', '/sandbox/note.txt'], env: {}, preopens: { '/sandbox': dir }, stdout: out, returnOnExit: true });
    const module = await WebAssembly.compile(readFileSync(new URL('examples/ls-cat/ls-cat.wasm', root)));
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    assert.equal(typeof wasi.wasiImport['fd_write'], 'function');
    assert.equal(wasi.start(instance), 0);
    closeSync(out);
    assert.equal(readFileSync(outPath, 'utf8'), 'from the host\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unsupported version is a clear ConfigError', () => {
  assert.throws(() => new WASI({ version: 'unstable' as 'preview1' }), /not supported; use "preview1"/);
});
