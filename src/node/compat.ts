// Owns: a drop-in for node:wasi's WASI class, so switching is a change of the import line.
// Must not: add behaviour; it maps node:wasi's options onto Wasi, HostBackend and HostFdStream.
import { ConfigError } from '../errors.js';
import { Namespace } from '../fs/namespace.js';
import { Wasi } from '../wasi.js';
import { nodeClocks } from './clocks.js';
import { HostBackend } from './host-backend.js';
import { HostFdStream } from './streams.js';

/** The options of node:wasi's `new WASI(options)`. */
export interface NodeWasiOptions {
  /** Only `'preview1'` is supported. */
  version?: 'preview1';
  args?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Guest path -> host directory, each confined by Warden's resolver (unlike node:wasi, a real sandbox). */
  preopens?: Readonly<Record<string, string>>;
  /** When false, `start()` ends the process with the guest's exit code. Default true. */
  returnOnExit?: boolean;
  /** Host fds for the guest's stdio. Default 0, 1, 2. */
  stdin?: number;
  stdout?: number;
  stderr?: number;
}

/**
 * node:wasi's `WASI`, backed by Warden: `import { WASI } from 'warden/node'`
 * instead of `from 'node:wasi'`. Host directories in `preopens` are mounted
 * with {@link HostBackend}, so symlinks and `..` cannot leave them.
 */
export class WASI {
  readonly #wasi: Wasi;
  readonly #returnOnExit: boolean;

  constructor(options: NodeWasiOptions = {}) {
    if (options.version !== undefined && options.version !== 'preview1') {
      throw new ConfigError(`WASI version "${String(options.version)}" is not supported; use "preview1"`);
    }
    const ns = new Namespace();
    const preopens: Record<string, string> = {};
    Object.entries(options.preopens ?? {}).forEach(([guest, host], i) => {
      const at = `/preopen/${i}`;
      ns.mount(at, new HostBackend(host));
      preopens[guest] = at;
    });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
    this.#returnOnExit = options.returnOnExit ?? true;
    this.#wasi = new Wasi({
      args: options.args ?? [],
      env,
      namespace: ns,
      preopens,
      stdin: new HostFdStream(options.stdin ?? 0, 'read'),
      stdout: new HostFdStream(options.stdout ?? 1, 'write'),
      stderr: new HostFdStream(options.stderr ?? 2, 'write'),
      clocks: nodeClocks(),
    });
  }

  /** The `wasi_snapshot_preview1` functions. */
  get wasiImport(): Record<string, (...a: never[]) => number> {
    return this.#wasi.wasiImport;
  }

  /** `{ wasi_snapshot_preview1: wasiImport }`. */
  getImportObject(): { wasi_snapshot_preview1: Record<string, (...a: never[]) => number> } {
    return this.#wasi.getImportObject();
  }

  /** Runs `_start`; returns the exit code (or exits the process with it when `returnOnExit` is false). */
  start(instance: WebAssembly.Instance): number {
    const code = this.#wasi.start(instance);
    if (!this.#returnOnExit) process.exit(code);
    return code;
  }

  /** Calls `_initialize` of a reactor, if exported. */
  initialize(instance: WebAssembly.Instance): void {
    this.#wasi.initialize(instance);
  }
}
