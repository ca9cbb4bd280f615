// Tests of THE resolver (src/fs/resolver.ts) through the public surface that uses it: Namespace
// and DirDescription (a sandbox-rooted directory whose methods each walk one path). Covers
// symlinks, `..`, escapes, mounts, trailing slashes, path limits, open flags, open descriptions
// and readdir cookies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DirDescription, FileDescription } from '../../src/fs/descriptor.js';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { Namespace } from '../../src/fs/namespace.js';
import type { OpenRequest } from '../../src/fs/resolver.js';
import type { Stat } from '../../src/fs/types.js';
import { dec, enc, expectFsError, req, openFile } from '../helpers.js';

// ---------------------------------------------------------------------------- helpers



function openDir(dir: DirDescription, path: string, over: Partial<OpenRequest> = {}): DirDescription {
  const d = dir.open(path, req(over));
  assert.ok(d instanceof DirDescription, `${path} opened as a directory`);
  return d.retain();
}

/** Reads from the description's position to the end. */
function readRest(f: FileDescription): string {
  const parts: string[] = [];
  for (;;) {
    const buf = new Uint8Array(4);
    const n = f.read(buf);
    if (n === 0) break;
    parts.push(dec(buf.subarray(0, n)));
  }
  return parts.join('');
}

function readPath(dir: DirDescription, path: string): string {
  const f = openFile(dir, path);
  try {
    return readRest(f);
  } finally {
    f.release();
  }
}

function same(a: Stat, b: Stat, what: string): void {
  assert.equal(a.dev, b.dev, `${what}: same device`);
  assert.equal(a.ino, b.ino, `${what}: same inode`);
}

/**
 * The standard tree:
 *   file.txt "hello, world"   a/x.txt "ax"   a/b/bfile "b"   a/b/c/   empty/
 *   link -> file.txt   ldir -> a   dangling -> nowhere
 */
function setup(): { ns: Namespace; root: DirDescription } {
  const ns = new Namespace();
  ns.writeFile('/file.txt', 'hello, world');
  ns.writeFile('/a/x.txt', 'ax');
  ns.writeFile('/a/b/bfile', 'b');
  ns.mkdirp('/a/b/c');
  ns.mkdirp('/empty');
  ns.symlink('file.txt', '/link');
  ns.symlink('a', '/ldir');
  ns.symlink('nowhere', '/dangling');
  return { ns, root: ns.openDir('/') };
}

// ---------------------------------------------------------------------------- symlinks

describe('resolver: symbolic links', () => {
  test('a relative target is resolved from the directory holding the link', () => {
    const { root } = setup();
    same(root.statAt('link', true), root.statAt('file.txt', true), 'link');
    root.symlink('x.txt', 'a/lx');
    same(root.statAt('a/lx', true), root.statAt('a/x.txt', true), 'a/lx');
    assert.equal(readPath(root, 'a/lx'), 'ax');
    assert.equal(root.readlink('a/lx'), 'x.txt');
  });

  test('targets with .. climb from the link’s directory, not from the start', () => {
    const { root } = setup();
    root.symlink('../../file.txt', 'a/b/up');
    root.symlink('../x.txt', 'a/b/sib');
    root.symlink('c/../../b/./bfile', 'a/b/wind');
    assert.equal(readPath(root, 'a/b/up'), 'hello, world');
    assert.equal(readPath(root, 'a/b/sib'), 'ax');
    assert.equal(readPath(root, 'a/b/wind'), 'b');
  });

  test('symlinks in the middle of a path are followed, and .. after one goes to the target’s parent', () => {
    const { root } = setup();
    assert.equal(readPath(root, 'ldir/x.txt'), 'ax');
    assert.equal(readPath(root, 'ldir/b/../x.txt'), 'ax');
    root.symlink('a/b/c', 'lc');
    same(root.statAt('lc/..', true), root.statAt('a/b', true), 'lc/.. is a/b (physical, not lexical)');
    same(root.statAt('ldir/..', true), root.statAt('.', true), 'ldir/.. is the start');
  });

  test('stat without follow reports the link itself; a link inside the path is still followed', () => {
    const { root } = setup();
    assert.equal(root.statAt('link', false).type, 'symbolic-link');
    assert.equal(root.statAt('link', true).type, 'regular-file');
    assert.notEqual(root.statAt('link', false).ino, root.statAt('link', true).ino);
    root.symlink('x.txt', 'a/lx');
    assert.equal(root.statAt('ldir/lx', false).type, 'symbolic-link');
    assert.equal(root.readlink('ldir/lx'), 'x.txt', 'readlink follows links before the last component');
  });

  test('readlink of something that is not a symlink fails with invalid', () => {
    const { root } = setup();
    expectFsError(() => root.readlink('file.txt'), 'invalid');
    expectFsError(() => root.readlink('a'), 'invalid');
    expectFsError(() => root.readlink('.'), 'invalid');
    expectFsError(() => root.readlink('missing'), 'no-entry');
  });

  /** l0 -> file.txt, l1 -> l0, ..., l{n-1} -> l{n-2}: following l{n-1} takes n hops. */
  function chain(root: DirDescription, n: number, prefix = 'l'): string {
    root.symlink('file.txt', `${prefix}0`);
    for (let i = 1; i < n; i++) root.symlink(`${prefix}${i - 1}`, `${prefix}${i}`);
    return `${prefix}${n - 1}`;
  }

  test('a chain of 10 links resolves', () => {
    const { root } = setup();
    const last = chain(root, 10);
    same(root.statAt(last, true), root.statAt('file.txt', true), 'chain of 10');
    assert.equal(readPath(root, last), 'hello, world');
  });

  test('a chain of 40 links (the default limit) resolves; 41 fails with loop', () => {
    const { root } = setup();
    const last = chain(root, 41);
    same(root.statAt('l39', true), root.statAt('file.txt', true), 'chain of 40');
    assert.equal(readPath(root, 'l39'), 'hello, world');
    expectFsError(() => root.statAt(last, true), 'loop', 'chain of 41');
    expectFsError(() => root.open(last, req()), 'loop', 'open through 41');
    assert.equal(root.statAt(last, false).type, 'symbolic-link', 'the link itself is fine');
  });

  test('the hop limit counts every link of one lookup, not each chain separately', () => {
    const { root } = setup();
    root.symlink('a', 'd0');
    for (let i = 1; i < 21; i++) root.symlink(`d${i - 1}`, `d${i}`); // d20: 21 hops to reach a
    for (let i = 0; i < 20; i++) root.symlink(i === 0 ? 'x.txt' : `m${i - 1}`, `a/m${i}`); // a/m19: 20 hops
    assert.equal(readPath(root, 'd20/x.txt'), 'ax');
    assert.equal(readPath(root, 'a/m19'), 'ax');
    assert.equal(readPath(root, 'd18/m19'), 'ax', '19 + 20 = 39 hops');
    assert.equal(readPath(root, 'd19/m19'), 'ax', '20 + 20 = 40 hops');
    expectFsError(() => root.statAt('d20/m19', true), 'loop', '21 + 20 = 41 hops');
  });

  test('the hop limit follows the namespace limits', () => {
    const ns = new Namespace({ limits: { maxSymlinkHops: 3 } });
    ns.writeFile('/f', 'x');
    const root = ns.openDir('/');
    root.symlink('f', 'l0');
    root.symlink('l0', 'l1');
    root.symlink('l1', 'l2');
    root.symlink('l2', 'l3');
    assert.equal(root.statAt('l2', true).type, 'regular-file');
    expectFsError(() => root.statAt('l3', true), 'loop');
  });

  test('loops fail with loop: a -> b -> a, a self-loop, a loop through a directory', () => {
    const { root } = setup();
    root.symlink('b', 'la');
    root.symlink('la', 'b');
    root.symlink('self', 'self');
    root.symlink('deep/x', 'deep');
    for (const p of ['la', 'b', 'self', 'deep', 'la/x', 'self/']) {
      expectFsError(() => root.statAt(p, true), 'loop', p);
    }
    expectFsError(() => root.open('la', req()), 'loop', 'open');
    expectFsError(() => root.mkdir('self/x'), 'loop', 'mkdir below a loop');
    assert.equal(root.statAt('self', false).type, 'symbolic-link');
    root.unlink('self');
    root.unlink('la');
    expectFsError(() => root.statAt('b', true), 'no-entry', 'a dangling link once the loop is broken');
  });

  test('a dangling symlink: no-entry when followed, symbolic-link when not', () => {
    const { root } = setup();
    expectFsError(() => root.statAt('dangling', true), 'no-entry');
    assert.equal(root.statAt('dangling', false).type, 'symbolic-link');
    assert.equal(root.readlink('dangling'), 'nowhere');
    expectFsError(() => root.open('dangling', req()), 'no-entry');
    expectFsError(() => root.statAt('dangling/x', false), 'no-entry');
    root.unlink('dangling');
    expectFsError(() => root.statAt('dangling', false), 'no-entry');
  });

  test('a symlink with an empty target cannot be created (no-entry, as Linux), and one planted in a backend resolves to no-entry', () => {
    const { root } = setup();
    expectFsError(() => root.symlink('', 'blank'), 'no-entry');
    expectFsError(() => root.statAt('blank', false), 'no-entry');
    // A backend may still hold one (a memory tree built directly): following it is no-entry.
    const inner = new MemoryBackend();
    inner.symlink(inner.root(), 'blank', '');
    const ns = new Namespace({ root: inner });
    expectFsError(() => ns.openDir('/').statAt('blank', true), 'no-entry');
    assert.equal(ns.openDir('/').statAt('blank', false).type, 'symbolic-link');
  });
});

