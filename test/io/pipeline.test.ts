// examples/pipeline.ts: two guests in two workers connected by a pipe (hello | upper), the output
// drained into a Node stream by the main thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { main } from '../../examples/pipeline.js';
import { repoPath } from '../paths.js';

test('examples/pipeline.ts runs hello | upper and the output arrives whole', async () => {
  const chunks: Buffer[] = [];
  const output = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const args = Array.from({ length: 300 }, (_, i) => `word-${i}`);
  const codes = await main({ producer: repoPath('examples/hello/hello.wasm'), consumer: repoPath('test/io/upper.wasm'), output, args });
  assert.deepEqual(codes, { producer: 0, consumer: 0 });
  const text = Buffer.concat(chunks).toString();
  const expected = ['HELLO FROM WEBASSEMBLY!', ...args.map((a, i) => `ARG ${i + 1}: ${a.toUpperCase()}`)].join('\n') + '\n';
  assert.equal(text, expected);
  assert.equal(output.writableFinished, true);
});
