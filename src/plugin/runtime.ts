// Owns: linking a core module against plugins (the import object: wasi_snapshot_preview1, the
// plugins' interfaces, warden:abi/buffers, the guest's own resource functions), instantiating it,
// and the GuestInstance: typed export calls, resource handles in the capability table (own/borrow
// rules, lends, drops), buffers, and closing everything when the instance ends.
// Must not: lift or lower values itself (src/wit/abi.ts does), or use Node APIs.
import { promisingExport } from '../bridge/jspi.js';
import { chooseStrategy, jspiApi } from '../bridge/strategy.js';
import { ConfigError, FsError, ModuleError, ProcExit, Trap } from '../errors.js';
import type { FdMeta } from '../p1/context.js';
import { Table } from '../table/table.js';
import type { Wasi } from '../wasi.js';
import { CallContext, ExportPlan, ImportPlan, LinearMemory, guestFault, hex, hostFault, type AbiHost } from '../wit/abi.js';
import type { FunctionDef, InterfaceDef, ResourceDef, WorldDef } from '../wit/model.js';
import { camelCase, pascalCase } from '../wit/names.js';
import { BUFFERS_MODULE, BufferTable, bufferImports } from './buffers.js';
import { findWorld, type Implementation, type Plugin, type PluginContext, type ProvidedModule } from './define.js';
import { BorrowedHandle, GuestOwnHandle, GuestResource, HostResource, resourceKey, resourceLabel, sameResource, type GuestResourceOwner } from './handles.js';

/** Options of {@link instantiate}. */
export interface InstantiateOptions {
  /** The WASI instance the guest uses (its fd table also holds the guest's resource handles). */
  wasi?: Wasi;
  /** Plugins providing the guest's imports. */
  plugins?: readonly Plugin<any, any>[];
  /**
   * The world describing the guest's exports (a WorldDef, or a world name looked up in the
   * plugins' WIT). Default: the world of the first plugin that has one.
   */
  world?: WorldDef | string;
  /** Further raw imports, for modules no plugin or Wasi provides. */
  imports?: WebAssembly.Imports;
  /**
   * How the guest waits for async plugin functions (an implementation returning a Promise):
   * - `'jspi'`: every plugin import is a `WebAssembly.Suspending` (and the Wasi imports are
   *   `wasi.getSuspendingImportObject()`), so a Promise result suspends the guest until it
   *   settles; the typed exports and {@link GuestInstance.run} then return Promises. A plain
   *   result costs no suspension.
   * - `'sync'`: an implementation returning a Promise traps.
   * - `'auto'`: JSPI where the engine has it, else sync.
   *
   * Default `'sync'` (exports then return plain values whatever the engine; pass `'auto'` or `'jspi'` to let plugin functions return promises, and exports then return promises). An explicit
   * `'jspi'` where the engine has none throws a `StrategyError`.
   */
  blocking?: 'jspi' | 'sync' | 'auto';
}

/**
 * What the host can call on a guest: world-level functions by lowerCamelCase name
 * (`exports.run('x')`), interface exports by interface name
 * (`exports['ns:pkg/iface@v'].getAll()`), with exported resources under their PascalCase name
 * (`exports['ns:pkg/iface@v'].Counter.new(1)`).
 *
 * Under the JSPI strategy (`instantiate(..., { blocking: 'jspi' })`, or `'auto'` on an engine
 * with JSPI) every function here is async: it returns a Promise of the result, and the guest
 * can be suspended while a plugin function awaits. Await one call before starting the next.
 */
export type GuestExports = { [name: string]: any };

/** Slot metadata of a resource handle in a Wasi fd table: no preview1 rights at all. */
function resourceMeta(): FdMeta {
  return { base: 0, inheriting: 0 };
}

const importPlans = new WeakMap<FunctionDef, ImportPlan>();
const exportPlans = new WeakMap<FunctionDef, ExportPlan>();

function importPlan(fn: FunctionDef, module: string): ImportPlan {
  let p = importPlans.get(fn);
  if (p === undefined || p.label !== `${module}#${fn.coreName}`) {
    p = new ImportPlan(fn, `${module}#${fn.coreName}`);
    importPlans.set(fn, p);
  }
  return p;
}

