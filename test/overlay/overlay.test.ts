// Tests of OverlayBackend (src/fs/overlay/) through a real Namespace and the resolver: whiteouts,
// opaque directories, copy-up, renames, merged listings, `..` and symlinks across layers, inode
// numbers, mount points, changes(), and that the lower layer (memory or a host directory) is never
// changed, byte for byte.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirDescription, FileDescription, type DescriptionFlags } from '../../src/fs/descriptor.js';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { Namespace } from '../../src/fs/namespace.js';
import { OverlayBackend, UPPER_INO_BASE, type OverlayChange } from '../../src/fs/overlay/overlay-backend.js';
import { inoOfLower, newMarkers, BIG_INO_BASE } from '../../src/fs/overlay/markers.js';
import type { OpenRequest } from '../../src/fs/resolver.js';
import { ReadOnlyBackend } from '../../src/fs/virtual/read-only.js';
import { VirtualBackend, callbackFile } from '../../src/fs/virtual/virtual-backend.js';
import { HostBackend } from '../../src/node/host-backend.js';
import type { Backend } from '../../src/fs/types.js';
import { dec, enc, expectFsError, req, openFile } from '../helpers.js';
import { applyChanges, dumpTree, plainChanges } from './trees.js';

// ---------------------------------------------------------------------------- helpers



function openDir(dir: DirDescription, path: string): DirDescription {
  const d = dir.open(path, req({ directory: true }));
  assert.ok(d instanceof DirDescription, `${path} opened as a directory`);
  return d.retain();
}

function readAll(f: FileDescription): string {
  const out = new Uint8Array(Number(f.stat().size) + 16);
  let done = 0;
  for (;;) {
    const n = f.pread(out.subarray(done), BigInt(done));
    if (n === 0) break;
    done += n;
  }
  return dec(out.subarray(0, done));
}

function read(dir: DirDescription, path: string): string {
  const f = openFile(dir, path);
  try {
    return readAll(f);
  } finally {
    f.release();
  }
}

function write(dir: DirDescription, path: string, text: string, over: Partial<OpenRequest> = {}, flags: Partial<DescriptionFlags> = {}): void {
  const f = openFile(dir, path, { read: false, write: true, create: true, truncate: true, ...over }, flags);
  try {
    f.write(enc(text));
  } finally {
    f.release();
  }
}

function names(dir: DirDescription, path = '.'): string[] {
  const d = openDir(dir, path);
  try {
    return d.list(0n).map((e) => e.name).filter((n) => n !== '.' && n !== '..');
  } finally {
    d.release();
  }
}

/**
 * The lower tree of most tests:
 *   README.md "readme"   keep.txt "keep"   lnk -> README.md   link-to-src -> src   empty/
 *   src/main.c "int main(){}"   src/lib/util.c "util"   src/lib/util.h "h"
 *   docs/guide.txt "guide"   docs/old.txt "old"
 */
function lowerTree(): MemoryBackend {
  const lower = new MemoryBackend();
  const ns = new Namespace({ root: lower });
  ns.writeFile('/README.md', 'readme');
  ns.writeFile('/keep.txt', 'keep');
  ns.writeFile('/src/main.c', 'int main(){}');
  ns.writeFile('/src/lib/util.c', 'util');
  ns.writeFile('/src/lib/util.h', 'h');
  ns.writeFile('/docs/guide.txt', 'guide');
  ns.writeFile('/docs/old.txt', 'old');
  ns.mkdirp('/empty');
  ns.symlink('README.md', '/lnk');
  ns.symlink('src', '/link-to-src');
  return lower;
}

interface Setup {
  lower: MemoryBackend;
  overlay: OverlayBackend;
  ns: Namespace;
  dir: DirDescription;
  /** Asserts the lower tree is exactly as it was built (everything but atimes). */
  lowerUnchanged(): void;
}

function setup(lower: MemoryBackend = lowerTree()): Setup {
  const before = dumpTree(lower, true);
  const overlay = new OverlayBackend(lower);
  const ns = new Namespace();
  ns.mount('/o', overlay);
  const dir = ns.openDir('/o').retain();
  return { lower, overlay, ns, dir, lowerUnchanged: () => assert.deepEqual(dumpTree(lower, true), before, 'the lower layer is unchanged') };
}

/** The upper layer's tree (names and types), to see what was copied up. */
function upperPaths(o: OverlayBackend): string[] {
  const out: string[] = [];
  const visit = (node: object, prefix: string): void => {
    for (const e of o.upper.readdir(node as never)) {
      const p = prefix === '' ? e.name : `${prefix}/${e.name}`;
      out.push(p);
      if (e.type === 'directory') visit(o.upper.lookup(node as never, e.name)!, p);
    }
  };
  visit(o.upper.root(), '');
  return out.sort();
}

/** Applies changes() to a fresh copy of the lower tree and checks it matches the overlay. */
function assertChangesReproduce(s: Setup, copy: () => MemoryBackend = lowerTree): void {
  const target = copy();
  applyChanges(target, s.overlay.changes());
  assert.deepEqual(dumpTree(target, false), dumpTree(s.overlay, false), 'changes() applied to the lower gives the overlay');
}