// ---------------------------------------------------------------------------- .. and escapes

describe('resolver: .. and escapes', () => {
  test('.. works at every depth inside the start directory', () => {
    const { root } = setup();
    same(root.statAt('a/b/c/../../x.txt', true), root.statAt('a/x.txt', true), 'a/b/c/../../x.txt');
    same(root.statAt('a/b/c/..', true), root.statAt('a/b', true), 'one up');
    same(root.statAt('a/b/c/../..', true), root.statAt('a', true), 'two up');
    same(root.statAt('a/b/c/../../..', true), root.statAt('.', true), 'three up');
    same(root.statAt('a/../a/b/../b/c', true), root.statAt('a/b/c', true), 'zig-zag');
    same(root.statAt('./a/./b/.', true), root.statAt('a/b', true), 'dots');
    same(root.statAt('a//b///c', true), root.statAt('a/b/c', true), 'repeated slashes');
  });

  test('.. above the start directory fails with not-permitted, even when the path comes back', () => {
    const { root } = setup();
    for (const p of ['..', '../', '../file.txt', 'a/../..', 'a/b/c/../../../..', '../' + 'a', 'a/b/../../../a']) {
      expectFsError(() => root.statAt(p, true), 'not-permitted', p);
    }
  });

  test('.. of a file is not-directory', () => {
    const { root } = setup();
    expectFsError(() => root.statAt('file.txt/..', true), 'not-directory');
  });

  test('absolute paths fail with not-permitted for every operation', () => {
    const { root } = setup();
    const ops: [string, () => unknown][] = [
      ['stat', () => root.statAt('/file.txt', true)],
      ['stat /', () => root.statAt('/', true)],
      ['stat //', () => root.statAt('//file.txt', false)],
      ['open', () => root.open('/file.txt', req())],
      ['create', () => root.open('/new', req({ create: true, write: true }))],
      ['mkdir', () => root.mkdir('/newdir')],
      ['rmdir', () => root.rmdir('/empty')],
      ['unlink', () => root.unlink('/file.txt')],
      ['symlink', () => root.symlink('file.txt', '/l2')],
      ['readlink', () => root.readlink('/link')],
      ['link from', () => root.link('/file.txt', false, root, 'hard')],
      ['link to', () => root.link('file.txt', false, root, '/hard')],
      ['rename from', () => root.rename('/file.txt', root, 'moved')],
      ['rename to', () => root.rename('file.txt', root, '/moved')],
    ];
    for (const [what, op] of ops) expectFsError(op, 'not-permitted', what);
    assert.equal(readPath(root, 'file.txt'), 'hello, world');
    expectFsError(() => root.statAt('new', true), 'no-entry');
    expectFsError(() => root.statAt('hard', true), 'no-entry');
  });

  test('a symlink whose target climbs out, or is absolute, fails with not-permitted when followed', () => {
    const { root } = setup();
    root.symlink('..', 'up');
    root.symlink('../../../file.txt', 'a/b/esc');
    root.symlink('/file.txt', 'abs');
    root.symlink('/', 'slash');
    for (const p of ['up', 'up/file.txt', 'a/b/esc', 'abs', 'slash', 'slash/a']) {
      expectFsError(() => root.statAt(p, true), 'not-permitted', p);
    }
    expectFsError(() => root.open('abs', req()), 'not-permitted', 'open abs');
    expectFsError(() => root.open('up/new', req({ create: true, write: true })), 'not-permitted', 'create through up');
    assert.equal(root.statAt('abs', false).type, 'symbolic-link', 'not following is fine');
    assert.equal(root.readlink('abs'), '/file.txt');
  });

  test('a preopen of a subdirectory cannot reach its siblings by any path', () => {
    const ns = new Namespace();
    ns.writeFile('/box/in/file', 'inside');
    ns.writeFile('/box/sibling/secret', 'secret');
    ns.writeFile('/top.txt', 'top');
    const box = ns.openDir('/box/in');
    box.symlink('../sibling', 'lsib');
    box.symlink('/box/sibling/secret', 'labs');
    box.symlink('x/../../sibling/secret', 'lwind');
    box.mkdir('x');
    const attempts: [string, () => unknown][] = [
      ['..', () => box.statAt('..', true)],
      ['../sibling/secret', () => box.statAt('../sibling/secret', true)],
      ['../in/file (comes back)', () => box.statAt('../in/file', true)],
      ['x/../../sibling', () => box.statAt('x/../../sibling', true)],
      ['../../top.txt', () => box.statAt('../../top.txt', true)],
      ['absolute', () => box.statAt('/box/sibling/secret', true)],
      ['symlink to ..', () => box.statAt('lsib/secret', true)],
      ['absolute symlink', () => box.open('labs', req())],
      ['winding symlink', () => box.open('lwind', req())],
      ['create outside', () => box.open('../sibling/new', req({ create: true, write: true }))],
      ['mkdir outside', () => box.mkdir('../sibling/d')],
      ['unlink outside', () => box.unlink('../sibling/secret')],
      ['rmdir outside', () => box.rmdir('../sibling')],
      ['symlink outside', () => box.symlink('file', '../sibling/l')],
      ['readlink outside', () => box.readlink('../sibling/secret')],
      ['rename out', () => box.rename('file', box, '../sibling/file')],
      ['rename in', () => box.rename('../sibling/secret', box, 'stolen')],
      ['rename out via link', () => box.rename('file', box, 'lsib/file')],
      ['link out', () => box.link('file', false, box, '../sibling/hard')],
      ['link in', () => box.link('../sibling/secret', false, box, 'hard')],
      ['link in via symlink', () => box.link('lsib/secret', true, box, 'hard')],
    ];
    for (const [what, op] of attempts) expectFsError(op, 'not-permitted', what);
    assert.deepEqual(ns.readdir('/box/sibling'), ['secret']);
    assert.equal(ns.readText('/box/sibling/secret'), 'secret');
    assert.deepEqual(ns.readdir('/box/in').sort(), ['file', 'labs', 'lsib', 'lwind', 'x']);
    same(box.statAt('x/..', true), box.statAt('.', true), 'x/.. stays inside');
  });

  test('a directory opened below a preopen is itself a sandbox root', () => {
    const { root } = setup();
    const a = openDir(root, 'a');
    try {
      expectFsError(() => a.statAt('..', true), 'not-permitted');
      expectFsError(() => a.statAt('../file.txt', true), 'not-permitted');
      assert.equal(a.statAt('b/../x.txt', true).type, 'regular-file');
    } finally {
      a.release();
    }
  });

  test('after the start directory is moved, .. still cannot leave it', () => {
    const { root } = setup();
    const c = openDir(root, 'a/b/c');
    try {
      root.rename('a/b/c', root, 'moved');
      expectFsError(() => c.statAt('..', true), 'not-permitted');
      c.mkdir('made');
      assert.equal(root.statAt('moved/made', true).type, 'directory');
    } finally {
      c.release();
    }
  });
});