function exportPlan(fn: FunctionDef, name: string): ExportPlan {
  let p = exportPlans.get(fn);
  if (p === undefined || p.label !== name) {
    p = new ExportPlan(fn, name);
    exportPlans.set(fn, p);
  }
  return p;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** An exception from host code: traps and exits pass; anything else is a host bug, a Trap with the original as cause. */
function hostError(label: string, e: unknown): unknown {
  if (e instanceof Trap || e instanceof ProcExit) return e;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new Trap(`${label}: the host implementation threw ${message}`, { cause: e });
}

function asyncTrap(label: string, value: PromiseLike<unknown>): Trap {
  // The promise is abandoned; keep its rejection from being reported as unhandled.
  value.then(undefined, () => {});
  return new Trap(`${label}: the implementation returned a Promise; async plugin functions need the JSPI strategy (Wasi.runAsync / instantiate with { blocking: 'jspi' })`);
}

interface PluginInstance {
  readonly plugin: Plugin<any, any>;
  readonly state: unknown;
  /** Set once `implement` returned. */
  impl: Implementation;
}

/** The per-instance runtime: the AbiHost of every call, handles, buffers, lends. */
class Runtime implements AbiHost, GuestResourceOwner {
  readonly mem = new LinearMemory();
  readonly buffers = new BufferTable();
  readonly table: Table<FdMeta>;
  hasRealloc = false;
  realloc: ((oldPtr: number, oldSize: number, align: number, size: number) => number) | undefined;
  /** Lends in progress, by handle number. */
  readonly lends = new Map<number, number>();
  /** Resources the guest defines (it exports their interface). */
  readonly guestDefs = new Set<string>();
  /** The guest's destructors, by resource. */
  readonly dtors = new Map<string, (rep: number) => void>();
  /** The host implementations' drops, by resource. */
  readonly drops = new Map<string, (rep: unknown) => void>();
  poisoned: unknown = undefined;
  closed = false;
  closing = false;
  /** The JSPI strategy: Promise results of implementations are awaited. */
  jspi = false;
  /** An async export call is in progress (JSPI): the guest's stack is in use. */
  busy = false;

  constructor(readonly wasi: Wasi | undefined) {
    this.table = wasi?.fds ?? new Table<FdMeta>();
  }

  // --- AbiHost

  alloc(cx: CallContext, align: number, size: number): number {
    let p: number;
    try {
      p = this.realloc!(0, 0, align, size) >>> 0;
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw new Trap(`${cx.label}: the guest's cabi_realloc trapped (${e.message})`, { cause: e });
      throw e;
    }
    const mem = this.mem;
    mem.refresh();
    const len = mem.u8.length;
    if (p % align !== 0) guestFault(`cabi_realloc returned ${hex(p)} for ${size} bytes aligned to ${align}: the pointer is misaligned`);
    if (p + size > len) guestFault(`cabi_realloc returned ${hex(p)} for ${size} bytes: outside memory (${len} bytes)`);
    if (p === 0 && size > 0) guestFault(`cabi_realloc returned 0 for ${size} bytes (out of memory?)`);
    return p;
  }

  addBuffer(cx: CallContext, bytes: Uint8Array): number {
    const h = this.buffers.add(bytes);
    (cx.buffers ??= []).push(h);
    return h;
  }

  liftOwn(_cx: CallContext, def: ResourceDef, h: number): unknown {
    if (this.guestDefs.has(resourceKey(def))) {
      const r = this.#guestHandle(h, def);
      this.table.take(h);
      if (r.refCount === 1) r.handOver();
      r.release();
      return new GuestResource(def, r.rep, this);
    }
    const r = this.#hostHandle(h, def, false) as HostResource;
    if ((this.lends.get(h) ?? 0) > 0) guestFault(`handle ${h} (${def.name}) is lent to a call in progress and cannot be moved`);
    this.table.take(h);
    // The host now owns the rep: no drop, unless another table (instance) still holds it.
    if (r.refCount === 1) r.handOver();
    r.release();
    return r.rep;
  }

  liftBorrow(cx: CallContext, def: ResourceDef, h: number): unknown {
    if (this.guestDefs.has(resourceKey(def))) guestFault(`a borrow of the guest's own resource ${def.name} cannot be passed to the host`);
    const r = this.#hostHandle(h, def, true);
    if (r instanceof HostResource) {
      // Lent for the call: it cannot be dropped, and stays alive even if its slot is closed meanwhile.
      this.lends.set(h, (this.lends.get(h) ?? 0) + 1);
      r.retain();
      (cx.lends ??= []).push(h, r);
    }
    return r.rep;
  }

  lowerOwn(_cx: CallContext, def: ResourceDef, value: unknown): number {
    if (this.guestDefs.has(resourceKey(def))) {
      const g = this.#guestResource(def, value);
      const rep = g.moveOut();
      return this.#insert(new GuestOwnHandle(def, rep, this.dtors.get(resourceKey(def))), def);
    }
    if (value === undefined || value === null) hostFault(`expected a ${def.name} (the rep its implementation uses), got ${value}`);
    const drop = this.drops.get(resourceKey(def));
    try {
      return this.#insert(new HostResource(def, value, drop), def);
    } catch (e) {
      // Nobody will ever own it: let the implementation free it.
      drop?.(value);
      throw e;
    }
  }

  lowerBorrow(cx: CallContext, def: ResourceDef, value: unknown): number {
    if (this.guestDefs.has(resourceKey(def))) return this.#guestResource(def, value).rep();
    if (value === undefined || value === null) hostFault(`expected a ${def.name} (the rep its implementation uses), got ${value}`);
    const b = new BorrowedHandle(def, value);
    const h = this.#insert(b, def);
    (cx.borrows ??= []).push(h, b);
    return h;
  }

  // --- handles

  #insert(r: HostResource | BorrowedHandle | GuestOwnHandle, def: ResourceDef): number {
    try {
      return this.table.insert(r, resourceMeta(), { min: 1 });
    } catch (e) {
      if (e instanceof FsError && (e.errorCode === 'too-many-open-files' || e.errorCode === 'file-table-overflow')) {
        const why = e.errorCode === 'too-many-open-files'
          ? `its handle table is full (${this.table.capacity} handles${this.wasi !== undefined ? ', the Wasi option maxOpenFiles' : ''})`
          : 'the handle budget shared between instances is used up';
        guestFault(`cannot give the guest a ${def.name} handle: ${why}; the guest must drop handles it no longer needs`);
      }
      throw e;
    }
  }

  #describe(h: number, def: ResourceDef): never {
    if (h === 0) guestFault(`handle 0 is never a valid ${def.name} handle`);
    const slot = this.table.slot(h);
    if (slot === undefined) guestFault(`handle ${h} does not exist (never created, or already dropped or moved)`);
    const r = slot.resource;
    if (r instanceof HostResource || r instanceof BorrowedHandle || r instanceof GuestOwnHandle) {
      guestFault(`handle ${h} is a ${r instanceof BorrowedHandle ? 'borrowed ' : ''}${resourceLabel(r.def)}, not a ${resourceLabel(def)}`);
    }
    return guestFault(`handle ${h} is a ${r.kind}, not a ${def.name} resource`);
  }

  /** The host resource (or borrow of one) at `h`, of type `def`; a guest fault otherwise. */
  #hostHandle(h: number, def: ResourceDef, borrowOk: boolean): HostResource | BorrowedHandle {
    const r = h === 0 ? undefined : this.table.slot(h)?.resource;
    if ((r instanceof HostResource || r instanceof BorrowedHandle) && sameResource(r.def, def)) {
      if (!borrowOk && r instanceof BorrowedHandle) guestFault(`handle ${h} is a borrowed ${def.name}; an owned one (own<${def.name}>) is needed`);
      return r;
    }
    return this.#describe(h, def);
  }

  #guestHandle(h: number, def: ResourceDef): GuestOwnHandle {
    const r = h === 0 ? undefined : this.table.slot(h)?.resource;
    if (r instanceof GuestOwnHandle && sameResource(r.def, def)) return r;
    return this.#describe(h, def);
  }

  #guestResource(def: ResourceDef, value: unknown): GuestResource {
    if (!(value instanceof GuestResource) || !sameResource(value.resource, def)) hostFault(`expected a ${def.name} handle of the guest (a GuestResource), got ${value instanceof GuestResource ? `a ${resourceLabel(value.resource)}` : String(value)}`);
    if (value.owner !== this) hostFault(`this ${def.name} belongs to another guest instance`);
    if (!value.alive) hostFault(`this ${def.name} was dropped or moved into the guest`);
    return value;
  }

  /** Ends the lends of an import call. */
  endLends(cx: CallContext): void {
    const l = cx.lends!;
    cx.lends = null;
    for (let i = 0; i < l.length; i += 2) {
      const h = l[i] as number;
      const n = (this.lends.get(h) ?? 1) - 1;
      if (n === 0) this.lends.delete(h);
      else this.lends.set(h, n);
      (l[i + 1] as HostResource).release();
    }
  }

  /** Removes borrow handles the guest still holds after an export call; returns their numbers. */
  endBorrows(cx: CallContext): number[] {
    const b = cx.borrows!;
    cx.borrows = null;
    const left: number[] = [];
    for (let i = 0; i < b.length; i += 2) {
      const h = b[i] as number;
      if (this.table.slot(h)?.resource === b[i + 1]) {
        this.table.remove(h);
        left.push(h);
      }
    }
    return left;
  }

  /** The guest's `[resource-drop]` of a host resource. */
  dropHost(label: string, def: ResourceDef, h: number): void {
    let r: HostResource | BorrowedHandle;
    try {
      r = this.#hostHandle(h, def, true);
    } catch (e) {
      throw new Trap(`${label}: argument handle: ${(e as Error).message}`);
    }
    if (r instanceof HostResource && (this.lends.get(h) ?? 0) > 0) {
      throw new Trap(`${label}: argument handle: handle ${h} (${def.name}) is lent to a call in progress and cannot be dropped`);
    }
    this.table.remove(h);
  }

  /** The guest's `[resource-drop]` of its own resource. */
  dropGuest(label: string, def: ResourceDef, h: number): void {
    try {
      this.#guestHandle(h, def);
    } catch (e) {
      throw new Trap(`${label}: argument handle: ${(e as Error).message}`);
    }
    this.table.remove(h);
  }

  /** The guest's `[resource-new]`: a handle to its own resource. */
  newGuestHandle(label: string, def: ResourceDef, rep: number): number {
    if (this.closed) throw new Trap(`${label}: the guest instance was closed`);
    try {
      return this.#insert(new GuestOwnHandle(def, rep, this.dtors.get(resourceKey(def))), def);
    } catch (e) {
      throw new Trap(`${label}: ${(e as Error).message}`);
    }
  }

  repOf(label: string, def: ResourceDef, h: number): number {
    try {
      return this.#guestHandle(h, def).rep;
    } catch (e) {
      throw new Trap(`${label}: argument handle: ${(e as Error).message}`);
    }
  }

  // --- calls

  usable(label: string): void {
    if (this.closed) throw new Trap(`${label}: the guest instance was closed`);
    if (this.poisoned !== undefined) {
      const why = this.poisoned instanceof Error ? this.poisoned.message : String(this.poisoned);
      throw new Trap(`${label}: the guest instance trapped earlier and cannot be called again (${why}); create a new instance`, { cause: this.poisoned });
    }
  }

  poison(e: unknown): void {
    if (this.poisoned === undefined) this.poisoned = e;
  }

  /** A call from the guest into a plugin function. */
  callImport(plan: ImportPlan, target: (...args: unknown[]) => unknown, holder: object, core: unknown[]): unknown {
    if (this.closed) throw new Trap(`${plan.label}: the guest instance was closed`);
    const mem = this.mem;
    mem.refresh();
    const cx = new CallContext(this, mem, plan.label);
    let pending = false;
    try {
      const args = plan.liftArgs(cx, core);
      let raw: unknown;
      try {
        raw = target.apply(holder, args);
      } catch (e) {
        throw hostError(plan.label, e);
      }
      if (isThenable(raw)) {
        if (!this.jspi) throw asyncTrap(plan.label, raw);
        pending = true;
        return this.finishAsync(cx, plan, raw, core);
      }
      return this.finishImport(cx, plan, raw, core);
    } catch (e) {
      if (cx.buffers !== null) for (const h of cx.buffers) this.buffers.drop(h);
      throw e;
    } finally {
      // An async call keeps its lends until it settles.
      if (!pending && cx.lends !== null) this.endLends(cx);
    }
  }

  /** Lowers what the implementation returned (a plain value). */
  finishImport(cx: CallContext, plan: ImportPlan, raw: unknown, core: unknown[]): unknown {
    // The implementation may have called into the guest, which may have grown its memory.
    this.mem.refresh();
    return plan.lowerResult(cx, raw, core);
  }

  /**
   * JSPI: the promise the Suspending import returns for an implementation's Promise. The guest
   * is suspended until it settles; then the value is validated and lowered as a plain one.
   */
  async finishAsync(cx: CallContext, plan: ImportPlan, raw: PromiseLike<unknown>, core: unknown[]): Promise<unknown> {
    try {
      let value: unknown;
      try {
        value = await raw;
      } catch (e) {
        throw hostError(plan.label, e);
      }
      if (this.closed) throw new Trap(`${plan.label}: the guest instance was closed while the call was pending`);
      return this.finishImport(cx, plan, value, core);
    } catch (e) {
      if (cx.buffers !== null) for (const h of cx.buffers) this.buffers.drop(h);
      throw e;
    } finally {
      if (cx.lends !== null) this.endLends(cx);
    }
  }

  /** Lowers the arguments of an export call; on failure releases what was lowered (and poisons on a guest fault). */
  private beginExport(plan: ExportPlan, args: unknown[]): { cx: CallContext; core: unknown[] } {
    const mem = this.mem;
    mem.refresh();
    const cx = new CallContext(this, mem, plan.label);
    try {
      return { cx, core: plan.lowerArgs(cx, args) };
    } catch (e) {
      if (cx.borrows !== null) this.endBorrows(cx);
      if (cx.buffers !== null) for (const h of cx.buffers) this.buffers.drop(h);
      if (!(e instanceof TypeError)) this.poison(e);
      throw e;
    }
  }

  /** Lifts an export's result, checks the borrows it was lent were dropped, and calls its post-return. */
  private finishExport(plan: ExportPlan, cx: CallContext, post: ((...a: unknown[]) => unknown) | undefined, ret: unknown): unknown {
    this.mem.refresh();
    const value = plan.liftResult(cx, ret);
    if (cx.borrows !== null) {
      const left = this.endBorrows(cx);
      if (left.length > 0) {
        throw new Trap(`${plan.label}: the guest returned without dropping the borrowed handle${left.length > 1 ? 's' : ''} ${left.join(', ')} it was given (a borrow must be dropped before the call returns)`);
      }
    }
    if (post !== undefined) {
      if (plan.coreResults.length > 0) post(ret);
      else post();
      this.mem.refresh();
    }
    return value;
  }

  /** A call from the host into a guest export. */
  callExport(plan: ExportPlan, fn: (...a: unknown[]) => unknown, post: ((...a: unknown[]) => unknown) | undefined, args: unknown[]): unknown {
    this.usable(plan.label);
    const { cx, core } = this.beginExport(plan, args);
    try {
      return this.finishExport(plan, cx, post, fn(...core));
    } catch (e) {
      if (cx.borrows !== null) this.endBorrows(cx);
      this.poison(e);
      throw e;
    }
  }

  /** {@link callExport} under JSPI: `fn` is the promising export; the result is a Promise. */
  async callExportAsync(plan: ExportPlan, fn: (...a: unknown[]) => Promise<unknown>, post: ((...a: unknown[]) => unknown) | undefined, args: unknown[]): Promise<unknown> {
    this.usable(plan.label);
    if (this.busy) throw new ConfigError(`${plan.label}: another call into this guest is still in progress; await it before calling the guest again`);
    const { cx, core } = this.beginExport(plan, args);
    this.busy = true;
    try {
      const ret = await fn(...core);
      this.usable(plan.label);
      return this.finishExport(plan, cx, post, ret);
    } catch (e) {
      if (cx.borrows !== null) this.endBorrows(cx);
      this.poison(e);
      throw e;
    } finally {
      this.busy = false;
    }
  }

  // --- GuestResourceOwner

  destroy(def: ResourceDef, rep: number): void {
    const dtor = this.dtors.get(resourceKey(def));
    if (dtor === undefined || this.closed) return;
    dtor(rep);
  }
}

