// Owns: `warden` argv -> options -> run. No logic of its own beyond wiring and exit codes.
// Must not: implement anything the library should offer.
import { readFileSync, writeFileSync } from 'node:fs';
import { ModuleError, WardenError } from '../errors.js';
import { MemoryBackend } from '../fs/memory/memory-backend.js';
import { Namespace } from '../fs/namespace.js';
import { OverlayBackend } from '../fs/overlay/overlay-backend.js';
import { errnoName } from '../p1/errno.js';
import type { Tracer } from '../p1/imports.js';
import { compile, checkImports } from '../wasi.js';
import { createNodeWasi } from '../node/create.js';
import { HostBackend } from '../node/host-backend.js';
import { PortListener, TcpListener } from '../node/net.js';
import { chooseStrategy } from '../bridge/strategy.js';
import { runInWorker } from '../node/worker-runner.js';
import { HELP, UsageError, parseArgs, type RunCommand, type TypesCommand } from './args.js';

const VERSION = '0.1.0';

function fmt(v: number | bigint): string {
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

const tracer: Tracer = (name, args, result) => {
  const r = 'errno' in result ? (result.errno === 0 ? 'ok' : errnoName(result.errno)) : 'exit' in result ? `exit ${result.exit}` : `trap ${result.trap.message}`;
  process.stderr.write(`[wasi] ${name}(${args.map(fmt).join(', ')}) -> ${r}\n`);
};

/** The worker strategy: the guest runs in a worker, so the sockets' I/O can go on on this thread. */
async function runInWorkerThread(cmd: RunCommand, module: WebAssembly.Module, name: string, env: Record<string, string>): Promise<number> {
  if (cmd.trace) throw new UsageError('--trace needs --blocking jspi or sync (the worker strategy cannot trace yet)');
  if (cmd.dirs.some((d) => d.kind === 'overlay')) throw new UsageError('--overlay needs --blocking jspi or sync (the worker strategy cannot take an overlay yet)');
  const listeners: TcpListener[] = [];
  try {
    for (const l of cmd.listen) listeners.push(await TcpListener.listen(l.host, l.port));
    const fds: Record<number, TcpListener> = {};
    listeners.forEach((l, i) => (fds[3 + i] = l));
    const preopens: Record<string, { host: string; readOnly: boolean }> = {};
    const memoryDirs: Record<string, Record<string, string>> = {};
    for (const d of cmd.dirs) {
      if (d.kind === 'mem-dir') memoryDirs[d.guest] = {};
      else preopens[d.guest] = { host: d.host, readOnly: d.kind === 'ro-dir' };
    }
    const r = await runInWorker({ module, args: [name, ...cmd.args], env, fds, preopens, memoryDirs });
    return r.exitCode;
  } finally {
    await Promise.all(listeners.map((l) => l.close()));
  }
}

async function run(cmd: RunCommand): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(cmd.module);
  } catch (e) {
    throw new UsageError(`cannot read module "${cmd.module}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const module = await compile(bytes);
  const env: Record<string, string> = {};
  if (cmd.inheritEnv) for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of cmd.env) env[k] = v;
  const name = cmd.module.split(/[\\/]/).pop() ?? cmd.module;
  // 'auto': JSPI if the engine has it; else a worker when there are sockets to serve; else this thread, blocking.
  let strategy = chooseStrategy(cmd.blocking, { workers: true });
  if (cmd.blocking === 'auto' && strategy === 'worker' && cmd.listen.length === 0) strategy = 'sync';
  if (strategy === 'worker') return runInWorkerThread(cmd, module, name, env);
  if (strategy === 'sync' && cmd.listen.length > 0) throw new UsageError('--listen needs --blocking jspi or worker: a blocked thread could never take the connections');
  const ns = new Namespace();
  const preopens: Record<string, string> = {};
  const hostDirs: HostBackend[] = [];
  cmd.dirs.forEach((d, i) => {
    const at = `/preopen/${i}`;
    if (d.kind === 'mem-dir') {
      ns.mount(at, new MemoryBackend());
    } else {
      const backend = new HostBackend(d.host);
      hostDirs.push(backend);
      if (d.kind === 'overlay') ns.mount(at, new OverlayBackend(backend));
      else ns.mount(at, backend, { readOnly: d.kind === 'ro-dir' });
    }
    preopens[d.guest] = at;
  });
  const listeners: TcpListener[] = [];
  try {
    // Listening sockets in this thread (JSPI): the guest is suspended in accept while the server runs.
    const fds: Record<number, PortListener> = {};
    for (const l of cmd.listen) {
      const listener = await TcpListener.listen(l.host, l.port);
      listeners.push(listener);
      fds[3 + listeners.length - 1] = new PortListener(listener.share());
    }
    const wasi = createNodeWasi({ args: [name, ...cmd.args], env, namespace: ns, preopens, fds, ...(cmd.trace ? { trace: tracer } : {}) });
    try {
      if (strategy === 'jspi') {
        const imports = wasi.getSuspendingImportObject() as WebAssembly.Imports;
        checkImports(module, imports);
        return await wasi.startAsync(await WebAssembly.instantiate(module, imports));
      }
      checkImports(module, wasi.getImportObject());
      return wasi.start(await WebAssembly.instantiate(module, wasi.getImportObject()));
    } finally {
      wasi.close();
    }
  } finally {
    for (const b of hostDirs) b.close();
    await Promise.all(listeners.map((l) => l.close()));
  }
}

/** `warden types`: WIT file -> TypeScript declarations on stdout or in --out. */
async function types(cmd: TypesCommand): Promise<number> {
  // Loaded here so that `warden run` does not load the WIT parser and generator at start-up.
  const { generateTypes, parseWit } = await import('../wit/index.js');
  let text: string;
  try {
    text = readFileSync(cmd.file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read WIT file "${cmd.file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const ts = generateTypes(parseWit(text, { filename: cmd.file }), cmd.world === null ? {} : { world: cmd.world });
  if (cmd.out === null) {
    process.stdout.write(ts);
    return 0;
  }
  try {
    writeFileSync(cmd.out, ts);
  } catch (e) {
    throw new UsageError(`cannot write "${cmd.out}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return 0;
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const cmd = parseArgs(argv, process.env);
    if (cmd.command === 'help') {
      process.stdout.write(HELP);
      return 0;
    }
    if (cmd.command === 'version') {
      process.stdout.write(`warden ${VERSION}\n`);
      return 0;
    }
    if (cmd.command === 'types') return await types(cmd);
    return await run(cmd);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ModuleError || (e instanceof WardenError && (e.code === 'ERR_WARDEN_CONFIG' || e.code === 'ERR_WARDEN_WIT'))) {
      process.stderr.write(`warden: ${e.message}\n`);
      return 2;
    }
    if (e instanceof WebAssembly.RuntimeError || e instanceof WardenError) {
      process.stderr.write(`warden: the program trapped: ${e.message}\n${e.stack?.split('\n').slice(1).join('\n') ?? ''}\n`);
      return 134;
    }
    throw e;
  }
}
