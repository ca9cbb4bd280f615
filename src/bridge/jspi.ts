// Owns: wiring a guest for JSPI: imports that may wait become `WebAssembly.Suspending`, exports
// that run guest code become `WebAssembly.promising`.
// Must not: implement syscalls (src/p1/ does) or decide the strategy (strategy.ts does).
import { jspiApi, StrategyError } from './strategy.js';

type Fn = (...a: never[]) => unknown;

function api(): NonNullable<ReturnType<typeof jspiApi>> {
  const a = jspiApi();
  if (a === undefined) throw new StrategyError('this engine has no JSPI (WebAssembly.Suspending): use Node 25+, Node 24 with --experimental-wasm-jspi, or Chrome 137+');
  return a;
}

/**
 * Wraps the functions named in `blocking` as `WebAssembly.Suspending` imports:
 * when one returns a promise, the guest's stack is suspended until it settles
 * (the host's event loop runs meanwhile); when it returns a plain value, the
 * call costs what a normal import costs. The others are kept as they are.
 */
export function suspendingImports<T extends Record<string, Fn>>(fns: T, blocking: ReadonlySet<string>): Record<string, unknown> {
  const { Suspending } = api();
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(fns)) out[name] = blocking.has(name) ? new Suspending(fn) : fn;
  return out;
}

/**
 * An export of a guest instantiated with suspending imports, as an async
 * function: each call runs on its own stack that can be suspended. Calling the
 * raw export instead would trap as soon as an import suspends.
 */
export function promisingExport<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => Promise<R> {
  return api().promising(fn as unknown as Fn) as unknown as (...a: A) => Promise<R>;
}
