// Owns: WIT name resolution, from the syntax tree to the model of src/wit/model.ts: packages and
// interface paths, `use`, type aliases, recursion and duplicate checks, handle rules, resource
// functions (core names, implicit `self`), worlds (includes, implicit imports of used interfaces).
// Must not: read text (src/wit/parse.ts does) or use any platform API.
import type { FileAst, FuncAst, InterfaceAst, InterfaceItem, PackageAst, TypeDefAst, TypeExpr, UsePath, WorldAst, WorldItemAst } from './ast.js';
import type { Source } from './lexer.js';
import type {
  FunctionDef, InterfaceDef, PackageName, Param, ResourceDef, UsedName, WitDocument, WitPackage, WitType, WorldDef, WorldItem,
} from './model.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Named = WitType | ResourceDef;

/** A name in an interface's or a world's type namespace, resolved on first use. */
interface Entry {
  readonly name: string;
  readonly pos: number;
  state: 'new' | 'busy' | 'done';
  value: Named | null;
  readonly compute: () => Named;
  readonly used: UsedName | null;
}

/** An interface or a world being resolved: its names and the interfaces it `use`s. */
interface Scope {
  readonly label: string;
  readonly pkg: PkgState;
  readonly entries: Map<string, Entry>;
  /** Function names (they share the namespace with types). */
  readonly funcs: Map<string, number>;
  /** Interfaces named by `use`, with the position of the `use`. */
  readonly deps: { iface: InterfaceDef; pos: number }[];
  readonly owner: InterfaceDef | WorldDef;
}

interface IfaceState {
  readonly ast: InterfaceAst;
  readonly def: Mutable<InterfaceDef>;
  scope: Scope | null;
}

interface WorldState {
  readonly ast: WorldAst;
  readonly def: Mutable<WorldDef>;
  state: 'new' | 'busy' | 'done';
  scope: Scope | null;
}

interface PkgState {
  readonly ast: PackageAst;
  readonly name: PackageName | null;
  readonly label: string;
  readonly ifaces: Map<string, IfaceState>;
  readonly worlds: Map<string, WorldState>;
  readonly aliases: Map<string, { path: UsePath; pos: number }>;
}

/** `ns:pkg@1.0.0`, or `ns:pkg` without a version. */
export function packageKey(name: PackageName): string {
  return `${name.namespace}:${name.name}${name.version === null ? '' : `@${name.version}`}`;
}

/** Resolves a parsed file into the model. Throws WitError at the first problem. */
export function resolveFile(file: FileAst, src: Source): WitDocument {
  return new Resolver(src).run(file);
}

class Resolver {
  private readonly pkgs: PkgState[] = [];
  /** Names of the type entries being resolved, innermost last, for recursion messages. */
  private readonly stack: Entry[] = [];
  private readonly ifaceStates = new Map<InterfaceDef, IfaceState>();

  constructor(private readonly src: Source) {}

  private fail(pos: number, message: string): never {
    throw this.src.error(pos, message);
  }

