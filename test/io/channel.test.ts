// Channels: two ends, each readable and writable, over two shared-memory pipes; an end can be moved
// to a guest in a worker, which then talks to this thread in both directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelEnd, Wasi, createChannel } from '../../src/index.js';
import { runInWorker } from '../../src/node/index.js';
import { repoPath } from '../paths.js';
import { errorCodeOf } from '../helpers.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Reads exactly `n` bytes (blocking). */
function readN(end: ChannelEnd, n: number): string {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = end.read(buf.subarray(got));
    if (k === 0) break;
    got += k;
  }
  return dec(buf.subarray(0, got));
}

test('each end reads what the other wrote, in both directions, independently', () => {
  const [a, b] = createChannel(16);
  a.retain();
  b.retain();
  assert.equal(a.kind, 'channel');
  assert.ok(a.readable && a.writable);
  assert.equal(a.write(enc('to b')), 4);
  assert.equal(b.write(enc('to a!')), 5);
  assert.equal(b.readableBytes(), 4);
  assert.equal(a.readableBytes(), 5);
  assert.equal(readN(b, 4), 'to b');
  assert.equal(readN(a, 5), 'to a!');
  assert.equal(a.readReady(), false, 'nothing more for a');
  assert.equal(a.writeReady(), true);
  a.release();
  b.release();
});

test('nonblocking ends: would-block when empty or full; closing an end is end of stream and EPIPE for the peer', () => {
  const [a, b] = createChannel(4);
  a.retain();
  b.retain();
  a.nonblocking = true;
  b.nonblocking = true;
  assert.equal(errorCodeOf(() => a.read(new Uint8Array(1))), 'would-block');
  assert.equal(a.write(enc('abcdef')), 4, 'partial write when the pipe fills');
  assert.equal(a.writeReady(), false);
  assert.equal(errorCodeOf(() => a.write(enc('x'))), 'would-block');
  assert.equal(b.hungUp(), false);
  a.release();
  assert.equal(b.hungUp(), true, 'the peer sees the hangup');
  assert.equal(readN(b, 4), 'abcd', 'what was written before the close is still read');
  assert.equal(b.read(new Uint8Array(4)), 0, 'then end of stream');
  assert.equal(errorCodeOf(() => b.write(enc('x'))), 'pipe', 'writing to a closed peer is EPIPE');
  b.release();
});

test('shutdownWrite closes one direction only', () => {
  const [a, b] = createChannel();
  a.retain();
  b.retain();
  a.write(enc('last'));
  a.shutdownWrite();
  assert.equal(readN(b, 10), 'last', 'b reads what is left, then end of stream');
  assert.equal(b.write(enc('reply')), 5, 'b can still write to a');
  assert.equal(readN(a, 5), 'reply');
  a.release();
  b.release();
});

test('an end rebuilt from share() (as another thread would) is the same end', () => {
  const [a, b] = createChannel();
  const b2 = new ChannelEnd(structuredClone(b.share()));
  a.retain();
  b2.retain();
  a.write(enc('via clone'));
  assert.equal(readN(b2, 9), 'via clone');
  b2.write(enc('back'));
  assert.equal(readN(a, 4), 'back');
  a.release();
  b2.release();
});

test('one channel end as stdin and stdout of a guest in a worker: this thread talks to it both ways', async () => {
  const [host, guest] = createChannel(256);
  host.retain();
  // cat.wasm copies what it reads back to its stdout: an echo server over the channel.
  const run = runInWorker({ module: repoPath('test/io/cat.wasm'), stdin: guest, stdout: guest, stderr: null });
  const replies: string[] = [];
  for (const msg of ['ping', 'second message', 'x'.repeat(1000)]) {
    // Write in pieces the 256-byte pipe can take, reading the echo as we go (both sides block on each other).
    let sent = 0;
    let echoed = '';
    const bytes = enc(msg);
    while (sent < bytes.length) {
      sent += host.write(bytes.subarray(sent, Math.min(bytes.length, sent + 200)));
      await host.whenReady('read');
      echoed += readN(host, host.readableBytes());
    }
    while (echoed.length < msg.length) {
      await host.whenReady('read');
      echoed += readN(host, host.readableBytes());
    }
    replies.push(echoed);
  }
  assert.deepEqual(replies, ['ping', 'second message', 'x'.repeat(1000)]);
  host.shutdownWrite(); // the guest reads end of stream and exits
  assert.equal((await run).exitCode, 0);
  await host.whenReady('read');
  assert.equal(host.hungUp(), true, 'the guest closed its end when it exited');
  assert.equal(host.read(new Uint8Array(1)), 0);
  host.release();
});

test('a channel end as a guest stdin in this thread: poll_oneoff and fd_read see what the peer wrote', async () => {
  const { readFileSync } = await import('node:fs');
  const [a, b] = createChannel();
  a.retain();
  a.write(enc('x'));
  const poller = new Wasi({ stdin: b, stdout: 'capture' });
  const t0 = performance.now();
  const p = await poller.run(readFileSync(repoPath('test/io/poll-read.wasm')));
  assert.equal(dec(p.stdout), 'r', 'the fd event, not the 5 s clock');
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(a.hungUp(), true, 'run() closed the guest end');
  a.release();

  const [c, d] = createChannel();
  c.retain();
  c.write(enc('through the channel\n'));
  c.shutdownWrite();
  const r = await new Wasi({ stdin: d, stdout: 'capture' }).run(readFileSync(repoPath('test/io/upper.wasm')));
  assert.equal(r.exitCode, 0);
  assert.equal(dec(r.stdout), 'THROUGH THE CHANNEL\n');
  c.release();
});
