// HostBackend's own guarantees beyond the shared contract (test/contract/host.test.ts):
// a directory swapped under a lookup cannot redirect it, and descriptors are bounded and closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsError } from '../errors.js';
import { HostBackend } from './host-backend.js';

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'warden-host-'));
  const box = join(root, 'box');
  mkdirSync(join(box, 'sub'), { recursive: true });
  writeFileSync(join(box, 'sub', 'file.txt'), 'inside');
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(root, 'outside', 'file.txt'), 'SECRET');
  return { root, box, done: () => rmSync(root, { recursive: true, force: true }) };
}

const openFds = () => readdirSync('/proc/self/fd').length;

/** Runs `f` with a fresh tree and a backend confined to its box; closes and removes both after. */
function withBackend(f: (b: HostBackend, t: ReturnType<typeof tree>) => void): void {
  const t = tree();
  const b = new HostBackend(t.box);
  try {
    f(b, t);
  } finally {
    b.close();
    t.done();
  }
}

/** The contents of file `node`, read through the backend. */
function contents(b: HostBackend, node: Parameters<HostBackend['open']>[0]): string {
  const io = b.open(node, { read: true, write: false });
  const buf = new Uint8Array(16);
  const n = io.read(buf, 0n);
  io.close();
  return new TextDecoder().decode(buf.subarray(0, n));
}

test('a directory swapped for a symlink after the lookup cannot redirect the next step', { skip: process.platform !== 'linux' ? 'fd-relative paths need /proc/self/fd' : false }, () => {
  withBackend((b, t) => {
    assert.equal(b.fdRelative, true);
    const sub = b.lookup(b.root(), 'sub')!;
    assert.equal(b.typeOf(sub), 'directory');
    // A host process swaps box/sub for a symlink to the outside directory.
    renameSync(join(t.box, 'sub'), join(t.root, 'moved'));
    symlinkSync(join(t.root, 'outside'), join(t.box, 'sub'));
    assert.throws(() => b.lookup(sub, 'file.txt'), (e: unknown) => e instanceof FsError && (e.errorCode === 'loop' || e.errorCode === 'not-directory'));
  });
});

test('a directory swapped for another directory after the lookup is refused (inode check)', () => {
  withBackend((b, t) => {
    const sub = b.lookup(b.root(), 'sub')!;
    renameSync(join(t.box, 'sub'), join(t.root, 'moved'));
    renameSync(join(t.root, 'outside'), join(t.box, 'sub'));
    assert.throws(() => b.lookup(sub, 'file.txt'), (e: unknown) => e instanceof FsError && e.errorCode === 'no-entry');
    assert.throws(() => b.stat(sub), (e: unknown) => e instanceof FsError && e.errorCode === 'no-entry');
  });
});

test('a directory already in use keeps designating itself when a host process swaps its name', () => {
  withBackend((b, t) => {
    const sub = b.lookup(b.root(), 'sub')!;
    assert.equal(b.stat(sub).type, 'directory'); // reaches sub through its own descriptor
    renameSync(join(t.box, 'sub'), join(t.root, 'moved'));
    renameSync(join(t.root, 'outside'), join(t.box, 'sub'));
    // Like a held directory fd: it follows the directory, never the one swapped in at its name.
    const f = b.lookup(sub, 'file.txt')!;
    assert.equal(contents(b, f), 'inside');
  });
});

test('a directory opened before it is moved keeps designating the same directory', () => {
  withBackend((b, t) => {
    const sub = b.lookup(b.root(), 'sub')!;
    const first = b.lookup(sub, 'file.txt')!; // opens and caches sub's descriptor
    assert.equal(b.stat(first).type, 'regular-file');
    renameSync(join(t.box, 'sub'), join(t.box, 'renamed'));
    const again = b.lookup(sub, 'file.txt')!;
    assert.equal(contents(b, again), 'inside');
  });
});

test('directory descriptors are bounded by maxOpenDirs and all closed by close()', () => {
  const t = tree();
  for (let i = 0; i < 20; i++) mkdirSync(join(t.box, `d${i}`));
  const before = openFds();
  const b = new HostBackend(t.box, { maxOpenDirs: 4 });
  try {
    for (let i = 0; i < 20; i++) {
      const d = b.lookup(b.root(), `d${i}`)!;
      b.lookup(d, 'nothing');
    }
    assert.equal(b.openDescriptors, 1 + 4);
    assert.equal(openFds(), before + 5);
  } finally {
    b.close();
  }
  assert.equal(b.openDescriptors, 0);
  assert.equal(openFds(), before, 'every descriptor closed');
  assert.throws(() => b.lookup(b.root(), 'd0'), (e: unknown) => e instanceof FsError && e.errorCode === 'bad-descriptor');
  t.done();
});

test('writes reach the host file synchronously, and sync flushes', () => {
  withBackend((b, t) => {
    const f = b.createFile(b.root(), 'out.txt');
    const io = b.open(f, { read: false, write: true });
    io.write(new TextEncoder().encode('durable'), 0n);
    assert.equal(readFileSync(join(t.box, 'out.txt'), 'utf8'), 'durable', 'visible before close');
    io.sync(false);
    io.sync(true);
    io.close();
  });
});
