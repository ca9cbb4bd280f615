// `warden types` as a user runs it: a real child process, real files, exit codes and one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { generateTypes, parseWit } from '../../src/wit/index.js';
import { repoPath } from '../paths.js';

// Runs the compiled CLI of this build (build/src/cli/main.js), as bin/warden.js runs dist/.
function warden(args: string[]) {
  const r = spawnSync(process.execPath, [repoPath('test/cli/run-cli.mjs'), ...args], { encoding: 'utf8', cwd: repoPath() });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const kvText = readFileSync(repoPath('examples/kv/kv.wit'), 'utf8');

test('warden types examples/kv/kv.wit prints the declarations on stdout', () => {
  const r = warden(['types', 'examples/kv/kv.wit']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  assert.equal(r.out, generateTypes(parseWit(kvText)));
  assert.match(r.out, /export interface KvGuestImports<BucketRep = unknown> \{\n {2}'warden:kv\/store@0\.1\.0': StoreImpl<BucketRep>;/);
  assert.match(r.out, /export interface KvGuestExports \{/);
});

test('--out writes the file (and nothing to stdout); --world selects a world, before or after the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-types-'));
  try {
    const out = join(dir, 'kv-types.ts');
    const r = warden(['types', '--world', 'kv-guest', 'examples/kv/kv.wit', `--out=${out}`]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.equal(readFileSync(out, 'utf8'), generateTypes(parseWit(kvText), { world: 'kv-guest' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a WIT error exits 2 with one line: file:line:column: message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-types-'));
  try {
    const bad = join(dir, 'bad.wit');
    writeFileSync(bad, 'package a:b;\n\ninterface i {\n  get: func(key: strin) -> u32;\n}\n');
    const r = warden(['types', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err, `warden: ${bad}:4:18: undefined type "strin" in interface a:b/i\n`);
    writeFileSync(bad, 'package a:b;\ninterface i {\n  f: func() -> (a: u32, b: u32);\n}\n');
    const named = warden(['types', bad]);
    assert.equal(named.code, 2);
    assert.match(named.err, /^warden: .*bad\.wit:3:16: named results .* are not supported/);
    assert.equal(named.err.trim().split('\n').length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [['types'], /no WIT file given: warden types <file.wit>/],
    [['types', 'a.wit', 'b.wit'], /takes one WIT file, got 2/],
    [['types', '--frob', 'examples/kv/kv.wit'], /unknown option "--frob" for types/],
    [['types', 'examples/kv/kv.wit', '--world'], /--world needs a value/],
    [['types', 'does-not-exist.wit'], /cannot read WIT file "does-not-exist.wit": ENOENT/],
    [['types', 'examples/kv/kv.wit', '--world', 'nope'], /world "nope" is not defined in package warden:kv@0.1.0 \(its worlds: kv-guest, kv-provider\)/],
    [['types', 'examples/kv/kv.wit', '--out', '/nonexistent-dir/x.ts'], /cannot write "\/nonexistent-dir\/x.ts": ENOENT/],
  ];
  for (const [args, message] of cases) {
    const r = warden(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

test('--help lists the types command; run keeps working', () => {
  assert.match(warden(['--help']).out, /warden types <file\.wit> \[--world NAME\] \[--out FILE\]/);
  const run = warden(['run', 'examples/hello/hello.wasm']);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /^Hello from WebAssembly!/);
});

test('parseArgs: the types command and its options', () => {
  assert.deepEqual(parseArgs(['types', 'x.wit'], {}), { command: 'types', file: 'x.wit', world: null, out: null });
  assert.deepEqual(parseArgs(['types', '--out', 'o.ts', 'x.wit', '--world=w'], {}), { command: 'types', file: 'x.wit', world: 'w', out: 'o.ts' });
  assert.deepEqual(parseArgs(['types', '--', '--odd.wit'], {}), { command: 'types', file: '--odd.wit', world: null, out: null });
  assert.deepEqual(parseArgs(['types', '--help'], {}), { command: 'help' });
  assert.throws(() => parseArgs(['types', '--out='], {}), UsageError);
});