// ---------------------------------------------------------------------------- mounts

describe('resolver: mounts', () => {
  function mounted() {
    const { ns, root } = setup();
    const child = new MemoryBackend();
    ns.mount('/mnt/m', child);
    ns.writeFile('/mnt/m/inner.txt', 'inner');
    ns.mkdirp('/mnt/m/sub');
    ns.mkdirp('/mnt/other');
    return { ns, root, child };
  }

  test('lookups cross into the mounted backend; what is created there lands in it', () => {
    const { root, child } = mounted();
    assert.equal(readPath(root, 'mnt/m/inner.txt'), 'inner');
    const f = openFile(root, 'mnt/m/new', { create: true, write: true });
    f.release();
    assert.ok(child.lookup(child.root(), 'new') !== undefined, 'the file is in the child backend');
    assert.ok(child.lookup(child.root(), 'inner.txt') !== undefined);
    same(root.statAt('mnt/m', true), root.statAt('mnt/m/sub/..', true), 'mnt/m/sub/.. is the child root');
    assert.equal(root.statAt('mnt/m', true).ino, child.stat(child.root()).ino, 'the mount point shows the child root');
  });

  test('stat dev differs per mount and is shared inside one', () => {
    const { root } = mounted();
    const parentDev = root.statAt('mnt', true).dev;
    const childDev = root.statAt('mnt/m', true).dev;
    assert.notEqual(parentDev, childDev);
    assert.equal(root.statAt('mnt/m/inner.txt', true).dev, childDev);
    assert.equal(root.statAt('file.txt', true).dev, parentDev);
    assert.equal(root.statAt('mnt/other', true).dev, parentDev);
  });

  test('.. from the root of a mount goes back to the mount point’s parent in the parent mount', () => {
    const { root } = mounted();
    same(root.statAt('mnt/m/..', true), root.statAt('mnt', true), 'mnt/m/..');
    same(root.statAt('mnt/m/sub/../..', true), root.statAt('mnt', true), 'mnt/m/sub/../..');
    assert.equal(readPath(root, 'mnt/m/../../file.txt'), 'hello, world');
    same(root.statAt('mnt/m/../other', true), root.statAt('mnt/other', true), 'sibling of the mount point');
  });

  test('symlinks cross mounts both ways; a preopen of the mount still cannot climb out', () => {
    const { ns, root } = mounted();
    root.symlink('mnt/m/inner.txt', 'tom');
    root.symlink('mnt/m', 'tomdir');
    root.symlink('../../file.txt', 'mnt/m/out');
    assert.equal(readPath(root, 'tom'), 'inner');
    assert.equal(readPath(root, 'tomdir/inner.txt'), 'inner');
    assert.equal(readPath(root, 'mnt/m/out'), 'hello, world');
    const m = ns.openDir('/mnt/m');
    expectFsError(() => m.statAt('out', true), 'not-permitted', 'out of the mount preopen');
    expectFsError(() => m.statAt('..', true), 'not-permitted', '.. of the mount preopen');
    assert.equal(readPath(m, 'inner.txt'), 'inner');
  });

  test('rename and link across mounts fail with cross-device and change nothing', () => {
    const { ns, root } = mounted();
    const attempts: [string, () => unknown][] = [
      ['rename file in', () => root.rename('file.txt', root, 'mnt/m/file.txt')],
      ['rename file out', () => root.rename('mnt/m/inner.txt', root, 'inner.txt')],
      ['rename file over file', () => root.rename('file.txt', root, 'mnt/m/inner.txt')],
      ['rename dir in', () => root.rename('empty', root, 'mnt/m/empty')],
      ['rename dir out', () => root.rename('mnt/m/sub', root, 'sub')],
      ['link in', () => root.link('file.txt', false, root, 'mnt/m/hard')],
      ['link out', () => root.link('mnt/m/inner.txt', false, root, 'hard')],
      ['link in through a symlink', () => root.link('link', true, root, 'mnt/m/hard')],
    ];
    for (const [what, op] of attempts) expectFsError(op, 'cross-device', what);
    const m = ns.openDir('/mnt/m');
    expectFsError(() => root.rename('file.txt', m, 'x'), 'cross-device', 'between preopens of two mounts');
    expectFsError(() => m.link('inner.txt', false, root, 'x'), 'cross-device', 'link between preopens of two mounts');
    assert.deepEqual(ns.readdir('/mnt/m').sort(), ['inner.txt', 'sub']);
    assert.equal(ns.readText('/file.txt'), 'hello, world');
    assert.equal(root.statAt('file.txt', true).nlink, 1n);
  });

  test('rename between two preopens of the same mount works', () => {
    const { ns } = setup();
    const a = ns.openDir('/a');
    const e = ns.openDir('/empty');
    a.rename('x.txt', e, 'moved.txt');
    assert.equal(ns.readText('/empty/moved.txt'), 'ax');
    e.link('moved.txt', false, a, 'back.txt');
    assert.equal(ns.stat('/a/back.txt').nlink, 2n);
  });

  test('a mount point cannot be removed, renamed or replaced: busy', () => {
    const { ns, root } = mounted();
    expectFsError(() => root.rmdir('mnt/m'), 'busy', 'rmdir');
    expectFsError(() => root.rmdir('mnt/m/'), 'busy', 'rmdir with a slash');
    expectFsError(() => root.rename('mnt/m', root, 'mnt/n'), 'busy', 'rename');
    expectFsError(() => root.rename('mnt/m', root, 'elsewhere'), 'busy', 'rename to another directory');
    expectFsError(() => root.rename('empty', root, 'mnt/m'), 'busy', 'rename a directory over it');
    expectFsError(() => root.rename('file.txt', root, 'mnt/m'), 'busy', 'rename a file over it');
    expectFsError(() => root.unlink('mnt/m'), 'is-directory', 'unlink');
    assert.equal(readPath(root, 'mnt/m/inner.txt'), 'inner');
    assert.deepEqual(ns.readdir('/mnt').sort(), ['m', 'other']);
    assert.equal(root.statAt('empty', true).type, 'directory');
  });

  test('renaming the parent of a mount point takes the mount along', () => {
    const { ns, root } = mounted();
    root.rename('mnt', root, 'moved');
    assert.equal(readPath(root, 'moved/m/inner.txt'), 'inner');
    assert.notEqual(root.statAt('moved/m', true).dev, root.statAt('moved', true).dev);
    expectFsError(() => root.statAt('mnt', true), 'no-entry');
    assert.equal(ns.readText('/moved/m/inner.txt'), 'inner');
  });

  test('a read-only mount refuses every change with not-permitted', () => {
    const { ns, root } = setup();
    const inner = new MemoryBackend();
    const nsInner = new Namespace({ root: inner });
    nsInner.writeFile('/keep.txt', 'keep');
    nsInner.mkdirp('/d');
    ns.mount('/ro', inner, { readOnly: true });
    const changes: [string, () => unknown][] = [
      ['create', () => root.open('ro/new', req({ create: true, write: true }))],
      ['open for writing', () => root.open('ro/keep.txt', req({ write: true }))],
      ['mkdir', () => root.mkdir('ro/nd')],
      ['rmdir', () => root.rmdir('ro/d')],
      ['unlink', () => root.unlink('ro/keep.txt')],
      ['symlink', () => root.symlink('keep.txt', 'ro/l')],
      ['rename', () => root.rename('ro/keep.txt', root, 'ro/k2')],
      ['setTimes', () => root.setTimesAt('ro/keep.txt', true, { kind: 'now' }, { kind: 'now' })],
    ];
    for (const [what, op] of changes) expectFsError(op, 'not-permitted', what);
    assert.equal(nsInner.readText('/keep.txt'), 'keep');
    assert.deepEqual(nsInner.readdir('/').sort(), ['d', 'keep.txt']);
    assert.equal(readPath(root, 'ro/keep.txt'), 'keep', 'reads work');
  });

  test(
    'a read-only mount refuses O_TRUNC even when opened for reading only, and keeps the content',
    () => {
      const { ns, root } = setup();
      const inner = new MemoryBackend();
      new Namespace({ root: inner }).writeFile('/keep.txt', 'keep');
      ns.mount('/ro', inner, { readOnly: true });
      let error: unknown;
      try {
        root.open('ro/keep.txt', req({ truncate: true }));
      } catch (e) {
        error = e;
      }
      assert.equal(readPath(root, 'ro/keep.txt'), 'keep', 'the content survives');
      assert.equal((error as { errorCode?: string } | undefined)?.errorCode, 'not-permitted');
    },
  );
});