function hostDrop(label: string, holder: object, drop: unknown): ((rep: unknown) => void) | undefined {
  if (drop === undefined) return undefined;
  if (typeof drop !== 'function') throw new ConfigError(`${label}: drop must be a function (rep) => void`);
  return (rep) => {
    let r: unknown;
    try {
      r = (drop as (rep: unknown) => unknown).call(holder, rep);
    } catch (e) {
      throw hostError(label, e);
    }
    if (isThenable(r)) throw asyncTrap(label, r);
  };
}

/** What the linker found: the import object, and what is left to do after instantiation. */
class Linker {
  readonly rt: Runtime;
  readonly imports: WebAssembly.Imports = {};
  readonly plugins: PluginInstance[] = [];
  readonly world: WorldDef | undefined;
  readonly ctx: PluginContext;
  guest: GuestInstance | undefined;

  constructor(readonly module: WebAssembly.Module, readonly options: InstantiateOptions, defaultBlocking: 'auto' | 'sync') {
    const wasi = options.wasi;
    this.rt = new Runtime(wasi);
    const blocking = options.blocking ?? defaultBlocking;
    if (blocking !== 'jspi' && blocking !== 'sync' && blocking !== 'auto') throw new ConfigError(`blocking must be 'jspi', 'sync' or 'auto', not ${String(blocking)}`);
    this.rt.jspi = chooseStrategy(blocking, { workers: false }) === 'jspi';
    const plugins = options.plugins ?? [];
    this.world = pickWorld(options.world, plugins);
    const self = this;
    this.ctx = {
      wasi,
      get guest(): GuestInstance {
        if (self.guest === undefined) throw new ConfigError('ctx.guest is available once the guest is instantiated (use it inside calls, not in state() or implement())');
        return self.guest;
      },
    };
    // Which plugin provides each module the guest imports (two providing one is ambiguous).
    const providers = new Map<string, { plugin: Plugin<any, any>; mod: ProvidedModule }>();
    const wanted = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
    for (const p of plugins) {
      if (typeof p !== 'object' || p === null || !(p.modules instanceof Map)) throw new ConfigError('plugins must be made with definePlugin()');
      for (const [name, mod] of p.modules) {
        if (!wanted.has(name)) continue;
        if (providers.has(name)) throw new ConfigError(`two plugins provide ${name}; give instantiate only one of them`);
        providers.set(name, { plugin: p, mod });
      }
    }
    try {
      for (const p of plugins) {
        const def = p.definition;
        const state = def.state === undefined ? undefined : def.state(this.ctx);
        // Registered before implement() runs, so that its state is disposed if anything fails.
        const entry: PluginInstance = { plugin: p, state, impl: {} };
        this.plugins.push(entry);
        const impl = def.implement(state as never, this.ctx);
        if (typeof impl !== 'object' || impl === null) throw new ConfigError('a plugin\'s implement() must return an object keyed by interface (core module) name');
        entry.impl = impl;
      }
      this.#link(providers);
    } catch (e) {
      this.disposePlugins();
      throw e;
    }
  }

