// Owns: which of the three blocking strategies (JSPI, worker + Atomics, synchronous) this platform
// offers, and the automatic choice among them.
// Must not: run guests or create workers (src/node/ and src/wasi.ts do).
import { ConfigError } from '../errors.js';

/**
 * How a guest waits for asynchronous host work (a stream, a socket, a promise):
 * - `'jspi'`: the guest's stack is suspended in this thread (`WebAssembly.Suspending`/`promising`);
 *   the host's event loop runs meanwhile.
 * - `'worker'`: the guest runs in a worker thread and blocks it with `Atomics.wait` on shared memory.
 * - `'sync'`: the guest runs in this thread and blocks it; async-only handles fail with ENOTSUP.
 */
export type BlockingStrategy = 'jspi' | 'worker' | 'sync';

/** A strategy, or `'auto'` for the best this platform has ({@link chooseStrategy}). */
export type BlockingChoice = BlockingStrategy | 'auto';

interface JspiApi {
  Suspending: new (fn: (...a: never[]) => unknown) => unknown;
  promising: (fn: (...a: never[]) => unknown) => (...a: unknown[]) => Promise<unknown>;
}

/** The engine's JSPI API, or undefined where the engine has none. */
export function jspiApi(): JspiApi | undefined {
  const w = WebAssembly as unknown as Partial<JspiApi>;
  return typeof w.Suspending === 'function' && typeof w.promising === 'function' ? (w as JspiApi) : undefined;
}

/** True if the engine can suspend a wasm stack (JSPI: Chrome 137+, Node 25+, Node 24 with `--experimental-wasm-jspi`). */
export function jspiSupported(): boolean {
  return jspiApi() !== undefined;
}

/**
 * True if a guest can block a worker thread on shared memory: `SharedArrayBuffer`
 * exists (in a browser, only on cross-origin-isolated pages) and `Atomics.wait` is there.
 */
export function sharedMemorySupported(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics.wait === 'function';
}

/** What this platform offers, in order of preference for `'auto'`. */
export function availableStrategies(options: { workers?: boolean } = {}): BlockingStrategy[] {
  const out: BlockingStrategy[] = [];
  if (jspiSupported()) out.push('jspi');
  if ((options.workers ?? false) && sharedMemorySupported()) out.push('worker');
  out.push('sync');
  return out;
}

/**
 * Resolves `'auto'`: JSPI where the engine has it (no thread, the cheapest
 * switch), else a worker where the caller can run one (`workers: true`) and
 * shared memory works, else synchronous. An explicit choice the platform
 * cannot honour is an error that says what is missing.
 */
export function chooseStrategy(choice: BlockingChoice = 'auto', options: { workers?: boolean } = {}): BlockingStrategy {
  const available = availableStrategies(options);
  if (choice === 'auto') return available[0]!;
  if (!available.includes(choice)) {
    const why =
      choice === 'jspi'
        ? 'this engine has no JSPI (WebAssembly.Suspending): use Node 25+, Node 24 with --experimental-wasm-jspi, or Chrome 137+'
        : 'workers need SharedArrayBuffer and Atomics.wait (in a browser: a cross-origin-isolated page) and a host that can start them (runGuest in warden/node)';
    throw new StrategyError(`blocking strategy "${choice}" is not available: ${why}`);
  }
  return choice;
}



/** Thrown when an explicitly requested blocking strategy is not available here. */
export class StrategyError extends ConfigError {}