// ---------------------------------------------------------------------------- tests

describe('overlay: reading', () => {
  test('the merged view shows the lower tree; reading never copies anything up', () => {
    const s = setup();
    assert.deepEqual(names(s.dir).sort(), ['README.md', 'docs', 'empty', 'keep.txt', 'link-to-src', 'lnk', 'src']);
    assert.equal(read(s.dir, 'src/lib/util.c'), 'util');
    assert.equal(read(s.dir, 'lnk'), 'readme');
    assert.equal(s.dir.readlink('lnk'), 'README.md');
    assert.equal(read(s.dir, 'link-to-src/main.c'), 'int main(){}');
    assert.equal(s.dir.statAt('src', true).type, 'directory');
    for (const p of ['src', 'src/lib', 'docs', 'empty']) names(s.dir, p);
    // An open for reading and writing that never writes copies the file up, but changes nothing.
    const f = openFile(s.dir, 'README.md', { write: true });
    assert.equal(readAll(f), 'readme');
    f.release();
    assert.deepEqual(upperPaths(s.overlay), ['README.md']);
    assert.deepEqual(s.overlay.changes(), [], 'a copy-up alone is no change');
    s.lowerUnchanged();
  });

  test('a pure read sequence leaves the upper layer empty', () => {
    const s = setup();
    read(s.dir, 'docs/guide.txt');
    s.dir.statAt('link-to-src/lib/util.h', true);
    names(s.dir, 'link-to-src/lib');
    assert.deepEqual(upperPaths(s.overlay), []);
    s.lowerUnchanged();
  });

  test('merged listing: lower order with upper entries in place, then new names; no duplicates; stable', () => {
    const s = setup();
    const lowerOrder = names(s.dir, 'src');
    assert.deepEqual(lowerOrder, ['main.c', 'lib']);
    write(s.dir, 'src/zeta.c', 'z');
    write(s.dir, 'src/alpha.c', 'a');
    write(s.dir, 'src/main.c', 'changed'); // copied up, keeps its place
    s.dir.unlink('src/lib/util.h');
    assert.deepEqual(names(s.dir, 'src'), ['main.c', 'lib', 'zeta.c', 'alpha.c']);
    assert.deepEqual(names(s.dir, 'src/lib'), ['util.c']);
    s.dir.unlink('src/main.c');
    write(s.dir, 'src/main.c', 'new'); // deleted and recreated: replaces the lower entry in its place
    const listed = names(s.dir, 'src');
    assert.deepEqual(listed, ['main.c', 'lib', 'zeta.c', 'alpha.c']);
    assert.equal(new Set(listed).size, listed.length, 'no duplicates');
    assert.deepEqual(names(s.dir, 'src'), listed, 'stable without changes');
    // '.' and '..' come first, inodes match stat.
    const d = openDir(s.dir, 'src');
    const entries = d.list(0n);
    assert.deepEqual(entries.slice(0, 2).map((e) => e.name), ['.', '..']);
    for (const e of entries.slice(2)) assert.equal(e.ino, s.dir.statAt(`src/${e.name}`, false).ino, e.name);
    d.release();
    s.lowerUnchanged();
  });
});

