// Minimal regression tests of the bugs the differential filesystem fuzzer (test/fuzz/) found: each
// asserts what Linux does (the oracle) through Warden's public path (Namespace, DirDescription,
// FileDescription). Open bugs are marked todo (so the suite stays green) and have an entry in
// rules.ts that lets the fuzzer go on past them; when one is fixed, drop both. The first group was
// fixed (63c750d, b6fb7f3, 7bfab50) and guards the fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirDescription, FileDescription } from '../../src/fs/descriptor.js';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { Namespace } from '../../src/fs/namespace.js';
import { OverlayBackend } from '../../src/fs/overlay/overlay-backend.js';
import type { OpenRequest } from '../../src/fs/resolver.js';
import type { Backend } from '../../src/fs/types.js';
import { HostBackend } from '../../src/node/host-backend.js';
import { dec, enc, expectFsError, req } from '../helpers.js';


function rootOf(backend: Backend<any>): DirDescription {
  const ns = new Namespace();
  ns.mount('/m', backend);
  return ns.openDir('/m');
}

function file(dir: DirDescription, path: string, over: Partial<OpenRequest> = {}, append = false): FileDescription {
  const d = dir.open(path, req(over), { append });
  assert.ok(d instanceof FileDescription, `${path} opened as a file`);
  return d.retain();
}

function writeFile(dir: DirDescription, path: string, text: string): void {
  const f = file(dir, path, { create: true, write: true, read: false });
  f.write(enc(text));
  f.release();
}

/** A memory root holding `f` ("0123456789"), directory `d` with `d/f`, and `dang` -> `nope`. */
function memoryTree(): DirDescription {
  const root = rootOf(new MemoryBackend());
  writeFile(root, 'f', '0123456789');
  root.mkdir('d');
  writeFile(root, 'd/f', 'in d');
  root.symlink('nope', 'dang');
  return root;
}