  /** Calls every plugin's dispose; returns the errors. */
  disposePlugins(): unknown[] {
    const errors: unknown[] = [];
    for (const p of this.plugins.splice(0)) {
      try {
        p.plugin.definition.dispose?.(p.state as never);
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }

  #link(providers: Map<string, { plugin: Plugin<any, any>; mod: ProvidedModule }>): void {
    const rt = this.rt;
    const missing: string[] = [];
    const unimplemented: string[] = [];
    const exported = new Map<string, InterfaceDef>();
    if (this.world !== undefined) {
      for (const item of this.world.exports.values()) {
        if (item.kind !== 'interface') continue;
        exported.set(item.interface.moduleName, item.interface);
        for (const r of item.interface.resources) rt.guestDefs.add(resourceKey(r));
      }
    }
    // Drops of every host resource the plugins implement (also needed for own<R> export arguments).
    for (const [name, { plugin, mod }] of providers) {
      const impl = this.plugins.find((p) => p.plugin === plugin)!.impl;
      const ns = impl[name] as Record<string, unknown> | undefined;
      for (const r of mod.resources.values()) {
        const holder = ns?.[pascalCase(r.name)];
        if (typeof holder === 'object' && holder !== null) {
          const d = hostDrop(`${name}#[resource-drop]${r.name}`, holder, (holder as Record<string, unknown>)['drop']);
          if (d !== undefined) rt.drops.set(resourceKey(r), d);
        }
      }
    }
    const extra = this.options.imports ?? {};
    const wasi = this.options.wasi;
    const wasiImports: Record<string, unknown> | undefined = wasi === undefined ? undefined : rt.jspi ? wasi.getSuspendingImportObject().wasi_snapshot_preview1 : wasi.getImportObject().wasi_snapshot_preview1;
    const Suspending = rt.jspi ? jspiApi()!.Suspending : undefined;
    const buffers = bufferImports(rt.buffers, rt.mem) as Record<string, unknown>;
    for (const imp of WebAssembly.Module.imports(this.module)) {
      const where = `${imp.module}.${imp.name}`;
      let value: unknown;
      if (imp.module === 'wasi_snapshot_preview1' && wasiImports !== undefined) value = wasiImports[imp.name];
      else if (imp.module === BUFFERS_MODULE) value = buffers[imp.name];
      else if (imp.module.startsWith('[export]') && exported.has(imp.module.slice(8))) value = this.#guestResourceImport(exported.get(imp.module.slice(8))!, imp.name);
      else if (providers.has(imp.module)) {
        const { plugin, mod } = providers.get(imp.module)!;
        const impl = this.plugins.find((p) => p.plugin === plugin)!.impl;
        value = this.#pluginImport(mod, impl, imp.name, unimplemented);
        if (Suspending !== undefined && typeof value === 'function') value = new Suspending(value as (...a: never[]) => unknown);
      }
      if (value === undefined) value = (extra[imp.module] as Record<string, unknown> | undefined)?.[imp.name];
      if (value === undefined) {
        missing.push(where);
        continue;
      }
      ((this.imports[imp.module] ??= {}) as Record<string, unknown>)[imp.name] = value;
    }
    if (missing.length > 0) {
      const hints: string[] = [];
      if (missing.some((m) => m.startsWith('wasi_snapshot_preview1.')) && this.options.wasi === undefined) hints.push('the module uses WASI: pass { wasi: new Wasi(...) }');
      if (missing.some((m) => !m.startsWith('wasi_snapshot_preview1.'))) hints.push('no plugin (or raw import) provides the others: check the plugins\' WIT and world');
      throw new ModuleError(`the module imports ${missing.length === 1 ? 'something' : 'things'} nothing provides: ${missing.join(', ')}${hints.length ? ` (${hints.join('; ')})` : ''}`, missing);
    }
    if (unimplemented.length > 0) {
      const list = unimplemented.length > 10 ? [...unimplemented.slice(0, 10), `and ${unimplemented.length - 10} more`] : unimplemented;
      throw new ConfigError(`the guest imports ${unimplemented.length === 1 ? 'a function' : 'functions'} the plugin does not implement: ${list.join('; ')}. Add ${unimplemented.length === 1 ? 'it' : 'them'} to the object implement() returns`);
    }
  }

  /** The import function for `name` of a plugin module (or undefined if the module has no such function). */
  #pluginImport(mod: ProvidedModule, impl: Implementation, name: string, unimplemented: string[]): unknown {
    const rt = this.rt;
    const ns = impl[mod.name] as Record<string, unknown> | undefined;
    if (name.startsWith('[resource-drop]')) {
      const def = mod.resources.get(name.slice('[resource-drop]'.length));
      if (def === undefined) return undefined;
      const label = `${mod.name}#${name}`;
      return (h: number) => {
        if (rt.closed) throw new Trap(`${label}: the guest instance was closed`);
        rt.dropHost(label, def, h >>> 0);
      };
    }
    const fn = mod.functions.get(name);
    if (fn === undefined) return undefined;
    const plan = importPlan(fn, mod.name);
    let holder: unknown = ns;
    let key: string;
    let path: string;
    if (fn.resource === null) {
      key = camelCase(fn.name);
      path = `['${mod.name}'].${key}`;
    } else {
      const res = pascalCase(fn.resource.name);
      holder = ns?.[res];
      key = fn.kind === 'constructor' ? 'new' : camelCase(fn.name);
      path = `['${mod.name}'].${res}.${key}`;
    }
    const target = typeof holder === 'object' && holder !== null ? (holder as Record<string, unknown>)[key] : undefined;
    if (typeof target !== 'function') {
      unimplemented.push(`${path} (for ${mod.name}#${fn.coreName})`);
      return () => {};
    }
    const t = target as (...a: unknown[]) => unknown;
    const h = holder as object;
    return (...core: unknown[]) => rt.callImport(plan, t, h, core);
  }