  run(file: FileAst): WitDocument {
    const asts = [...(file.rootUsed || file.nested.length === 0 ? [file.root] : []), ...file.nested];
    const packages = new Map<string, WitPackage>();
    // 1. Packages, interface and world shells (so that any path can be looked up).
    for (const ast of asts) {
      const key = ast.name === null ? '' : packageKey(ast.name);
      if (this.pkgs.some((p) => (p.name === null ? '' : packageKey(p.name)) === key)) this.fail(ast.pos, `package ${key} is defined twice`);
      const pkg: PkgState = { ast, name: ast.name, label: key === '' ? 'the package' : `package ${key}`, ifaces: new Map(), worlds: new Map(), aliases: new Map() };
      this.pkgs.push(pkg);
      const taken = (name: string, pos: number): void => {
        if (pkg.ifaces.has(name) || pkg.worlds.has(name)) this.fail(pos, `"${name}" is defined twice in ${pkg.label} (interfaces and worlds share one namespace)`);
      };
      for (const i of ast.interfaces) {
        taken(i.name, i.pos);
        const def = this.interfaceShell(i, ast.name, moduleNameOf(ast.name, i.name));
        pkg.ifaces.set(i.name, { ast: i, def, scope: null });
      }
      for (const w of ast.worlds) {
        taken(w.name, w.pos);
        const def: Mutable<WorldDef> = { kind: 'world', name: w.name, package: ast.name, imports: new Map(), exports: new Map(), types: new Map() };
        if (w.docs !== undefined) def.docs = w.docs;
        pkg.worlds.set(w.name, { ast: w, def, state: 'new', scope: null });
      }
      for (const u of ast.uses) {
        if (pkg.ifaces.has(u.as) || pkg.worlds.has(u.as) || pkg.aliases.has(u.as)) this.fail(u.pos, `"use ... as ${u.as}": "${u.as}" is already defined in ${pkg.label}`);
        pkg.aliases.set(u.as, { path: u.path, pos: u.pos });
      }
    }
    // 2. Each interface's names (types, uses, function names).
    for (const pkg of this.pkgs) for (const st of pkg.ifaces.values()) st.scope = this.interfaceScope(st.ast, st.def, pkg);
    // 3. No interface may depend on itself through `use`.
    this.checkInterfaceCycles();
    // 4. Every type, then every function.
    for (const pkg of this.pkgs) for (const st of pkg.ifaces.values()) this.finishInterface(st);
    // 5. Worlds.
    for (const pkg of this.pkgs) for (const ws of pkg.worlds.values()) this.resolveWorld(ws);
    for (const pkg of this.pkgs) {
      const interfaces = new Map<string, InterfaceDef>();
      for (const [n, st] of pkg.ifaces) interfaces.set(n, st.def);
      const worlds = new Map<string, WorldDef>();
      for (const [n, ws] of pkg.worlds) worlds.set(n, ws.def);
      packages.set(pkg.name === null ? '' : packageKey(pkg.name), { name: pkg.name, interfaces, worlds });
    }
    const mainAst = asts[0] === file.root ? file.root : asts[asts.length - 1]!;
    const main = packages.get(mainAst.name === null ? '' : packageKey(mainAst.name))!;
    return { main, packages };
  }

  private interfaceShell(ast: InterfaceAst, pkg: PackageName | null, moduleName: string): Mutable<InterfaceDef> {
    const def: Mutable<InterfaceDef> = { kind: 'interface', name: ast.name, package: pkg, types: new Map(), functions: new Map(), resources: [], moduleName };
    if (ast.docs !== undefined) def.docs = ast.docs;
    return def;
  }

  // ---- interfaces and worlds by path ----

  private findPackage(path: UsePath & { kind: 'path' }): PkgState {
    const candidates = this.pkgs.filter((p) => p.name !== null && p.name.namespace === path.namespace && p.name.name === path.pkg);
    const wanted = `${path.namespace}:${path.pkg}${path.version === null ? '' : `@${path.version}`}`;
    if (candidates.length === 0) {
      this.fail(path.pos, `package ${path.namespace}:${path.pkg} is not defined in this WIT text; a WIT text given to Warden must contain its dependencies, so add them as a nested "package ${wanted} { ... }" block`);
    }
    if (path.version !== null) {
      const exact = candidates.find((p) => p.name!.version === path.version);
      if (exact === undefined) this.fail(path.pos, `package ${wanted} is not defined in this WIT text (found ${candidates.map((p) => packageKey(p.name!)).join(', ')})`);
      return exact;
    }
    if (candidates.length > 1) this.fail(path.pos, `${path.namespace}:${path.pkg} is ambiguous: this text defines ${candidates.map((p) => packageKey(p.name!)).join(' and ')}; add the version (ns:pkg/iface@1.2.3)`);
    return candidates[0]!;
  }

  private findInterface(pkg: PkgState, path: UsePath, aliasDepth = 0): InterfaceDef {
    if (path.kind === 'local') {
      const st = pkg.ifaces.get(path.name);
      if (st !== undefined) return st.def;
      const alias = pkg.aliases.get(path.name);
      if (alias !== undefined && aliasDepth === 0) return this.findInterface(pkg, alias.path, 1);
      if (pkg.worlds.has(path.name)) this.fail(path.pos, `"${path.name}" is a world, not an interface`);
      this.fail(path.pos, `undefined interface "${path.name}" in ${pkg.label}`);
    }
    const target = this.findPackage(path);
    const st = target.ifaces.get(path.name);
    if (st === undefined) {
      if (target.worlds.has(path.name)) this.fail(path.pos, `${target.label} has a world "${path.name}", not an interface`);
      this.fail(path.pos, `${target.label} has no interface "${path.name}"`);
    }
    return st.def;
  }