// ---------------------------------------------------------------------------- trailing slashes

describe('resolver: trailing slashes', () => {
  test('open "file/" fails with not-directory; open "dir/" opens the directory', () => {
    const { root } = setup();
    expectFsError(() => root.open('file.txt/', req()), 'not-directory');
    expectFsError(() => root.open('link/', req()), 'not-directory', 'symlink to a file');
    const d = openDir(root, 'a/');
    same(d.stat(), root.statAt('a', true), 'a/');
    d.release();
  });

  test('creating a regular file with a trailing slash fails with is-directory and creates nothing', () => {
    const { root } = setup();
    expectFsError(() => root.open('new/', req({ create: true, write: true })), 'is-directory');
    expectFsError(() => root.statAt('new', false), 'no-entry');
  });

  test('mkdir "d/" and rmdir "d/" work', () => {
    const { root } = setup();
    root.mkdir('d/');
    root.mkdir('d2//');
    assert.equal(root.statAt('d', true).type, 'directory');
    root.rmdir('d/');
    root.rmdir('d2//');
    expectFsError(() => root.statAt('d', true), 'no-entry');
    expectFsError(() => root.statAt('d2', true), 'no-entry');
  });

  test('rmdir "file/" and rmdir of a symlink to a directory fail with not-directory', () => {
    const { root } = setup();
    expectFsError(() => root.rmdir('file.txt/'), 'not-directory');
    expectFsError(() => root.rmdir('ldir'), 'not-directory');
    expectFsError(() => root.rmdir('ldir/'), 'not-directory');
    assert.equal(root.statAt('ldir', false).type, 'symbolic-link');
  });

  test('unlink "file/" fails with not-directory and keeps the file', () => {
    const { root } = setup();
    expectFsError(() => root.unlink('file.txt/'), 'not-directory');
    expectFsError(() => root.unlink('link/'), 'not-directory');
    assert.equal(readPath(root, 'file.txt'), 'hello, world');
    assert.equal(root.statAt('link', false).type, 'symbolic-link');
  });

  test('symlink "x/": no-entry for a new name, not-directory over a file, exist over a directory', () => {
    const { root } = setup();
    expectFsError(() => root.symlink('file.txt', 'x/'), 'no-entry');
    expectFsError(() => root.symlink('file.txt', 'file.txt/'), 'not-directory');
    expectFsError(() => root.symlink('file.txt', 'a/'), 'exist');
    expectFsError(() => root.statAt('x', false), 'no-entry');
  });

  test('stat "symlink-to-dir/" follows the link even without follow; "symlink-to-file/" is not-directory', () => {
    const { root } = setup();
    const st = root.statAt('ldir/', false);
    assert.equal(st.type, 'directory');
    same(st, root.statAt('a', true), 'ldir/');
    expectFsError(() => root.statAt('link/', false), 'not-directory');
    expectFsError(() => root.statAt('file.txt/', true), 'not-directory');
    expectFsError(() => root.statAt('dangling/', false), 'no-entry');
    same(root.statAt('a/.', true), root.statAt('a', true), 'a/.');
    expectFsError(() => root.statAt('file.txt/.', true), 'not-directory');
  });

  test('rename with trailing slashes: directories yes, files no', () => {
    const { root } = setup();
    root.rename('empty/', root, 'empty2/');
    assert.equal(root.statAt('empty2', true).type, 'directory');
    expectFsError(() => root.rename('file.txt/', root, 'f2'), 'not-directory');
    expectFsError(() => root.rename('file.txt', root, 'f2/'), 'not-directory');
    assert.equal(readPath(root, 'file.txt'), 'hello, world');
  });

  test('link to "new/" fails (no-entry) and link from "file/" fails (not-directory)', () => {
    const { root } = setup();
    expectFsError(() => root.link('file.txt', false, root, 'new/'), 'no-entry');
    expectFsError(() => root.link('file.txt/', false, root, 'new'), 'not-directory');
    assert.equal(root.statAt('file.txt', true).nlink, 1n);
  });
});

