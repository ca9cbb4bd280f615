// sock_accept / sock_recv / sock_send / sock_shutdown over in-memory sockets (a QueueListener the
// host connects to through channels), called the way a guest calls them, on a real memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueueListener, createChannel, type ChannelEnd } from '../../src/index.js';
import { E, raw } from './raw.js';

const NOTCONN = 53;
const AGAIN = 6;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function setup() {
  const listener = new QueueListener(() => createChannel(256));
  const r = raw({ fds: { 3: listener } });
  return { listener, r };
}

function recvAll(peer: ChannelEnd): string {
  peer.nonblocking = true;
  const buf = new Uint8Array(256);
  let out = '';
  for (;;) {
    try {
      const n = peer.read(buf);
      if (n === 0) return out;
      out += dec(buf.subarray(0, n));
    } catch {
      return out;
    }
  }
}

test('accept, recv and send move bytes both ways; shutdown(WR) ends the peer\'s stream', () => {
  const { listener, r } = setup();
  assert.equal(r.call.sock_accept!(3, 0, 16), AGAIN, 'no connection waiting');
  const client = listener.connect();
  client.retain();
  assert.equal(r.call.sock_accept!(3, 0, 16), E.success);
  const fd = r.view().getUint32(16, true);
  assert.ok(fd >= 4);
  // client -> guest
  client.write(enc('ping from the host'));
  r.iovecs(100, [[1000, 4], [1100, 64]]);
  assert.equal(r.call.sock_recv!(fd, 100, 2, 0, 200, 204), E.success);
  const got = r.view().getUint32(200, true);
  assert.equal(got, 18);
  assert.equal(r.text(1000, 4) + r.text(1100, 14), 'ping from the host');
  assert.equal(r.view().getUint16(204, true), 0, 'no roflags');
  // guest -> client
  const reply = r.put(2000, 'pong');
  r.iovecs(120, [[2000, reply]]);
  assert.equal(r.call.sock_send!(fd, 120, 1, 0, 208), E.success);
  assert.equal(r.view().getUint32(208, true), 4);
  assert.equal(r.call.sock_shutdown!(fd, 2), E.success);
  assert.equal(recvAll(client), 'pong', 'the host reads the reply, then end of stream');
  assert.equal(client.hungUp(), true);
  // recv after the host closes its end: 0 bytes (end of stream)
  client.release();
  r.iovecs(100, [[1000, 16]]);
  assert.equal(r.call.sock_recv!(fd, 100, 1, 0, 200, 204), E.success);
  assert.equal(r.view().getUint32(200, true), 0);
});

test('RECV_WAITALL fills the buffer across several writes; PEEK and unknown flags are refused', () => {
  const { listener, r } = setup();
  const client = listener.connect();
  client.retain();
  assert.equal(r.call.sock_accept!(3, 0, 16), E.success);
  const fd = r.view().getUint32(16, true);
  client.write(enc('abc'));
  client.write(enc('def'));
  client.shutdownWrite();
  r.iovecs(100, [[1000, 10]]);
  assert.equal(r.call.sock_recv!(fd, 100, 1, 2, 200, 204), E.success);
  assert.equal(r.view().getUint32(200, true), 6, 'WAITALL read until end of stream');
  assert.equal(r.text(1000, 6), 'abcdef');
  assert.equal(r.call.sock_recv!(fd, 100, 1, 1, 200, 204), 58, 'MSG_PEEK: ENOTSUP');
  assert.equal(r.call.sock_recv!(fd, 100, 1, 4, 200, 204), E.inval, 'unknown riflags');
  assert.equal(r.call.sock_send!(fd, 100, 1, 1, 208), E.inval, 'siflags has no bits');
  assert.equal(r.call.sock_shutdown!(fd, 0), E.inval);
  assert.equal(r.call.sock_shutdown!(fd, 4), E.inval);
  client.release();
});

test('the wrong kind of socket: ENOTCONN or EINVAL; a non-socket: ENOTSOCK; a closed fd: EBADF', () => {
  const { listener, r } = setup();
  listener.connect().retain();
  r.iovecs(100, [[1000, 10]]);
  assert.equal(r.call.sock_recv!(3, 100, 1, 0, 200, 204), NOTCONN, 'recv on the listener');
  assert.equal(r.call.sock_shutdown!(3, 3), NOTCONN, 'shutdown of the listener');
  assert.equal(r.call.sock_accept!(3, 0, 16), E.success);
  const fd = r.view().getUint32(16, true);
  assert.equal(r.call.sock_accept!(fd, 0, 16), E.inval, 'accept on a connected socket');
  assert.equal(r.call.sock_accept!(3, 1, 16), E.inval, 'accept flags other than NONBLOCK');
  assert.equal(r.call.sock_recv!(1, 100, 1, 0, 200, 204), E.notsock);
  assert.equal(r.call.sock_send!(99, 100, 1, 0, 208), E.badf);
  assert.equal(r.call.fd_fdstat_get!(fd, 48), E.success);
  assert.equal(r.view().getUint8(48), 6, 'filetype socket_stream');
});

test('poll_oneoff reports a listener readable when a connection waits', () => {
  const { listener, r } = setup();
  listener.connect().retain();
  const v = r.view();
  v.setBigUint64(1024, 5n, true);
  v.setUint8(1032, 1); // fd_read
  v.setUint32(1040, 3, true);
  assert.equal(r.call.poll_oneoff!(1024, 4096, 1, 8), E.success);
  assert.equal(v.getUint32(8, true), 1);
  assert.equal(v.getBigUint64(4096, true), 5n);
  assert.equal(v.getUint16(4104, true), 0, 'no error');
});

test('a nonblocking recv over several iovecs reports the bytes it took instead of EAGAIN', () => {
  const { listener, r } = setup();
  const client = listener.connect();
  client.retain();
  assert.equal(r.call.sock_accept!(3, 4, 16), E.success); // NONBLOCK
  const fd = r.view().getUint32(16, true);
  client.write(enc('abc'));
  // Two iovecs of 3 and 10: the first fills, the second would block; the 3 bytes must not be lost.
  r.iovecs(100, [[1000, 3], [1100, 10]]);
  assert.equal(r.call.sock_recv!(fd, 100, 2, 2, 200, 204), E.success);
  assert.equal(r.view().getUint32(200, true), 3);
  assert.equal(r.text(1000, 3), 'abc');
  client.release();
});