  private findWorld(pkg: PkgState, path: UsePath): WorldState {
    let target = pkg;
    if (path.kind === 'path') target = this.findPackage(path);
    const ws = target.worlds.get(path.name);
    if (ws === undefined) {
      if (target.ifaces.has(path.name)) this.fail(path.pos, `"${path.name}" is an interface; "include" takes a world`);
      this.fail(path.pos, `undefined world "${path.name}" in ${target.label}`);
    }
    return ws;
  }

  // ---- scopes ----

  private newScope(label: string, pkg: PkgState, owner: InterfaceDef | WorldDef): Scope {
    return { label, pkg, entries: new Map(), funcs: new Map(), deps: [], owner };
  }

  private declare(scope: Scope, entry: Entry): void {
    if (scope.entries.has(entry.name) || scope.funcs.has(entry.name)) this.fail(entry.pos, `"${entry.name}" is defined twice in ${scope.label}`);
    scope.entries.set(entry.name, entry);
  }

  /** Adds the names of `use`, type definitions and (for interfaces) function names to `scope`. */
  private addItems(scope: Scope, items: readonly (InterfaceItem | WorldItemAst)[]): void {
    for (const item of items) {
      if (item.kind === 'use') this.addUse(scope, item.path, item.names);
      else if (item.kind === 'type') this.addTypedef(scope, item.def);
      else if (item.kind === 'func') {
        const f = item.func;
        if (scope.entries.has(f.name) || scope.funcs.has(f.name)) this.fail(f.pos, `"${f.name}" is defined twice in ${scope.label}`);
        scope.funcs.set(f.name, f.pos);
      }
    }
  }

  private addUse(scope: Scope, path: UsePath, names: readonly { name: string; pos: number; as: string | null; asPos: number }[]): void {
    const iface = this.findInterface(scope.pkg, path);
    if (iface === scope.owner) this.fail(path.pos, `${scope.label} cannot "use" itself`);
    if (!scope.deps.some((d) => d.iface === iface)) scope.deps.push({ iface, pos: path.pos });
    for (const n of names) {
      const local = n.as ?? n.name;
      const used: UsedName = { interface: iface, name: n.name };
      const entry: Entry = {
        name: local,
        pos: n.asPos,
        state: 'new',
        value: null,
        used,
        compute: () => {
          const target = this.ifaceStates.get(iface)?.scope;
          const te = target?.entries.get(n.name);
          if (te === undefined) {
            if (target?.funcs.has(n.name)) this.fail(n.pos, `"${n.name}" is a function in interface ${iface.moduleName}; "use" brings in types only`);
            this.fail(n.pos, `interface ${iface.moduleName} has no type "${n.name}"`);
          }
          return this.resolveEntry(te, n.pos);
        },
      };
      this.declare(scope, entry);
    }
  }

  private addTypedef(scope: Scope, def: TypeDefAst): void {
    if (def.kind === 'resource') {
      const r: Mutable<ResourceDef> = { kind: 'resource', name: def.name, owner: scope.owner, functions: [] };
      if (def.docs !== undefined) r.docs = def.docs;
      this.declare(scope, { name: def.name, pos: def.pos, state: 'done', value: r, used: null, compute: () => r });
      return;
    }
    this.declare(scope, { name: def.name, pos: def.pos, state: 'new', value: null, used: null, compute: () => this.typedefValue(scope, def) });
  }

  private interfaceScope(ast: InterfaceAst, def: Mutable<InterfaceDef>, pkg: PkgState): Scope {
    const scope = this.newScope(`interface ${def.moduleName}`, pkg, def);
    this.ifaceStates.set(def, { ast, def, scope });
    this.addItems(scope, ast.items);
    return scope;
  }

