// Owns: definePlugin: a host implementation of WIT interfaces (the WIT, which world's imports it
// provides, per-instance state and the implementation object) resolved once into the core
// functions it can provide, by import module and core name.
// Must not: instantiate modules or touch guest memory.
import { ConfigError } from '../errors.js';
import type { Wasi } from '../wasi.js';
import type { FunctionDef, InterfaceDef, ResourceDef, WitDocument, WorldDef } from '../wit/model.js';
import { parseWit } from '../wit/parse.js';
import type { GuestInstance } from './runtime.js';

/** The core module name of world-level functions and resources. */
export const ROOT_MODULE = '$root';

/** What a plugin's `state` and `implement` are told about the instance they serve. */
export interface PluginContext {
  /** The Wasi instance the guest runs with, if one was given. */
  readonly wasi: Wasi | undefined;
  /**
   * The guest instance. Available once it is instantiated (so inside every call the guest makes);
   * reading it earlier (in `state` or `implement` themselves) throws.
   */
  readonly guest: GuestInstance;
}

/**
 * The object `implement` returns, keyed by core module name (`ns:pkg/iface@v`, or `$root` for
 * world-level functions): functions by lowerCamelCase name, resources by PascalCase name with
 * `new` (constructor), methods (taking the rep of `self` first), static functions and `drop`.
 */
export type Implementation = { readonly [moduleName: string]: unknown };

/** The definition given to {@link definePlugin}. */
export interface PluginDefinition<S = unknown, I extends Implementation = Implementation> {
  /** The WIT text, or a document parsed with `parseWit`. */
  wit: string | WitDocument;
  /**
   * The world whose imports this plugin provides (a world of the main package, or `ns:pkg/world`);
   * its exports also describe what the host can call on the guest. Default: every interface of
   * the main package, and the main package's world if it has exactly one.
   */
  world?: string;
  /** Makes the per-instance state (default: undefined). */
  state?: (ctx: PluginContext) => S;
  /** Called when the instance is closed, after the resources it still held were dropped. */
  dispose?: (state: S) => void;
  /** Returns the implementation for one instance. */
  implement: (state: S, ctx: PluginContext) => I;
}

/** A function a plugin can provide: its WIT definition and where it belongs. */
export interface ProvidedFunction {
  readonly fn: FunctionDef;
  /** Import module name. */
  readonly module: string;
}

/** One import module a plugin provides. */
export interface ProvidedModule {
  readonly name: string;
  /** The interface, or null for `$root`. */
  readonly iface: InterfaceDef | null;
  /** Its functions by core name (`get`, `[method]bucket.get`, ...). */
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** Its resources by WIT name (for `[resource-drop]<name>`). */
  readonly resources: ReadonlyMap<string, ResourceDef>;
}

/** A plugin made by {@link definePlugin}: pass it to `instantiate`. */
export interface Plugin<S = unknown, I extends Implementation = Implementation> {
  /** The parsed WIT. */
  readonly doc: WitDocument;
  /** The world it was defined for (or the main package's only world), or undefined. */
  readonly world: WorldDef | undefined;
  /** The import modules it provides, by name. */
  readonly modules: ReadonlyMap<string, ProvidedModule>;
  /** The definition it was made from. */
  readonly definition: PluginDefinition<S, I>;
}

/** Finds a world by name (`name` in the main package, or `ns:pkg/name`). Throws ConfigError. */
export function findWorld(doc: WitDocument, name: string): WorldDef {
  const slash = name.indexOf('/');
  if (slash < 0) {
    const w = doc.main.worlds.get(name);
    if (w !== undefined) return w;
  } else {
    const pkg = name.slice(0, slash);
    const world = name.slice(slash + 1);
    for (const [key, p] of doc.packages) {
      const bare = p.name === null ? key : `${p.name.namespace}:${p.name.name}`;
      if (key !== pkg && bare !== pkg) continue;
      const w = p.worlds.get(world);
      if (w !== undefined) return w;
    }
  }
  const known = [...doc.main.worlds.keys()];
  throw new ConfigError(`world "${name}" is not defined in the WIT text${known.length ? ` (its worlds: ${known.join(', ')})` : ' (it has no worlds)'}`);
}

function moduleOf(name: string, iface: InterfaceDef | null, fns: Iterable<FunctionDef>, resources: Iterable<ResourceDef>): ProvidedModule {
  const functions = new Map<string, FunctionDef>();
  const res = new Map<string, ResourceDef>();
  for (const f of fns) functions.set(f.coreName, f);
  for (const r of resources) {
    res.set(r.name, r);
    for (const f of r.functions) functions.set(f.coreName, f);
  }
  return { name, iface, functions, resources: res };
}

function interfaceModule(iface: InterfaceDef): ProvidedModule {
  return moduleOf(iface.moduleName, iface, iface.functions.values(), iface.resources);
}

/**
 * Defines a plugin: a host implementation of WIT interfaces that guests import.
 *
 * @example
 * ```ts
 * const kv = definePlugin({
 *   wit: kvWit,
 *   world: 'kv-guest',
 *   state: () => new Map<string, string>(),
 *   implement: (map) => ({
 *     'warden:kv/store@0.1.0': {
 *       get: (key: string) => map.get(key),
 *       count: () => map.size,
 *     },
 *   }),
 * });
 * const guest = await instantiate(module, { wasi, plugins: [kv] });
 * ```
 */
export function definePlugin<S = undefined, I extends Implementation = Implementation>(definition: PluginDefinition<S, I>): Plugin<S, I> {
  if (typeof definition !== 'object' || definition === null) throw new ConfigError('definePlugin needs an object { wit, implement, ... }');
  if (typeof definition.implement !== 'function') throw new ConfigError('definePlugin: `implement` must be a function (state, ctx) => implementation');
  if (definition.state !== undefined && typeof definition.state !== 'function') throw new ConfigError('definePlugin: `state` must be a function (ctx) => state');
  if (definition.dispose !== undefined && typeof definition.dispose !== 'function') throw new ConfigError('definePlugin: `dispose` must be a function (state) => void');
  const doc = typeof definition.wit === 'string' ? parseWit(definition.wit) : definition.wit;
  if (typeof doc !== 'object' || doc === null || !('main' in doc)) throw new ConfigError('definePlugin: `wit` must be WIT text or a document from parseWit');
  const modules = new Map<string, ProvidedModule>();
  let world: WorldDef | undefined;
  if (definition.world !== undefined) {
    world = findWorld(doc, definition.world);
    const rootFns: FunctionDef[] = [];
    for (const item of world.imports.values()) {
      if (item.kind === 'interface') modules.set(item.interface.moduleName, interfaceModule(item.interface));
      else rootFns.push(item.function);
    }
    const rootResources = [...world.types.values()].filter((t): t is ResourceDef => t.kind === 'resource' && t.owner === world);
    if (rootFns.length > 0 || rootResources.length > 0) modules.set(ROOT_MODULE, moduleOf(ROOT_MODULE, null, rootFns, rootResources));
  } else {
    for (const iface of doc.main.interfaces.values()) modules.set(iface.moduleName, interfaceModule(iface));
    if (doc.main.worlds.size === 1) world = [...doc.main.worlds.values()][0];
  }
  return { doc, world, modules, definition };
}
