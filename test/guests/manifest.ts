// Reads test/guests/manifest.json and runs one guest under Warden the way the manifest's contract says:
// argv [<name>.wasm, ...args], env, stdin, and one fresh empty writable preopen "/sandbox" at fd 3.
import { readFileSync } from 'node:fs';
import { Namespace, Wasi } from '../../src/index.js';
import { repoPath } from '../paths.js';

export interface GuestCase {
  name: string;
  wasm: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  exitCode?: number;
  stdout?: string | null;
  trap?: boolean;
  nodeWasi?: boolean;
  note?: string;
}

export function loadManifest(): GuestCase[] {
  return JSON.parse(readFileSync(repoPath('test/guests/manifest.json'), 'utf8')) as GuestCase[];
}

const modules = new Map<string, WebAssembly.Module>();
export function guestModule(c: GuestCase): WebAssembly.Module {
  let m = modules.get(c.wasm);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(repoPath('test/guests', c.wasm)));
    modules.set(c.wasm, m);
  }
  return m;
}

export interface GuestOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  trap: string | null;
  namespace: Namespace;
}

export async function runUnderWarden(c: GuestCase): Promise<GuestOutcome> {
  const namespace = new Namespace();
  namespace.mkdirp('/sandbox');
  const wasi = new Wasi({
    args: [`${c.name}.wasm`, ...(c.args ?? [])],
    env: c.env ?? {},
    namespace,
    preopens: { '/sandbox': '/sandbox' },
    stdin: c.stdin ?? '',
    stdout: 'capture',
    stderr: 'capture',
  });
  const dec = new TextDecoder();
  try {
    const r = await wasi.run(guestModule(c));
    return { exitCode: r.exitCode, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr), trap: null, namespace };
  } catch (e) {
    if (!(e instanceof WebAssembly.RuntimeError)) throw e;
    return { exitCode: null, stdout: dec.decode(wasi.output(1)), stderr: dec.decode(wasi.output(2)), trap: e.message, namespace };
  } finally {
    wasi.close();
  }
}