  private checkInterfaceCycles(): void {
    const state = new Map<InterfaceDef, 'busy' | 'done'>();
    const visit = (iface: InterfaceDef, path: InterfaceDef[]): void => {
      const s = state.get(iface);
      if (s === 'done') return;
      const scope = this.ifaceStates.get(iface)!.scope!;
      if (s === 'busy') return;
      state.set(iface, 'busy');
      for (const d of scope.deps) {
        if (state.get(d.iface) === 'busy') {
          const cycle = [...path.slice(path.indexOf(d.iface)), iface, d.iface].map((i) => i.moduleName).join(' -> ');
          this.fail(d.pos, `interfaces cannot depend on each other in a cycle through "use": ${cycle}`);
        }
        visit(d.iface, [...path, iface]);
      }
      state.set(iface, 'done');
    };
    for (const pkg of this.pkgs) for (const st of pkg.ifaces.values()) visit(st.def, []);
  }

  // ---- types ----

  private resolveEntry(entry: Entry, refPos: number): Named {
    if (entry.state === 'done') return entry.value!;
    if (entry.state === 'busy') {
      const from = this.stack.indexOf(entry);
      const cycle = [...this.stack.slice(from), entry].map((e) => e.name).join(' -> ');
      this.fail(refPos, `type "${entry.name}" is recursive (${cycle}); WIT types cannot contain themselves`);
    }
    entry.state = 'busy';
    this.stack.push(entry);
    const value = entry.compute();
    this.stack.pop();
    entry.value = value;
    entry.state = 'done';
    return value;
  }

  private lookup(scope: Scope, name: string, pos: number): Named {
    const entry = scope.entries.get(name);
    if (entry === undefined) {
      if (scope.funcs.has(name)) this.fail(pos, `"${name}" is a function, not a type`);
      let hint = '';
      for (const st of scope.pkg.ifaces.values()) {
        if (st.scope !== null && st.scope !== scope && st.scope.entries.has(name) && st.scope.entries.get(name)!.used === null) {
          hint = ` (interface ${st.ast.name} defines it: add "use ${st.ast.name}.{${name}};")`;
          break;
        }
      }
      this.fail(pos, `undefined type "${name}" in ${scope.label}${hint}`);
    }
    return this.resolveEntry(entry, pos);
  }

  private resolveType(scope: Scope, t: TypeExpr): WitType {
    switch (t.kind) {
      case 'prim':
        return { kind: t.prim };
      case 'list':
        return { kind: 'list', element: this.resolveType(scope, t.element) };
      case 'option':
        return { kind: 'option', some: this.resolveType(scope, t.some) };
      case 'result':
        return { kind: 'result', ok: t.ok === null ? null : this.resolveType(scope, t.ok), err: t.err === null ? null : this.resolveType(scope, t.err) };
      case 'tuple':
        return { kind: 'tuple', items: t.items.map((i) => this.resolveType(scope, i)) };
      case 'handle': {
        const v = this.lookup(scope, t.name, t.namePos);
        if (v.kind !== 'resource') this.fail(t.namePos, `${t.handle}<${t.name}>: "${t.name}" is not a resource`);
        return { kind: t.handle, resource: v };
      }
      case 'ref': {
        const v = this.lookup(scope, t.name, t.pos);
        return v.kind === 'resource' ? { kind: 'own', resource: v } : v;
      }
    }
  }

  private unique(items: readonly { name: string; pos: number }[], what: string, owner: string): void {
    const seen = new Set<string>();
    for (const i of items) {
      if (seen.has(i.name)) this.fail(i.pos, `${what} "${i.name}" appears twice in ${owner}`);
      seen.add(i.name);
    }
  }

  private typedefValue(scope: Scope, def: TypeDefAst): Named {
    const withDocs = <T extends object>(v: T): T => (def.docs !== undefined ? { ...v, docs: def.docs } : v);
    switch (def.kind) {
      case 'alias':
        // `type r2 = r;` of a resource names the resource itself (so `borrow<r2>` works).
        if (def.type.kind === 'ref') return this.lookup(scope, def.type.name, def.type.pos);
        return this.resolveType(scope, def.type);
      case 'record':
        this.unique(def.fields, 'field', `record "${def.name}"`);
        return withDocs({ kind: 'record', name: def.name, fields: def.fields.map((f) => ({ name: f.name, type: this.resolveType(scope, f.type) })) });
      case 'variant':
        this.unique(def.cases, 'case', `variant "${def.name}"`);
        return withDocs({ kind: 'variant', name: def.name, cases: def.cases.map((c) => ({ name: c.name, type: c.type === null ? null : this.resolveType(scope, c.type) })) });
      case 'enum':
        this.unique(def.cases, 'case', `enum "${def.name}"`);
        return withDocs({ kind: 'enum', name: def.name, cases: def.cases.map((c) => c.name) });
      case 'flags':
        this.unique(def.flags, 'flag', `flags "${def.name}"`);
        return withDocs({ kind: 'flags', name: def.name, flags: def.flags.map((f) => f.name) });
      case 'resource':
        throw new Error('unreachable: resources are declared eagerly');
    }
  }

