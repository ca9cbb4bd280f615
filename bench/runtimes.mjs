// One adapter per runtime, all with the same shape, so worker.mjs measures them the same way:
//   const env = await adapter.env()           a fresh filesystem (temp dir / namespace / shim tree)
//   const io = adapter.stdio?.(env)            host files for stdio, where the runtime needs them (not timed)
//   const run = await adapter.prepare(env, module, args, io)   WASI object + instance (not timed,
//                                             except in the start-up workloads)
//   run.start() -> exit code                  the timed part
//   run.stdout() -> string                    what the guest printed
//   adapter.fileSize(env, relPath)            for checking the guest's work afterwards
//   adapter.dispose(env)
// The preopened directory is "/sandbox" for the guest in every runtime, at fd 3.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..');
const GUEST_DIR = '/sandbox';

function tempDir() {
  return mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), 'warden-bench-'));
}

async function warden() {
  return import(pathToFileURL(join(repoRoot, 'dist/node/index.js')).href);
}

const decoder = new TextDecoder();

/** Warden + HostBackend, wired as src/cli/main.ts does (createNodeWasi: Node clocks). */
async function wardenHost() {
  const W = await warden();
  return {
    async env() {
      return { dir: tempDir() };
    },
    async prepare(env, module, args) {
      const ns = new W.Namespace();
      const backend = new W.HostBackend(env.dir);
      ns.mount('/preopen/0', backend);
      const wasi = W.createNodeWasi({ args, namespace: ns, preopens: { [GUEST_DIR]: '/preopen/0' }, stdin: null, stdout: 'capture', stderr: 'capture' });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      return {
        start: () => wasi.start(instance),
        stdout: () => decoder.decode(wasi.output(1)),
        stderr: () => decoder.decode(wasi.output(2)),
        close: () => {
          wasi.close();
          backend.close?.(); // its directory descriptors (HostBackend.close, as src/cli/main.ts does)
        },
      };
    },
    fileSize: (env, rel) => statSync(join(env.dir, rel)).size,
    dispose: (env) => rmSync(env.dir, { recursive: true, force: true }),
  };
}

/** Warden's platform-neutral core: `new Wasi` with the default in-memory Namespace and clocks. */
async function wardenMem() {
  const W = await warden();
  return {
    async env() {
      const ns = new W.Namespace();
      ns.mkdirp('/sandbox');
      return { ns };
    },
    async prepare(env, module, args) {
      const wasi = new W.Wasi({ args, namespace: env.ns, preopens: { [GUEST_DIR]: '/sandbox' }, stdout: 'capture', stderr: 'capture' });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      return {
        start: () => wasi.start(instance),
        stdout: () => decoder.decode(wasi.output(1)),
        stderr: () => decoder.decode(wasi.output(2)),
        close: () => wasi.close(),
      };
    },
    fileSize: (env, rel) => Number(env.ns.stat(`/sandbox/${rel}`).size),
    dispose: () => {},
  };
}

/** node:wasi; stdout/stderr go to temp files (node:wasi takes host fds). */
async function nodeWasi() {
  process.removeAllListeners('warning'); // the one-time "WASI is experimental" warning
  const { WASI } = await import('node:wasi');
  return {
    async env() {
      const work = tempDir();
      const dir = join(work, 'sandbox');
      (await import('node:fs')).mkdirSync(dir);
      return { work, dir };
    },
    // The embedder's part, not node:wasi's: host files for the guest's stdio (not timed).
    stdio(env) {
      const out = join(env.work, 'stdout');
      const err = join(env.work, 'stderr');
      return { out, err, fds: [openSync('/dev/null', 'r'), openSync(out, 'w'), openSync(err, 'w')] };
    },
    async prepare(env, module, args, { out, err, fds }) {
      const wasi = new WASI({
        version: 'preview1',
        args,
        env: {},
        preopens: { [GUEST_DIR]: env.dir },
        returnOnExit: true,
        stdin: fds[0],
        stdout: fds[1],
        stderr: fds[2],
      });
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      const closeAll = () => {
        for (const fd of fds.splice(0)) try { closeSync(fd); } catch { /* closed by the guest */ }
      };
      return {
        start: () => wasi.start(instance),
        stdout: () => (closeAll(), readFileSync(out, 'utf8')),
        stderr: () => (closeAll(), readFileSync(err, 'utf8')),
        close: closeAll,
      };
    },
    fileSize: (env, rel) => statSync(join(env.dir, rel)).size,
    dispose: (env) => rmSync(env.work, { recursive: true, force: true }),
  };
}

/** @bjorn3/browser_wasi_shim with an in-memory PreopenDirectory. */
async function shim() {
  const S = await import('@bjorn3/browser_wasi_shim');
  return {
    async env() {
      // One tree per environment; each run gets a new PreopenDirectory over the same contents.
      return { contents: new Map() };
    },
    async prepare(env, module, args) {
      const out = [];
      const err = [];
      const pre = new S.PreopenDirectory(GUEST_DIR, env.contents);
      const fds = [new S.OpenFile(new S.File([])), new S.ConsoleStdout((b) => out.push(b.slice())), new S.ConsoleStdout((b) => err.push(b.slice())), pre];
      const wasi = new S.WASI(args, [], fds, { debug: false }); // its debug logging is on unless turned off
      const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
      const text = (chunks) => decoder.decode(Buffer.concat(chunks));
      return {
        start: () => wasi.start(instance),
        stdout: () => text(out),
        stderr: () => text(err),
        close: () => {},
      };
    },
    fileSize: (env, rel) => {
      const f = env.contents.get(rel);
      if (f === undefined) throw new Error(`${rel} does not exist`);
      return f.data.byteLength;
    },
    dispose: () => {},
  };
}

export const ADAPTERS = {
  'warden-host': wardenHost,
  'warden-mem': wardenMem,
  'node-wasi': nodeWasi,
  shim,
};
