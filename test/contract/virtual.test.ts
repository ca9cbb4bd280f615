// Runs the read part of the backend contract against the read-only backends: VirtualBackend
// (a host-fixed tree of callback files) and ReadOnlyBackend (a view that refuses every change),
// plus what only they promise.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { ReadOnlyBackend } from '../../src/fs/virtual/read-only.js';
import { VirtualBackend, callbackFile, devices, type VirtualTree } from '../../src/fs/virtual/virtual-backend.js';
import type { Backend } from '../../src/fs/types.js';
import { dec, enc, expectFsError, readAllIO } from '../helpers.js';
import { FIXTURE, backendContract, populate, type FixtureEntry } from './backend-contract.js';

/** FIXTURE as a virtual tree: files become read-only callback files; symlinks are left out. */
function virtualTree(tree: { readonly [name: string]: FixtureEntry }): VirtualTree {
  const out: VirtualTree = {};
  for (const [name, entry] of Object.entries(tree)) {
    if ('file' in entry) {
      const bytes = enc(entry.file);
      out[name] = callbackFile({
        read: (offset, length) => bytes.subarray(Number(offset), Number(offset) + length),
        size: () => BigInt(bytes.length),
      });
    } else if ('dir' in entry) {
      out[name] = virtualTree(entry.dir);
    }
  }
  return out;
}

backendContract('VirtualBackend', () => ({ backend: new VirtualBackend(virtualTree(FIXTURE)) }), {
  writable: false,
  symlinks: false,
  dirNlink: false,
  refusedWrite: 'access', // a callback file without write/truncate callbacks
  refusedSetTimes: 'ok', // the host-fixed tree still keeps settable timestamps
});

backendContract(
  'ReadOnlyBackend over a populated MemoryBackend',
  () => {
    const inner = new MemoryBackend();
    populate(inner);
    return { backend: new ReadOnlyBackend(inner) };
  },
  {
    writable: false,
    known: {},
  },
);

backendContract(
  'ReadOnlyBackend over a VirtualBackend',
  () => ({ backend: new ReadOnlyBackend(new VirtualBackend(virtualTree(FIXTURE))) }),
  {
    writable: false,
    symlinks: false,
    dirNlink: false,
    // Nothing changes here (the callback files have no write callback, so the inner FileIO says `access`),
    // but the view itself should answer `not-permitted`: same bug as above.
    known: {},
  },
);

/** Everything about a memory tree except atimes, read straight from the backend. */
function dump(b: MemoryBackend): unknown {
  const walk = (node: ReturnType<MemoryBackend['root']>): unknown => {
    const { atimeNs: _a, ...st } = b.stat(node);
    if (node.type === 'directory') {
      return { st, entries: b.readdir(node).map((e) => [e.name, walk(b.lookup(node, e.name)!)]) };
    }
    if (node.type === 'symbolic-link') return { st, target: b.readlink(node) };
    const io = b.open(node, { read: true, write: false });
    return { st, content: dec(readAllIO(io)) };
  };
  return walk(b.root());
}

describe('ReadOnlyBackend specifics', () => {
  test('every change through the view is refused with not-permitted and the inner tree stays as it was', () => {
    const inner = new MemoryBackend();
    populate(inner);
    const before = dump(inner);
    const ro: Backend<any> = new ReadOnlyBackend(inner);
    const root = ro.root();
    const dir = ro.lookup(root, 'dir');
    const file = ro.lookup(root, 'file.txt');
    const changes: [string, () => unknown][] = [
      ['createFile', () => ro.createFile(root, 'x')],
      ['mkdir', () => ro.mkdir(dir, 'x')],
      ['symlink', () => ro.symlink(root, 'x', 'file.txt')],
      ['link', () => ro.link(root, 'x', file)],
      ['unlink', () => ro.unlink(root, 'file.txt')],
      ['unlink link', () => ro.unlink(root, 'link')],
      ['rmdir', () => ro.rmdir(root, 'empty')],
      ['rename', () => ro.rename(root, 'file.txt', dir, 'a.txt')],
      ['setTimes', () => ro.setTimes(file, { kind: 'now' }, { kind: 'now' })],
      ['open rw', () => ro.open(file, { read: true, write: true })],
      ['open w', () => ro.open(file, { read: false, write: true })],
    ];
    for (const [what, change] of changes) expectFsError(change, 'not-permitted', what);
    assert.deepEqual(dump(inner), before);
  });

  test('reads pass through: changes made to the inner backend show in the view', () => {
    const inner = new MemoryBackend();
    populate(inner);
    const ro = new ReadOnlyBackend(inner);
    inner.createFile(inner.root(), 'later');
    assert.ok(ro.readdir(ro.root()).some((e) => e.name === 'later'));
    const io = ro.open(ro.lookup(ro.root(), 'file.txt')!, { read: true, write: false });
    assert.equal(dec(readAllIO(io)), 'hello, world\n');
    assert.equal(ro.readlink(ro.lookup(ro.root(), 'link')!), 'file.txt');
  });

  test('labels itself and keys nodes like its inner backend', () => {
    const inner = new MemoryBackend();
    const ro = new ReadOnlyBackend(inner);
    assert.equal(ro.label, 'read-only memory');
    assert.equal(ro.nodeKey(inner.root()), inner.root());
  });
});

