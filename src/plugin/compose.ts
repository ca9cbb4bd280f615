// Owns: wasmPlugin: a trusted wasm module that exports WIT interfaces, used as the plugin serving
// another (untrusted) guest's imports; one provider instance per guest instance, every call
// forwarded generically from the WIT.
// Must not: lift or lower values itself (each side's runtime does, with full validation), or use
// Node APIs.
import { ConfigError, ModuleError } from '../errors.js';
import type { Wasi } from '../wasi.js';
import type { WitDocument } from '../wit/model.js';
import { camelCase, pascalCase } from '../wit/names.js';
import { parseWit } from '../wit/parse.js';
import { ROOT_MODULE, definePlugin, findWorld, type Plugin } from './define.js';
import { GuestResource } from './handles.js';
import { instantiateSync, type GuestInstance } from './runtime.js';

/** Options of {@link wasmPlugin}. */
export interface WasmPluginOptions {
  /** The WIT text, or a document parsed with `parseWit`. */
  wit: string | WitDocument;
  /** The world the provider module exports (e.g. `kv-provider`, with `export store;`). */
  world: string;
  /** The world whose imports it serves (e.g. `kv-guest`). Default: every interface of the main package. */
  guestWorld?: string;
  /** The provider module (compiled, or its bytes). */
  module: WebAssembly.Module | BufferSource;
  /** Makes the provider's own Wasi (its capabilities), once per guest instance. Default: none. */
  wasi?: () => Wasi;
}

/**
 * A plugin implemented by a wasm module: each guest instance gets its own instance of `module`
 * (instantiated with `world` and its own Wasi), and every function of every interface the
 * provider exports serves the guest's import of the same name. Values cross through the host:
 * lifted from one instance's memory with full validation and lowered into the other's; the
 * provider's resources are handed to the guest as handles whose rep is the provider's
 * {@link GuestResource} (a guest's drop drops it in the provider). Closing the guest closes the
 * provider. A provider that traps or returns a bad value traps the guest's call.
 *
 * @example
 * ```ts
 * const store = wasmPlugin({ wit: kvWit, world: 'kv-provider', guestWorld: 'kv-guest', module: storeBytes });
 * const guest = instantiateSync(guestBytes, { wasi: new Wasi(), plugins: [store] });
 * guest.exports.run('hello');
 * ```
 */
export function wasmPlugin(options: WasmPluginOptions): Plugin<GuestInstance> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('wasmPlugin needs an object { wit, world, module, ... }');
  if (options.wasi !== undefined && typeof options.wasi !== 'function') throw new ConfigError('wasmPlugin: `wasi` must be a function () => new Wasi(...) (one Wasi per provider instance)');
  const doc = typeof options.wit === 'string' ? parseWit(options.wit) : options.wit;
  const world = findWorld(doc, options.world);
  let module: WebAssembly.Module;
  if (options.module instanceof WebAssembly.Module) module = options.module;
  else {
    try {
      module = new WebAssembly.Module(options.module);
    } catch (e) {
      throw new ModuleError(`wasmPlugin: not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return definePlugin({
    wit: doc,
    ...(options.guestWorld !== undefined ? { world: options.guestWorld } : {}),
    state: () => instantiateSync(module, { world, ...(options.wasi !== undefined ? { wasi: options.wasi() } : {}) }),
    dispose: (provider) => provider.close(),
    implement: (provider) => {
      const impl: Record<string, Record<string, unknown>> = {};
      for (const item of world.exports.values()) {
        if (item.kind === 'function') {
          const f = provider.exports[camelCase(item.function.name)];
          if (f !== undefined) (impl[ROOT_MODULE] ??= {})[camelCase(item.function.name)] = f;
          continue;
        }
        const iface = item.interface;
        const ns = provider.exports[iface.moduleName] as Record<string, unknown> | undefined;
        if (ns === undefined) continue;
        const out: Record<string, unknown> = {};
        for (const fn of iface.functions.values()) {
          const f = ns[camelCase(fn.name)];
          if (f !== undefined) out[camelCase(fn.name)] = f;
        }
        for (const r of iface.resources) {
          const rs = ns[pascalCase(r.name)] as Record<string, unknown> | undefined;
          // The provider's functions take and return GuestResources: they are the reps.
          out[pascalCase(r.name)] = {
            ...rs,
            drop: (self: unknown) => {
              if (self instanceof GuestResource && self.alive) self.drop();
            },
          };
        }
        impl[iface.moduleName] = out;
      }
      return impl;
    },
  });
}
