// Owns: what a resource handle of a guest points at in the capability table (a host resource's rep
// with its drop, a borrow lent for one call, a guest-defined resource's rep with its destructor),
// and GuestResource, the host's handle to a resource the guest exported.
// Must not: lift or lower values, or decide when a handle may be dropped (src/plugin/runtime.ts does).
import type { ResourceDef } from '../wit/model.js';
import { Resource } from '../table/resource.js';

/**
 * The identity of a resource type: the core module name of the interface (or world) declaring it,
 * and its name. Two parses of the same WIT give equal keys, so a plugin and an export world parsed
 * separately agree on what a `bucket` is.
 */
export function resourceKey(def: ResourceDef): string {
  let k = keys.get(def);
  if (k === undefined) {
    k = `${def.owner.kind === 'interface' ? def.owner.moduleName : `$root/${def.owner.name}`}#${def.name}`;
    keys.set(def, k);
  }
  return k;
}

const keys = new WeakMap<ResourceDef, string>();

/** True if `a` and `b` are the same resource type (see {@link resourceKey}). */
export function sameResource(a: ResourceDef, b: ResourceDef): boolean {
  return a === b || resourceKey(a) === resourceKey(b);
}

/** Where a resource type is declared, for messages: `bucket (warden:kv/store@0.1.0)`. */
export function resourceLabel(def: ResourceDef): string {
  return `${def.name} (${def.owner.kind === 'interface' ? def.owner.moduleName : `world ${def.owner.name}`})`;
}

/**
 * An instance of a host-implemented resource: the rep the implementation returned, and the
 * implementation's `drop`, called when the last handle to it goes (the guest dropped it, closed it,
 * or its instance ended). One object can sit in several tables (shared between instances with
 * `Wasi.share`); it is dropped once, when the last one lets go.
 */
export class HostResource extends Resource {
  readonly kind: string;
  #drop: ((rep: unknown) => void) | undefined;
  #handedOver = false;

  constructor(
    /** The WIT resource type. */
    readonly def: ResourceDef,
    /** What the implementation returned for it. */
    readonly rep: unknown,
    drop: ((rep: unknown) => void) | undefined,
  ) {
    super();
    this.kind = `${def.name} resource`;
    this.#drop = drop;
  }

  /** The guest moved its `own` handle to the host: releasing the last reference will not drop the rep. */
  handOver(): void {
    this.#handedOver = true;
  }

  protected override dispose(): void {
    if (!this.#handedOver) this.#drop?.(this.rep);
  }
}

/** A `borrow<R>` handle the host lent a guest for the duration of one call into it. */
export class BorrowedHandle extends Resource {
  readonly kind: string;
  constructor(
    readonly def: ResourceDef,
    readonly rep: unknown,
  ) {
    super();
    this.kind = `borrowed ${def.name} resource`;
  }
}

/**
 * A handle to a resource the guest itself defines (it exports the interface): created by the
 * guest's `[resource-new]`, holding the guest's i32 rep; dropping the last reference calls the
 * guest's destructor (`<iface>#[dtor]<name>`) unless ownership moved to the host.
 */
export class GuestOwnHandle extends Resource {
  readonly kind: string;
  #dtor: ((rep: number) => void) | undefined;
  #handedOver = false;
  constructor(
    readonly def: ResourceDef,
    readonly rep: number,
    dtor: ((rep: number) => void) | undefined,
  ) {
    super();
    this.kind = `${def.name} resource (guest-defined)`;
    this.#dtor = dtor;
  }

  /** Ownership moved to the host (a {@link GuestResource}): no destructor when the slot goes. */
  handOver(): void {
    this.#handedOver = true;
  }

  protected override dispose(): void {
    if (!this.#handedOver) this.#dtor?.(this.rep);
  }
}

/** What a {@link GuestResource} needs from its instance. */
export interface GuestResourceOwner {
  /** Calls the guest's destructor for `rep` (if it exports one). */
  destroy(def: ResourceDef, rep: number): void;
}

/**
 * The host's handle to a resource the guest exported (returned by the guest's constructor or
 * functions). Opaque: pass it back to the guest's functions; call {@link drop} when done (the
 * guest's destructor runs). Passing it as an `own<R>` argument moves it back into the guest; it
 * cannot be used afterwards.
 */
export class GuestResource {
  #rep: number | undefined;
  #state: 'live' | 'dropped' | 'moved' = 'live';
  constructor(
    /** The WIT resource type. */
    readonly resource: ResourceDef,
    rep: number,
    /** The instance that defines it. */
    readonly owner: GuestResourceOwner,
  ) {
    this.#rep = rep;
  }

  /** True until it is dropped or moved into the guest. */
  get alive(): boolean {
    return this.#state === 'live';
  }

  /** The guest's rep; throws a TypeError if the handle was dropped or moved. */
  rep(): number {
    if (this.#state !== 'live') throw new TypeError(`this ${this.resource.name} handle was ${this.#state === 'dropped' ? 'dropped' : 'moved into the guest'} and cannot be used`);
    return this.#rep!;
  }

  /** @internal Marks it moved into the guest (as an `own` argument) and returns the rep. */
  moveOut(): number {
    const rep = this.rep();
    this.#state = 'moved';
    return rep;
  }

  /** Drops it: the guest's destructor runs. A second call does nothing. */
  drop(): void {
    if (this.#state !== 'live') return;
    this.#state = 'dropped';
    this.owner.destroy(this.resource, this.#rep!);
  }
}

// `using r = ...` drops it, where the engine has explicit resource management.
const disposeSymbol = (Symbol as unknown as { dispose?: symbol }).dispose;
if (disposeSymbol !== undefined) {
  Object.defineProperty(GuestResource.prototype, disposeSymbol, {
    value(this: GuestResource) {
      this.drop();
    },
  });
}
