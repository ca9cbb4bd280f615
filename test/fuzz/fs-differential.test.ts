// The differential filesystem fuzzer (test/fuzz/) on fixed seeds: random op sequences run on the
// kernel (a temp dir), a HostBackend, a MemoryBackend and two OverlayBackends (over memory, over a host dir)
// through the public path, every outcome compared with the kernel's (except the allow-list in rules.ts) and the
// backends' with each other, whole trees every few ops. A failure prints a shrunk JSON repro; see
// `npm run fuzz -- --help` to replay it or to fuzz longer. Also checks the fuzzer's own parts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpGenerator, type Op } from './ops.js';
import { Rng } from '../prng.js';
import { DEFAULT_OPTIONS, reproJson, runOps, runSeed, shrink } from './runner.js';
import { escapes } from './targets.js';

const SEEDS = 40;
const OPS = 200;

describe('differential fuzzing: the kernel, host, memory and both overlays agree', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    test(`seed ${seed} (${OPS} ops)`, () => {
      const r = runSeed(seed, OPS, DEFAULT_OPTIONS);
      if (r.failure === undefined) return;
      const s = shrink(r.ops, r.failure, DEFAULT_OPTIONS, { maxRuns: 400, deadline: Date.now() + 5000 });
      assert.fail(`${r.failure.detail}\nat op #${r.failure.index} of seed ${seed}; repro:\n${reproJson(seed, OPS, r.failure, s)}\nreplay: npm run fuzz -- --seed ${seed} --ops ${OPS} --replay`);
    });
  }
});

describe('the fuzzer itself', () => {
  test('a seed gives the same sequence every time', () => {
    const a = runSeed(7, 60, DEFAULT_OPTIONS);
    const b = runSeed(7, 60, DEFAULT_OPTIONS);
    assert.deepEqual(a.ops, b.ops);
    assert.equal(a.ops.length, 60);
    const g = new OpGenerator(new Rng(7));
    assert.deepEqual(g.next(0, new Map()), a.ops[0]);
  });

  test('the escape guard refuses every path the kernel would resolve outside the directory', () => {
    const top = mkdtempSync(join(tmpdir(), 'warden-fuzz-guard-'));
    try {
      const root = join(top, 'a', 'root');
      mkdirSync(join(root, 'd', 'e'), { recursive: true });
      symlinkSync('..', join(root, 'up'));
      symlinkSync('d/../..', join(root, 'up2'));
      symlinkSync('/etc', join(root, 'abs'));
      symlinkSync('e/../..', join(root, 'd', 'back'));
      symlinkSync('loop', join(root, 'loop'));
      for (const p of ['..', 'd/../..', '/x', 'up', 'up/x', 'up2/x', 'abs/passwd', 'd/back/..', 'd/e/../../../x', 'd/../up/f']) {
        assert.equal(escapes(root, p, true), true, p);
      }
      // A missing component stops the kernel's walk too: what follows it is never reached.
      for (const p of ['.', 'd/..', 'd/e/../..', 'd/back', 'd/back/d', 'missing/../..', 'x/../up/f', 'up']) {
        if (p === 'up') assert.equal(escapes(root, p, false), false, 'a last symlink that is not followed');
        else assert.equal(escapes(root, p, true), false, p);
      }
      assert.equal(escapes(root, 'up/', false), true, 'a trailing slash follows the last symlink');
      assert.equal(escapes(root, 'loop/x', true), true, 'a symlink loop is refused, not walked forever');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  test('a difference outside the allow-list fails, and the shrinker reduces it to the ops that matter', () => {
    const open = (id: number, path: string, over: Partial<Extract<Op, { op: 'open' }>> = {}): Op => ({
      op: 'open', id, base: null, path, access: 'r', create: false, exclusive: false, truncate: false, directory: false, follow: true, append: false, ...over,
    });
    const ops: Op[] = [
      { op: 'mkdir', base: null, path: 'x' },
      open(1, 'new', { create: true, access: 'w' }),
      { op: 'write', h: 1, data: 'abc' },
      { op: 'symlink', base: null, target: 'x', path: 'y' },
      { op: 'close', h: 1 },
      { op: 'readFile', base: null, path: 'y/../f' },
      // symlink onto "file/": EEXIST on Linux, not-directory in Warden (as wasi-testsuite wants), a
      // deliberate difference; with an empty allow-list it is a failure.
      { op: 'symlink', base: null, target: 't', path: 'new/' },
      { op: 'stat', base: null, path: 'x', follow: true },
    ];
    assert.equal(runOps(ops, DEFAULT_OPTIONS).failure, undefined, 'allowed with the allow-list');
    const strict = { ...DEFAULT_OPTIONS, rules: [] };
    const r = runOps(ops, strict);
    assert.equal(r.failure?.index, 6);
    assert.equal(r.failure?.signature, 'mismatch:symlink:host/linux:err:not-directory/err:exist');
    const s = shrink(r.ops, r.failure!, strict, { maxRuns: 200, deadline: Date.now() + 10_000 });
    assert.deepEqual(s.ops, [ops[1], ops[6]], 'creating the file and the symlink are all it needs');
    assert.equal(s.failure.signature, r.failure?.signature);
  });
});