describe('overlay: whiteouts and opaque directories', () => {
  test('deleting a lower file hides it; the lower keeps it; recreating it makes a new file', () => {
    const s = setup();
    const oldIno = s.dir.statAt('docs/old.txt', false).ino;
    s.dir.unlink('docs/old.txt');
    expectFsError(() => s.dir.statAt('docs/old.txt', false), 'no-entry');
    expectFsError(() => read(s.dir, 'docs/old.txt'), 'no-entry');
    assert.deepEqual(names(s.dir, 'docs'), ['guide.txt']);
    s.lowerUnchanged();
    assert.equal(new Namespace({ root: s.lower }).readText('/docs/old.txt'), 'old');
    expectFsError(() => s.dir.unlink('docs/old.txt'), 'no-entry', 'a whiteout is not an entry');
    write(s.dir, 'docs/old.txt', 'again', { exclusive: true });
    assert.equal(read(s.dir, 'docs/old.txt'), 'again');
    assert.notEqual(s.dir.statAt('docs/old.txt', false).ino, oldIno, 'a new file, a new inode');
    assert.deepEqual(names(s.dir, 'docs'), ['guide.txt', 'old.txt']);
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('a lower directory emptied, removed and made again is empty (opaque)', () => {
    const s = setup();
    expectFsError(() => s.dir.rmdir('src/lib'), 'not-empty');
    s.dir.unlink('src/lib/util.c');
    expectFsError(() => s.dir.rmdir('src/lib'), 'not-empty', 'one lower entry is still visible');
    s.dir.unlink('src/lib/util.h');
    assert.deepEqual(names(s.dir, 'src/lib'), []);
    s.dir.rmdir('src/lib');
    expectFsError(() => s.dir.statAt('src/lib', false), 'no-entry');
    s.dir.mkdir('src/lib');
    assert.deepEqual(names(s.dir, 'src/lib'), [], 'the lower contents do not come back');
    expectFsError(() => s.dir.statAt('src/lib/util.c', false), 'no-entry');
    write(s.dir, 'src/lib/new.c', 'n');
    assert.deepEqual(names(s.dir, 'src/lib'), ['new.c']);
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('deleting a lower symlink removes the link, not its target; a lower empty dir can be removed', () => {
    const s = setup();
    s.dir.unlink('lnk');
    assert.equal(read(s.dir, 'README.md'), 'readme');
    s.dir.rmdir('empty');
    assert.deepEqual(names(s.dir).sort(), ['README.md', 'docs', 'keep.txt', 'link-to-src', 'src']);
    s.lowerUnchanged();
  });

  test('a directory fd on a removed lower directory finds nothing and cannot create', () => {
    const s = setup();
    const d = openDir(s.dir, 'empty');
    s.dir.rmdir('empty');
    assert.deepEqual(d.list(0n).map((e) => e.name), ['.', '..']);
    expectFsError(() => write(d, 'x', 'x'), 'no-entry');
    expectFsError(() => d.mkdir('x'), 'no-entry');
    d.release();
    s.lowerUnchanged();
  });
});

describe('overlay: copy-up', () => {
  test('write copies up the bytes and times first; the inode number stays', () => {
    const s = setup();
    const before = s.dir.statAt('src/main.c', false);
    const f = openFile(s.dir, 'src/main.c', { write: true });
    const copied = s.dir.statAt('src/main.c', false);
    assert.equal(copied.ino, before.ino, 'a copied-up file keeps its inode number');
    assert.equal(copied.mtimeNs, before.mtimeNs, 'and its mtime');
    assert.equal(copied.size, before.size);
    f.pwrite(enc('INT'), 0n);
    f.release();
    assert.equal(read(s.dir, 'src/main.c'), 'INT main(){}');
    assert.ok(s.dir.statAt('src/main.c', false).mtimeNs > before.mtimeNs);
    assert.deepEqual(upperPaths(s.overlay), ['src', 'src/main.c'], 'the parent directory is copied up, nothing else');
    s.lowerUnchanged();
  });

  test('a copy-up leaves the parent directory times alone', () => {
    const s = setup();
    const src = s.dir.statAt('src', false);
    const f = openFile(s.dir, 'src/lib/util.c', { write: true });
    f.release();
    assert.equal(s.dir.statAt('src', false).mtimeNs, src.mtimeNs);
    assert.equal(s.dir.statAt('src/lib', false).mtimeNs, s.lower.stat(s.lower.lookup(s.lower.lookup(s.lower.root(), 'src')!, 'lib')!).mtimeNs);
    s.lowerUnchanged();
  });

  test('append writes after the lower bytes', () => {
    const s = setup();
    write(s.dir, 'keep.txt', '+more', { truncate: false, create: false }, { append: true });
    assert.equal(read(s.dir, 'keep.txt'), 'keep+more');
    s.lowerUnchanged();
  });

  test('O_TRUNC empties the copy, even on an open for reading only', () => {
    const s = setup();
    const f = openFile(s.dir, 'keep.txt', { truncate: true });
    assert.equal(readAll(f), '');
    f.release();
    assert.equal(read(s.dir, 'keep.txt'), '');
    write(s.dir, 'README.md', 'R', { create: false }); // write-only with O_TRUNC
    assert.equal(read(s.dir, 'README.md'), 'R');
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('setTimes copies up and sets the times; the content stays', () => {
    const s = setup();
    s.dir.setTimesAt('keep.txt', false, { kind: 'set', ns: 1_000n }, { kind: 'set', ns: 2_000n });
    const st = s.dir.statAt('keep.txt', false);
    assert.equal(st.atimeNs, 1_000n);
    assert.equal(st.mtimeNs, 2_000n);
    assert.equal(read(s.dir, 'keep.txt'), 'keep');
    s.dir.setTimesAt('lnk', false, { kind: 'keep' }, { kind: 'set', ns: 3_000n });
    assert.equal(s.dir.statAt('lnk', false).mtimeNs, 3_000n, 'a symlink itself (no follow)');
    assert.equal(s.dir.readlink('lnk'), 'README.md');
    s.dir.setTimesAt('docs', false, { kind: 'keep' }, { kind: 'set', ns: 4_000n });
    assert.equal(s.dir.statAt('docs', false).mtimeNs, 4_000n);
    assert.deepEqual(names(s.dir, 'docs'), ['guide.txt', 'old.txt'], 'a copied-up directory stays merged');
    s.lowerUnchanged();
  });

  test('a file opened for reading before a copy-up reads the copy afterwards', () => {
    const s = setup();
    const r = openFile(s.dir, 'README.md');
    assert.equal(readAll(r), 'readme');
    const w = openFile(s.dir, 'README.md', { read: false, write: true });
    w.pwrite(enc('RE'), 0n);
    assert.equal(readAll(r), 'REadme', 'the earlier description sees the write');
    assert.equal(r.stat().size, 6n);
    w.setSize(2n);
    assert.equal(readAll(r), 'RE');
    w.release();
    r.release();
    s.lowerUnchanged();
  });

  test('a deleted lower file stays readable through an open description; its times can still be set', () => {
    const s = setup();
    const r = openFile(s.dir, 'docs/guide.txt');
    s.dir.unlink('docs/guide.txt');
    assert.equal(readAll(r), 'guide');
    assert.equal(r.stat().nlink, 0n);
    r.setTimes({ kind: 'set', ns: 5n }, { kind: 'set', ns: 6n });
    assert.equal(r.stat().mtimeNs, 6n);
    r.release();
    expectFsError(() => s.dir.statAt('docs/guide.txt', false), 'no-entry');
    s.lowerUnchanged();
  });

  test('hard link of a lower file: copied up, then linked in the upper layer', () => {
    const s = setup();
    const ino = s.dir.statAt('keep.txt', false).ino;
    s.dir.link('keep.txt', false, s.dir, 'docs/keep-link');
    assert.equal(s.dir.statAt('docs/keep-link', false).ino, ino);
    assert.equal(s.dir.statAt('keep.txt', false).nlink, 2n);
    write(s.dir, 'docs/keep-link', 'shared');
    assert.equal(read(s.dir, 'keep.txt'), 'shared', 'the two names share the bytes');
    s.dir.unlink('keep.txt');
    assert.equal(s.dir.statAt('docs/keep-link', false).nlink, 1n);
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('directory nlink counts merged subdirectories', () => {
    const s = setup();
    assert.equal(s.dir.statAt('src', false).nlink, 3n);
    s.dir.mkdir('src/x');
    assert.equal(s.dir.statAt('src', false).nlink, 4n);
    s.dir.unlink('src/lib/util.c');
    s.dir.unlink('src/lib/util.h');
    s.dir.rmdir('src/lib');
    assert.equal(s.dir.statAt('src', false).nlink, 3n);
    s.dir.rmdir('src/x');
    assert.equal(s.dir.statAt('src', false).nlink, 2n);
    s.lowerUnchanged();
  });
});

describe('overlay: copy-up edge cases', () => {
  test('a file larger than one copy chunk is copied whole', () => {
    const lower = new MemoryBackend();
    const big = Uint8Array.from({ length: 2_500_000 }, (_, i) => (i * 7) % 256);
    new Namespace({ root: lower }).writeFile('/big.bin', big);
    const s = setup(lower);
    const f = openFile(s.dir, 'big.bin', { write: true });
    f.pwrite(Uint8Array.of(1, 2, 3), 2_500_000n);
    const back = new Uint8Array(2_500_003);
    assert.equal(f.pread(back, 0n), 2_500_003);
    f.release();
    assert.deepEqual(back.subarray(0, 2_500_000), big);
    assert.deepEqual([...back.subarray(2_500_000)], [1, 2, 3]);
    s.lowerUnchanged();
  });

  test('a copy-up that runs out of upper space fails cleanly: nothing half-copied is left', () => {
    const lower = new MemoryBackend();
    new Namespace({ root: lower }).writeFile('/dir/big.bin', new Uint8Array(10_000).fill(9));
    const before = dumpTree(lower, true);
    const overlay = new OverlayBackend(lower, { upper: new MemoryBackend({ maxBytes: 4_096 }) });
    const ns = new Namespace();
    ns.mount('/o', overlay);
    const dir = ns.openDir('/o');
    const mtime = dir.statAt('dir', false).mtimeNs;
    expectFsError(() => openFile(dir, 'dir/big.bin', { write: true }), 'insufficient-space');
    assert.equal(dir.statAt('dir', false).mtimeNs, mtime, 'the directory times are as they were');
    assert.deepEqual(upperPaths(overlay), ['dir'], 'only the parent directory was copied up');
    assert.equal(dir.statAt('dir/big.bin', false).size, 10_000n);
    assert.equal(read(dir, 'dir/big.bin').length, 10_000);
    assert.deepEqual(overlay.changes(), []);
    assert.deepEqual(dumpTree(lower, true), before);
  });

  test('a special file of the lower layer is read through and can be deleted, not copied up', () => {
    let written = 0;
    const lower = new VirtualBackend({
      dev: { tty: callbackFile({ type: 'character-device', streaming: true, read: () => enc('in'), write: (d) => (written += d.length) }) },
    });
    const overlay = new OverlayBackend(lower);
    const ns = new Namespace();
    ns.mount('/o', overlay);
    const dir = ns.openDir('/o');
    assert.equal(dir.statAt('dev/tty', false).type, 'character-device');
    const f = openFile(dir, 'dev/tty');
    assert.equal(f.read(new Uint8Array(8)), 2);
    f.release();
    expectFsError(() => openFile(dir, 'dev/tty', { write: true }), 'not-permitted');
    expectFsError(() => dir.setTimesAt('dev/tty', false, { kind: 'now' }, { kind: 'now' }), 'not-permitted');
    expectFsError(() => dir.rename('dev/tty', dir, 'tty'), 'not-permitted');
    assert.equal(written, 0, 'nothing reached the lower device');
    dir.unlink('dev/tty');
    assert.deepEqual(names(dir, 'dev'), []);
    assert.deepEqual(overlay.changes(), [{ path: 'dev/tty', kind: 'deleted', type: 'character-device' }]);
    assert.equal(lower.readdir(lower.lookup(lower.root(), 'dev')!).length, 1);
  });
});

describe('overlay: renames', () => {
  test('a lower file: copied up, moved, the old name whited out; same inode and bytes', () => {
    const s = setup();
    const ino = s.dir.statAt('docs/guide.txt', false).ino;
    s.dir.rename('docs/guide.txt', s.dir, 'guide.md');
    assert.equal(read(s.dir, 'guide.md'), 'guide');
    assert.equal(s.dir.statAt('guide.md', false).ino, ino);
    expectFsError(() => s.dir.statAt('docs/guide.txt', false), 'no-entry');
    // Over another lower file.
    s.dir.rename('keep.txt', s.dir, 'README.md');
    assert.equal(read(s.dir, 'README.md'), 'keep');
    expectFsError(() => s.dir.statAt('keep.txt', false), 'no-entry');
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('a lower directory: the whole subtree moves; a directory fd on it follows', () => {
    const s = setup();
    const ino = s.dir.statAt('src', false).ino;
    const libIno = s.dir.statAt('src/lib', false).ino;
    const fd = openDir(s.dir, 'src');
    s.dir.rename('src', s.dir, 'docs/src2');
    assert.equal(s.dir.statAt('docs/src2', false).ino, ino);
    assert.equal(s.dir.statAt('docs/src2/lib', false).ino, libIno);
    assert.equal(read(s.dir, 'docs/src2/lib/util.c'), 'util');
    assert.deepEqual(names(s.dir, 'docs/src2'), ['main.c', 'lib']);
    expectFsError(() => s.dir.statAt('src', false), 'no-entry');
    expectFsError(() => read(s.dir, 'link-to-src/main.c'), 'no-entry', 'the lower symlink now dangles');
    // The fd opened before the rename designates the moved directory.
    assert.equal(read(fd, 'lib/util.h'), 'h');
    fd.mkdir('made-through-fd');
    assert.equal(s.dir.statAt('docs/src2/made-through-fd', false).type, 'directory');
    fd.release();
    // Moving it back: the lower contents stay hidden (opaque), the moved ones are there.
    s.dir.rename('docs/src2', s.dir, 'src');
    assert.deepEqual(names(s.dir, 'src'), ['main.c', 'lib', 'made-through-fd']);
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('a directory over an empty lower directory, and into its own subtree', () => {
    const s = setup();
    expectFsError(() => s.dir.rename('src', s.dir, 'src/lib/inside'), 'invalid');
    expectFsError(() => s.dir.rename('src', s.dir, 'docs'), 'not-empty');
    expectFsError(() => s.dir.rename('keep.txt', s.dir, 'docs'), 'is-directory');
    assert.deepEqual(upperPaths(s.overlay), [], 'a refused rename copies nothing up');
    s.dir.rename('docs', s.dir, 'empty');
    assert.deepEqual(names(s.dir, 'empty'), ['guide.txt', 'old.txt']);
    expectFsError(() => s.dir.statAt('docs', false), 'no-entry');
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });
});

describe('overlay: paths across layers', () => {
  test('`..` and symlinks resolve across copied-up and lower-only directories', () => {
    const s = setup();
    write(s.dir, 'src/new.c', 'new'); // src is now merged; src/lib is lower-only
    assert.equal(read(s.dir, 'src/lib/../new.c'), 'new');
    assert.equal(read(s.dir, 'src/lib/../../docs/guide.txt'), 'guide');
    assert.equal(read(s.dir, 'link-to-src/new.c'), 'new', 'a lower symlink into a merged directory');
    assert.equal(read(s.dir, 'link-to-src/../README.md'), 'readme');
    s.dir.symlink('src/lib', 'up');
    assert.equal(read(s.dir, 'up/util.c'), 'util', 'an upper symlink into a lower-only directory');
    assert.equal(read(s.dir, 'up/../main.c'), 'int main(){}');
    write(s.dir, 'README.md', 'changed');
    assert.equal(read(s.dir, 'lnk'), 'changed', 'a lower symlink to a copied-up file');
    expectFsError(() => read(s.dir, '../o/README.md'), 'not-permitted');
    s.lowerUnchanged();
  });

  test('a mount point inside the overlay stays one when its parents are copied up or moved', () => {
    const s = setup();
    const inner = new MemoryBackend();
    s.ns.mount('/o/src/lib', inner);
    s.ns.writeFile('/o/src/lib/m.txt', 'mounted');
    write(s.dir, 'src/new.c', 'x'); // copies src up
    assert.equal(read(s.dir, 'src/lib/m.txt'), 'mounted');
    expectFsError(() => s.dir.rmdir('src/lib'), 'busy');
    s.dir.rename('src', s.dir, 'moved');
    assert.equal(read(s.dir, 'moved/lib/m.txt'), 'mounted');
    assert.equal(new Namespace({ root: inner }).readText('/m.txt'), 'mounted');
    s.lowerUnchanged();
  });
});

describe('overlay: a given upper layer', () => {
  test('its directories merge with the lower ones at the same paths; its files hide lower ones', () => {
    const upper = new MemoryBackend();
    const u = new Namespace({ root: upper });
    u.writeFile('/src/extra.c', 'extra');
    u.writeFile('/keep.txt', 'from upper');
    const s0 = lowerTree();
    const before = dumpTree(s0, true);
    const overlay = new OverlayBackend(s0, { upper });
    assert.equal(overlay.upper, upper);
    const ns = new Namespace();
    ns.mount('/o', overlay);
    const dir = ns.openDir('/o');
    assert.deepEqual(names(dir, 'src'), ['main.c', 'lib', 'extra.c']);
    assert.equal(read(dir, 'keep.txt'), 'from upper');
    assert.equal(read(dir, 'src/lib/util.c'), 'util');
    dir.rename('src', dir, 'empty'); // merged: copied up whole, then opaque where it lands
    assert.deepEqual(names(dir, 'empty').sort(), ['extra.c', 'lib', 'main.c'], 'a moved directory lists in upper order');
    assert.deepEqual(overlay.changes().map((c) => `${c.kind} ${c.path}`), [
      'replaced empty', 'added empty/extra.c', 'added empty/lib', 'added empty/lib/util.c', 'added empty/lib/util.h', 'added empty/main.c',
      'replaced keep.txt', 'deleted src',
    ]);
    assert.deepEqual(dumpTree(s0, true), before, 'the lower layer is unchanged');
  });
});

describe('overlay: inode numbers', () => {
  test('lower numbers kept, upper ones in their own range, copy-ups keep theirs, listings agree', () => {
    const s = setup();
    const lowerIno = s.lower.stat(s.lower.lookup(s.lower.root(), 'keep.txt')!).ino;
    assert.equal(s.dir.statAt('keep.txt', false).ino, lowerIno);
    write(s.dir, 'fresh.txt', 'f');
    s.dir.mkdir('fresh-dir');
    assert.ok(s.dir.statAt('fresh.txt', false).ino >= UPPER_INO_BASE);
    assert.ok(s.dir.statAt('fresh-dir', false).ino >= UPPER_INO_BASE);
    write(s.dir, 'keep.txt', 'k');
    assert.equal(s.dir.statAt('keep.txt', false).ino, lowerIno);
    const d = openDir(s.dir, '.');
    const listed = d.list(0n).slice(2);
    d.release();
    const inos = listed.map((e) => e.ino);
    assert.equal(new Set(inos).size, inos.length, 'distinct');
    for (const e of listed) assert.equal(e.ino, s.dir.statAt(e.name, false).ino, e.name);
    s.lowerUnchanged();
  });

  test('lower numbers at or above 2^62 move to their own range, stably', () => {
    const m = newMarkers();
    assert.equal(inoOfLower(m, 7n), 7n);
    const big = inoOfLower(m, UPPER_INO_BASE + 5n);
    assert.equal(big, BIG_INO_BASE);
    assert.equal(inoOfLower(m, (1n << 64n) - 1n), BIG_INO_BASE + 1n);
    assert.equal(inoOfLower(m, UPPER_INO_BASE + 5n), big, 'stable');
  });
});

describe('overlay: the lower layer is never asked to change', () => {
  test('the overlay holds its lower behind a read-only view', () => {
    const o = new OverlayBackend(new MemoryBackend());
    assert.ok(o.lower instanceof ReadOnlyBackend);
    expectFsError(() => o.lower.createFile(o.lower.root(), 'x'), 'not-permitted');
    const ro = new ReadOnlyBackend(new MemoryBackend());
    assert.equal(new OverlayBackend(ro).lower, ro, 'a read-only lower is used as is');
  });

  test('through every kind of change, the lower sees only reads', () => {
    const lower = lowerTree();
    const calls = new Set<string>();
    const spy = new Proxy(lower, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          calls.add(prop === 'open' ? `open:${(args[1] as { write: boolean }).write ? 'write' : 'read'}` : String(prop));
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Backend<any>;
    const s = setup(lower);
    const o = new OverlayBackend(spy);
    const ns = new Namespace();
    ns.mount('/o', o);
    const dir = ns.openDir('/o').retain();
    write(dir, 'src/main.c', 'w');
    write(dir, 'keep.txt', '+', { truncate: false, create: false }, { append: true });
    openFile(dir, 'README.md', { truncate: true }).release();
    dir.setTimesAt('docs/guide.txt', false, { kind: 'now' }, { kind: 'now' });
    dir.link('docs/guide.txt', false, dir, 'g2');
    dir.unlink('docs/old.txt');
    dir.rename('src', dir, 'empty/src');
    dir.symlink('x', 'docs/sym');
    dir.mkdir('docs/new');
    dir.rmdir('docs/new');
    dir.unlink('lnk');
    dir.rename('docs', dir, 'docs2');
    o.changes();
    const reads = new Set(['root', 'stat', 'typeOf', 'lookup', 'readlink', 'readdir', 'open:read', 'nodeKey', 'label']);
    assert.deepEqual([...calls].filter((c) => !reads.has(c)), [], 'only reads reach the lower');
    assert.ok(calls.has('open:read') && calls.has('lookup'), `the lower was read: ${[...calls].join(', ')}`);
    s.lowerUnchanged();
  });
});

describe('overlay: changes()', () => {
  test('a scripted sequence gives exactly this list, and applying it reproduces the overlay', () => {
    const s = setup();
    const d = s.dir;
    write(d, 'src/main.c', '\n// edited', { truncate: false, create: false }, { append: true });
    d.setTimesAt('keep.txt', false, { kind: 'keep' }, { kind: 'set', ns: 1_234n });
    openFile(d, 'README.md', { write: true }).release(); // copied up, never written: no change
    d.unlink('docs/old.txt');
    d.rename('docs/guide.txt', d, 'guide.md');
    d.unlink('src/lib/util.c');
    d.unlink('src/lib/util.h');
    d.rmdir('src/lib');
    d.mkdir('src/lib');
    write(d, 'src/lib/new.c', 'new');
    d.unlink('lnk');
    d.symlink('keep.txt', 'lnk');
    d.mkdir('build');
    write(d, 'build/out.o', 'obj');
    d.mkdir('build/sub');
    d.rmdir('empty');
    d.setTimesAt('src', false, { kind: 'keep' }, { kind: 'set', ns: 5_678n });
    d.link('keep.txt', false, d, 'keep-hard.txt');
    write(d, 'tmp.txt', 'gone');
    d.unlink('tmp.txt');
    d.rename('src/main.c', d, 'src/main2.c');
    d.rename('src/main2.c', d, 'src/main.c');

    const changes = s.overlay.changes();
    const withoutTimes = plainChanges(changes).map((c) => {
      const { mtimeNs: _m, ino: _i, ...rest } = c as { mtimeNs?: bigint; ino?: bigint };
      return rest;
    });
    assert.deepEqual(withoutTimes, [
      { path: 'build', kind: 'added', type: 'directory' },
      { path: 'build/out.o', kind: 'added', type: 'regular-file', size: 3n, contentChanged: true, text: 'obj' },
      { path: 'build/sub', kind: 'added', type: 'directory' },
      { path: 'docs/guide.txt', kind: 'deleted', type: 'regular-file' },
      { path: 'docs/old.txt', kind: 'deleted', type: 'regular-file' },
      { path: 'empty', kind: 'deleted', type: 'directory' },
      { path: 'guide.md', kind: 'added', type: 'regular-file', size: 5n, contentChanged: true, text: 'guide' },
      { path: 'keep-hard.txt', kind: 'added', type: 'regular-file', size: 4n, contentChanged: true, text: 'keep' },
      { path: 'keep.txt', kind: 'modified', type: 'regular-file', size: 4n, contentChanged: false, text: 'keep' },
      { path: 'lnk', kind: 'replaced', type: 'symbolic-link', lowerType: 'symbolic-link', target: 'keep.txt' },
      { path: 'src', kind: 'modified', type: 'directory' },
      { path: 'src/lib', kind: 'replaced', type: 'directory', lowerType: 'directory' },
      { path: 'src/lib/new.c', kind: 'added', type: 'regular-file', size: 3n, contentChanged: true, text: 'new' },
      { path: 'src/main.c', kind: 'modified', type: 'regular-file', size: 22n, contentChanged: true, text: 'int main(){}\n// edited' },
    ]);
    // Times and inode numbers are the overlay's.
    for (const c of changes) {
      if (c.kind === 'deleted') continue;
      const st = d.statAt(c.path, false);
      assert.equal(c.mtimeNs, st.mtimeNs, `${c.path} mtime`);
      assert.equal(c.ino, st.ino, `${c.path} ino`);
    }
    const byPath = new Map(changes.map((c) => [c.path, c] as [string, OverlayChange]));
    const hard = byPath.get('keep-hard.txt');
    assert.ok(hard !== undefined && hard.kind !== 'deleted');
    assert.equal(hard.ino, d.statAt('keep.txt', false).ino, 'hard links share the inode number');
    const keep = byPath.get('keep.txt');
    assert.ok(keep !== undefined && keep.kind !== 'deleted');
    assert.equal(keep.mtimeNs, 1_234n);
    s.lowerUnchanged();
    assertChangesReproduce(s);
  });

  test('a fresh overlay, and one changed back to the lower content through deletes, list nothing / only what differs', () => {
    const s = setup();
    assert.deepEqual(s.overlay.changes(), []);
    s.dir.rename('keep.txt', s.dir, 'k2');
    s.dir.rename('k2', s.dir, 'keep.txt');
    assert.deepEqual(s.overlay.changes(), [], 'moved away and back, unchanged: the same file');
    const copy = openFile(s.dir, 'docs/guide.txt', { write: true });
    copy.release();
    s.dir.setTimesAt('.', false, { kind: 'keep' }, { kind: 'set', ns: 9n });
    assert.deepEqual(plainChanges(s.overlay.changes()).map((c) => [(c as OverlayChange).path, (c as OverlayChange).kind]), [['.', 'modified']]);
  });
});

// ---------------------------------------------------------------------------- host directory

interface HostEntry {
  type: string;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  nlink: bigint;
  mode: bigint;
  content?: string;
}

/** Everything about a host tree but atimes: recursive listing, lstat, contents, link targets. */
function hostSnapshot(root: string): Map<string, HostEntry> {
  const out = new Map<string, HostEntry>();
  const visit = (p: string, rel: string): void => {
    const st = fs.lstatSync(p, { bigint: true });
    const e: HostEntry = {
      type: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other',
      size: st.size,
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      ino: st.ino,
      nlink: st.nlink,
      mode: st.mode,
    };
    if (st.isFile()) e.content = fs.readFileSync(p).toString('base64');
    if (st.isSymbolicLink()) e.content = fs.readlinkSync(p);
    out.set(rel, e);
    if (st.isDirectory()) for (const name of fs.readdirSync(p).sort()) visit(join(p, name), `${rel}/${name}`);
  };
  visit(root, '.');
  return out;
}

describe('overlay over a host directory', () => {
  test('a guest-like sequence of changes leaves the host tree byte-for-byte unchanged', () => {
    const root = fs.mkdtempSync(join(tmpdir(), 'warden-overlay-host-'));
    const host = new HostBackend(root);
    try {
      fs.writeFileSync(join(root, 'canary.txt'), 'CANARY do not touch\n');
      fs.mkdirSync(join(root, 'project/src/deep'), { recursive: true });
      fs.writeFileSync(join(root, 'project/src/main.rs'), 'fn main() {}\n');
      fs.writeFileSync(join(root, 'project/src/deep/data.bin'), Uint8Array.from({ length: 70_000 }, (_, i) => i % 251));
      fs.writeFileSync(join(root, 'project/Cargo.toml'), '[package]\n');
      fs.mkdirSync(join(root, 'project/target'));
      fs.writeFileSync(join(root, 'project/target/stale.o'), 'stale');
      fs.symlinkSync('src/main.rs', join(root, 'project/entry'));
      fs.linkSync(join(root, 'canary.txt'), join(root, 'canary-hardlink.txt'));
      fs.mkdirSync(join(root, 'ro-dir'));
      fs.writeFileSync(join(root, 'ro-dir/inside.txt'), 'inside');
      const old = new Date('2001-09-09T01:46:40Z');
      for (const p of ['canary.txt', 'project/src/main.rs', 'project/src/deep/data.bin', 'project/Cargo.toml', 'project/target/stale.o', 'ro-dir/inside.txt']) fs.utimesSync(join(root, p), old, old);
      for (const p of ['project/src/deep', 'project/src', 'project/target', 'project', 'ro-dir']) fs.utimesSync(join(root, p), old, old);
      const before = hostSnapshot(root);

      const overlay = new OverlayBackend(host);
      const ns = new Namespace();
      ns.mount('/work', overlay);
      const dir = ns.openDir('/work').retain();
      write(dir, 'canary.txt', 'overwritten');
      write(dir, 'canary-hardlink.txt', '+', { truncate: false, create: false }, { append: true });
      write(dir, 'project/src/main.rs', 'fn main() { println!("hi"); }\n');
      const big = openFile(dir, 'project/src/deep/data.bin', { write: true });
      big.pwrite(enc('PATCH'), 65_000n);
      big.setSize(66_000n);
      big.release();
      openFile(dir, 'project/Cargo.toml', { truncate: true }).release();
      dir.setTimesAt('project/src', false, { kind: 'now' }, { kind: 'now' });
      dir.unlink('project/target/stale.o');
      dir.rmdir('project/target');
      dir.mkdir('project/target');
      write(dir, 'project/target/app', 'binary');
      dir.rename('project/src', dir, 'project/source');
      dir.rename('ro-dir', dir, 'project/ro-moved');
      dir.symlink('source/main.rs', 'project/entry2');
      dir.unlink('project/entry');
      dir.link('project/Cargo.toml', false, dir, 'Cargo-link.toml');
      dir.mkdir('new-dir');
      write(dir, 'new-dir/f', 'f');

      assert.equal(read(dir, 'canary.txt'), 'overwritten');
      assert.equal(read(dir, 'canary-hardlink.txt'), 'CANARY do not touch\n+', 'copy-up of one name of a host hard link');
      assert.equal(read(dir, 'project/entry2'), 'fn main() { println!("hi"); }\n');
      assert.equal(dir.statAt('project/source/deep/data.bin', false).size, 66_000n);
      assert.equal(read(dir, 'project/ro-moved/inside.txt'), 'inside');
      assert.deepEqual(names(dir, 'project').sort(), ['Cargo.toml', 'entry2', 'ro-moved', 'source', 'target']);
      assert.ok(overlay.changes().length > 10);
      dir.release();

      assert.deepEqual(hostSnapshot(root), before, 'the host tree is unchanged');
    } finally {
      host.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