  /** Resolves every entry of `scope` and fills `types` (and `uses`) in declaration order. */
  private fillTypes(scope: Scope, target: { types: ReadonlyMap<string, Named>; uses?: ReadonlyMap<string, UsedName> }): void {
    const types = new Map<string, Named>();
    const uses = new Map<string, UsedName>();
    for (const entry of scope.entries.values()) {
      types.set(entry.name, this.resolveEntry(entry, entry.pos));
      if (entry.used !== null) uses.set(entry.name, entry.used);
    }
    const t = target as Mutable<typeof target>;
    t.types = types;
    if (uses.size > 0) t.uses = uses;
  }

  // ---- functions ----

  private borrowIn(t: WitType, seen = new Set<WitType>()): ResourceDef | null {
    if (seen.has(t)) return null;
    seen.add(t);
    switch (t.kind) {
      case 'borrow':
        return t.resource;
      case 'list':
        return this.borrowIn(t.element, seen);
      case 'option':
        return this.borrowIn(t.some, seen);
      case 'result':
        return (t.ok && this.borrowIn(t.ok, seen)) ?? (t.err && this.borrowIn(t.err, seen)) ?? null;
      case 'tuple':
        for (const i of t.items) {
          const r = this.borrowIn(i, seen);
          if (r !== null) return r;
        }
        return null;
      case 'record':
        for (const f of t.fields) {
          const r = this.borrowIn(f.type, seen);
          if (r !== null) return r;
        }
        return null;
      case 'variant':
        for (const c of t.cases) {
          const r = c.type === null ? null : this.borrowIn(c.type, seen);
          if (r !== null) return r;
        }
        return null;
      default:
        return null;
    }
  }

  private makeFunction(scope: Scope, f: FuncAst, resource: ResourceDef | null): FunctionDef {
    const params: Param[] = [];
    if (f.kind === 'method') {
      const self = f.params.find((p) => p.name === 'self');
      if (self !== undefined) this.fail(self.pos, `method "${f.name}" of resource "${resource!.name}" already has an implicit "self: borrow<${resource!.name}>" parameter; rename this one`);
      params.push({ name: 'self', type: { kind: 'borrow', resource: resource! } });
    }
    this.unique(f.params, 'parameter', `function "${f.name}"`);
    for (const p of f.params) params.push({ name: p.name, type: this.resolveType(scope, p.type) });
    let result: WitType | null = f.result === null ? null : this.resolveType(scope, f.result);
    if (f.kind === 'constructor') {
      if (result === null) result = { kind: 'own', resource: resource! };
      else if (!(result.kind === 'result' && result.ok !== null && result.ok.kind === 'own' && result.ok.resource === resource)) {
        this.fail(f.result!.pos, `the constructor of "${resource!.name}" must return nothing or "result<${resource!.name}, E>"`);
      }
    }
    if (result !== null) {
      const r = this.borrowIn(result);
      if (r !== null) this.fail(f.result!.pos, `borrow<${r.name}> is only allowed in function parameters, not in the result of "${f.name}" (return an owned handle: ${r.name})`);
    }
    const name = f.kind === 'constructor' ? 'new' : f.name;
    const coreName =
      f.kind === 'constructor' ? `[constructor]${resource!.name}` : f.kind === 'method' ? `[method]${resource!.name}.${f.name}` : f.kind === 'static' ? `[static]${resource!.name}.${f.name}` : f.name;
    const def: Mutable<FunctionDef> = { name, kind: f.kind, resource, params, result, coreName };
    if (f.docs !== undefined) def.docs = f.docs;
    return def;
  }