describe('VirtualBackend specifics', () => {
  test('refuses to build a tree with an invalid name', () => {
    for (const bad of ['', '.', '..', 'a/b', 'nul\0']) {
      assert.throws(() => new VirtualBackend({ [bad]: callbackFile({}) }), RangeError, JSON.stringify(bad));
    }
  });

  test('a callback file with write and truncate callbacks is writable through FileIO', () => {
    let data = new Uint8Array(0);
    const node = callbackFile({
      read: (o, n) => data.subarray(Number(o), Number(o) + n),
      write: (bytes, o) => {
        const end = Number(o) + bytes.length;
        if (end > data.length) {
          const grown = new Uint8Array(end);
          grown.set(data);
          data = grown;
        }
        data.set(bytes, Number(o));
        return bytes.length;
      },
      size: () => BigInt(data.length),
      truncate: (size) => {
        const next = new Uint8Array(Number(size));
        next.set(data.subarray(0, Number(size)));
        data = next;
      },
    });
    const b = new VirtualBackend({ f: node });
    const f = b.lookup(b.root(), 'f')!;
    const before = b.stat(f).mtimeNs;
    const io = b.open(f, { read: true, write: true });
    assert.equal(io.write(enc('hello'), 0n), 5);
    assert.equal(io.size(), 5n);
    io.truncate(2n);
    assert.equal(dec(readAllIO(io)), 'he');
    assert.equal(b.stat(f).size, 2n);
    assert.ok(b.stat(f).mtimeNs >= before);
  });

  test('missing callbacks fail with access; a streaming file ignores truncation', () => {
    const b = new VirtualBackend({ wo: callbackFile({ write: (d) => d.length }), ro: callbackFile({ read: () => new Uint8Array(0) }) });
    expectFsError(() => b.open(b.lookup(b.root(), 'wo')!, { read: true, write: false }), 'access');
    const io = b.open(b.lookup(b.root(), 'ro')!, { read: true, write: false });
    expectFsError(() => io.truncate(0n), 'access');
    const dev = devices();
    const nul = dev.open(dev.lookup(dev.root(), 'null')!, { read: true, write: true });
    assert.equal(nul.streaming, true);
    nul.truncate(0n); // O_TRUNC on /dev/null is fine
    assert.equal(nul.read(new Uint8Array(8), 0n), 0);
    assert.equal(nul.write(enc('gone'), 0n), 4);
  });

  test('devices: zero reads zeros, urandom fills the buffer, all are character devices', () => {
    const dev = devices();
    assert.deepEqual(dev.readdir(dev.root()).map((e) => [e.name, e.type]), [
      ['null', 'character-device'],
      ['zero', 'character-device'],
      ['urandom', 'character-device'],
      ['random', 'character-device'],
    ]);
    const zero = dev.open(dev.lookup(dev.root(), 'zero')!, { read: true, write: false });
    const buf = new Uint8Array(16).fill(7);
    assert.equal(zero.read(buf, 0n), 16);
    assert.ok(buf.every((x) => x === 0));
    const rnd = dev.open(dev.lookup(dev.root(), 'urandom')!, { read: true, write: false });
    const big = new Uint8Array(100_000);
    assert.equal(rnd.read(big, 0n), 100_000);
    assert.ok(big.subarray(70_000).some((x) => x !== 0), 'bytes past the first 64 KiB chunk are filled too');
  });
});
