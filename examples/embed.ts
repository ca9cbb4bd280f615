// Embedding example: build a namespace from an in-memory tree, a read-only view and a file served
// by a host callback, then run ls-cat.wasm over it and capture what it prints.
// Run it with `npm run example:embed` (after `npm install`).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryBackend, Namespace, VirtualBackend, Wasi, callbackFile, devices } from '../src/index.js';

/** Builds the namespace, runs the guest, and returns what it printed. */
export async function main(wasmPath: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const ns = new Namespace();

  // An in-memory project tree the guest may change.
  ns.mkdirp('/work');
  ns.writeFile('/work/README.txt', 'An in-memory file.\n');
  ns.writeFile('/work/src/main.c', 'int main(void) { return 0; }\n');
  ns.symlink('src/main.c', '/work/main-link');

  // A read-only mount: writes through it fail with EPERM.
  const docs = new MemoryBackend();
  ns.mount('/docs', docs, { readOnly: true });

  // A file whose bytes come from a host callback, computed on each read.
  let reads = 0;
  const status = () => new TextEncoder().encode(`reads so far: ${++reads}\n`);
  ns.mount('/status', new VirtualBackend({ now: callbackFile({ read: (offset, n) => status().subarray(Number(offset), Number(offset) + n), size: () => 64n }) }));

  // Device files.
  ns.mount('/dev', devices());

  const wasi = new Wasi({
    args: ['ls-cat', '/work', '/work/README.txt', '/work/main-link', '/status/now'],
    env: { LANG: 'C.UTF-8' },
    namespace: ns,
    preopens: { '/work': '/work', '/status': '/status', '/dev': '/dev' },
    stdout: 'capture',
    stderr: 'capture',
  });
  const { exitCode, stdout, stderr } = await wasi.run(readFileSync(wasmPath));
  const text = new TextDecoder();
  return { exitCode, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

// When run directly (node build/examples/embed.js), print the result.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const wasm = fileURLToPath(new URL('../../examples/ls-cat/ls-cat.wasm', import.meta.url));
  const r = await main(wasm);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.exitCode;
}
