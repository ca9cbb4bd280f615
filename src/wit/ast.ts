// Owns: the syntax tree the WIT parser produces and the resolver consumes (names still unresolved,
// every node with the source offset its errors point at).
// Must not: contain logic.
import type { PackageName, PrimitiveKind } from './model.js';

/** A type as written. `pos` is the source offset of its first token. */
export type TypeExpr =
  | { readonly kind: 'prim'; readonly prim: PrimitiveKind; readonly pos: number }
  | { readonly kind: 'list'; readonly element: TypeExpr; readonly pos: number }
  | { readonly kind: 'option'; readonly some: TypeExpr; readonly pos: number }
  | { readonly kind: 'result'; readonly ok: TypeExpr | null; readonly err: TypeExpr | null; readonly pos: number }
  | { readonly kind: 'tuple'; readonly items: readonly TypeExpr[]; readonly pos: number }
  | { readonly kind: 'handle'; readonly handle: 'own' | 'borrow'; readonly name: string; readonly namePos: number; readonly pos: number }
  | { readonly kind: 'ref'; readonly name: string; readonly pos: number };

/** A name with the offset where it is written. */
export interface Named {
  readonly name: string;
  readonly pos: number;
}

/** A function, freestanding or inside a resource. */
export interface FuncAst extends Named {
  readonly kind: 'freestanding' | 'method' | 'static' | 'constructor';
  readonly params: readonly (Named & { readonly type: TypeExpr })[];
  readonly result: TypeExpr | null;
  readonly docs: string | undefined;
}

/** A named type definition. */
export type TypeDefAst = Named & { readonly docs: string | undefined } & (
  | { readonly kind: 'alias'; readonly type: TypeExpr }
  | { readonly kind: 'record'; readonly fields: readonly (Named & { readonly type: TypeExpr })[] }
  | { readonly kind: 'variant'; readonly cases: readonly (Named & { readonly type: TypeExpr | null })[] }
  | { readonly kind: 'enum'; readonly cases: readonly Named[] }
  | { readonly kind: 'flags'; readonly flags: readonly Named[] }
  | { readonly kind: 'resource'; readonly funcs: readonly FuncAst[] }
);

/** An interface named in a `use`, `import`, `export` or `include`: `iface` or `ns:pkg/iface@1.0.0`. */
export type UsePath =
  | { readonly kind: 'local'; readonly name: string; readonly pos: number }
  | { readonly kind: 'path'; readonly namespace: string; readonly pkg: string; readonly name: string; readonly version: string | null; readonly pos: number };

/** `use path.{a, b as c};` */
export interface UseAst {
  readonly kind: 'use';
  readonly path: UsePath;
  readonly names: readonly { readonly name: string; readonly pos: number; readonly as: string | null; readonly asPos: number }[];
  readonly pos: number;
}

/** One item of an interface body, in source order. */
export type InterfaceItem = UseAst | { readonly kind: 'type'; readonly def: TypeDefAst } | { readonly kind: 'func'; readonly func: FuncAst };

/** An interface, top-level or inline in a world. */
export interface InterfaceAst extends Named {
  readonly items: readonly InterfaceItem[];
  readonly docs: string | undefined;
}

/** One item of a world body, in source order. */
export type WorldItemAst =
  | UseAst
  | { readonly kind: 'type'; readonly def: TypeDefAst }
  | { readonly kind: 'include'; readonly path: UsePath; readonly with: readonly { readonly from: string; readonly to: string; readonly pos: number }[]; readonly pos: number }
  | {
      readonly kind: 'import' | 'export';
      readonly pos: number;
      readonly docs: string | undefined;
      readonly target:
        | { readonly form: 'path'; readonly path: UsePath }
        | { readonly form: 'named-path'; readonly name: string; readonly namePos: number; readonly path: UsePath }
        | { readonly form: 'func'; readonly func: FuncAst }
        | { readonly form: 'interface'; readonly iface: InterfaceAst };
    };

/** A world. */
export interface WorldAst extends Named {
  readonly items: readonly WorldItemAst[];
  readonly docs: string | undefined;
}

/** A package: the file's top level, or a nested `package ns:pkg { ... }` block. */
export interface PackageAst {
  readonly name: PackageName | null;
  readonly pos: number;
  readonly interfaces: readonly InterfaceAst[];
  readonly worlds: readonly WorldAst[];
  /** Top-level `use path as name;` (the alias defaults to the interface name). */
  readonly uses: readonly { readonly path: UsePath; readonly as: string; readonly pos: number }[];
}

/** A whole WIT text: the top-level package first (if it has a declaration or items), then nested ones. */
export interface FileAst {
  /** The top-level package (its name is null without a `package ...;` declaration). */
  readonly root: PackageAst;
  /** True if the text declares the top-level package or has top-level items. */
  readonly rootUsed: boolean;
  readonly nested: readonly PackageAst[];
}