  /** Functions of the resources declared by `items`, then the freestanding functions. */
  private resolveFunctions(scope: Scope, items: readonly (InterfaceItem | WorldItemAst)[], resources: ResourceDef[], functions: Map<string, FunctionDef> | null): void {
    for (const item of items) {
      if (item.kind === 'type' && item.def.kind === 'resource') {
        const r = scope.entries.get(item.def.name)!.value as Mutable<ResourceDef>;
        resources.push(r);
        let ctor: FuncAst | null = null;
        const names = new Map<string, FuncAst>();
        for (const f of item.def.funcs) {
          if (f.kind === 'constructor') {
            if (ctor !== null) this.fail(f.pos, `resource "${r.name}" has more than one constructor`);
            ctor = f;
          } else {
            if (names.has(f.name)) this.fail(f.pos, `"${f.name}" is defined twice in resource "${r.name}"`);
            names.set(f.name, f);
          }
        }
        if (ctor !== null && names.has('new')) {
          this.fail(names.get('new')!.pos, `resource "${r.name}" has a constructor, so it cannot also have a function named "new" (both would be "new" in JavaScript)`);
        }
        for (const f of item.def.funcs) r.functions.push(this.makeFunction(scope, f, r));
      }
    }
    if (functions === null) return;
    for (const item of items) if (item.kind === 'func') functions.set(item.func.name, this.makeFunction(scope, item.func, null));
  }

  private finishInterface(st: IfaceState): void {
    const scope = st.scope!;
    this.fillTypes(scope, st.def);
    const functions = new Map<string, FunctionDef>();
    this.resolveFunctions(scope, st.ast.items, st.def.resources as ResourceDef[], functions);
    st.def.functions = functions;
  }

  // ---- worlds ----

  /** Every interface `iface` depends on through `use`, dependencies first, `iface` last. */
  private withDeps(iface: InterfaceDef, out: InterfaceDef[] = []): InterfaceDef[] {
    if (out.includes(iface)) return out;
    const scope = this.ifaceStates.get(iface)?.scope;
    for (const d of scope?.deps ?? []) this.withDeps(d.iface, out);
    out.push(iface);
    return out;
  }

