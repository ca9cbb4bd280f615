// Runs the backend contract against MemoryBackend, plus what only the memory backend promises
// (size limits, its injectable clock, giving space back).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { dec, enc, expectFsError, readAllIO } from '../helpers.js';
import { backendContract } from './backend-contract.js';

backendContract('MemoryBackend', () => ({ backend: new MemoryBackend() }), {
  known: {},
});

/** A clock that ticks one nanosecond per reading, from `start`. */
function counter(start: bigint): () => bigint {
  let t = start;
  return () => t++;
}

function file(b: MemoryBackend, name: string, content: string | Uint8Array) {
  const node = b.createFile(b.root(), name);
  const io = b.open(node, { read: true, write: true });
  io.write(typeof content === 'string' ? enc(content) : content, 0n);
  return { node, io };
}

describe('MemoryBackend specifics', () => {
  test('timestamps come from the injected clock, to the nanosecond', () => {
    const b = new MemoryBackend({ now: counter(1_700_000_000_000_000_001n) });
    const root = b.stat(b.root());
    assert.equal(root.mtimeNs, 1_700_000_000_000_000_001n);
    const node = b.createFile(b.root(), 'f');
    const created = b.stat(node);
    assert.ok(created.mtimeNs > root.mtimeNs);
    assert.equal(created.mtimeNs, created.ctimeNs);
    const io = b.open(node, { read: true, write: true });
    io.write(enc('x'), 0n);
    const written = b.stat(node);
    assert.ok(written.mtimeNs > created.mtimeNs);
    assert.equal(written.atimeNs, created.atimeNs, 'a write does not touch atime');
    io.read(new Uint8Array(1), 0n);
    assert.ok(b.stat(node).atimeNs > written.mtimeNs, 'a read updates atime');
    assert.equal(b.stat(node).mtimeNs, written.mtimeNs, 'a read does not touch mtime');
  });

  test('maxFileSize: growing past it fails with file-too-large and changes nothing', () => {
    const b = new MemoryBackend({ maxFileSize: 16 });
    const { node, io } = file(b, 'f', 'abc');
    assert.equal(io.write(enc('x'.repeat(13)), 3n), 13, 'exactly the limit is fine');
    expectFsError(() => io.write(enc('y'), 16n), 'file-too-large');
    expectFsError(() => io.write(enc('yy'), 15n), 'file-too-large');
    expectFsError(() => io.truncate(17n), 'file-too-large');
    expectFsError(() => io.write(enc('z'), 1n << 62n), 'file-too-large');
    assert.equal(b.stat(node).size, 16n);
    assert.equal(dec(readAllIO(io)), 'abc' + 'x'.repeat(13));
  });

  test('maxBytes: running out fails with insufficient-space and changes nothing', () => {
    const b = new MemoryBackend({ maxBytes: 100 });
    const { node, io } = file(b, 'f', 'x'.repeat(60));
    const other = file(b, 'g', '');
    const left = 100 - b.bytesUsed;
    expectFsError(() => other.io.write(new Uint8Array(left + 1), 0n), 'insufficient-space');
    expectFsError(() => other.io.truncate(BigInt(left + 1)), 'insufficient-space');
    assert.equal(b.stat(other.node).size, 0n);
    assert.equal(b.bytesUsed, 100 - left, 'a refused write allocates nothing');
    other.io.write(new Uint8Array(left), 0n);
    assert.equal(b.stat(other.node).size, BigInt(left), 'what is left can be used exactly');
    assert.ok(b.bytesUsed <= 100, `bytesUsed ${b.bytesUsed} within the limit`);
    assert.equal(b.stat(node).size, 60n);
    assert.equal(dec(readAllIO(io)), 'x'.repeat(60));
  });

  test(
    'space of a removed (and closed) or replaced file is given back',
    () => {
      const b = new MemoryBackend({ maxBytes: 1000 });
      for (let i = 0; i < 5; i++) {
        const { io } = file(b, 'f', new Uint8Array(800));
        io.close();
        b.unlink(b.root(), 'f');
      }
      const { io } = file(b, 'kept', new Uint8Array(700));
      io.close();
      const { io: io2 } = file(b, 'tmp', new Uint8Array(200));
      io2.close();
      b.rename(b.root(), 'tmp', b.root(), 'kept'); // replaces the 700-byte file
      file(b, 'last', new Uint8Array(700)).io.close();
      assert.ok(b.bytesUsed <= 1000);
    },
  );

  test('a directory reports its entry count as its size', () => {
    const b = new MemoryBackend();
    b.createFile(b.root(), 'a');
    b.mkdir(b.root(), 'b');
    assert.equal(b.stat(b.root()).size, 2n);
  });

  test('opening a symlink node for I/O fails with invalid', () => {
    const b = new MemoryBackend();
    b.symlink(b.root(), 'l', 'x');
    expectFsError(() => b.open(b.lookup(b.root(), 'l')!, { read: true, write: false }), 'invalid');
  });

  test('two backends keep their trees apart', () => {
    const a = new MemoryBackend();
    const c = new MemoryBackend();
    a.createFile(a.root(), 'only-in-a');
    assert.equal(c.lookup(c.root(), 'only-in-a'), undefined);
    assert.deepEqual(c.readdir(c.root()), []);
  });
});
