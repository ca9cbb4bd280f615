// Pipeline example: `hello a b c | upper` in one process. Two guests, each in its own worker thread,
// connected by a pipe in shared memory (the bytes never pass through the main thread); the consumer's
// output is drained into a Node stream by the main thread's event loop, which stays free meanwhile.
// Run it after building: `node build/examples/pipeline.js` (from the repository root).
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createPipe, pipeToWritable, runInWorker } from '../src/node/index.js';

/** Where the two guest programs are. */
export interface PipelineOptions {
  /** The producer: a program that writes to stdout. Default: examples/hello/hello.wasm. */
  producer: string;
  /** The consumer: a filter from stdin to stdout. Default: test/io/upper.wasm. */
  consumer: string;
  /** Where the consumer's output goes. Default: process.stdout. */
  output?: Writable;
  /** Arguments of the producer (after its name). */
  args?: string[];
}

/** Runs `producer args | consumer` and resolves with both exit codes once the output is flushed. */
export async function main(options: PipelineOptions): Promise<{ producer: number; consumer: number }> {
  const { reader, writer } = createPipe(); // producer's stdout -> consumer's stdin
  const output = options.output ?? process.stdout;
  const out = pipeToWritable(output, { end: output !== process.stdout }); // consumer's stdout -> a Node stream
  const [producer, consumer] = await Promise.all([
    runInWorker({ module: options.producer, args: ['hello', ...(options.args ?? [])], stdin: null, stdout: writer, stderr: 'inherit' }),
    runInWorker({ module: options.consumer, args: ['upper'], stdin: reader, stdout: out, stderr: 'inherit' }),
  ]);
  const end = await out.done; // everything the consumer wrote has been handed to `output`
  if (end.reason === 'error') throw end.error;
  return { producer: producer.exitCode, consumer: consumer.exitCode };
}

// Run directly: from build/examples/pipeline.js, the repository root is two levels up.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = new URL('../../', import.meta.url);
  const codes = await main({
    producer: fileURLToPath(new URL('examples/hello/hello.wasm', root)),
    consumer: fileURLToPath(new URL('test/io/upper.wasm', root)),
    args: process.argv.slice(2),
  });
  process.exitCode = codes.producer || codes.consumer;
}
