// Minimal reproductions of bugs the syscall fuzzer (test/boundary-fuzz/) found. Each test states
// what Warden should do; while the bug is open it is marked todo (it runs, and its failure is
// reported without failing the suite). When a fix lands, the todo goes and the test stays.
// Every bug below was fixed during the session that found it; the seeds quoted replay with the
// source and fuzzer of the run that found them. The tests are what stays reproducible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBackend, Namespace, OverlayBackend, Trap } from '../../src/index.js';
import { E, raw } from '../p1/raw.js';

function withDir() {
  const namespace = new Namespace();
  namespace.mkdirp('/d');
  // Read into an iovec array, these bytes are the iovecs (256, 16) and (256, 16).
  const iov = new Uint8Array(16);
  const v = new DataView(iov.buffer);
  v.setUint32(0, 256, true);
  v.setUint32(4, 16, true);
  v.setUint32(8, 256, true);
  v.setUint32(12, 16, true);
  namespace.writeFile('/d/iov.bin', iov);
  namespace.writeFile('/d/far.bin', new Uint8Array([0xf0, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 1, 2, 3, 4]));
  return raw({ namespace, preopens: { '/d': '/d' } });
}

const trapFree = (f: () => number): number => {
  try {
    return f();
  } catch (e) {
    assert.fail(`the call trapped: ${e instanceof Trap ? e.message : String(e)}`);
  }
};

// Bug (fixed in 63c750d): src/p1/memory.ts GuestMemory.check() re-took its views only when ptr+len
// exceeded the old length; after memory.grow detached the buffer, a zero-length range at address 0
// (0 + 0 > 0 is false) kept the detached view and bytes()/string() threw TypeError "Cannot perform
// Construct on a detached ArrayBuffer": a Trap "host error in path_*" / "random_get".
// Found by the growing-memory worlds: seed 108 call 1613, path_open(4, 0, 0, 0, ...) right after a
// grow; in the 7-minute run at seeds 10021, 10054, 10062, 10120, ... with every path_* call.
test('after memory.grow, an empty path at guest address 0 is ENOENT, not a host-error trap', () => {
  const r = withDir();
  assert.equal(r.call.path_create_directory!(3, 0, 0), E.noent, 'before the grow: an empty path');
  r.memory.grow(1);
  assert.equal(trapFree(() => r.call.path_create_directory!(3, 0, 0)), E.noent);
});

test('after memory.grow, random_get(0, 0) succeeds, not a host-error trap', () => {
  const r = withDir();
  r.memory.grow(1);
  assert.equal(trapFree(() => r.call.random_get!(0, 0)), E.success);
});

