// Owns: THE backend contract suite: one set of node:test cases that every Backend must pass, run by
// test/contract/<backend>.test.ts. It checks each single-name method's success and error behaviour
// with POSIX semantics. Must not: resolve paths (names only, as the resolver hands them over) or
// rely on node objects staying valid across a rename (host backends address nodes by path).
import { describe, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../../src/errors.js';
import type { Backend, DirEntry, FileIO, NodeStat } from '../../src/fs/types.js';
import { dec, enc, expectFsError, readAllIO, sleepMs, wallNs } from '../helpers.js';

/** What a backend under test can do; the suite skips or adapts the cases that depend on it. */
export interface ContractCapabilities {
  /**
   * The backend accepts changes. When false, `make()` must return a backend that already holds
   * {@link FIXTURE} (see {@link populate}), and every change must be refused without altering the tree.
   */
  writable: boolean;
  /** The backend stores symbolic links (the fixture then has `link` -> `file.txt`). */
  symlinks: boolean;
  /** A directory's nlink is 2 + its number of subdirectories (memory, ext4; not btrfs or virtual trees). */
  dirNlink: boolean;
  /** Largest error, in ns, of a time stored with setTimes({ kind: 'set' }) (0: exact nanoseconds). */
  timeErrorNs: bigint;
  /** How long to wait so the backend's clock gives a later timestamp (coarse kernel clocks: ~10 ms). */
  clockTickMs: number;
  /** Not writable: the error of a change to file contents (open for writing, FileIO write/truncate). */
  refusedWrite: ErrorCode;
  /** Not writable: what setTimes does ('ok' if allowed, else the error). */
  refusedSetTimes: 'ok' | ErrorCode;
  /**
   * Known bugs of this backend: case title -> reason. Those cases still run but are reported as
   * `todo` so the suite stays green until the bug is fixed. A title that matches no case is an error.
   */
  known: Readonly<Record<string, string>>;
}

/** Capabilities of a full in-memory POSIX-like backend. */
export const FULL_CAPABILITIES: Readonly<ContractCapabilities> = Object.freeze({
  writable: true,
  symlinks: true,
  dirNlink: true,
  timeErrorNs: 0n,
  clockTickMs: 2,
  refusedWrite: 'not-permitted',
  refusedSetTimes: 'not-permitted',
  known: Object.freeze({}),
});

/** What `make()` returns: a fresh backend, and how to dispose of it. */
export interface ContractSubject {
  backend: Backend<any>;
  cleanup?: () => void;
}

/** One entry of a fixture tree. */
export type FixtureEntry = { file: string } | { dir: { [name: string]: FixtureEntry } } | { symlink: string };

/**
 * The tree every read case runs against. Writable backends get it built by the suite through
 * their own methods; read-only ones must hold it already (symlinks only if they support them).
 */
export const FIXTURE: { readonly [name: string]: FixtureEntry } = Object.freeze({
  'file.txt': { file: 'hello, world\n' },
  dir: { dir: { 'a.txt': { file: 'A' }, 'b.txt': { file: 'BB' }, sub: { dir: {} } } },
  empty: { dir: {} },
  link: { symlink: 'file.txt' },
});

/** Builds `tree` into directory `dir` of `backend` through its own methods (symlinks only if `symlinks`). */
export function populate(backend: Backend<any>, tree: { readonly [name: string]: FixtureEntry } = FIXTURE, symlinks = true, dir: object = backend.root()): void {
  for (const [name, entry] of Object.entries(tree)) {
    if ('file' in entry) {
      const node = backend.createFile(dir, name);
      const io = backend.open(node, { read: false, write: true });
      try {
        io.write(enc(entry.file), 0n);
      } finally {
        io.close();
      }
    } else if ('dir' in entry) {
      populate(backend, entry.dir, symlinks, backend.mkdir(dir, name));
    } else if (symlinks) {
      backend.symlink(dir, name, entry.symlink);
    }
  }
}

// ---------------------------------------------------------------------------
// Helpers that act on names only, as the resolver would.

/** The node at a '/'-separated path below the root, walked with lookup; throws if missing. */
function at(b: Backend<any>, path: string): any {
  const node = tryAt(b, path);
  assert.ok(node !== undefined, `${path} should exist`);
  return node;
}

function tryAt(b: Backend<any>, path: string): any {
  let node: any = b.root();
  for (const name of path.split('/').filter((p) => p !== '')) {
    node = b.lookup(node, name);
    if (node === undefined) return undefined;
  }
  return node;
}

function statAt(b: Backend<any>, path: string): NodeStat {
  return b.stat(at(b, path));
}

function names(b: Backend<any>, path = ''): string[] {
  return b.readdir(at(b, path)).map((e) => e.name);
}

function sorted(xs: string[]): string[] {
  return [...xs].sort();
}

function readFile(b: Backend<any>, path: string): string {
  const io = b.open(at(b, path), { read: true, write: false });
  try {
    return dec(readAllIO(io));
  } finally {
    io.close();
  }
}

function openRW(b: Backend<any>, path: string): FileIO {
  return b.open(at(b, path), { read: true, write: true });
}

function readRange(io: FileIO, offset: bigint, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  const n = io.read(buf, offset);
  return buf.subarray(0, n);
}

const OLD_NS = 1_000_000_000_123_456_789n; // 2001-09-09, with all nine fraction digits in use

/** Puts mtime (and atime) of `path` far in the past, so that any later change is visible. */
function ageTimes(b: Backend<any>, path: string): void {
  b.setTimes(at(b, path), { kind: 'set', ns: OLD_NS }, { kind: 'set', ns: OLD_NS });
}

function assertNear(actual: bigint, expected: bigint, tolerance: bigint, what: string): void {
  const d = actual > expected ? actual - expected : expected - actual;
  assert.ok(d <= tolerance, `${what}: ${actual} is not within ${tolerance} ns of ${expected}`);
}

interface SnapEntry {
  type: string;
  ino: bigint;
  nlink: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  content?: string;
}

/** Everything observable about a tree except access times (reads may update those). */
function snapshot(b: Backend<any>, symlinks: boolean): Map<string, SnapEntry> {
  const out = new Map<string, SnapEntry>();
  const visit = (node: any, path: string): void => {
    const st = b.stat(node);
    const e: SnapEntry = { type: st.type, ino: st.ino, nlink: st.nlink, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    if (st.type === 'regular-file') {
      const io = b.open(node, { read: true, write: false });
      try {
        e.content = dec(readAllIO(io));
      } finally {
        io.close();
      }
    } else if (st.type === 'symbolic-link' && symlinks) {
      e.content = b.readlink(node);
    }
    out.set(path, e);
    if (st.type === 'directory') {
      for (const entry of b.readdir(node)) visit(b.lookup(node, entry.name), `${path}/${entry.name}`);
    }
  };
  visit(b.root(), '');
  return out;
}

/** Every path of FIXTURE with its entry, depth first. */
function fixturePaths(tree: { readonly [name: string]: FixtureEntry }, symlinks: boolean, prefix = ''): [string, FixtureEntry][] {
  const out: [string, FixtureEntry][] = [];
  for (const [name, entry] of Object.entries(tree)) {
    if ('symlink' in entry && !symlinks) continue;
    const p = prefix === '' ? name : `${prefix}/${name}`;
    out.push([p, entry]);
    if ('dir' in entry) out.push(...fixturePaths(entry.dir, symlinks, p));
  }
  return out;
}

function typeOf(entry: FixtureEntry): string {
  return 'file' in entry ? 'regular-file' : 'dir' in entry ? 'directory' : 'symbolic-link';
}

// ---------------------------------------------------------------------------

/**
 * Registers the contract suite for one backend. `make` is called once per case and must return
 * a fresh backend: empty if `caps.writable`, else already holding {@link FIXTURE}.
 */
export function backendContract(
  name: string,
  make: () => ContractSubject,
  capabilities: Partial<ContractCapabilities> = {},
): void {
  const caps: ContractCapabilities = { ...FULL_CAPABILITIES, ...capabilities };
  const symlinks = caps.symlinks;

  const unused = new Set(Object.keys(caps.known));
  /** Registers a case, as `todo` if the backend declares it a known bug. */
  function test(title: string, fn: () => void): void;
  function test(title: string, options: { skip?: string | false }, fn: () => void): void;
  function test(title: string, a: { skip?: string | false } | (() => void), b?: () => void): void {
    const options = typeof a === 'function' ? {} : a;
    const fn = typeof a === 'function' ? a : b!;
    const todo = caps.known[title];
    unused.delete(title);
    nodeTest(title, todo === undefined ? options : { ...options, todo }, fn);
  }

  /** Wraps a case: a fresh backend holding the fixture, cleaned up afterwards. */
  const withFixture = (fn: (b: Backend<any>) => void) => () => {
    const subject = make();
    try {
      if (caps.writable) populate(subject.backend, FIXTURE, symlinks);
      fn(subject.backend);
    } finally {
      subject.cleanup?.();
    }
  };
  const writeTest = (title: string, fn: (b: Backend<any>) => void) =>
    test(title, { skip: caps.writable ? false : 'the backend is not writable' }, withFixture(fn));
  const linkTest = (title: string, fn: (b: Backend<any>) => void) =>
    test(title, { skip: !caps.writable ? 'the backend is not writable' : !symlinks ? 'the backend has no symbolic links' : false }, withFixture(fn));

  describe(`backend contract: ${name}`, () => {
    // -------------------------------------------------------------------- reads (every backend)
    describe('reads', () => {
      test('root() is a directory and the same node every time', withFixture((b) => {
        const st = b.stat(b.root());
        assert.equal(st.type, 'directory');
        assert.equal(b.stat(b.root()).ino, st.ino);
      }));

      test('lookup finds every entry with its type, and returns undefined for a missing name', withFixture((b) => {
        for (const [path, entry] of fixturePaths(FIXTURE, symlinks)) {
          assert.equal(statAt(b, path).type, typeOf(entry), path);
        }
        assert.equal(b.lookup(b.root(), 'missing'), undefined);
        assert.equal(b.lookup(at(b, 'dir'), 'file.txt'), undefined, 'names are per directory');
        assert.equal(b.lookup(b.root(), 'FILE.TXT'), undefined, 'names are case-sensitive');
      }));

      test('lookup inside a regular file fails with not-directory', withFixture((b) => {
        expectFsError(() => b.lookup(at(b, 'file.txt'), 'x'), 'not-directory');
      }));

      test('stat reports type, size and nlink of a file, and non-zero timestamps', withFixture((b) => {
        const st = statAt(b, 'file.txt');
        assert.equal(st.type, 'regular-file');
        assert.equal(st.size, BigInt(enc('hello, world\n').length));
        assert.equal(st.nlink, 1n);
        assert.equal(statAt(b, 'dir/b.txt').size, 2n);
        for (const t of [st.atimeNs, st.mtimeNs, st.ctimeNs]) {
          assert.equal(typeof t, 'bigint');
          assert.ok(t > 0n, 'a timestamp is set');
        }
      }));

      test('inode numbers are distinct per node and stable across lookups', withFixture((b) => {
        const paths = ['', ...fixturePaths(FIXTURE, symlinks).map(([p]) => p)];
        const inos = paths.map((p) => statAt(b, p).ino);
        assert.equal(new Set(inos).size, inos.length, `distinct inodes: ${inos.join(', ')}`);
        assert.deepEqual(paths.map((p) => statAt(b, p).ino), inos, 'a second lookup gives the same inodes');
      }));

      test('readdir lists exactly the names, without . and .., with types and inodes that match stat', withFixture((b) => {
        const root = sorted(names(b));
        assert.deepEqual(root, sorted(Object.keys(FIXTURE).filter((n) => symlinks || !('symlink' in FIXTURE[n]!))));
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
        assert.deepEqual(names(b, 'empty'), []);
        for (const dir of ['', 'dir']) {
          for (const e of b.readdir(at(b, dir))) {
            assert.notEqual(e.name, '.');
            assert.notEqual(e.name, '..');
            const st = statAt(b, dir === '' ? e.name : `${dir}/${e.name}`);
            assert.equal(e.type, st.type, e.name);
            assert.equal(e.ino, st.ino, e.name);
          }
        }
      }));

      test('readdir gives the same order every time', withFixture((b) => {
        const first = names(b);
        assert.deepEqual(names(b), first);
        assert.deepEqual(names(b, 'dir'), names(b, 'dir'));
      }));

      test('readdir of a regular file fails with not-directory', withFixture((b) => {
        expectFsError(() => b.readdir(at(b, 'file.txt')), 'not-directory');
      }));

      test('FileIO reads by offset: whole, middle, short at the end, 0 past the end', withFixture((b) => {
        const io = b.open(at(b, 'file.txt'), { read: true, write: false });
        try {
          assert.equal(io.size(), 13n);
          assert.equal(dec(readRange(io, 0n, 100)), 'hello, world\n');
          assert.equal(dec(readRange(io, 7n, 5)), 'world');
          assert.equal(dec(readRange(io, 0n, 5)), 'hello', 'reads have no position of their own');
          assert.equal(dec(readRange(io, 10n, 100)), 'ld\n');
          assert.equal(io.read(new Uint8Array(4), 13n), 0);
          assert.equal(io.read(new Uint8Array(4), 1000n), 0);
          assert.equal(io.read(new Uint8Array(0), 0n), 0);
        } finally {
          io.close();
        }
      }));

      test('open of a directory fails with is-directory', withFixture((b) => {
        expectFsError(() => b.open(at(b, 'dir'), { read: true, write: false }), 'is-directory');
      }));

      test('readlink of a file or directory fails with invalid', withFixture((b) => {
        expectFsError(() => b.readlink(at(b, 'file.txt')), 'invalid');
        expectFsError(() => b.readlink(at(b, 'dir')), 'invalid');
      }));

      test('readlink returns the target; a symlink reports its own type and target length', { skip: symlinks ? false : 'no symbolic links' }, withFixture((b) => {
        const link = at(b, 'link');
        assert.equal(b.readlink(link), 'file.txt');
        const st = b.stat(link);
        assert.equal(st.type, 'symbolic-link', 'stat does not follow the link');
        assert.equal(st.size, 8n);
        assert.notEqual(st.ino, statAt(b, 'file.txt').ino);
      }));
    });

    // -------------------------------------------------------------------- read-only views
    if (!caps.writable) {
      describe('refusals (read-only)', () => {
        const refused = (title: string, fn: (b: Backend<any>) => void, code: ErrorCode = 'not-permitted') =>
          test(title, withFixture((b) => {
            const before = snapshot(b, symlinks);
            expectFsError(() => fn(b), code);
            assert.deepEqual(snapshot(b, symlinks), before, 'the tree is unchanged');
          }));

        refused('createFile is refused', (b) => b.createFile(b.root(), 'new'));
        refused('createFile over an existing name is refused', (b) => b.createFile(b.root(), 'file.txt'));
        refused('mkdir is refused', (b) => b.mkdir(at(b, 'dir'), 'new'));
        refused('symlink is refused', (b) => b.symlink(b.root(), 'new', 'file.txt'));
        refused('link is refused', (b) => b.link(at(b, 'dir'), 'hard', at(b, 'file.txt')));
        refused('unlink of a file is refused', (b) => b.unlink(b.root(), 'file.txt'));
        refused('unlink of a directory is refused', (b) => b.unlink(b.root(), 'empty'));
        refused('rmdir of an empty directory is refused', (b) => b.rmdir(b.root(), 'empty'));
        refused('rmdir of a non-empty directory is refused', (b) => b.rmdir(b.root(), 'dir'));
        refused('rename to a new name is refused', (b) => b.rename(b.root(), 'file.txt', at(b, 'dir'), 'moved'));
        refused('rename over a file is refused', (b) => b.rename(at(b, 'dir'), 'a.txt', at(b, 'dir'), 'b.txt'));
        refused('rename of a directory is refused', (b) => b.rename(b.root(), 'empty', b.root(), 'empty2'));
        refused('open for writing is refused', (b) => b.open(at(b, 'file.txt'), { read: true, write: true }), caps.refusedWrite);
        refused('open write-only is refused', (b) => b.open(at(b, 'file.txt'), { read: false, write: true }), caps.refusedWrite);
        const viaReadIO = (fn: (io: FileIO) => void) => (b: Backend<any>) => {
          const io = b.open(at(b, 'file.txt'), { read: true, write: false });
          try {
            fn(io);
          } finally {
            io.close();
          }
        };
        refused('a FileIO opened for reading cannot write', viaReadIO((io) => io.write(enc('XX'), 0n)), caps.refusedWrite);
        refused('a FileIO opened for reading cannot truncate', viaReadIO((io) => io.truncate(0n)), caps.refusedWrite);
        refused('a FileIO opened for reading cannot grow the file', viaReadIO((io) => io.truncate(100n)), caps.refusedWrite);
        if (caps.refusedSetTimes === 'ok') {
          test('setTimes is allowed and sets the times', withFixture((b) => {
            b.setTimes(at(b, 'file.txt'), { kind: 'set', ns: OLD_NS }, { kind: 'set', ns: OLD_NS + 1n });
            assertNear(statAt(b, 'file.txt').atimeNs, OLD_NS, caps.timeErrorNs, 'atime');
            assertNear(statAt(b, 'file.txt').mtimeNs, OLD_NS + 1n, caps.timeErrorNs, 'mtime');
          }));
        } else {
          refused('setTimes is refused', (b) => b.setTimes(at(b, 'file.txt'), { kind: 'set', ns: OLD_NS }, { kind: 'now' }), caps.refusedSetTimes);
          refused('setTimes with keep/keep is refused too', (b) => b.setTimes(at(b, 'dir'), { kind: 'keep' }, { kind: 'keep' }), caps.refusedSetTimes);
        }
      });
    }
    if (caps.writable) writeCases();
    if (unused.size > 0) throw new Error(`backendContract(${name}): known bugs name no case: ${[...unused].join('; ')}`);
  });

  /** The cases that change the tree (writable backends only). */
  function writeCases(): void {
    // -------------------------------------------------------------------- createFile / mkdir / symlink
    describe('createFile', () => {
      writeTest('creates an empty regular file with one link, found by lookup and readdir', (b) => {
        const node = b.createFile(at(b, 'dir'), 'new.txt');
        const st = b.stat(node);
        assert.equal(st.type, 'regular-file');
        assert.equal(st.size, 0n);
        assert.equal(st.nlink, 1n);
        assert.equal(statAt(b, 'dir/new.txt').ino, st.ino);
        assert.ok(names(b, 'dir').includes('new.txt'));
        assert.equal(readFile(b, 'dir/new.txt'), '');
      });

      writeTest('a taken name (file, directory or symlink) fails with exist and keeps the old entry', (b) => {
        expectFsError(() => b.createFile(b.root(), 'file.txt'), 'exist');
        expectFsError(() => b.createFile(b.root(), 'dir'), 'exist');
        if (symlinks) expectFsError(() => b.createFile(b.root(), 'link'), 'exist');
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
        assert.equal(statAt(b, 'dir').type, 'directory');
      });

      writeTest('in a regular file fails with not-directory', (b) => {
        expectFsError(() => b.createFile(at(b, 'file.txt'), 'x'), 'not-directory');
      });

      writeTest('names are taken as given: spaces, unicode, 255 bytes', (b) => {
        const long = 'é'.repeat(127) + 'x'; // 255 UTF-8 bytes
        for (const n of ['with space', 'ünïcødé-€', long, '-', '...']) {
          b.createFile(b.root(), n);
          assert.equal(statAt(b, n).type, 'regular-file', n);
        }
        for (const n of ['with space', 'ünïcødé-€', long, '-', '...']) assert.ok(names(b).includes(n), n);
      });

      writeTest('createFile, mkdir and symlink in a removed directory fail with no-entry', (b) => {
        b.mkdir(b.root(), 'gone');
        const gone = at(b, 'gone');
        b.rmdir(b.root(), 'gone');
        expectFsError(() => b.createFile(gone, 'x'), 'no-entry', 'createFile');
        expectFsError(() => b.mkdir(gone, 'x'), 'no-entry', 'mkdir');
        if (symlinks) expectFsError(() => b.symlink(gone, 'x', 'y'), 'no-entry', 'symlink');
        assert.equal(tryAt(b, 'gone'), undefined);
      });

      writeTest('updates the directory mtime and ctime', (b) => {
        ageTimes(b, 'dir');
        const before = statAt(b, 'dir');
        b.createFile(at(b, 'dir'), 'x');
        const after = statAt(b, 'dir');
        assert.ok(after.mtimeNs > before.mtimeNs, 'mtime advanced');
        assert.ok(after.ctimeNs >= before.ctimeNs, 'ctime did not go back');
      });
    });

    describe('mkdir', () => {
      writeTest('creates an empty directory (nlink 2) and adds one link to its parent', (b) => {
        const parentBefore = statAt(b, 'dir').nlink;
        const node = b.mkdir(at(b, 'dir'), 'new');
        const st = b.stat(node);
        assert.equal(st.type, 'directory');
        assert.equal(statAt(b, 'dir/new').ino, st.ino);
        assert.deepEqual(names(b, 'dir/new'), []);
        if (caps.dirNlink) {
          assert.equal(st.nlink, 2n);
          assert.equal(statAt(b, 'dir').nlink, parentBefore + 1n);
        }
      });

      writeTest('a taken name fails with exist', (b) => {
        expectFsError(() => b.mkdir(b.root(), 'dir'), 'exist');
        expectFsError(() => b.mkdir(b.root(), 'file.txt'), 'exist');
        if (symlinks) expectFsError(() => b.mkdir(b.root(), 'link'), 'exist');
        assert.equal(statAt(b, 'file.txt').type, 'regular-file');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
      });

      writeTest('in a regular file fails with not-directory', (b) => {
        expectFsError(() => b.mkdir(at(b, 'file.txt'), 'x'), 'not-directory');
      });

      writeTest('updates the parent mtime', (b) => {
        ageTimes(b, 'dir');
        b.mkdir(at(b, 'dir'), 'x');
        assert.ok(statAt(b, 'dir').mtimeNs > OLD_NS + caps.timeErrorNs);
      });
    });

    describe('symlink / readlink', () => {
      linkTest('stores the target exactly as given, whether or not it exists', (b) => {
        const targets = ['file.txt', '../up/and/away', 'nowhere', 'dir/', './x/../y', 'ünï/€', '/absolute/path', 'a//b'];
        targets.forEach((t, i) => b.symlink(at(b, 'dir'), `l${i}`, t));
        targets.forEach((t, i) => {
          const node = at(b, `dir/l${i}`);
          assert.equal(b.readlink(node), t);
          const st = b.stat(node);
          assert.equal(st.type, 'symbolic-link');
          assert.equal(st.size, BigInt(enc(t).length), `size of ${t} is its UTF-8 length`);
        });
        assert.equal(tryAt(b, 'nowhere'), undefined, 'the target was not created');
        assert.equal(tryAt(b, 'dir/nowhere'), undefined, 'the target was not created');
      });

      linkTest('a taken name fails with exist', (b) => {
        expectFsError(() => b.symlink(b.root(), 'file.txt', 'x'), 'exist');
        expectFsError(() => b.symlink(b.root(), 'dir', 'x'), 'exist');
        expectFsError(() => b.symlink(b.root(), 'link', 'x'), 'exist');
        assert.equal(b.readlink(at(b, 'link')), 'file.txt');
      });

      linkTest('a symlink has its own inode, distinct from its target', (b) => {
        b.symlink(b.root(), 'l2', 'file.txt');
        const inos = [statAt(b, 'l2').ino, statAt(b, 'link').ino, statAt(b, 'file.txt').ino];
        assert.equal(new Set(inos).size, 3);
      });
    });

    // -------------------------------------------------------------------- link / unlink / rmdir
    describe('link', () => {
      writeTest('adds a name for the same inode; nlink counts both; data is shared', (b) => {
        const ino = statAt(b, 'file.txt').ino;
        b.link(at(b, 'dir'), 'hard', at(b, 'file.txt'));
        assert.equal(statAt(b, 'dir/hard').ino, ino);
        assert.equal(statAt(b, 'dir/hard').nlink, 2n);
        assert.equal(statAt(b, 'file.txt').nlink, 2n);
        assert.equal(readFile(b, 'dir/hard'), 'hello, world\n');
        const io = openRW(b, 'dir/hard');
        try {
          io.write(enc('J'), 0n);
        } finally {
          io.close();
        }
        assert.equal(readFile(b, 'file.txt'), 'Jello, world\n');
        b.link(b.root(), 'third', at(b, 'file.txt'));
        assert.equal(statAt(b, 'dir/hard').nlink, 3n);
      });

      writeTest('changes the ctime of the inode', (b) => {
        const before = statAt(b, 'file.txt').ctimeNs;
        sleepMs(caps.clockTickMs);
        b.link(b.root(), 'hard', at(b, 'file.txt'));
        assert.ok(statAt(b, 'file.txt').ctimeNs > before, 'ctime advanced');
      });

      writeTest('a directory cannot be hard-linked: not-permitted', (b) => {
        const nlink = statAt(b, 'dir').nlink;
        expectFsError(() => b.link(b.root(), 'dirlink', at(b, 'dir')), 'not-permitted');
        expectFsError(() => b.link(at(b, 'empty'), 'root', b.root()), 'not-permitted');
        assert.equal(tryAt(b, 'dirlink'), undefined);
        assert.equal(statAt(b, 'dir').nlink, nlink);
      });

      writeTest('a taken name fails with exist and the nlink stays', (b) => {
        expectFsError(() => b.link(b.root(), 'dir', at(b, 'file.txt')), 'exist');
        expectFsError(() => b.link(at(b, 'dir'), 'a.txt', at(b, 'file.txt')), 'exist');
        expectFsError(() => b.link(b.root(), 'file.txt', at(b, 'file.txt')), 'exist');
        assert.equal(statAt(b, 'file.txt').nlink, 1n);
        assert.equal(readFile(b, 'dir/a.txt'), 'A');
      });

      linkTest('a symlink can be hard-linked: the new name is the same symlink', (b) => {
        b.link(at(b, 'dir'), 'link2', at(b, 'link'));
        assert.equal(b.readlink(at(b, 'dir/link2')), 'file.txt');
        assert.equal(statAt(b, 'dir/link2').ino, statAt(b, 'link').ino);
        assert.equal(statAt(b, 'link').nlink, 2n);
      });
    });

    describe('unlink', () => {
      writeTest('removes the name; other links keep the data and count one link less', (b) => {
        b.link(at(b, 'dir'), 'hard', at(b, 'file.txt'));
        b.unlink(b.root(), 'file.txt');
        assert.equal(tryAt(b, 'file.txt'), undefined);
        assert.ok(!names(b).includes('file.txt'));
        assert.equal(statAt(b, 'dir/hard').nlink, 1n);
        assert.equal(readFile(b, 'dir/hard'), 'hello, world\n');
        b.unlink(at(b, 'dir'), 'hard');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
      });

      writeTest('a directory fails with is-directory and stays', (b) => {
        expectFsError(() => b.unlink(b.root(), 'empty'), 'is-directory');
        expectFsError(() => b.unlink(b.root(), 'dir'), 'is-directory');
        assert.equal(statAt(b, 'empty').type, 'directory');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
      });

      writeTest('a missing name fails with no-entry', (b) => {
        expectFsError(() => b.unlink(b.root(), 'missing'), 'no-entry');
        expectFsError(() => b.unlink(at(b, 'dir'), 'file.txt'), 'no-entry');
      });

      linkTest('removes a symlink itself, not its target', (b) => {
        b.unlink(b.root(), 'link');
        assert.equal(tryAt(b, 'link'), undefined);
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
        assert.equal(statAt(b, 'file.txt').nlink, 1n);
      });

      writeTest('updates the directory mtime and the remaining inode ctime', (b) => {
        b.link(b.root(), 'hard', at(b, 'file.txt'));
        ageTimes(b, '');
        const ctime = statAt(b, 'hard').ctimeNs;
        sleepMs(caps.clockTickMs);
        b.unlink(b.root(), 'file.txt');
        assert.ok(statAt(b, '').mtimeNs > OLD_NS + caps.timeErrorNs, 'directory mtime advanced');
        assert.ok(statAt(b, 'hard').ctimeNs > ctime, 'inode ctime advanced (its link count changed)');
      });

      writeTest('an unlinked file stays readable and writable through an already-open FileIO', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          b.unlink(b.root(), 'file.txt');
          assert.equal(tryAt(b, 'file.txt'), undefined);
          assert.equal(dec(readAllIO(io)), 'hello, world\n');
          assert.equal(io.write(enc('!!'), 13n), 2);
          io.truncate(15n);
          assert.equal(io.size(), 15n);
          assert.equal(dec(readAllIO(io)), 'hello, world\n!!');
          b.createFile(b.root(), 'file.txt');
          assert.equal(readFile(b, 'file.txt'), '', 'a new file of the same name is a different file');
          assert.equal(dec(readAllIO(io)), 'hello, world\n!!', 'the open file is untouched by the new one');
        } finally {
          io.close();
        }
      });
    });

    describe('rmdir', () => {
      writeTest('removes an empty directory and drops one link of its parent', (b) => {
        const before = statAt(b, 'dir').nlink;
        b.rmdir(at(b, 'dir'), 'sub');
        assert.equal(tryAt(b, 'dir/sub'), undefined);
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt']);
        if (caps.dirNlink) assert.equal(statAt(b, 'dir').nlink, before - 1n);
      });

      writeTest('a non-empty directory fails with not-empty and stays whole', (b) => {
        expectFsError(() => b.rmdir(b.root(), 'dir'), 'not-empty');
        b.createFile(at(b, 'empty'), 'f');
        expectFsError(() => b.rmdir(b.root(), 'empty'), 'not-empty');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
        assert.deepEqual(names(b, 'empty'), ['f']);
      });

      writeTest('a file fails with not-directory', (b) => {
        expectFsError(() => b.rmdir(b.root(), 'file.txt'), 'not-directory');
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
      });

      linkTest('a symlink to a directory fails with not-directory', (b) => {
        b.symlink(b.root(), 'to-empty', 'empty');
        expectFsError(() => b.rmdir(b.root(), 'to-empty'), 'not-directory');
        assert.equal(statAt(b, 'to-empty').type, 'symbolic-link');
        assert.equal(statAt(b, 'empty').type, 'directory');
      });

      writeTest('a missing name fails with no-entry', (b) => {
        expectFsError(() => b.rmdir(b.root(), 'missing'), 'no-entry');
      });

      writeTest('updates the parent mtime', (b) => {
        ageTimes(b, '');
        b.rmdir(b.root(), 'empty');
        assert.ok(statAt(b, '').mtimeNs > OLD_NS + caps.timeErrorNs);
      });
    });

    // -------------------------------------------------------------------- rename
    describe('rename', () => {
      writeTest('a file to a new name in the same directory keeps its inode and data', (b) => {
        const ino = statAt(b, 'file.txt').ino;
        b.rename(b.root(), 'file.txt', b.root(), 'renamed.txt');
        assert.equal(tryAt(b, 'file.txt'), undefined);
        assert.equal(statAt(b, 'renamed.txt').ino, ino);
        assert.equal(statAt(b, 'renamed.txt').nlink, 1n);
        assert.equal(readFile(b, 'renamed.txt'), 'hello, world\n');
        assert.ok(names(b).includes('renamed.txt') && !names(b).includes('file.txt'));
      });

      writeTest('a file into another directory', (b) => {
        const ino = statAt(b, 'file.txt').ino;
        b.rename(b.root(), 'file.txt', at(b, 'dir/sub'), 'moved');
        assert.equal(statAt(b, 'dir/sub/moved').ino, ino);
        assert.deepEqual(names(b, 'dir/sub'), ['moved']);
        assert.equal(tryAt(b, 'file.txt'), undefined);
      });

      writeTest('a file over a file replaces it; the replaced inode loses one link and stays readable where open', (b) => {
        b.link(b.root(), 'a-hard', at(b, 'dir/a.txt'));
        const aIno = statAt(b, 'dir/a.txt').ino;
        const srcIno = statAt(b, 'file.txt').ino;
        const openA = b.open(at(b, 'dir/a.txt'), { read: true, write: false });
        try {
          b.rename(b.root(), 'file.txt', at(b, 'dir'), 'a.txt');
          assert.equal(statAt(b, 'dir/a.txt').ino, srcIno);
          assert.equal(readFile(b, 'dir/a.txt'), 'hello, world\n');
          assert.equal(tryAt(b, 'file.txt'), undefined);
          assert.equal(statAt(b, 'a-hard').ino, aIno);
          assert.equal(statAt(b, 'a-hard').nlink, 1n);
          assert.equal(readFile(b, 'a-hard'), 'A');
          assert.equal(dec(readAllIO(openA)), 'A');
        } finally {
          openA.close();
        }
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
      });

      writeTest('a directory over an empty directory replaces it; parents count their subdirectories', (b) => {
        const subIno = statAt(b, 'dir/sub').ino;
        b.createFile(at(b, 'dir/sub'), 'inside');
        const rootLinks = statAt(b, '').nlink;
        const dirLinks = statAt(b, 'dir').nlink;
        b.rename(at(b, 'dir'), 'sub', b.root(), 'empty');
        assert.equal(statAt(b, 'empty').ino, subIno);
        assert.deepEqual(names(b, 'empty'), ['inside']);
        assert.equal(tryAt(b, 'dir/sub'), undefined);
        if (caps.dirNlink) {
          assert.equal(statAt(b, '').nlink, rootLinks, 'root lost one subdirectory and gained one');
          assert.equal(statAt(b, 'dir').nlink, dirLinks - 1n);
          assert.equal(statAt(b, 'empty').nlink, 2n);
        }
      });

      writeTest('a directory to a new name in another directory moves the whole subtree', (b) => {
        b.rename(b.root(), 'dir', at(b, 'empty'), 'moved');
        assert.equal(readFile(b, 'empty/moved/a.txt'), 'A');
        assert.deepEqual(sorted(names(b, 'empty/moved')), ['a.txt', 'b.txt', 'sub']);
        assert.equal(tryAt(b, 'dir'), undefined);
        if (caps.dirNlink) assert.equal(statAt(b, 'empty').nlink, 3n);
      });

      writeTest('a directory over a non-empty directory fails with not-empty', (b) => {
        expectFsError(() => b.rename(b.root(), 'empty', b.root(), 'dir'), 'not-empty');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
        assert.equal(statAt(b, 'empty').type, 'directory');
      });

      writeTest('a file over a directory fails with is-directory', (b) => {
        expectFsError(() => b.rename(b.root(), 'file.txt', b.root(), 'empty'), 'is-directory');
        assert.equal(statAt(b, 'empty').type, 'directory');
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
      });

      writeTest('a directory over a file fails with not-directory', (b) => {
        expectFsError(() => b.rename(b.root(), 'empty', b.root(), 'file.txt'), 'not-directory');
        assert.equal(statAt(b, 'file.txt').type, 'regular-file');
        assert.equal(statAt(b, 'empty').type, 'directory');
      });

      writeTest('a directory into its own subtree fails with invalid', (b) => {
        expectFsError(() => b.rename(b.root(), 'dir', at(b, 'dir'), 'inside'), 'invalid', 'into itself');
        expectFsError(() => b.rename(b.root(), 'dir', at(b, 'dir/sub'), 'deeper'), 'invalid', 'into its child');
        expectFsError(() => b.rename(b.root(), 'dir', at(b, 'dir/sub'), 'dir'), 'invalid', 'same name, below itself');
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
        assert.deepEqual(names(b, 'dir/sub'), []);
      });

      writeTest('onto itself (same name) does nothing', (b) => {
        const file = statAt(b, 'file.txt');
        const dir = statAt(b, 'dir');
        b.rename(b.root(), 'file.txt', b.root(), 'file.txt');
        b.rename(b.root(), 'dir', b.root(), 'dir');
        assert.equal(statAt(b, 'file.txt').ino, file.ino);
        assert.equal(statAt(b, 'file.txt').nlink, 1n);
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
        assert.equal(statAt(b, 'dir').ino, dir.ino);
        assert.deepEqual(sorted(names(b, 'dir')), ['a.txt', 'b.txt', 'sub']);
      });

      writeTest('onto another hard link of the same inode does nothing: both names stay (POSIX rename)', (b) => {
        b.link(at(b, 'dir'), 'hard', at(b, 'file.txt'));
        b.rename(b.root(), 'file.txt', at(b, 'dir'), 'hard');
        assert.equal(statAt(b, 'file.txt').nlink, 2n);
        assert.equal(statAt(b, 'dir/hard').ino, statAt(b, 'file.txt').ino);
        assert.equal(readFile(b, 'dir/hard'), 'hello, world\n');
      });

      writeTest('a missing source fails with no-entry', (b) => {
        expectFsError(() => b.rename(b.root(), 'missing', b.root(), 'x'), 'no-entry');
        assert.equal(tryAt(b, 'x'), undefined);
      });

      linkTest('a symlink moves as a link; its target is untouched', (b) => {
        const ino = statAt(b, 'link').ino;
        b.rename(b.root(), 'link', at(b, 'dir'), 'l');
        assert.equal(b.readlink(at(b, 'dir/l')), 'file.txt');
        assert.equal(statAt(b, 'dir/l').ino, ino);
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
      });

      writeTest('changes the ctime of the moved inode and the mtime of both directories', (b) => {
        ageTimes(b, '');
        ageTimes(b, 'dir');
        const ctime = statAt(b, 'file.txt').ctimeNs;
        sleepMs(caps.clockTickMs);
        b.rename(b.root(), 'file.txt', at(b, 'dir'), 'moved');
        assert.ok(statAt(b, 'dir/moved').ctimeNs > ctime, 'moved inode ctime advanced');
        assert.ok(statAt(b, '').mtimeNs > OLD_NS + caps.timeErrorNs, 'source directory mtime advanced');
        assert.ok(statAt(b, 'dir').mtimeNs > OLD_NS + caps.timeErrorNs, 'destination directory mtime advanced');
      });

      writeTest('into a removed directory fails with no-entry and the source stays', (b) => {
        b.mkdir(b.root(), 'gone');
        const gone = at(b, 'gone');
        b.rmdir(b.root(), 'gone');
        expectFsError(() => b.rename(b.root(), 'file.txt', gone, 'lost'), 'no-entry');
        assert.equal(readFile(b, 'file.txt'), 'hello, world\n');
      });
    });

    // -------------------------------------------------------------------- readdir after changes
    describe('readdir after changes', () => {
      writeTest('reflects creation, removal and renaming, never listing . or ..', (b) => {
        b.createFile(at(b, 'empty'), 'one');
        b.mkdir(at(b, 'empty'), 'two');
        if (symlinks) b.symlink(at(b, 'empty'), 'three', 'one');
        const expected = symlinks ? ['one', 'three', 'two'] : ['one', 'two'];
        assert.deepEqual(sorted(names(b, 'empty')), expected);
        const types = new Map(b.readdir(at(b, 'empty')).map((e: DirEntry) => [e.name, e.type]));
        assert.equal(types.get('one'), 'regular-file');
        assert.equal(types.get('two'), 'directory');
        if (symlinks) assert.equal(types.get('three'), 'symbolic-link');
        b.rename(at(b, 'empty'), 'one', at(b, 'empty'), 'uno');
        b.rmdir(at(b, 'empty'), 'two');
        assert.deepEqual(sorted(names(b, 'empty')), symlinks ? ['three', 'uno'] : ['uno']);
        const order = names(b, 'empty');
        assert.deepEqual(names(b, 'empty'), order, 'stable without changes');
      });
    });

    // -------------------------------------------------------------------- FileIO
    describe('FileIO', () => {
      writeTest('writes at offsets and reads them back; write returns the byte count', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          assert.equal(io.write(enc('HELLO'), 0n), 5);
          assert.equal(io.write(enc('!'), 12n), 1);
          assert.equal(dec(readAllIO(io)), 'HELLO, world!');
          assert.equal(io.size(), 13n);
          assert.equal(io.write(new Uint8Array(0), 3n), 0);
          assert.equal(io.size(), 13n);
        } finally {
          io.close();
        }
        assert.equal(readFile(b, 'file.txt'), 'HELLO, world!');
        assert.equal(statAt(b, 'file.txt').size, 13n);
      });

      writeTest('writing past the end zero-fills the gap', (b) => {
        const node = b.createFile(b.root(), 'sparse');
        const io = b.open(node, { read: true, write: true });
        try {
          assert.equal(io.write(enc('xy'), 10n), 2);
          assert.equal(io.size(), 12n);
          assert.deepEqual([...readAllIO(io)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 120, 121]);
          assert.equal(io.write(enc('z'), 100_000n), 1);
          assert.equal(io.size(), 100_001n);
          const mid = readRange(io, 12n, 99_988);
          assert.equal(mid.length, 99_988);
          assert.ok(mid.every((x) => x === 0), 'a large gap is zeros');
        } finally {
          io.close();
        }
        assert.equal(statAt(b, 'sparse').size, 100_001n);
      });

      writeTest('truncate up zero-fills; truncate down cuts', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          io.truncate(16n);
          assert.equal(io.size(), 16n);
          assert.deepEqual([...readRange(io, 13n, 10)], [0, 0, 0]);
          io.truncate(5n);
          assert.equal(io.size(), 5n);
          assert.equal(dec(readAllIO(io)), 'hello');
          assert.equal(io.read(new Uint8Array(4), 5n), 0);
          io.truncate(0n);
          assert.equal(io.size(), 0n);
        } finally {
          io.close();
        }
        assert.equal(statAt(b, 'file.txt').size, 0n);
      });

      writeTest('truncate down then up reads zeros, never the old bytes', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          io.truncate(2n);
          io.truncate(13n);
          assert.deepEqual([...readAllIO(io)], [104, 101, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
          io.truncate(1n);
          io.write(enc('!'), 10n); // growth by a write past the end after a shrink
          assert.deepEqual([...readAllIO(io)], [104, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33]);
        } finally {
          io.close();
        }
      });

      writeTest('two FileIOs on one node see each other’s writes and sizes', (b) => {
        const a = openRW(b, 'dir/a.txt');
        const c = b.open(at(b, 'dir/a.txt'), { read: true, write: false });
        try {
          a.write(enc('xyz'), 1n);
          assert.equal(c.size(), 4n);
          assert.equal(dec(readAllIO(c)), 'Axyz');
          a.close();
          assert.equal(dec(readAllIO(c)), 'Axyz', 'closing one FileIO leaves the other usable');
        } finally {
          c.close();
        }
      });

      writeTest('sync(true) and sync(false) succeed and keep the data', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          io.write(enc('S'), 0n);
          io.sync(true);
          io.sync(false);
        } finally {
          io.close();
        }
        assert.equal(readFile(b, 'file.txt'), 'Sello, world\n');
      });

      writeTest('write changes mtime and ctime; truncate changes mtime', (b) => {
        ageTimes(b, 'file.txt');
        const ctime = statAt(b, 'file.txt').ctimeNs;
        sleepMs(caps.clockTickMs);
        const io = openRW(b, 'file.txt');
        try {
          io.write(enc('x'), 0n);
          const st = statAt(b, 'file.txt');
          assert.ok(st.mtimeNs > OLD_NS + caps.timeErrorNs, 'mtime advanced on write');
          assert.ok(st.ctimeNs > ctime, 'ctime advanced on write');
          ageTimes(b, 'file.txt');
          io.truncate(3n);
          assert.ok(statAt(b, 'file.txt').mtimeNs > OLD_NS + caps.timeErrorNs, 'mtime advanced on truncate');
        } finally {
          io.close();
        }
      });
    });

    // -------------------------------------------------------------------- setTimes / stat
    describe('setTimes', () => {
      writeTest('set stores nanosecond times on files and directories', (b) => {
        const atime = 1_600_000_000_123_456_789n;
        const mtime = 1_500_000_000_987_654_321n;
        for (const p of ['file.txt', 'dir']) {
          b.setTimes(at(b, p), { kind: 'set', ns: atime }, { kind: 'set', ns: mtime });
          const st = statAt(b, p);
          assertNear(st.atimeNs, atime, caps.timeErrorNs, `${p} atime`);
          assertNear(st.mtimeNs, mtime, caps.timeErrorNs, `${p} mtime`);
        }
      });

      writeTest('keep leaves a time as it was', (b) => {
        b.setTimes(at(b, 'file.txt'), { kind: 'set', ns: OLD_NS }, { kind: 'set', ns: OLD_NS + 5n });
        b.setTimes(at(b, 'file.txt'), { kind: 'keep' }, { kind: 'set', ns: OLD_NS + 1000n });
        assertNear(statAt(b, 'file.txt').atimeNs, OLD_NS, caps.timeErrorNs, 'atime kept');
        assertNear(statAt(b, 'file.txt').mtimeNs, OLD_NS + 1000n, caps.timeErrorNs, 'mtime set');
        b.setTimes(at(b, 'file.txt'), { kind: 'set', ns: OLD_NS + 2000n }, { kind: 'keep' });
        assertNear(statAt(b, 'file.txt').atimeNs, OLD_NS + 2000n, caps.timeErrorNs, 'atime set');
        assertNear(statAt(b, 'file.txt').mtimeNs, OLD_NS + 1000n, caps.timeErrorNs, 'mtime kept');
      });

      writeTest('now sets the current time', (b) => {
        ageTimes(b, 'file.txt');
        b.setTimes(at(b, 'file.txt'), { kind: 'now' }, { kind: 'now' });
        const st = statAt(b, 'file.txt');
        assertNear(st.atimeNs, wallNs(), 1_000_000_000n, 'atime is now');
        assertNear(st.mtimeNs, wallNs(), 1_000_000_000n, 'mtime is now');
        ageTimes(b, 'file.txt');
        b.setTimes(at(b, 'file.txt'), { kind: 'keep' }, { kind: 'now' });
        assertNear(statAt(b, 'file.txt').atimeNs, OLD_NS, caps.timeErrorNs, 'atime kept');
        assertNear(statAt(b, 'file.txt').mtimeNs, wallNs(), 1_000_000_000n, 'mtime is now');
      });

      writeTest('changes ctime to now, even with keep/keep', (b) => {
        const before = statAt(b, 'file.txt').ctimeNs;
        sleepMs(caps.clockTickMs);
        b.setTimes(at(b, 'file.txt'), { kind: 'set', ns: OLD_NS }, { kind: 'set', ns: OLD_NS });
        const mid = statAt(b, 'file.txt').ctimeNs;
        assert.ok(mid > before, 'ctime advanced');
        assertNear(mid, wallNs(), 1_000_000_000n, 'ctime is now, not the time set');
        sleepMs(caps.clockTickMs);
        b.setTimes(at(b, 'file.txt'), { kind: 'keep' }, { kind: 'keep' });
        assert.ok(statAt(b, 'file.txt').ctimeNs >= mid);
        assertNear(statAt(b, 'file.txt').mtimeNs, OLD_NS, caps.timeErrorNs, 'keep/keep keeps mtime');
      });
    });

    describe('stat: inodes and link counts', () => {
      writeTest('new nodes get distinct inodes that survive renames; a directory counts 2 + subdirectories', (b) => {
        const f = b.stat(b.createFile(b.root(), 'f')).ino;
        const d = b.stat(b.mkdir(b.root(), 'd')).ino;
        const all = [f, d, ...['', 'file.txt', 'dir', 'dir/a.txt', 'empty'].map((p) => statAt(b, p).ino)];
        if (symlinks) {
          b.symlink(b.root(), 's', 'f');
          all.push(statAt(b, 's').ino);
        }
        assert.equal(new Set(all).size, all.length, 'distinct');
        b.rename(b.root(), 'f', at(b, 'd'), 'f2');
        b.rename(b.root(), 'd', at(b, 'empty'), 'd2');
        assert.equal(statAt(b, 'empty/d2/f2').ino, f);
        assert.equal(statAt(b, 'empty/d2').ino, d);
        if (caps.dirNlink) {
          assert.equal(statAt(b, 'empty/d2').nlink, 2n);
          assert.equal(statAt(b, 'empty').nlink, 3n);
          b.mkdir(at(b, 'empty/d2'), 'x');
          b.mkdir(at(b, 'empty/d2'), 'y');
          assert.equal(statAt(b, 'empty/d2').nlink, 4n);
        }
      });

      writeTest('an inode number is not reused while its file is still open', (b) => {
        const io = openRW(b, 'file.txt');
        try {
          const ino = statAt(b, 'file.txt').ino;
          b.unlink(b.root(), 'file.txt');
          const fresh = [b.createFile(b.root(), 'n1'), b.createFile(b.root(), 'n2'), b.mkdir(b.root(), 'n3')].map((n) => b.stat(n).ino);
          assert.ok(!fresh.includes(ino), 'new nodes do not take the open file’s inode');
        } finally {
          io.close();
        }
      });
    });
  }
}
