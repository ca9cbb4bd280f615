// The host's handle API on Wasi: place, add, get, take, duplicate, share; rights only narrow; two
// instances sharing one pipe end and one file description (shared position, refcounted close).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BytesSource, CaptureSink, Namespace, Rights, Wasi, createPipe } from '../../src/index.js';
import { repoPath } from '../paths.js';
import { errorCodeOf } from '../helpers.js';

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const hello = readFileSync(repoPath('examples/hello/hello.wasm'));
const readOnce = readFileSync(repoPath('test/io/read-once.wasm'));

test('place puts a handle at a chosen fd and fails with busy if taken; add takes the lowest free from 3', () => {
  const wasi = new Wasi();
  const a = new BytesSource('a');
  wasi.place(7, a);
  assert.equal(wasi.get(7), a);
  assert.equal(a.refCount, 1);
  const b = new BytesSource('b');
  assert.equal(errorCodeOf(() => wasi.place(7, b)), 'busy');
  assert.equal(b.refCount, 0, 'nothing retained on failure');
  assert.equal(wasi.add(b), 3);
  assert.equal(wasi.add(new BytesSource('c')), 4);
  assert.equal(errorCodeOf(() => wasi.get(5)), 'bad-descriptor');
  wasi.close();
  assert.equal(a.disposed, true);
});

test('rights default to what the kind and direction allow, and the host can only narrow them', () => {
  const ns = new Namespace();
  ns.writeFile('/f.txt', 'x');
  const wasi = new Wasi({ namespace: ns });
  const { reader, writer } = createPipe();
  const r = wasi.add(reader);
  const w = wasi.add(writer, Rights.FD_WRITE | Rights.FD_SEEK | Rights.PATH_OPEN); // seek and path_open make no sense on a pipe
  const f = wasi.add(ns.openFile('/f.txt'), { base: Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK });
  const d = wasi.add(ns.openDir('/'), { base: Rights.PATH_OPEN | Rights.FD_READDIR, inheriting: Rights.FD_READ });
  const meta = (fd: number) => wasi.fds.slot(fd)!.meta;
  assert.equal(meta(r).base & Rights.FD_READ, Rights.FD_READ);
  assert.equal(meta(r).base & Rights.FD_WRITE, 0, 'a reading end has no write right');
  assert.equal(meta(r).base & Rights.FD_SEEK, 0);
  assert.equal(meta(w).base, Rights.FD_WRITE, 'rights beyond the kind are dropped');
  assert.equal(meta(f).base, Rights.FD_READ | Rights.FD_SEEK, 'a file opened read-only gets no write right even if asked');
  assert.equal(meta(d).base, Rights.PATH_OPEN | Rights.FD_READDIR);
  assert.equal(meta(d).inheriting, Rights.FD_READ);
  wasi.close();
});

test('a narrowed stdout really refuses the guest: without fd_write the guest prints nothing', async () => {
  const out = new CaptureSink();
  const wasi = new Wasi();
  wasi.take(1).release(); // the default (discarding) stdout is closed
  wasi.place(1, out, Rights.FD_FILESTAT_GET);
  const r = await wasi.run(hello);
  assert.equal(r.exitCode, 0);
  assert.equal(out.text(), '');
  const open = new CaptureSink();
  const wasi2 = new Wasi();
  wasi2.take(1).release();
  wasi2.place(1, open);
  await wasi2.run(hello);
  assert.equal(open.text(), 'Hello from WebAssembly!\n', 'the same guest with the default rights prints');
});

test('take moves a handle out without closing it; the caller owns the reference', () => {
  const wasi = new Wasi();
  const other = new Wasi();
  const src = new BytesSource('abc');
  const fd = wasi.add(src);
  wasi.duplicate(fd);
  const taken = wasi.take(fd);
  assert.equal(taken, src);
  assert.equal(src.disposed, false);
  assert.equal(src.refCount, 2, 'the duplicate and the caller');
  assert.equal(errorCodeOf(() => wasi.get(fd)), 'bad-descriptor');
  other.place(5, taken);
  taken.release(); // hand the caller's reference over
  assert.equal(src.refCount, 2);
  wasi.close();
  assert.equal(src.disposed, false, 'still open in the other instance');
  other.close();
  assert.equal(src.disposed, true);
});

test('duplicate is dup(2): the same description (position shared), same rights, lowest free fd from 3', () => {
  const ns = new Namespace();
  ns.writeFile('/f.txt', 'hello world');
  const wasi = new Wasi({ namespace: ns });
  const fd = wasi.add(ns.openFile('/f.txt'), Rights.FD_READ);
  const dup = wasi.duplicate(fd);
  assert.equal(dup, 4);
  assert.equal(wasi.get(dup), wasi.get(fd));
  assert.equal(wasi.fds.slot(dup)!.meta.base, Rights.FD_READ);
  wasi.fds.remove(fd);
  assert.equal(wasi.get(dup).disposed, false, 'closing one fd leaves the description open');
  wasi.close();
});

test('two instances share one file description: shared position, refcounted close', async () => {
  const ns = new Namespace();
  ns.writeFile('/data.txt', 'hello world!');
  const a = new Wasi({ namespace: ns, stdout: 'capture' });
  const b = new Wasi({ namespace: ns, stdout: 'capture' });
  const desc = ns.openFile('/data.txt');
  a.place(3, desc);
  assert.equal(a.share(3, b, 3), 3);
  assert.equal(desc.refCount, 2);
  assert.equal(b.fds.slot(3)!.meta.base, a.fds.slot(3)!.meta.base, 'rights travel with the handle');
  // Each guest reads 5 bytes from fd 3, then closes it.
  const ra = await a.run(readOnce);
  assert.equal(dec(ra.stdout), 'hello');
  assert.equal(desc.disposed, false, "a's close left b's fd open");
  assert.equal(desc.position, 5n);
  const rb = await b.run(readOnce);
  assert.equal(dec(rb.stdout), ' worl', 'b continued where a stopped: one position');
  assert.equal(desc.disposed, true, 'closed when the last fd on it was closed');
});

test('two instances share one pipe writer: the reader sees end of stream only when both are done', async () => {
  const { reader, writer } = createPipe();
  reader.retain();
  const a = new Wasi({ args: ['hello', 'from-a'] });
  const b = new Wasi({ args: ['hello', 'from-b'] });
  a.take(1).release();
  a.place(1, writer);
  b.take(1).release();
  assert.equal(a.share(1, b, 1), 1);
  assert.equal(errorCodeOf(() => a.share(1, b, 1)), 'busy', 'the target fd must be free');
  await a.run(hello);
  assert.equal(reader.hungUp(), false, 'b still holds the writer');
  await b.run(hello);
  assert.equal(reader.hungUp(), true);
  const buf = new Uint8Array(1000);
  let text = '';
  for (let n; (n = reader.read(buf)) > 0; ) text += dec(buf.subarray(0, n));
  assert.equal(text, 'Hello from WebAssembly!\narg 1: from-a\nHello from WebAssembly!\narg 1: from-b\n');
  reader.release();
});

test('share without a target number takes the lowest free fd from 3 in the other instance', () => {
  const a = new Wasi();
  const b = new Wasi();
  const src = new BytesSource('x');
  const fd = a.add(src);
  b.add(new BytesSource('y'));
  assert.equal(a.share(fd, b), 4);
  assert.equal(b.get(4), src);
  a.close();
  b.close();
  assert.equal(src.disposed, true);
});