// Bug (fixed in 63c750d): src/p1/syscalls/fd.ts transfer() re-read each iovec from guest memory after
// the earlier buffers were filled, so a read that overwrote a later iovec sent bytes to memory the
// guest never passed as a buffer (memory finding), or failed with EFAULT after consuming bytes
// (EFAULT with every range in bounds; position moved). POSIX readv and wasmtime read the array once.
// Found at seeds 10113 index 968 and 10256 index 1524 (fd_read of iov.bin into an iovec array).
test('fd_read reads the iovec array once: a buffer that overlaps a later iovec does not redirect it', () => {
  const r = withDir();
  r.put(100, 'iov.bin');
  assert.equal(r.call.path_open!(3, 0, 100, 7, 0, 2n | 4n, 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  // iovec[0] is the 8 bytes of iovec[1]; iovec[1] is (2000, 4).
  r.iovecs(1000, [[1008, 8], [2000, 4]]);
  assert.equal(r.call.fd_read!(fd, 1000, 2, 900), E.success);
  assert.equal(r.view().getUint32(900, true), 12, 'nread: 8 bytes into iovec[0] and 4 into the buffer iovec[1] named at the call');
  assert.deepEqual([...r.u8().subarray(2000, 2004)], [0x00, 0x01, 0x00, 0x00], 'file bytes 8..12 in the second buffer');
  assert.deepEqual([...r.u8().subarray(256, 272)], new Array(16).fill(0), 'nothing written at 256, where the overwritten iovec pointed');
});

test('fd_read does not consume bytes and then fail with EFAULT when a read overwrites a later iovec', () => {
  const r = withDir();
  r.put(100, 'far.bin');
  assert.equal(r.call.path_open!(3, 0, 100, 7, 0, 2n | 4n | 32n, 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  r.iovecs(1000, [[1008, 8], [2000, 4]]);
  const errno = r.call.fd_read!(fd, 1000, 2, 900);
  assert.equal(r.call.fd_tell!(fd, 904), E.success);
  const position = r.view().getBigUint64(904, true);
  assert.equal(errno, E.success, `fd_read returned errno ${errno} with the position moved to ${position}`);
  assert.equal(position, 12n);
});

// Bug (fixed in 63c750d): transfer() let an FsError from a later buffer escape after earlier buffers
// were written: EFBIG/ENOSPC returned while the data was in the file (and the position moved), so a
// guest that retries writes it twice. Found as a note: seed 102 index 946 (fd_pwrite of 4 buffers at
// offset 65530 into a file limited to 64 KiB), seed 208 index 2061 (fd_write, ENOSPC after 459 bytes).
test('fd_write that fails on a later buffer either reports the bytes it wrote or writes nothing', () => {
  const namespace = new Namespace();
  namespace.mount('/small', new MemoryBackend({ maxFileSize: 16 }));
  const r = raw({ namespace, preopens: { '/small': '/small' } });
  r.put(100, 'f');
  assert.equal(r.call.path_open!(3, 0, 100, 1, 1, 2n | 4n | 32n | 64n, 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  r.put(300, '0123456789abcdefghij');
  r.iovecs(400, [[300, 10], [310, 10]]);
  const errno = r.call.fd_write!(fd, 400, 2, 500);
  const size = namespace.stat('/small/f').size;
  if (errno === E.success) assert.equal(BigInt(r.view().getUint32(500, true)), size, 'nwritten is what the file got');
  else assert.equal(size, 0n, `fd_write returned errno ${errno} but the file holds ${size} bytes`);
});

// Bug (fixed in 63c750d): src/p1/syscalls/fd.ts fd_fdstat_set_flags set append and nonblock on the
// description before refusing DSYNC/RSYNC/SYNC, so a call failing with ENOTSUP still cleared them.
// Found as a note: seed 400 index 2594 (fd_fdstat_set_flags(2, 2): NONBLOCK gone), seed 401 index 2857.
test('fd_fdstat_set_flags that fails with ENOTSUP leaves the flags as they were', () => {
  const r = withDir();
  r.put(100, 'log');
  // O_CREAT, fdflags APPEND.
  assert.equal(r.call.path_open!(3, 0, 100, 3, 1, 2n | 64n | 8n, 0n, 1, 200), E.success);
  const fd = r.view().getUint32(200, true);
  assert.equal(r.call.fd_fdstat_set_flags!(fd, 2), 58, 'DSYNC cannot be set after open (ENOTSUP)');
  assert.equal(r.call.fd_fdstat_get!(fd, 208), E.success);
  assert.equal(r.view().getUint16(210, true), 1, 'still APPEND');
});

// Bug (fixed in 63c750d): src/fs/descriptor.ts FileDescription.write moved the position to the end of
// the file before an O_APPEND write, so a write that then failed (EFBIG, ENOSPC) returned an errno with
// the position changed. Found as a note: seed 412 index 1526 (one buffer, EFBIG, position 324 -> 478).
test('an O_APPEND fd_write that fails leaves the position where it was', () => {
  const namespace = new Namespace();
  namespace.mount('/small', new MemoryBackend({ maxFileSize: 16 }));
  namespace.writeFile('/small/f', '0123456789');
  const r = raw({ namespace, preopens: { '/small': '/small' } });
  r.put(100, 'f');
  assert.equal(r.call.path_open!(3, 0, 100, 1, 0, 2n | 4n | 32n | 64n, 0n, 1, 200), E.success);
  const fd = r.view().getUint32(200, true);
  r.put(300, 'abcdefghij');
  r.iovecs(400, [[300, 10]]);
  assert.equal(r.call.fd_write!(fd, 400, 1, 500), 22, 'EFBIG: 10 + 10 bytes exceed the 16-byte limit');
  assert.equal(r.call.fd_tell!(fd, 504), E.success);
  assert.equal(r.view().getBigUint64(504, true), 0n, 'the position is still 0');
});

// Bug (fixed in b6fb7f3): src/fs/overlay/overlay-backend.ts OverlayFileIO switched to the upper copy
// lazily (at its next read), so a copy-up followed by an unlink freed the copy (no FileIO was open on
// it, src/fs/memory/memory-backend.ts #dropLink) before the reader opened it; the reader then opened a
// freed file whose size was still 12 but whose data was empty, and fd_read reported 12 bytes read
// without writing them (the guest saw its own stale buffer). Found by the consistency check
// ("overlay upper: open unlinked file ino 10: size 12 > capacity 0") at seed 20778 index 399: the
// guest opened the overlay's lower-only hello.txt read-only (#291), set its times (copy-up, #353) and
// unlinked it (#359).
function overlayWith(files: Record<string, string>) {
  const lower = new MemoryBackend();
  for (const [name, text] of Object.entries(files)) {
    const io = lower.open(lower.createFile(lower.root(), name), { read: false, write: true });
    io.write(new TextEncoder().encode(text), 0n);
    io.close();
  }
  const namespace = new Namespace();
  namespace.mount('/o', new OverlayBackend(lower));
  return raw({ namespace, preopens: { '/o': '/o' } });
}

function readAll(r: ReturnType<typeof raw>, fd: number): string {
  r.put(400, new Uint8Array(16).fill(0xaa));
  r.iovecs(300, [[400, 16]]);
  assert.equal(r.call.fd_read!(fd, 300, 1, 500), E.success);
  return r.text(400, r.view().getUint32(500, true));
}

test('a file opened read-only before its copy-up stays readable after the copy is unlinked', () => {
  const r = overlayWith({ 'hello.txt': 'hello lower\n' });
  r.put(100, 'hello.txt');
  assert.equal(r.call.path_open!(3, 0, 100, 9, 0, 2n, 0n, 0, 200), E.success, 'read-only: no copy-up');
  const fd = r.view().getUint32(200, true);
  assert.equal(r.call.path_filestat_set_times!(3, 0, 100, 9, 1n, 0n, 1), E.success, 'setting a time copies the file up');
  assert.equal(r.call.path_unlink_file!(3, 100, 9), E.success);
  assert.equal(readAll(r, fd), 'hello lower\n');
});

test('a file opened read-only before its copy-up stays readable after another file is renamed over the copy', () => {
  const r = overlayWith({ a: 'AAAAAAAAAAAA', b: 'bbbb' });
  r.put(100, 'a');
  r.put(110, 'b');
  assert.equal(r.call.path_open!(3, 0, 100, 1, 0, 2n, 0n, 0, 200), E.success);
  const reader = r.view().getUint32(200, true);
  assert.equal(r.call.path_open!(3, 0, 100, 1, 0, 2n | 64n, 0n, 0, 204), E.success, 'opening for writing copies a up');
  assert.equal(r.call.fd_close!(r.view().getUint32(204, true)), E.success);
  assert.equal(r.call.path_rename!(3, 110, 1, 3, 100, 1), E.success, 'b replaces the copy of a');
  assert.equal(readAll(r, reader), 'AAAAAAAAAAAA');
});