  /** `[resource-new]r`, `[resource-rep]r`, `[resource-drop]r` of a resource the guest exports. */
  #guestResourceImport(iface: InterfaceDef, name: string): unknown {
    const rt = this.rt;
    const m = /^\[(resource-new|resource-rep|resource-drop)\](.+)$/.exec(name);
    const def = m === null ? undefined : iface.resources.find((r) => r.name === m[2]);
    if (m === null || def === undefined) return undefined;
    const label = `[export]${iface.moduleName}#${name}`;
    switch (m[1]) {
      case 'resource-new':
        return (rep: number) => rt.newGuestHandle(label, def, rep >>> 0);
      case 'resource-rep':
        return (h: number) => rt.repOf(label, def, h >>> 0);
      default:
        return (h: number) => rt.dropGuest(label, def, h >>> 0);
    }
  }

  /** After instantiation: memory, allocator, destructors, the exports object. */
  finish(instance: WebAssembly.Instance): GuestInstance {
    const rt = this.rt;
    const ex = instance.exports;
    const memory = ex['memory'];
    rt.mem.bind(memory instanceof WebAssembly.Memory ? memory : undefined);
    const realloc = ex['cabi_realloc'];
    if (typeof realloc === 'function') {
      rt.realloc = realloc as (a: number, b: number, c: number, d: number) => number;
      rt.hasRealloc = true;
    }
    const exportsObj: GuestExports = {};
    if (this.world !== undefined) {
      for (const [, item] of this.world.exports) {
        if (item.kind === 'function') {
          const f = this.#exportFunction(ex, item.function, item.function.coreName);
          if (f !== undefined) exportsObj[camelCase(item.function.name)] = f;
          continue;
        }
        const iface = item.interface;
        const ns: Record<string, unknown> = {};
        for (const fn of iface.functions.values()) {
          const f = this.#exportFunction(ex, fn, `${iface.moduleName}#${fn.coreName}`);
          if (f !== undefined) ns[camelCase(fn.name)] = f;
        }
        for (const r of iface.resources) {
          const rs: Record<string, unknown> = {};
          for (const fn of r.functions) {
            const f = this.#exportFunction(ex, fn, `${iface.moduleName}#${fn.coreName}`);
            if (f !== undefined) rs[fn.kind === 'constructor' ? 'new' : camelCase(fn.name)] = f;
          }
          ns[pascalCase(r.name)] = rs;
          const dtor = ex[`${iface.moduleName}#[dtor]${r.name}`];
          if (typeof dtor === 'function') {
            rt.dtors.set(resourceKey(r), (rep) => {
              // An instance that is closing or trapped runs no more code: nothing to destroy.
              if (rt.closing || rt.closed || rt.poisoned !== undefined) return;
              try {
                (dtor as (rep: number) => void)(rep);
                rt.mem.refresh();
              } catch (e) {
                rt.poison(e);
                throw e;
              }
            });
          }
        }
        exportsObj[iface.moduleName] = ns;
      }
    }
    const guest = new GuestInstance(rt, instance, this.module, exportsObj, () => this.disposePlugins());
    this.guest = guest;
    return guest;
  }

  #exportFunction(ex: WebAssembly.Exports, fn: FunctionDef, name: string): ((...args: unknown[]) => unknown) | undefined {
    const core = ex[name];
    if (typeof core !== 'function') return undefined;
    const plan = exportPlan(fn, name);
    const post = ex[`cabi_post_${name}`];
    const rt = this.rt;
    const c = core as (...a: unknown[]) => unknown;
    const p = typeof post === 'function' ? (post as (...a: unknown[]) => unknown) : undefined;
    if (rt.jspi) {
      const pc = promisingExport(c);
      return (...args: unknown[]) => rt.callExportAsync(plan, pc, p, args);
    }
    return (...args: unknown[]) => rt.callExport(plan, c, p, args);
  }
}

