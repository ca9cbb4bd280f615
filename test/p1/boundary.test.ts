// The guest boundary of preview1: every pointer, length, enum and string a guest passes is
// checked, guest mistakes become errnos, and unknown host exceptions become traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileDescription, FsError, Namespace, ProcExit, Trap, VirtualBackend, Wasi, callbackFile } from '../../src/index.js';
import { E, raw } from './raw.js';

const PAGE = 65536;

function withDir() {
  const namespace = new Namespace();
  namespace.mkdirp('/d');
  namespace.writeFile('/d/file.txt', 'hello world');
  return raw({ namespace, preopens: { '/sandbox': '/d' }, stdout: 'capture' });
}

test('fd_write: iovec array, buffers and result pointer outside memory are EFAULT', () => {
  const r = withDir();
  const msg = r.put(100, 'hi');
  r.iovecs(200, [[100, msg]]);
  assert.equal(r.call.fd_write!(1, PAGE - 4, 1, 300), E.fault, 'iovec array past the end');
  assert.equal(r.call.fd_write!(1, 200, 0x1fffffff, 300), E.fault, 'huge iovec count');
  r.iovecs(200, [[PAGE - 1, 2]]);
  assert.equal(r.call.fd_write!(1, 200, 1, 300), E.fault, 'buffer crossing the end');
  r.iovecs(200, [[100, msg]]);
  assert.equal(r.call.fd_write!(1, 200, 1, PAGE - 2), E.fault, 'nwritten crossing the end');
  assert.equal(r.call.fd_write!(1, 200, 1, -4), E.fault, 'nwritten at 0xfffffffc');
  assert.equal(r.wasi.output(1).length, 0, 'nothing was written by the failed calls');
  assert.equal(r.call.fd_write!(1, 200, 1, 300), E.success);
  assert.equal(r.view().getUint32(300, true), 2);
  assert.equal(new TextDecoder().decode(r.wasi.output(1)), 'hi');
});

test('misaligned struct pointers are EINVAL, as wasmtime answers', () => {
  const r = withDir();
  assert.equal(r.call.fd_fdstat_get!(3, 101), E.inval);
  assert.equal(r.call.fd_fdstat_get!(3, 104), E.success);
  assert.equal(r.view().getUint8(104), 3, 'a preopen is a directory');
});

test('invalid UTF-8 in a path is EILSEQ; a NUL is EINVAL; a 256-byte name is ENAMETOOLONG', () => {
  const r = withDir();
  r.put(100, new Uint8Array([0x66, 0xff, 0x66]));
  assert.equal(r.call.path_open!(3, 0, 100, 3, 0, 0n, 0n, 0, 500), E.ilseq);
  r.put(100, new Uint8Array([0x66, 0x00, 0x66]));
  assert.equal(r.call.path_open!(3, 0, 100, 3, 0, 0n, 0n, 0, 500), E.inval);
  const long = 'a'.repeat(256);
  r.put(1000, long);
  assert.equal(r.call.path_create_directory!(3, 1000, 256), E.nametoolong);
  assert.equal(r.call.path_create_directory!(3, 1000, 255), E.success);
});

