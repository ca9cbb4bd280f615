// One pipe end held by two threads at once: a retained end given to a guest in a worker is shared
// (the worker becomes a holder of its own), so it closes only when every holder has closed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPipe } from '../../src/index.js';
import { runInWorker } from '../../src/node/index.js';
import { repoPath } from '../paths.js';

const cat = repoPath('test/io/cat.wasm');
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function drain(reader: ReturnType<typeof createPipe>['reader']): string {
  reader.nonblocking = true;
  let out = '';
  const buf = new Uint8Array(65536);
  for (;;) {
    try {
      const n = reader.read(buf);
      if (n === 0) return out;
      out += dec(buf.subarray(0, n));
    } catch {
      return out;
    }
  }
}

test('a retained pipe writer given to two guests in workers at once stays open until the host closes it too', async () => {
  const { reader, writer } = createPipe();
  reader.retain();
  writer.retain(); // the host keeps its own hold: the workers share the end
  const [a, b] = await Promise.all([
    runInWorker({ module: cat, stdin: 'first guest;', stdout: writer, stderr: null }),
    runInWorker({ module: cat, stdin: 'second guest;', stdout: writer, stderr: null }),
  ]);
  assert.equal(a.exitCode, 0);
  assert.equal(b.exitCode, 0);
  assert.equal(reader.hungUp(), false, 'both guests closed their stdout, but the host still holds the writer');
  writer.write(new TextEncoder().encode('host;'));
  writer.release();
  assert.equal(reader.hungUp(), true);
  const text = drain(reader);
  assert.ok(text === 'first guest;second guest;host;' || text === 'second guest;first guest;host;', text);
  reader.release();
});

test('an end the host did not retain is moved: the guest closing it closes it for the peer', async () => {
  const { reader, writer } = createPipe();
  reader.retain();
  const r = await runInWorker({ module: cat, stdin: 'moved', stdout: writer, stderr: null });
  assert.equal(r.exitCode, 0);
  assert.equal(reader.hungUp(), true);
  assert.equal(drain(reader), 'moved');
  reader.release();
});

test('share({ keep: true }) in this thread: two holders of one reader, the writer gets EPIPE only after both close', () => {
  const { reader, writer } = createPipe();
  const second = new (reader.constructor as new (s: ReturnType<typeof reader.share>) => typeof reader)(reader.share({ keep: true }));
  reader.retain().release();
  writer.retain();
  assert.equal(writer.write(new Uint8Array([1, 2, 3])), 3, 'one holder left: writes still go through');
  second.retain().release();
  assert.throws(() => writer.write(new Uint8Array([4])), /reading end is closed/);
  writer.release();
});
