// Owns: the resolved model of WIT packages, interfaces, worlds, types and functions that the
// parser produces and the canonical ABI, the plugin linker and the TypeScript generator consume.
// Must not: parse text or touch guest memory.

/** WIT's primitive types. */
export type PrimitiveKind =
  | 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64'
  | 'f32' | 'f64' | 'char' | 'string';

/** A resource type declared in an interface or a world. Identity is the object itself. */
export interface ResourceDef {
  readonly kind: 'resource';
  /** The WIT name, kebab-case (`blob-store`). */
  readonly name: string;
  /** The interface (or world) that declares it. */
  readonly owner: InterfaceDef | WorldDef;
  /** Its constructor, methods and static functions, filled in by the resolver. */
  readonly functions: FunctionDef[];
  /** Its doc comment (`///` or `/** *\/`), if any. */
  readonly docs?: string;
}

/**
 * A fully resolved WIT type. Aliases (`type a = b`) and `use` are resolved away;
 * named aggregates keep their name for error messages and code generation.
 */
export type WitType =
  | { readonly kind: PrimitiveKind }
  | { readonly kind: 'list'; readonly element: WitType }
  | { readonly kind: 'option'; readonly some: WitType }
  | { readonly kind: 'result'; readonly ok: WitType | null; readonly err: WitType | null }
  | { readonly kind: 'tuple'; readonly items: readonly WitType[] }
  | { readonly kind: 'record'; readonly name: string; readonly fields: readonly { readonly name: string; readonly type: WitType }[]; readonly docs?: string }
  | { readonly kind: 'variant'; readonly name: string; readonly cases: readonly { readonly name: string; readonly type: WitType | null }[]; readonly docs?: string }
  | { readonly kind: 'enum'; readonly name: string; readonly cases: readonly string[]; readonly docs?: string }
  | { readonly kind: 'flags'; readonly name: string; readonly flags: readonly string[]; readonly docs?: string }
  | { readonly kind: 'own'; readonly resource: ResourceDef }
  | { readonly kind: 'borrow'; readonly resource: ResourceDef };

/** One parameter of a function. */
export interface Param {
  readonly name: string;
  readonly type: WitType;
}

/**
 * A WIT function. `kind` says how it binds to a resource:
 * `[constructor]res`, `[method]res.name`, `[static]res.name`, or a plain function.
 * For a method, `params[0]` is `self: borrow<res>`.
 */
export interface FunctionDef {
  /** The WIT name: `get`, or for resource functions the bare name (`get`, `new` for constructors). */
  readonly name: string;
  readonly kind: 'freestanding' | 'method' | 'static' | 'constructor';
  readonly resource: ResourceDef | null;
  readonly params: readonly Param[];
  /** The single result type, or null for none. Constructors return `own<resource>`. */
  readonly result: WitType | null;
  /** The core-wasm name wit-bindgen uses: `get`, `[method]store.get`, `[constructor]store`, `[static]store.open`. */
  readonly coreName: string;
  /** Its doc comment, if any. */
  readonly docs?: string;
}

/** A package name: `ns:pkg@version`. */
export interface PackageName {
  readonly namespace: string;
  readonly name: string;
  readonly version: string | null;
}

/** A WIT interface. */
export interface InterfaceDef {
  readonly kind: 'interface';
  /** The interface name, or null for an interface declared inline in a world without a name. */
  readonly name: string;
  readonly package: PackageName | null;
  /** Named types, in declaration order, including those brought in with `use`. */
  readonly types: ReadonlyMap<string, WitType | ResourceDef>;
  /** Freestanding functions, in declaration order. */
  readonly functions: ReadonlyMap<string, FunctionDef>;
  /** Resources declared here (not those brought in by `use`). */
  readonly resources: readonly ResourceDef[];
  /**
   * The import module name wit-bindgen gives it before componentization:
   * `ns:pkg/iface@1.0.0`; for an inline world interface, its name as written in the world.
   */
  readonly moduleName: string;
  /**
   * The names in `types` that a `use` brought in (not declared here), with the interface and
   * name they come from. Absent when nothing was used.
   */
  readonly uses?: ReadonlyMap<string, UsedName>;
  /** Its doc comment, if any. */
  readonly docs?: string;
}

/** Where a name brought in by `use` comes from. */
export interface UsedName {
  readonly interface: InterfaceDef;
  /** The name in that interface (differs from the local name with `use x.{a as b}`). */
  readonly name: string;
}

/** What a world imports or exports: an interface, or a single function. */
export type WorldItem =
  | { readonly kind: 'interface'; readonly interface: InterfaceDef }
  | { readonly kind: 'function'; readonly function: FunctionDef };

/** A WIT world. */
export interface WorldDef {
  readonly kind: 'world';
  readonly name: string;
  readonly package: PackageName | null;
  /** Imports by the name the world gives them (`ns:pkg/iface@v` for a used interface, or a plain name). */
  readonly imports: ReadonlyMap<string, WorldItem>;
  readonly exports: ReadonlyMap<string, WorldItem>;
  /** Types declared at world level (world-level `use` and `type`). */
  readonly types: ReadonlyMap<string, WitType | ResourceDef>;
  /** The names in `types` brought in by a world-level `use`. Absent when nothing was used. */
  readonly uses?: ReadonlyMap<string, UsedName>;
  /** Its doc comment, if any. */
  readonly docs?: string;
}

/** A parsed and resolved WIT document (one package, possibly with nested `package ... { }` blocks). */
export interface WitPackage {
  readonly name: PackageName | null;
  readonly interfaces: ReadonlyMap<string, InterfaceDef>;
  readonly worlds: ReadonlyMap<string, WorldDef>;
}

/** Everything one WIT text defines: its main package and any nested `package x:y { ... }` blocks. */
export interface WitDocument {
  /** The package of the top-level `package` declaration (or the only one). */
  readonly main: WitPackage;
  /** Every package, the main one included, by `ns:pkg` or `ns:pkg@version`. */
  readonly packages: ReadonlyMap<string, WitPackage>;
}