test('unknown enum values and flag bits are EINVAL', () => {
  const r = withDir();
  r.put(100, 'file.txt');
  assert.equal(r.call.path_open!(3, 0, 100, 8, 0, 0x3fffffffn, 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  assert.equal(r.call.fd_seek!(fd, 0n, 3, 208), E.inval, 'whence 3');
  assert.equal(r.call.fd_advise!(fd, 0n, 0n, 6), E.inval, 'advice 6');
  assert.equal(r.call.clock_time_get!(4, 0n, 208), E.inval, 'clock id 4');
  assert.equal(r.call.clock_res_get!(99, 208), E.inval, 'clock id 99');
  assert.equal(r.call.fd_filestat_set_times!(fd, 1n, 1n, 1 | 2), E.inval, 'ATIM with ATIM_NOW');
  assert.equal(r.call.fd_filestat_set_times!(fd, 1n, 1n, 4 | 8), E.inval, 'MTIM with MTIM_NOW');
  assert.equal(r.call.fd_filestat_set_times!(fd, 1n, 1n, 16), E.inval, 'unknown fstflags bit');
  assert.equal(r.call.path_open!(3, 0, 100, 8, 16, 0n, 0n, 0, 200), E.inval, 'unknown oflags bit');
  assert.equal(r.call.poll_oneoff!(300, 400, 0, 208), E.inval, 'no subscriptions');
  // A subscription with an unknown event type.
  r.view().setUint8(308, 7);
  assert.equal(r.call.poll_oneoff!(300, 400, 1, 208), E.inval, 'event type 7');
});

test('args and environ report UTF-8 byte lengths', () => {
  const r = raw({ args: ['prog', 'é€'], env: { GRÜSS: 'ä' } });
  assert.equal(r.call.args_sizes_get!(0, 4), E.success);
  assert.equal(r.view().getUint32(0, true), 2);
  assert.equal(r.view().getUint32(4, true), 5 + 6);
  assert.equal(r.call.args_get!(16, 64), E.success);
  const second = r.view().getUint32(20, true);
  assert.equal(r.text(second, 5), 'é€');
  assert.equal(r.u8()[second + 5], 0);
  assert.equal(r.call.environ_sizes_get!(0, 4), E.success);
  assert.equal(r.view().getUint32(4, true), new TextEncoder().encode('GRÜSS=ä').length + 1);
  assert.equal(r.call.args_get!(PAGE - 4, 64), E.fault, 'pointer array past the end');
});

test('an unknown host exception becomes a Trap naming the call, never an errno', () => {
  const namespace = new Namespace();
  namespace.mount('/v', new VirtualBackend({
    bug: callbackFile({ read: () => { throw new TypeError('host bug here'); } }),
    denied: callbackFile({ read: () => { throw new FsError('access', 'no'); } }),
  }));
  const r = raw({ namespace, preopens: { '/v': '/v' } });
  r.put(100, 'bug');
  assert.equal(r.call.path_open!(3, 0, 100, 3, 0, 2n, 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  r.iovecs(300, [[400, 10]]);
  assert.throws(() => r.call.fd_read!(fd, 300, 1, 500), (e: unknown) => e instanceof Trap && /fd_read/.test(e.message) && /host bug here/.test(e.message));
  r.put(100, 'denied');
  assert.equal(r.call.path_open!(3, 0, 100, 6, 0, 2n, 0n, 0, 200), E.success);
  assert.equal(r.call.fd_read!(r.view().getUint32(200, true), 300, 1, 500), 2, 'a deliberate FsError is an errno (EACCES = 2)');
});

test('proc_exit unwinds with ProcExit carrying the code', () => {
  const r = raw();
  assert.throws(() => r.call.proc_exit!(42), (e: unknown) => e instanceof ProcExit && e.exitCode === 42);
});

test('the fd table limit gives EMFILE and leaks nothing', () => {
  const namespace = new Namespace();
  namespace.writeFile('/d/f', 'x');
  const r = raw({ namespace, preopens: { '/d': '/d' }, maxOpenFiles: 6 });
  r.put(100, 'f');
  const fds: number[] = [];
  for (;;) {
    const errno = r.call.path_open!(3, 0, 100, 1, 0, 2n, 0n, 0, 200);
    if (errno !== 0) {
      assert.equal(errno, E.mfile);
      break;
    }
    fds.push(r.view().getUint32(200, true));
  }
  assert.deepEqual(fds, [4, 5]);
  assert.equal(r.call.fd_close!(4), E.success);
  assert.equal(r.call.path_open!(3, 0, 100, 1, 0, 2n, 0n, 0, 200), E.success);
  assert.equal(r.view().getUint32(200, true), 4, 'the lowest free fd is reused');
});

test('rights can only be narrowed; a narrowed fd is refused with EBADF for I/O and ENOTCAPABLE otherwise', () => {
  const r = withDir();
  r.put(100, 'file.txt');
  assert.equal(r.call.path_open!(3, 0, 100, 8, 0, BigInt(2 | 64 | 4), 0n, 0, 200), E.success);
  const fd = r.view().getUint32(200, true);
  assert.equal(r.call.fd_fdstat_set_rights!(fd, BigInt(2 | 4), 0n), E.success);
  assert.equal(r.call.fd_fdstat_set_rights!(fd, BigInt(2 | 4 | 64), 0n), E.notcapable, 'widening');
  r.iovecs(300, [[400, 3]]);
  assert.equal(r.call.fd_write!(fd, 300, 1, 500), E.badf, 'writing without FD_WRITE is EBADF, as a read-only open');
  assert.equal(r.call.fd_read!(fd, 300, 1, 500), E.success);
  assert.equal(r.text(400, 3), 'hel');
  assert.equal(r.call.fd_fdstat_set_rights!(fd, BigInt(2), 0n), E.success);
  assert.equal(r.call.fd_seek!(fd, 1n, 0, 504), E.notcapable, 'seeking without FD_SEEK');
  // O_TRUNC through a directory without path_filestat_set_size is EPERM (wasi-testsuite truncation_rights).
  assert.equal(r.call.fd_fdstat_get!(3, 600), E.success);
  const dirBase = r.view().getBigUint64(608, true);
  const dirInheriting = r.view().getBigUint64(616, true);
  assert.notEqual(dirBase & (1n << 19n), 0n, 'a preopen may truncate through paths');
  assert.equal(r.call.fd_fdstat_set_rights!(3, dirBase & ~(1n << 19n), dirInheriting), E.success);
  assert.equal(r.call.path_open!(3, 0, 100, 8, 8, 0n, 0n, 0, 200), E.perm);
});

test('fd ops on a directory are EBADF; sock_* give EBADF or ENOTSOCK', () => {
  const r = withDir();
  r.iovecs(300, [[400, 3]]);
  assert.equal(r.call.fd_read!(3, 300, 1, 500), E.badf);
  assert.equal(r.call.fd_write!(3, 300, 1, 500), E.badf);
  assert.equal(r.call.fd_seek!(3, 0n, 0, 504), E.badf);
  assert.equal(r.call.fd_seek!(1, 0n, 0, 504), E.spipe, 'stdout cannot seek');
  assert.equal(r.call.sock_shutdown!(3, 1), E.notsock);
  assert.equal(r.call.sock_shutdown!(99, 1), E.badf);
  assert.equal(r.call.sock_accept!(0, 0, 500), E.notsock);
});

test('fd_readdir cuts the last entry when the buffer is full, and resumes from a cookie', () => {
  const namespace = new Namespace();
  for (const n of ['alpha', 'beta', 'gamma']) namespace.writeFile(`/d/${n}`, n);
  const r = raw({ namespace, preopens: { '/d': '/d' } });
  const seen: string[] = [];
  let cookie = 0n;
  for (let guard = 0; guard < 20; guard++) {
    assert.equal(r.call.fd_readdir!(3, 1000, 40, cookie, 100), E.success);
    const used = r.view().getUint32(100, true);
    if (used === 0) break;
    // Parse whole entries only; a cut entry is read again from its cookie.
    let at = 0;
    while (at + 24 <= used) {
      const next = r.view().getBigUint64(1000 + at, true);
      const len = r.view().getUint32(1000 + at + 16, true);
      if (at + 24 + len > used) break;
      seen.push(r.text(1000 + at + 24, len));
      cookie = next;
      at += 24 + len;
    }
    if (used < 40) break;
  }
  assert.deepEqual(seen, ['.', '..', 'alpha', 'beta', 'gamma']);
});

test('one open description shared by two instances shares its position', () => {
  const namespace = new Namespace();
  namespace.writeFile('/f', 'abcdef');
  const shared: FileDescription = namespace.openFile('/f');
  const a = raw({ fds: { 5: shared } });
  const b = raw({ fds: { 7: shared } });
  a.iovecs(0, [[100, 2]]);
  b.iovecs(0, [[100, 2]]);
  assert.equal(a.call.fd_read!(5, 0, 1, 48), E.success);
  assert.equal(b.call.fd_read!(7, 0, 1, 48), E.success);
  assert.equal(a.text(100, 2), 'ab');
  assert.equal(b.text(100, 2), 'cd');
  assert.equal(a.call.fd_close!(5), E.success);
  assert.equal(shared.disposed, false, 'still open in the other instance');
  assert.equal(b.call.fd_close!(7), E.success);
  assert.equal(shared.disposed, true);
});

test('poll_oneoff with several clocks sleeps until the earliest and reports only it', () => {
  const r = raw();
  const sub = (i: number, userdata: bigint, timeoutNs: bigint) => {
    const s = 1024 + i * 48;
    r.view().setBigUint64(s, userdata, true);
    r.view().setUint8(s + 8, 0);
    r.view().setUint32(s + 16, 1, true);
    r.view().setBigUint64(s + 24, timeoutNs, true);
    r.view().setUint16(s + 40, 0, true);
  };
  sub(0, 11n, 500_000_000n);
  sub(1, 22n, 20_000_000n);
  const t0 = performance.now();
  assert.equal(r.call.poll_oneoff!(1024, 4096, 2, 8), E.success);
  const took = performance.now() - t0;
  assert.equal(r.view().getUint32(8, true), 1);
  assert.equal(r.view().getBigUint64(4096, true), 22n);
  assert.ok(took >= 19 && took < 400, `slept ${took} ms`);
});

test('a placed host handle keeps its number; fd numbers below 3 are refused', () => {
  const namespace = new Namespace();
  namespace.writeFile('/f', 'x');
  assert.throws(() => new Wasi({ fds: { 2: namespace.openFile('/f') } }), /fd 3 or above/);
  const r = raw({ fds: { 9: namespace.openFile('/f') } });
  assert.equal(r.call.fd_fdstat_get!(9, 0), E.success);
  assert.equal(r.view().getUint8(0), 4, 'regular file');
});