  private resolveWorld(ws: WorldState, includePos = -1): void {
    if (ws.state === 'done') return;
    if (ws.state === 'busy') this.fail(includePos, `world "${ws.def.name}" includes itself`);
    ws.state = 'busy';
    const pkg = this.pkgs.find((p) => p.worlds.get(ws.def.name) === ws)!;
    const def = ws.def;
    const scope = this.newScope(`world ${def.name}`, pkg, def);
    ws.scope = scope;
    this.addItems(scope, ws.ast.items);
    this.fillTypes(scope, def);
    const imports = new Map<string, WorldItem>();
    const exports = new Map<string, WorldItem>();
    // Explicit items, in order; implicit imports of used interfaces are added after.
    // [key, item, position, written here (not brought by an include)]
    const explicitImports: [string, WorldItem, number, boolean][] = [];
    const explicitExports: [string, WorldItem, number, boolean][] = [];
    const worldResources: ResourceDef[] = [];
    this.resolveFunctions(scope, ws.ast.items, worldResources, null);
    for (const item of ws.ast.items) {
      if (item.kind === 'import' || item.kind === 'export') {
        const list = item.kind === 'import' ? explicitImports : explicitExports;
        const t = item.target;
        if (t.form === 'path') {
          const iface = this.findInterface(pkg, t.path);
          list.push([iface.moduleName, { kind: 'interface', interface: iface }, t.path.pos, true]);
        } else if (t.form === 'named-path') {
          const iface = this.findInterface(pkg, t.path);
          list.push([t.name, { kind: 'interface', interface: { ...iface, moduleName: t.name } }, t.namePos, true]);
        } else if (t.form === 'func') {
          if (scope.entries.has(t.func.name)) this.fail(t.func.pos, `"${t.func.name}" is already a type in world ${def.name}`);
          list.push([t.func.name, { kind: 'function', function: this.makeFunction(scope, t.func, null) }, t.func.pos, true]);
        } else {
          const ast = t.iface;
          const idef = this.interfaceShell(ast, pkg.name, ast.name);
          this.interfaceScope(ast, idef, pkg);
          this.finishInterface(this.ifaceStates.get(idef)!);
          list.push([ast.name, { kind: 'interface', interface: idef }, ast.pos, true]);
        }
      } else if (item.kind === 'include') {
        const other = this.findWorld(pkg, item.path);
        if (other === ws) this.fail(item.path.pos, `world "${def.name}" includes itself`);
        this.resolveWorld(other, item.path.pos);
        const rename = new Map(item.with.map((w) => [w.from, w.to]));
        for (const w of item.with) {
          if (!other.def.imports.has(w.from) && !other.def.exports.has(w.from)) this.fail(w.pos, `world "${other.def.name}" has no import or export named "${w.from}"`);
        }
        // A renamed function or inline interface gets the new name (its core name is the name in the world).
        const renamed = (k: string, v: WorldItem): [string, WorldItem] => {
          const to = rename.get(k);
          if (to === undefined) return [k, v];
          if (v.kind === 'function') return [to, { kind: 'function', function: { ...v.function, name: to, coreName: to } }];
          if (v.interface.moduleName === k) return [to, { kind: 'interface', interface: { ...v.interface, moduleName: to } }];
          return [to, v];
        };
        for (const [k, v] of other.def.imports) explicitImports.push([...renamed(k, v), item.pos, false]);
        for (const [k, v] of other.def.exports) explicitExports.push([...renamed(k, v), item.pos, false]);
        for (const [k, v] of other.def.types) if (!(def.types as Map<string, Named>).has(k)) (def.types as Map<string, Named>).set(k, v);
      }
    }
    const writtenKeys = new Map<Map<string, WorldItem>, Set<string>>([[imports, new Set()], [exports, new Set()]]);
    /** Adds an item; the same interface twice is fine (an include or a dependency), unless both were written in this world. */
    const add = (map: Map<string, WorldItem>, key: string, item: WorldItem, pos: number, what: string, here = false): void => {
      const keys = writtenKeys.get(map)!;
      const prev = map.get(key);
      const same = prev !== undefined && prev.kind === 'interface' && item.kind === 'interface' && prev.interface.types === item.interface.types && prev.interface.moduleName === item.interface.moduleName;
      if (prev !== undefined && (!same || (here && keys.has(key)))) this.fail(pos, `world "${def.name}" ${what} "${key}" twice`);
      if (here) keys.add(key);
      if (prev === undefined) map.set(key, item);
    };
    const exportedIfaces = new Set<InterfaceDef>();
    for (const [, item] of explicitExports) if (item.kind === 'interface') exportedIfaces.add(item.interface);
    const isExported = (i: InterfaceDef): boolean => [...exportedIfaces].some((e) => e.types === i.types);
    const importDeps = (iface: InterfaceDef, pos: number): void => {
      for (const d of this.withDeps(iface)) if (d !== iface && !isExported(d)) add(imports, d.moduleName, { kind: 'interface', interface: d }, pos, 'imports');
    };
    // A world-level `use` imports the interface it names (and what that one uses).
    for (const d of scope.deps) {
      importDeps(d.iface, d.pos);
      add(imports, d.iface.moduleName, { kind: 'interface', interface: d.iface }, d.pos, 'imports');
    }
    for (const [key, item, pos, here] of explicitImports) {
      if (item.kind === 'interface') {
        const original = this.originalOf(item.interface);
        for (const d of this.withDeps(original)) if (d !== original) add(imports, d.moduleName, { kind: 'interface', interface: d }, pos, 'imports');
      }
      add(imports, key, item, pos, 'imports', here);
    }
    for (const [key, item, pos, here] of explicitExports) {
      if (item.kind === 'interface') importDeps(this.originalOf(item.interface), pos);
      add(exports, key, item, pos, 'exports', here);
    }
    def.imports = imports;
    def.exports = exports;
    ws.state = 'done';
  }

  /** The interface a renamed copy (`import name: iface;`) was made from. */
  private originalOf(iface: InterfaceDef): InterfaceDef {
    if (this.ifaceStates.has(iface)) return iface;
    for (const st of this.ifaceStates.values()) if (st.def.types === iface.types) return st.def;
    return iface;
  }
}

function moduleNameOf(pkg: PackageName | null, iface: string): string {
  if (pkg === null) return iface;
  return `${pkg.namespace}:${pkg.name}/${iface}${pkg.version === null ? '' : `@${pkg.version}`}`;
}