function pickWorld(choice: WorldDef | string | undefined, plugins: readonly Plugin<any, any>[]): WorldDef | undefined {
  if (typeof choice === 'object') return choice;
  if (typeof choice === 'string') {
    let err: unknown;
    for (const p of plugins) {
      try {
        return findWorld(p.doc, choice);
      } catch (e) {
        err = e;
      }
    }
    throw err ?? new ConfigError(`world "${choice}" cannot be found: no plugin was given`);
  }
  return plugins.find((p) => p.world !== undefined)?.world;
}

/**
 * A guest module instantiated with plugins: call its exports with JS values, run it (a command),
 * and close it to free everything it held.
 */
export class GuestInstance {
  readonly #rt: Runtime;
  readonly #disposePlugins: () => unknown[];

  /** @internal Use {@link instantiate} or {@link instantiateSync}. */
  constructor(
    rt: Runtime,
    /** The core instance (raw exports). */
    readonly instance: WebAssembly.Instance,
    /** The compiled module. */
    readonly module: WebAssembly.Module,
    /** The typed exports (see {@link GuestExports}). */
    readonly exports: GuestExports,
    disposePlugins: () => unknown[],
  ) {
    this.#rt = rt;
    this.#disposePlugins = disposePlugins;
  }

  /** The Wasi instance, if one was given. */
  get wasi(): Wasi | undefined {
    return this.#rt.wasi;
  }

