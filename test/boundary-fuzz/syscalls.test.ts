// The syscall fuzzer at the guest boundary, a short fixed-seed run (the long runs are
// `npm run fuzz:syscalls -- --seconds N`), and self-tests showing that its checks can fail.
// Bugs the fuzzer found that are not fixed yet are listed in KNOWN (each has a todo test in
// regressions.test.ts): a finding matching one is reported as a diagnostic instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend, Namespace, OverlayBackend, Wasi } from '../../src/index.js';
import type { MemoryFile, MemoryNode } from '../../src/fs/memory/memory-backend.js';
import { declaredOuts } from './calls.js';
import { checkMemoryTree, checkOverlay, checkTable, snapshotTree } from './consistency.js';
import { NOTE_KINDS, runWorld, type Finding } from './fuzzer.js';
import { shapeFor, type WorldShape } from './world.js';

/**
 * Findings of known, open bugs, each with a todo test in regressions.test.ts; a finding matching one
 * is a diagnostic here, not a failure. Empty: every bug found so far is fixed. Entry shape:
 * `{ kind: 'host-error', call: /^path_open\(/, message: /detached/, bug: 'what, where' }`.
 */
const KNOWN: { kind: Finding['kind']; call: RegExp; message: RegExp; bug: string }[] = [];

function known(f: Finding): string | undefined {
  return KNOWN.find((k) => k.kind === f.kind && k.call.test(f.call) && k.message.test(f.message))?.bug;
}

const SHAPES: [number, WorldShape][] = [
  [1, { pages: 1, maxPages: 6, shared: false, grow: true, maxOpenFiles: 24, budgetSlack: 16 }],
  [2, { pages: 4, maxPages: 8, shared: true, grow: true, maxOpenFiles: 64, budgetSlack: 0 }],
  [3, { pages: 2, maxPages: 2, shared: false, grow: false, maxOpenFiles: 12, budgetSlack: 16 }],
  [4, shapeFor(4)],
  [5, shapeFor(5)],
];

for (const [seed, shape] of SHAPES) {
  test(`fuzz world ${seed} (${shape.pages} pages${shape.grow ? `, growing to ${shape.maxPages}` : ''}${shape.shared ? ', shared' : ''}, ${shape.maxOpenFiles} fds): every call keeps the boundary invariants`, (t) => {
    const r = runWorld({ seed, calls: 2500, checkEvery: 50, shape });
    assert.equal(r.calls, 2500);
    const unexpected: string[] = [];
    for (const f of r.findings) {
      const bug = known(f);
      if (NOTE_KINDS.has(f.kind)) t.diagnostic(`note [${f.kind}] index ${f.index} ${f.call}: ${f.message}`);
      else if (bug !== undefined) t.diagnostic(`known bug (${bug}) at index ${f.index}: ${f.call}`);
      else unexpected.push(`[${f.kind}] seed=${f.seed} index=${f.index} ${f.call}\n  ${f.message}${f.stack !== undefined ? `\n${f.stack}` : ''}`);
    }
    assert.deepEqual(unexpected, [], `replay with: npm run fuzz:syscalls -- --seed ${seed} --replay --check-every 50`);
    // The run reached past the argument checks: plenty of calls succeeded.
    let ok = 0;
    for (const s of r.perCall.values()) ok += s.ok;
    assert.ok(ok > 2500 / 5, `only ${ok} calls returned 0`);
  });
}

test('a seed replays exactly: the same calls, results and findings', () => {
  const a = runWorld({ seed: 77, calls: 800 });
  const b = runWorld({ seed: 77, calls: 800 });
  assert.deepEqual([...a.perCall], [...b.perCall]);
  assert.deepEqual(a.findings.map((f) => `${f.index} ${f.call} ${f.message}`), b.findings.map((f) => `${f.index} ${f.call} ${f.message}`));
});

test('declared out-params: iovec buffers are read from the memory before the call', () => {
  const mem = new Uint8Array(1024);
  const v = new DataView(mem.buffer);
  v.setUint32(100, 500, true);
  v.setUint32(104, 20, true);
  v.setUint32(108, 600, true);
  v.setUint32(112, 0, true);
  const outs = declaredOuts('fd_read', [3, 100, 2, 40], mem, { args: [], env: [] });
  assert.deepEqual(outs.map((o) => [o.start, o.end]), [[500, 520], [600, 600], [40, 44]]);
  assert.deepEqual(declaredOuts('fd_read', [3, 1020, 2, 40], mem, { args: [], env: [] }).map((o) => [o.start, o.end]), [[40, 44]], 'an array past the end has no buffers');
  assert.deepEqual(declaredOuts('path_open', [3, 0, 0, 0, 0, 0n, 0n, 0, -4], mem, { args: [], env: [] }).map((o) => [o.start, o.end]), [[0xfffffffc, 0x1_0000_0000]]);
  assert.deepEqual(declaredOuts('fd_write', [1, 100, 2, 40], mem, { args: [], env: [] }).map((o) => [o.start, o.end]), [[40, 44]], 'fd_write writes only nwritten');
});

test('consistency checks fail on a corrupted memory tree', () => {
  const b = new MemoryBackend();
  const root = b.root();
  const f = b.createFile(root, 'f') as MemoryFile;
  const d = b.mkdir(root, 'd');
  const io = b.open(f, { read: false, write: true });
  io.write(new Uint8Array([1, 2, 3]), 0n);
  assert.deepEqual(checkMemoryTree(b, { allOpensVisible: false }), []);
  f.nlink = 2;
  assert.match(checkMemoryTree(b).join('\n'), /nlink 2 but 1 entries/);
  f.nlink = 1;
  f.data[f.size] = 9;
  assert.match(checkMemoryTree(b).join('\n'), /beyond size 3 is 9/);
  f.data[f.size] = 0;
  (d as { parent: MemoryNode }).parent = d;
  assert.match(checkMemoryTree(b).join('\n'), /parent pointer/);
  (d as { parent: MemoryNode }).parent = root;
  (root as { nlink: number }).nlink = 2;
  assert.match(checkMemoryTree(b).join('\n'), /directory nlink 2, expected 2 \+ 1/);
  (root as { nlink: number }).nlink = 3;
  // An unlinked file still open: its bytes stay counted until the last FileIO closes.
  b.unlink(root, 'f');
  assert.deepEqual(checkMemoryTree(b, { openFiles: new Set([f]), allOpensVisible: true }), []);
  assert.match(checkMemoryTree(b, { allOpensVisible: true }).join('\n'), /bytesUsed \d+, but reachable files hold 0/, 'an open file the check cannot see looks like a leak');
  io.close();
  assert.deepEqual(checkMemoryTree(b, { allOpensVisible: true }), []);
});

test('consistency checks fail on a corrupted table and a changed overlay lower layer', () => {
  const ns = new Namespace();
  ns.writeFile('/d/f', 'x');
  const wasi = new Wasi({ namespace: ns, preopens: { '/d': '/d' } });
  assert.deepEqual(checkTable(wasi.fds), []);
  wasi.fds.slot(3)!.meta.base = 2 ** 30;
  assert.match(checkTable(wasi.fds).join('\n'), /bits beyond the 30 rights/);

  const lower = new MemoryBackend();
  lower.createFile(lower.root(), 'a');
  const overlay = new OverlayBackend(lower);
  const before = snapshotTree(lower);
  overlay.unlink(overlay.root(), 'a');
  assert.deepEqual(checkOverlay(overlay, lower, before), []);
  lower.createFile(lower.root(), 'b');
  assert.match(checkOverlay(overlay, lower, before).join('\n'), /the lower layer changed/);
});