// ---------------------------------------------------------------------------- path checks

describe('resolver: path checks', () => {
  test('an empty path fails with no-entry for every operation', () => {
    const { root } = setup();
    const ops: [string, () => unknown][] = [
      ['stat', () => root.statAt('', true)],
      ['open', () => root.open('', req())],
      ['create', () => root.open('', req({ create: true, write: true }))],
      ['mkdir', () => root.mkdir('')],
      ['rmdir', () => root.rmdir('')],
      ['unlink', () => root.unlink('')],
      ['symlink', () => root.symlink('file.txt', '')],
      ['readlink', () => root.readlink('')],
      ['link', () => root.link('', false, root, 'x')],
      ['rename', () => root.rename('file.txt', root, '')],
    ];
    for (const [what, op] of ops) expectFsError(op, 'no-entry', what);
  });

  test('a NUL byte in a path fails with invalid', () => {
    const { root } = setup();
    expectFsError(() => root.statAt('file.txt\0', true), 'invalid');
    expectFsError(() => root.open('a\0/x.txt', req()), 'invalid');
    expectFsError(() => root.mkdir('bad\0dir'), 'invalid');
    expectFsError(() => root.symlink('file.txt', 'l\0'), 'invalid');
    expectFsError(() => root.symlink('file\0.txt', 'l'), 'invalid', 'NUL in the target');
    expectFsError(() => root.statAt('l', false), 'no-entry');
  });

  test('a component of 255 bytes is fine; 256 bytes fails with name-too-long (in UTF-8 bytes)', () => {
    const { root } = setup();
    const ok = ['x'.repeat(255), '€'.repeat(85), 'é'.repeat(127) + 'x'];
    const tooLong = ['x'.repeat(256), '€'.repeat(86), '😀'.repeat(64), 'é'.repeat(128)];
    for (const name of ok) {
      const f = openFile(root, name, { create: true, write: true });
      f.release();
      assert.equal(root.statAt(name, true).type, 'regular-file');
      root.mkdir(`a/${name}`);
    }
    for (const name of tooLong) {
      expectFsError(() => root.open(name, req({ create: true, write: true })), 'name-too-long', `create ${name.length}`);
      expectFsError(() => root.mkdir(name), 'name-too-long', 'mkdir');
      expectFsError(() => root.statAt(name, true), 'name-too-long', 'stat');
      expectFsError(() => root.statAt(`${name}/x`, true), 'name-too-long', 'as a directory component');
      expectFsError(() => root.symlink('file.txt', name), 'name-too-long', 'symlink');
    }
  });

  test('a path of 4095 bytes is fine; 4096 fails with name-too-long (PATH_MAX counts the NUL)', () => {
    const { root } = setup();
    const longest = './'.repeat(2043) + '/file.txt'; // 4086 + 9
    assert.equal(enc(longest).length, 4095);
    assert.equal(root.statAt(longest, true).type, 'regular-file');
    expectFsError(() => root.statAt(`.${longest}`, true), 'name-too-long', '4096 bytes: the same path with one more dot');
    expectFsError(() => root.statAt('a/' + '../a/'.repeat(820), true), 'name-too-long');
    const multibyte = '€/'.repeat(820); // 820 * 4 = 3280 bytes: fine by count of bytes
    expectFsError(() => root.statAt(multibyte, true), 'no-entry');
    expectFsError(() => root.statAt('€'.repeat(1366), true), 'name-too-long', '1366 * 3 bytes > 4096');
    expectFsError(() => root.symlink('x'.repeat(4096), 'toolong'), 'name-too-long', 'symlink target');
    root.symlink('x'.repeat(4095), 'longest');
    assert.equal(root.readlink('longest').length, 4095);
  });

  test('path limits follow the namespace limits', () => {
    const ns = new Namespace({ limits: { maxNameBytes: 4, maxPathBytes: 10 } });
    const root = ns.openDir('/');
    root.mkdir('abcd');
    expectFsError(() => root.mkdir('abcde'), 'name-too-long');
    expectFsError(() => root.mkdir('ééé'), 'name-too-long', '6 bytes');
    expectFsError(() => root.statAt('abcd/./././', true), 'name-too-long', '11 bytes');
    assert.equal(root.statAt('abcd/././', true).type, 'directory');
  });

  test('. and .. as the last component: each operation fails its own way', () => {
    const { root } = setup();
    same(root.statAt('.', true), root.stat(), '.');
    expectFsError(() => root.mkdir('.'), 'exist', 'mkdir .');
    expectFsError(() => root.mkdir('a/..'), 'exist', 'mkdir a/..');
    expectFsError(() => root.rmdir('.'), 'invalid', 'rmdir .');
    expectFsError(() => root.rmdir('empty/.'), 'invalid', 'rmdir empty/.');
    expectFsError(() => root.unlink('.'), 'is-directory', 'unlink .');
    expectFsError(() => root.symlink('x', 'a/.'), 'exist', 'symlink a/.');
    expectFsError(() => root.rename('a/.', root, 'z'), 'busy', 'rename a/.');
    expectFsError(() => root.rename('file.txt', root, 'a/..'), 'busy', 'rename onto a/..');
    expectFsError(() => root.open('.', req({ create: true, exclusive: true, write: true })), 'exist', 'O_CREAT|O_EXCL .');
    expectFsError(() => root.mkdir('..'), 'not-permitted', 'an escape is still an escape');
    expectFsError(() => root.rmdir('..'), 'not-permitted', 'an escape is still an escape');
    assert.equal(root.statAt('empty', true).type, 'directory');
  });
});