  /**
   * The table holding the guest's resource handles: the Wasi's fd table when there is one (a
   * handle is an fd number there; share it with `wasi.share`), else a private table.
   */
  get handles(): Table<FdMeta> {
    return this.#rt.table;
  }

  /** Live buffers of the no-cabi_realloc convention the guest has not taken or dropped yet. */
  get liveBuffers(): number {
    return this.#rt.buffers.live;
  }

  /** True once {@link close} ran. */
  get closed(): boolean {
    return this.#rt.closed;
  }

  /**
   * Runs a command's `_start` through its Wasi and returns the exit code (as `Wasi.start`).
   * Does not close the instance. Under the JSPI strategy (see `InstantiateOptions.blocking`)
   * `_start` runs on a stack that can be suspended and this returns a Promise of the exit code.
   */
  run(): number | Promise<number> {
    const rt = this.#rt;
    if (rt.wasi === undefined) throw new ConfigError('run() needs a Wasi: instantiate(module, { wasi: new Wasi(...) })');
    rt.usable('_start');
    if (rt.jspi) return this.#runAsync(rt.wasi);
    try {
      return rt.wasi.start(this.instance);
    } catch (e) {
      rt.poison(e);
      throw e;
    }
  }

  async #runAsync(wasi: Wasi): Promise<number> {
    const rt = this.#rt;
    if (rt.busy) throw new ConfigError('_start: another call into this guest is still in progress; await it before calling the guest again');
    rt.busy = true;
    try {
      return await wasi.startAsync(this.instance);
    } catch (e) {
      rt.poison(e);
      throw e;
    } finally {
      rt.busy = false;
    }
  }

  /**
   * Ends the instance: drops every resource it still holds (the implementations' `drop`), then
   * disposes the plugins' state, frees its buffers and closes its Wasi. Idempotent. Errors from
   * drops and disposes are collected and thrown at the end (an AggregateError when several).
   */
  close(): void {
    const rt = this.#rt;
    if (rt.closed) return;
    rt.closed = true;
    rt.closing = true;
    const errors: unknown[] = [];
    for (const [n, slot] of [...rt.table.entries()]) {
      const r = slot.resource;
      if (r instanceof HostResource || r instanceof BorrowedHandle || r instanceof GuestOwnHandle) {
        try {
          rt.table.remove(n);
        } catch (e) {
          errors.push(e);
        }
      }
    }
    rt.lends.clear();
    errors.push(...this.#disposePlugins());
    rt.buffers.clear();
    try {
      if (rt.wasi !== undefined) rt.wasi.close();
      else rt.table.clear();
    } catch (e) {
      errors.push(e);
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `closing the guest instance: ${errors.length} errors`);
  }
}

