// Web ReadableStream/WritableStream as blocking guest handles (the platform-neutral adapters), with
// a guest in a worker between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pipeFromReadableStream, pipeToWritableStream } from '../../src/index.js';
import { runInWorker } from '../../src/node/index.js';
import { repoPath } from '../paths.js';

const upperWasm = repoPath('test/io/upper.wasm');
const catWasm = repoPath('test/io/cat.wasm');
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('ReadableStream -> guest in a worker -> WritableStream, with the pipe full in both directions', async () => {
  const total = 300_000;
  let pulled = 0;
  const source = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const n = Math.min(1000, total - pulled);
        controller.enqueue(new TextEncoder().encode('abcdefghij'.repeat(n / 10)));
        pulled += n;
      },
    },
    { highWaterMark: 1 },
  );
  const stdin = pipeFromReadableStream(source, { capacity: 4096 });
  await sleep(50);
  assert.ok(pulled <= 4096 + 4000, `pulled ${pulled} bytes before anyone read: the stream is read only while the pipe has room`);

  const received: Uint8Array[] = [];
  let enqueued = 0; // chunks handed to the stream's write()
  let written = 0; // chunks its sink has finished
  let maxQueue = 0;
  const sink = new WritableStream<Uint8Array>(
    {
      async write(chunk) {
        await sleep(0);
        received.push(chunk.slice());
        written++;
      },
    },
    {
      highWaterMark: 2,
      size() {
        enqueued++;
        maxQueue = Math.max(maxQueue, enqueued - written);
        return 1;
      },
    },
  );
  const stdout = pipeToWritableStream(sink, { capacity: 4096 });
  const r = await runInWorker({ module: upperWasm, stdin, stdout, stderr: null });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(await stdin.done, { reason: 'end' });
  assert.deepEqual(await stdout.done, { reason: 'end' });
  const text = received.map(dec).join('');
  assert.equal(text.length, total);
  assert.equal(text, 'ABCDEFGHIJ'.repeat(total / 10));
  assert.ok(received.length > 20, 'many chunks');
  assert.ok(maxQueue <= 3, `the pump waited for the stream's ready: at most ${maxQueue} writes were queued`);
});

test('a ReadableStream that errors: the guest gets EIO after the bytes that came before', async () => {
  let step = 0;
  const source = new ReadableStream<string>({
    async pull(controller) {
      if (step++ === 0) controller.enqueue('before the error\n');
      else {
        await sleep(30);
        controller.error(new Error('upstream failed'));
      }
    },
  });
  const stdin = pipeFromReadableStream(source);
  const r = await runInWorker({ module: catWasm, stdin, stdout: 'capture', stderr: null });
  assert.equal(r.exitCode, 1, 'cat exits 1 on a failed fd_read');
  assert.equal(dec(r.stdout), 'before the error\n');
  const end = await stdin.done;
  assert.equal(end.reason, 'error');
  assert.match(String(end.error), /upstream failed/);
});

test('a WritableStream that errors: the guest gets EPIPE; a guest that exits early cancels the ReadableStream', async () => {
  const stdout = pipeToWritableStream(new WritableStream({ write: () => Promise.reject(new Error('no room')) }), { capacity: 4096 });
  const r = await runInWorker({ module: upperWasm, stdin: new Uint8Array(1 << 20), stdout, stderr: null });
  assert.equal(r.exitCode, 2, 'upper exits 2 on a failed fd_write');
  assert.equal((await stdout.done).reason, 'error');

  let cancelled = false;
  let i = 0;
  const endless = new ReadableStream<string>({
    async pull(c) {
      await sleep(5);
      c.enqueue(`line ${i++}\n`);
    },
    cancel() {
      cancelled = true;
    },
  });
  const stdin = pipeFromReadableStream(endless);
  const h = await runInWorker({ module: repoPath('examples/hello/hello.wasm'), args: ['hello'], stdin, stdout: null, stderr: null });
  assert.equal(h.exitCode, 0);
  assert.deepEqual(await stdin.done, { reason: 'closed' });
  assert.equal(cancelled, true);
});