// ---------------------------------------------------------------------------- open

describe('resolver: open', () => {
  test('O_CREAT creates a missing file; on an existing file it opens it as is', () => {
    const { root } = setup();
    const f = openFile(root, 'a/new.txt', { create: true, write: true });
    f.write(enc('new'));
    f.release();
    assert.equal(readPath(root, 'a/new.txt'), 'new');
    const g = openFile(root, 'a/new.txt', { create: true, write: true });
    g.release();
    assert.equal(readPath(root, 'a/new.txt'), 'new', 'no truncation without O_TRUNC');
    const h = openFile(root, 'ldir/through.txt', { create: true, write: true });
    h.release();
    assert.equal(root.statAt('a/through.txt', true).type, 'regular-file', 'created through a symlinked directory');
  });

  test('O_CREAT|O_EXCL on anything existing fails with exist, even a dangling symlink', () => {
    const { root } = setup();
    const ex = req({ create: true, exclusive: true, write: true });
    for (const p of ['file.txt', 'a', 'link', 'ldir', 'dangling']) expectFsError(() => root.open(p, ex), 'exist', p);
    expectFsError(() => root.statAt('nowhere', true), 'no-entry', 'the dangling target was not created');
    assert.equal(readPath(root, 'file.txt'), 'hello, world');
    const f = openFile(root, 'fresh', { create: true, exclusive: true, write: true });
    f.release();
    assert.equal(root.statAt('fresh', true).size, 0n);
  });

  test(
    'O_CREAT on an existing directory fails with is-directory (as Linux open(2))',
    () => {
      const { root } = setup();
      expectFsError(() => root.open('a', req({ create: true })), 'is-directory');
      expectFsError(() => root.open('a', req({ create: true, directory: true })), 'is-directory');
    },
  );

  test('O_DIRECTORY on a file (or a symlink to one) fails with not-directory', () => {
    const { root } = setup();
    expectFsError(() => root.open('file.txt', req({ directory: true })), 'not-directory');
    expectFsError(() => root.open('link', req({ directory: true })), 'not-directory');
    const d = openDir(root, 'ldir', { directory: true });
    same(d.stat(), root.statAt('a', true), 'O_DIRECTORY through a symlink to a directory');
    d.release();
  });

  test('a directory cannot be opened for writing or truncation: is-directory', () => {
    const { root } = setup();
    expectFsError(() => root.open('a', req({ write: true })), 'is-directory');
    expectFsError(() => root.open('a', req({ truncate: true })), 'is-directory');
    expectFsError(() => root.open('.', req({ write: true })), 'is-directory');
    expectFsError(() => root.open('.', req({ create: true, write: true })), 'is-directory');
  });

  test('O_NOFOLLOW on a final symlink fails with loop; links earlier in the path are still followed', () => {
    const { root } = setup();
    for (const p of ['link', 'ldir', 'dangling']) expectFsError(() => root.open(p, req({ follow: false })), 'loop', p);
    expectFsError(() => root.open('link', req({ follow: false, create: true, write: true })), 'loop', 'O_CREAT|O_NOFOLLOW on a symlink');
    const f = openFile(root, 'ldir/x.txt', { follow: false });
    assert.equal(readRest(f), 'ax');
    f.release();
  });

  test('O_TRUNC empties the file', () => {
    const { root } = setup();
    const f = openFile(root, 'link', { truncate: true, write: true });
    assert.equal(f.stat().size, 0n);
    f.release();
    assert.equal(readPath(root, 'file.txt'), '');
  });

  test('a missing path fails with no-entry; a missing parent too', () => {
    const { root } = setup();
    expectFsError(() => root.open('missing', req()), 'no-entry');
    expectFsError(() => root.open('missing/new', req({ create: true, write: true })), 'no-entry');
    expectFsError(() => root.open('file.txt/new', req({ create: true, write: true })), 'not-directory');
  });
});