function initialize(linker: Linker, instance: WebAssembly.Instance): GuestInstance {
  let guest: GuestInstance | undefined;
  try {
    guest = linker.finish(instance);
    const wasi = linker.options.wasi;
    const start = instance.exports['_start'];
    if (typeof start !== 'function') {
      if (wasi !== undefined) wasi.initialize(instance);
      else {
        const init = instance.exports['_initialize'];
        if (typeof init === 'function') (init as () => void)();
      }
    }
    return guest;
  } catch (e) {
    if (guest !== undefined) {
      try {
        guest.close();
      } catch {
        // the instantiation error is the one to report
      }
    } else linker.disposePlugins();
    throw e;
  }
}

function compileSync(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer): WebAssembly.Module {
  if (module instanceof WebAssembly.Module) return module;
  try {
    return new WebAssembly.Module(module as BufferSource);
  } catch (e) {
    throw new ModuleError(`not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Instantiates a core module with WASI and plugins: builds the import object, instantiates,
 * initializes a reactor (`_initialize`), and returns the {@link GuestInstance}. A module that
 * imports what nothing provides fails with a {@link ModuleError} listing it; a plugin missing a
 * function the guest imports, with a {@link ConfigError} naming it.
 *
 * @example
 * ```ts
 * const guest = await instantiate(bytes, { wasi: new Wasi(), plugins: [kv] });
 * console.log(guest.exports.run('hello'));
 * guest.close();
 * ```
 */
export async function instantiate(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer, options: InstantiateOptions = {}): Promise<GuestInstance> {
  let compiled: WebAssembly.Module;
  if (module instanceof WebAssembly.Module) compiled = module;
  else {
    try {
      compiled = await WebAssembly.compile(module as BufferSource);
    } catch (e) {
      throw new ModuleError(`not a valid WebAssembly module: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const linker = new Linker(compiled, options, 'sync');
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(compiled, linker.imports);
  } catch (e) {
    linker.disposePlugins();
    throw e;
  }
  return initialize(linker, instance);
}

/** {@link instantiate}, synchronously (`new WebAssembly.Module` / `new WebAssembly.Instance`; browsers limit their size on the main thread). */
export function instantiateSync(module: WebAssembly.Module | ArrayBufferView | ArrayBuffer, options: InstantiateOptions = {}): GuestInstance {
  const compiled = compileSync(module);
  const linker = new Linker(compiled, options, 'sync');
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(compiled, linker.imports);
  } catch (e) {
    linker.disposePlugins();
    throw e;
  }
  return initialize(linker, instance);
}
