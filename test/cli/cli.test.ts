// The warden CLI as a user runs it: a real child process, real host directories, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../paths.js';

// Runs the compiled CLI of this build (build/src/cli/main.js), as bin/warden.js runs dist/.
function warden(args: string[], input = '') {
  const r = spawnSync(process.execPath, [repoPath('test/cli/run-cli.mjs'), ...args], {
    input,
    encoding: 'utf8',
    cwd: repoPath(),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const fixture = (name: string) => repoPath('test/cli', name);

test('hello world: output and exit code 0, argv[0] is the file name', () => {
  const r = warden(['run', 'examples/hello/hello.wasm', 'one', '--two']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'Hello from WebAssembly!\narg 1: one\narg 2: --two\n');
});

test('--help and --version', () => {
  assert.match(warden(['--help']).out, /warden run \[options\] <module.wasm>/);
  assert.match(warden(['--version']).out, /^warden \d+\.\d+\.\d+\n$/);
});

test('usage errors, missing and invalid modules, missing imports: one line, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['run', '--bogus', 'x.wasm'], /unknown option "--bogus"/],
    [['run'], /no module given/],
    [['frobnicate'], /unknown command/],
    [['run', 'does-not-exist.wasm'], /cannot read module "does-not-exist.wasm": ENOENT/],
    [['run', fixture('not-wasm.wasm')], /not a valid WebAssembly module/],
    [['run', fixture('missing-imports.wasm')], /env\.host_magic, wasi_snapshot_preview2\.fd_write/],
    [['run', '--dir', '/nonexistent-warden-dir', 'examples/hello/hello.wasm'], /does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = warden(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

test('a trap prints its message and exits 134, after the output written before it', () => {
  const r = warden(['run', fixture('trap.wasm')]);
  assert.equal(r.code, 134);
  assert.equal(r.out, 'before trap\n');
  assert.match(r.err, /trapped: unreachable/);
});

test('proc_exit mid-line: the exit code is the guest\'s and the output is complete', () => {
  const r = warden(['run', fixture('exit-mid-write.wasm')]);
  assert.equal(r.code, 7);
  assert.equal(r.out, 'partial line');
});

test('--dir mounts a host directory; a symlink out of it is refused; --ro-dir refuses writes', () => {
  const root = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  try {
    const box = join(root, 'box');
    mkdirSync(box);
    writeFileSync(join(box, 'a.txt'), 'inside\n');
    writeFileSync(join(root, 'canary.txt'), 'secret\n');
    symlinkSync('../canary.txt', join(box, 'up'));
    symlinkSync(join(root, 'canary.txt'), join(box, 'abs'));
    const r = warden(['run', '--dir', `${box}::/d`, 'examples/ls-cat/ls-cat.wasm', '/d/a.txt', '/d/up', '/d/abs']);
    assert.equal(r.out, 'inside\n');
    assert.equal(r.code, 1);
    assert.match(r.err, /\/d\/up: Operation not permitted/);
    assert.match(r.err, /\/d\/abs: Operation not permitted/);
    assert.doesNotMatch(r.out + r.err, /secret/);
    const list = warden(['run', '--ro-dir', `${box}::/d`, 'examples/ls-cat/ls-cat.wasm', '/d']);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, /file +7 a\.txt/);
    assert.equal(readFileSync(join(root, 'canary.txt'), 'utf8'), 'secret\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--overlay: the guest changes a copy-on-write view; the host directory is never changed', () => {
  const root = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  try {
    writeFileSync(join(root, 'keep.txt'), 'original\n');
    const r = warden(['run', '--overlay', `${root}::/o`, 'examples/ls-cat/ls-cat.wasm', '/o', '/o/keep.txt']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /file +9 keep\.txt/);
    assert.match(r.out, /original/);
    // create-file.wasm creates new.txt; under --overlay it lands in memory only.
    const w = warden(['run', '--overlay', `${root}::/o`, fixture('create-file.wasm')]);
    assert.equal(w.code, 0, w.err + w.out);
    assert.deepEqual(readdirSync(root), ['keep.txt'], 'nothing was created in the host directory');
    // The control: with --dir the same guest does create the file.
    const c = warden(['run', '--dir', `${root}::/o`, fixture('create-file.wasm')]);
    assert.equal(c.code, 0, c.err + c.out);
    assert.equal(readFileSync(join(root, 'new.txt'), 'utf8'), 'written by the guest\n');
    assert.equal(readFileSync(join(root, 'keep.txt'), 'utf8'), 'original\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--env, --mem-dir and --trace', () => {
  const r = warden(['run', '--env', 'A=1', '--mem-dir', '/tmp', '--trace', 'examples/ls-cat/ls-cat.wasm', '/tmp']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '', 'an empty in-memory directory');
  assert.match(r.err, /\[wasi\] args_sizes_get\(\d+, \d+\) -> ok/);
  assert.match(r.err, /\[wasi\] fd_prestat_get\(3, \d+\) -> ok/);
  assert.match(r.err, /\[wasi\] fd_readdir\(\d+, \d+, \d+, 0n, \d+\) -> ok/);
  assert.match(r.err, /\[wasi\] fd_prestat_get\(4, \d+\) -> badf/);
});