// ---------------------------------------------------------------------------- name operations

describe('resolver: name operations through a directory', () => {
  test('mkdir, rmdir, unlink, link and rename act on the named entry with POSIX errors', () => {
    const { root } = setup();
    expectFsError(() => root.mkdir('a'), 'exist');
    expectFsError(() => root.mkdir('dangling'), 'exist', 'a dangling symlink still takes the name');
    expectFsError(() => root.rmdir('a'), 'not-empty');
    expectFsError(() => root.rmdir('file.txt'), 'not-directory');
    expectFsError(() => root.unlink('a'), 'is-directory');
    expectFsError(() => root.unlink('missing'), 'no-entry');
    expectFsError(() => root.link('a', false, root, 'a2'), 'not-permitted');
    expectFsError(() => root.link('ldir', true, root, 'a2'), 'not-permitted', 'following to a directory');
    expectFsError(() => root.link('file.txt', false, root, 'link'), 'exist');
    expectFsError(() => root.rename('a', root, 'a/b/inside'), 'invalid');
    expectFsError(() => root.rename('a', root, 'file.txt'), 'not-directory');
    expectFsError(() => root.rename('file.txt', root, 'a'), 'is-directory');
    expectFsError(() => root.rename('empty', root, 'a'), 'not-empty');
    root.unlink('ldir'); // the symlink, not the directory
    assert.equal(root.statAt('a', true).type, 'directory');
  });

  test('link with and without follow', () => {
    const { root } = setup();
    root.link('link', true, root, 'to-file');
    root.link('link', false, root, 'to-link');
    same(root.statAt('to-file', false), root.statAt('file.txt', false), 'follow links the target');
    same(root.statAt('to-link', false), root.statAt('link', false), 'no follow links the symlink');
    assert.equal(root.statAt('file.txt', true).nlink, 2n);
  });

  test('rename over a file and onto another link of the same file', () => {
    const { root } = setup();
    root.link('file.txt', false, root, 'hard');
    root.rename('file.txt', root, 'hard');
    assert.equal(root.statAt('file.txt', true).nlink, 2n, 'renaming onto a link of the same inode does nothing');
    root.rename('a/x.txt', root, 'hard');
    assert.equal(readPath(root, 'hard'), 'ax');
    assert.equal(root.statAt('file.txt', true).nlink, 1n);
    expectFsError(() => root.statAt('a/x.txt', true), 'no-entry');
  });

  test('setTimesAt follows or not, with nanoseconds', () => {
    const { root } = setup();
    root.setTimesAt('link', true, { kind: 'set', ns: 1_111_111_111_222_333_444n }, { kind: 'keep' });
    assert.equal(root.statAt('file.txt', true).atimeNs, 1_111_111_111_222_333_444n);
    root.setTimesAt('link', false, { kind: 'keep' }, { kind: 'set', ns: 5n });
    assert.equal(root.statAt('link', false).mtimeNs, 5n);
    assert.notEqual(root.statAt('file.txt', true).mtimeNs, 5n);
  });
});

// ---------------------------------------------------------------------------- open descriptions