/** Runs `fn` on a HostBackend over a fresh temp dir holding `f` ("0123456789"); cleans up after. */
function withHost(fn: (root: DirDescription) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'warden-fuzz-regression-'));
  const backend = new HostBackend(dir);
  try {
    writeFileSync(join(dir, 'f'), '0123456789');
    fn(rootOf(backend));
  } finally {
    backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------ fixed

test('symlink with an empty target fails no-entry and creates nothing', () => {
  const root = memoryTree();
  expectFsError(() => root.symlink('', 'x'), 'no-entry', 'a new name');
  expectFsError(() => root.statAt('x', false), 'no-entry', 'nothing was created');
  expectFsError(() => root.symlink('', 'd'), 'no-entry', 'a taken name');
});

test('link and rename resolve both parents before the last components (Linux error order)', () => {
  const root = memoryTree();
  expectFsError(() => root.link('d', false, root, 'f'), 'exist', 'link of a directory onto a taken name');
  expectFsError(() => root.rename('.', root, 'missing/x'), 'no-entry', 'rename of . into a missing directory');
  expectFsError(() => root.rename('f', root, 'd/'), 'not-directory', 'rename of a file onto "dir/"');
});

test('rmdir of a path ending in `..` fails not-empty, `.` invalid', () => {
  const root = memoryTree();
  root.mkdir('x');
  expectFsError(() => root.rmdir('x/..'), 'not-empty');
  expectFsError(() => root.rmdir('x/.'), 'invalid');
});

test('O_CREAT on a path ending in a slash fails is-directory whatever the name is', () => {
  const root = memoryTree();
  expectFsError(() => root.open('f/', req({ create: true })), 'is-directory', 'an existing file');
  expectFsError(() => root.open('dang/', req({ create: true, write: true })), 'is-directory', 'a dangling symlink');
  expectFsError(() => root.open('f/', req({ create: true, exclusive: true })), 'is-directory', 'O_EXCL too');
});

test('O_CREAT through a dangling symlink creates the file it points to', () => {
  const root = memoryTree();
  const f = file(root, 'dang', { create: true, write: true });
  f.write(enc('via link'));
  f.release();
  assert.equal(root.statAt('nope', false).type, 'regular-file');
  assert.equal(root.statAt('dang', false).type, 'symbolic-link', 'the link stays a link');
});

test('O_DIRECTORY|O_NOFOLLOW on a symlink fails not-directory', () => {
  const root = memoryTree();
  root.symlink('d', 'sd');
  expectFsError(() => root.open('sd', req({ directory: true, follow: false })), 'not-directory');
});

test('O_TRUNC on a read-only open of a host file truncates it', () => {
  withHost((root) => {
    const f = file(root, 'f', { truncate: true });
    assert.equal(f.stat().size, 0n);
    f.release();
  });
});

test('a write of 0 bytes with append leaves the position where it was', () => {
  const root = memoryTree();
  const f = file(root, 'f', { write: true }, true);
  assert.equal(f.write(new Uint8Array(0)), 0);
  assert.equal(f.position, 0n);
  f.release();
});

test('a description of a host directory used before its removal still answers fstat and futimes', () => {
  withHost((root) => {
    root.mkdir('x');
    const held = root.open('x', req({ directory: true })).retain() as DirDescription;
    held.list(0n);
    root.rmdir('x');
    const st = held.stat();
    assert.equal(st.type, 'directory');
    assert.equal(st.nlink, 0n);
    held.setTimes({ kind: 'set', ns: 1_000_000_000_000_000_000n }, { kind: 'keep' });
    held.release();
  });
});

test(
  'a description of a host directory keeps working after the directory is renamed or removed before its first use',
  () => {
    withHost((root) => {
      root.mkdir('x');
      const moved = root.open('x', req({ directory: true })).retain() as DirDescription;
      root.rename('x', root, 'y');
      moved.mkdir('inside');
      assert.equal(root.statAt('y/inside', false).type, 'directory', 'created in the moved directory');
      moved.release();
      root.mkdir('z');
      const removed = root.open('z', req({ directory: true })).retain() as DirDescription;
      root.rmdir('z');
      assert.equal(removed.stat().nlink, 0n);
      removed.release();
    });
  },
);

test(
  'an overlay description opened for reading keeps reading the file after its copy is unlinked and closed',
  () => {
    const lower = new MemoryBackend();
    writeFile(rootOf(lower), 'f', '0123456789');
    const root = rootOf(new OverlayBackend(lower));
    const reader = file(root, 'f');
    const writer = file(root, 'f', { write: true }); // copies f up
    root.unlink('f');
    writer.release();
    const buf = new Uint8Array(5);
    const n = reader.read(buf);
    assert.equal(dec(buf.subarray(0, n)), '01234');
    reader.release();
  },
);

test(
  'a path of 4096 bytes is too long (PATH_MAX counts the NUL)',
  () => {
    const root = memoryTree();
    const p4095 = `${'./'.repeat(2047)}f`;
    const p4096 = `.//${'./'.repeat(2046)}f`;
    assert.equal(p4096.length, 4096);
    assert.equal(root.statAt(p4095, true).type, 'regular-file', '4095 bytes resolve');
    expectFsError(() => root.statAt(p4096, true), 'name-too-long', '4096 bytes');
    expectFsError(() => root.symlink('x'.repeat(4096), 'long'), 'name-too-long', 'a symlink target of 4096 bytes');
  },
);

// ------------------------------------------------------------------------------ open

test(
  'rename and link: the error Linux reports when both paths are wrong',
  () => {
    const root = memoryTree();
    expectFsError(() => root.rename('d/f', root, 'd'), 'not-empty', 'a file onto its own parent');
    expectFsError(() => root.rename('d', root, 'd/f'), 'invalid', 'a directory onto a file inside it');
    expectFsError(() => root.rename('missing', root, 'L'.repeat(256)), 'no-entry', 'a missing source, an over-long target name');
    expectFsError(() => root.link('d', false, root, 'new/'), 'no-entry', 'a directory onto a missing "name/"');
  },
);

test(
  'O_CREAT: a trailing slash is is-directory before the name is looked at, also from a followed symlink',
  () => {
    const root = memoryTree();
    expectFsError(() => root.open(`${'L'.repeat(256)}/`, req({ create: true, write: true })), 'is-directory', 'an over-long name');
    root.symlink('f/', 'sdf');
    expectFsError(() => root.open('sdf', req({ create: true, write: true })), 'is-directory', 'a symlink to "f/"');
  },
);

test(
  'O_CREAT through a dangling symlink works whatever the length of the link\'s path plus its target',
  () => {
    const root = memoryTree();
    root.symlink(`${'./'.repeat(2045)}new`, 'dl'); // a 4093-byte target
    const f = file(root, 'd/../dl', { create: true, write: true });
    f.release();
    assert.equal(root.statAt('new', false).type, 'regular-file');
  },
);
