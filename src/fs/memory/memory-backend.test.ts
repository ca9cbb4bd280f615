// Unit tests of MemoryBackend's own accounting (the shared contract suite is under test/contract/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FsError } from '../../errors.js';
import { MemoryBackend } from './memory-backend.js';

test('maxBytes ends a write-forever with insufficient-space, and unlinked files give their bytes back', () => {
  const b = new MemoryBackend({ maxBytes: 1 << 20 });
  const root = b.root();
  const f = b.createFile(root, 'big');
  const io = b.open(f, { read: true, write: true });
  const chunk = new Uint8Array(64 * 1024).fill(7);
  let written = 0;
  assert.throws(() => {
    for (;;) written += io.write(chunk, BigInt(written));
  }, (e: unknown) => e instanceof FsError && e.errorCode === 'insufficient-space');
  assert.ok(written >= (1 << 20) - chunk.length && written <= 1 << 20, `wrote ${written}`);
  assert.ok(b.bytesUsed <= 1 << 20);
  b.unlink(root, 'big');
  assert.ok(b.bytesUsed > 0, 'still open: the data is kept');
  const buf = new Uint8Array(4);
  assert.equal(io.read(buf, 0n), 4, 'readable after unlink');
  assert.deepEqual([...buf], [7, 7, 7, 7]);
  io.close();
  assert.equal(b.bytesUsed, 0, 'closed and unlinked: freed');
});

test('maxFileSize gives file-too-large', () => {
  const b = new MemoryBackend({ maxFileSize: 1000 });
  const io = b.open(b.createFile(b.root(), 'f'), { read: true, write: true });
  assert.throws(() => io.write(new Uint8Array(10), 995n), (e: unknown) => e instanceof FsError && e.errorCode === 'file-too-large');
  assert.throws(() => io.truncate(1001n), (e: unknown) => e instanceof FsError && e.errorCode === 'file-too-large');
  io.truncate(1000n);
  assert.equal(io.size(), 1000n);
});