describe('open descriptions', () => {
  test('two descriptions of one file have their own positions', () => {
    const { root } = setup();
    const a = openFile(root, 'file.txt');
    const b = openFile(root, 'file.txt');
    const buf = new Uint8Array(5);
    assert.equal(a.read(buf), 5);
    assert.equal(dec(buf), 'hello');
    assert.equal(a.position, 5n);
    assert.equal(b.position, 0n);
    assert.equal(readRest(b), 'hello, world');
    assert.equal(readRest(a), ', world');
    a.release();
    b.release();
  });

  test('append is a flag of one description: the other writes at its own position', () => {
    const { root } = setup();
    const app = openFile(root, 'file.txt', { write: true }, { append: true });
    const plain = openFile(root, 'file.txt', { write: true });
    app.write(enc('!'));
    assert.equal(app.position, 13n);
    plain.write(enc('J'));
    assert.equal(plain.position, 1n);
    app.seek(0n, 'set');
    app.write(enc('?'));
    assert.equal(readPath(root, 'file.txt'), 'Jello, world!?');
    assert.equal(plain.flags.append, false);
    app.release();
    plain.release();
  });

  test('closing one description does not affect the other', () => {
    const { root } = setup();
    const a = openFile(root, 'file.txt', { write: true });
    const b = openFile(root, 'file.txt');
    a.write(enc('HE'));
    a.release();
    assert.equal(a.disposed, true);
    assert.equal(b.disposed, false);
    assert.equal(readRest(b), 'HEllo, world');
    assert.equal(b.stat().size, 12n);
    b.release();
  });

  test('a file unlinked while open stays readable and writable through its description', () => {
    const { root } = setup();
    const f = openFile(root, 'file.txt', { write: true });
    const ino = f.stat().ino;
    root.unlink('file.txt');
    expectFsError(() => root.statAt('file.txt', true), 'no-entry');
    assert.equal(readRest(f), 'hello, world');
    f.write(enc('!'));
    assert.equal(f.stat().nlink, 0n);
    assert.equal(f.stat().size, 13n);
    f.seek(0n, 'set');
    assert.equal(readRest(f), 'hello, world!');
    const g = openFile(root, 'file.txt', { create: true, write: true });
    assert.notEqual(g.stat().ino, ino, 'a new file under the old name is another file');
    assert.equal(g.stat().size, 0n);
    f.seek(0n, 'set');
    assert.equal(readRest(f), 'hello, world!');
    g.release();
    f.release();
  });

  test('a file renamed while open is still the same file', () => {
    const { root } = setup();
    const f = openFile(root, 'file.txt', { write: true });
    root.rename('file.txt', root, 'a/moved.txt');
    f.write(enc('Y'));
    assert.equal(readPath(root, 'a/moved.txt'), 'Yello, world');
    same(f.stat(), root.statAt('a/moved.txt', true), 'stat through the description');
    f.release();
  });

  test('a directory description keeps working on its directory after it is renamed', () => {
    const { root } = setup();
    const d = openDir(root, 'a/b');
    root.rename('a/b', root, 'empty/b2');
    assert.equal(readPath(d, 'bfile'), 'b');
    d.release();
  });
});

describe('a removed directory', () => {
  test('its description still stats and lists it, but nothing can be created in it: no-entry', () => {
    const { root } = setup();
    const c = openDir(root, 'a/b/c');
    root.rmdir('a/b/c');
    assert.equal(c.statAt('.', true).nlink, 0n);
    assert.deepEqual(c.list(0n).map((e) => e.name), ['.', '..']);
    expectFsError(() => c.open('x', req({ create: true, write: true })), 'no-entry', 'create');
    expectFsError(() => c.mkdir('x'), 'no-entry', 'mkdir');
    expectFsError(() => c.symlink('t', 'x'), 'no-entry', 'symlink');
    expectFsError(() => root.link('file.txt', false, c, 'x'), 'no-entry', 'link into it');
    assert.equal(root.statAt('file.txt', true).nlink, 1n);
    c.release();
  });

  test(
    'a file cannot be renamed into it: no-entry, and the file stays',
    () => {
      const { root } = setup();
      const c = openDir(root, 'a/b/c');
      root.rmdir('a/b/c');
      try {
        expectFsError(() => root.rename('file.txt', c, 'lost'), 'no-entry');
      } finally {
        c.release();
      }
      assert.equal(readPath(root, 'file.txt'), 'hello, world');
    },
  );
});

// ---------------------------------------------------------------------------- readdir cookies

describe('DirDescription.list: readdir cookies', () => {
  test('. and .. come first, then the entries; every entry carries the cookie of the next', () => {
    const { root } = setup();
    const a = openDir(root, 'a');
    const all = a.list(0n);
    assert.deepEqual(all.map((e) => e.name).slice(0, 2), ['.', '..']);
    assert.deepEqual(all.map((e) => e.name).slice(2).sort(), ['b', 'x.txt']);
    assert.deepEqual(all.map((e) => e.next), [1n, 2n, 3n, 4n]);
    assert.equal(all[0]!.ino, a.stat().ino, '. is the directory itself');
    assert.equal(all[1]!.ino, root.stat().ino, '.. is the directory it was opened from');
    assert.equal(all[0]!.type, 'directory');
    assert.equal(all[1]!.type, 'directory');
    a.release();
  });

  test('resuming from any cookie gives the rest of the same listing', () => {
    const { root } = setup();
    for (let i = 0; i < 5; i++) root.mkdir(`e${i}`);
    const all = root.list(0n);
    for (const entry of all) {
      assert.deepEqual(root.list(entry.next), all.slice(Number(entry.next)), `from cookie ${entry.next}`);
    }
    assert.deepEqual(root.list(BigInt(all.length)), []);
    assert.deepEqual(root.list(BigInt(all.length) + 10n), []);
  });

  test('a listing read in pieces is consistent; cookie 0 starts a fresh one', () => {
    const { root } = setup();
    const first = root.list(0n);
    root.mkdir('late');
    assert.deepEqual(root.list(3n), first.slice(3), 'the snapshot taken at cookie 0 is kept');
    const fresh = root.list(0n);
    assert.equal(fresh.length, first.length + 1);
    assert.ok(fresh.some((e) => e.name === 'late'));
  });

  test('the entries carry their types and inodes; .. of a preopen is itself', () => {
    const { root } = setup();
    const list = root.list(0n);
    assert.equal(list[1]!.ino, root.stat().ino);
    const byName = new Map(list.map((e) => [e.name, e]));
    assert.equal(byName.get('file.txt')?.type, 'regular-file');
    assert.equal(byName.get('a')?.type, 'directory');
    assert.equal(byName.get('link')?.type, 'symbolic-link');
    assert.equal(byName.get('a')?.ino, root.statAt('a', true).ino);
  });

  test('.. of a subdirectory opened through several components is its real parent', () => {
    const { root } = setup();
    const c = openDir(root, 'a/b/c');
    assert.equal(c.list(0n)[1]!.ino, root.statAt('a/b', true).ino);
    const viaLink = openDir(root, 'ldir/b');
    assert.equal(viaLink.list(0n)[1]!.ino, root.statAt('a', true).ino);
    c.release();
    viaLink.release();
  });
});
