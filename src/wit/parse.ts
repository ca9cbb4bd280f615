// Owns: the WIT grammar (WebAssembly/component-model design/mvp/WIT.md) as a hand-written
// recursive-descent parser from tokens to the syntax tree, and `parseWit` (text -> resolved model).
// Hand-written on purpose: the maintained WIT parser (wasm-tools' wit-parser) is Rust, and using it
// from JS means shipping a multi-megabyte wasm blob; no maintained JS WIT parser runs in browsers.
// Must not: resolve names (src/wit/resolve.ts does) or use any platform API.
import type { FileAst, FuncAst, InterfaceAst, InterfaceItem, Named, PackageAst, TypeDefAst, TypeExpr, UseAst, UsePath, WorldAst, WorldItemAst } from './ast.js';
import { Source, tokenize, type Token } from './lexer.js';
import type { PackageName, PrimitiveKind, WitDocument } from './model.js';
import { resolveFile } from './resolve.js';

/** Options of {@link parseWit}. */
export interface ParseWitOptions {
  /** The file name used in error messages (default `<wit>`). */
  filename?: string;
}

/**
 * Parses and resolves a WIT text: one package (`package ns:name@version;`) with its interfaces and
 * worlds, plus any nested `package ns:dep { ... }` blocks it depends on.
 * Throws {@link WitError} (code `ERR_WARDEN_WIT`) with `filename:line:column: message` on any
 * syntax or resolution error.
 */
export function parseWit(text: string, options: ParseWitOptions = {}): WitDocument {
  const src = new Source(text, options.filename ?? '<wit>');
  return resolveFile(parseFileAst(src), src);
}

/** Parses a WIT text into its syntax tree without resolving names. Exposed for tools and tests. */
export function parseFileAst(src: Source): FileAst {
  return new Parser(src).file();
}

const PRIMITIVES: ReadonlySet<string> = new Set(['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string']);
const TYPEDEF_KEYWORDS: ReadonlySet<string> = new Set(['type', 'record', 'variant', 'enum', 'flags', 'resource']);
const GATES: ReadonlySet<string> = new Set(['since', 'unstable', 'deprecated', 'external-id']);

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the file';
    case 'id':
      return `identifier "${t.text}"`;
    case 'keyword':
      return `keyword "${t.text}"`;
    case 'version':
      return `version ${t.text}`;
    case 'int':
      return `number ${t.text}`;
    case 'string':
      return 'a string literal';
    case 'op':
      return `"${t.text}"`;
  }
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  constructor(private readonly src: Source) {
    this.tokens = tokenize(src);
  }

  private peek(n = 0): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  /** True if the token `n` ahead is the operator or keyword `text`. */
  private is(text: string, n = 0): boolean {
    const t = this.peek(n);
    return (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }
  private eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  private fail(t: Token, message: string): never {
    throw this.src.error(t.start, message);
  }
  private expect(text: string, context: string): Token {
    const t = this.peek();
    if (!this.is(text)) this.fail(t, `expected "${text}" ${context}, found ${describe(t)}`);
    return this.next();
  }
  private ident(what: string): Named {
    const t = this.peek();
    if (t.kind !== 'id') {
      if (t.kind === 'keyword') this.fail(t, `expected ${what}, found keyword "${t.text}" (write %${t.text} to use it as a name)`);
      this.fail(t, `expected ${what}, found ${describe(t)}`);
    }
    this.i++;
    return { name: t.text, pos: t.start };
  }

  /** Skips `@since(...)`, `@unstable(...)`, `@deprecated(...)`, `@external-id("...")`, checking their form. */
  private gates(): boolean {
    const any = this.is('@');
    while (this.is('@')) {
      const at = this.next();
      const name = this.peek();
      if (name.kind === 'id' && !GATES.has(name.text)) this.fail(name, `unknown annotation "@${name.text}" (expected @since, @unstable, @deprecated or @external-id)`);
      if (name.kind !== 'id') this.fail(name, `expected a feature gate after "@" (@since, @unstable or @deprecated), found ${describe(name)}`);
      this.next();
      this.expect('(', `after @${name.text}`);
      if (name.text === 'external-id') {
        if (this.peek().kind !== 'string') this.fail(this.peek(), `expected a string literal in @external-id(...), found ${describe(this.peek())}`);
        this.next();
      } else {
        const want = name.text === 'unstable' ? 'feature' : 'version';
        let seen = false;
        do {
          if (this.is(')')) break;
          const key = this.ident(`"${want} = ..." in @${name.text}(...)`);
          this.expect('=', `after "${key.name}" in @${name.text}(...)`);
          const value = this.peek();
          if (key.name === 'version') {
            if (value.kind !== 'version') this.fail(value, `expected a version like 1.2.3 after "version =", found ${describe(value)}`);
          } else if (key.name === 'feature') {
            if (value.kind !== 'id') this.fail(value, `expected a feature name after "feature =", found ${describe(value)}`);
          } else {
            this.fail(this.tokens[this.i - 2]!, `unknown field "${key.name}" in @${name.text}(...) (expected "${want}")`);
          }
          if (key.name === want) seen = true;
          this.next();
        } while (this.eat(','));
        if (!seen) this.fail(at, `@${name.text}(...) needs "${want} = ..."`);
      }
      this.expect(')', `to close @${name.text}(`);
    }
    return any;
  }

  /** After `}` that closes a body: a gate right before it annotated nothing. */
  private endOfBody(gated: boolean): boolean {
    if (!this.is('}')) return false;
    if (gated) this.fail(this.peek(), 'expected an item after the feature gate, found "}"');
    this.next();
    return true;
  }

  file(): FileAst {
    const nested: PackageAst[] = [];
    let rootName: PackageName | null = null;
    let rootPos = 0;
    const root = { interfaces: [] as InterfaceAst[], worlds: [] as WorldAst[], uses: [] as PackageAst['uses'][number][] };
    let rootUsed = false;
    let first = true;
    while (this.peek().kind !== 'eof') {
      const start = this.peek();
      this.gates();
      if (this.is('package')) {
        const kw = this.next();
        const name = this.packageName();
        if (this.eat(';')) {
          if (!first) this.fail(kw, 'the "package ...;" declaration must be the first item of the file');
          rootName = name;
          rootPos = kw.start;
          rootUsed = true;
        } else {
          this.expect('{', 'or ";" after the package name');
          const pkg = { interfaces: [] as InterfaceAst[], worlds: [] as WorldAst[], uses: [] as PackageAst['uses'][number][] };
          while (!this.eat('}')) {
            if (this.peek().kind === 'eof') this.fail(this.peek(), `expected "}" to close package ${name.namespace}:${name.name}, found the end of the file`);
            if (this.is('package')) this.fail(this.peek(), 'packages cannot be nested inside nested packages');
            this.packageItem(pkg);
          }
          nested.push({ name, pos: kw.start, ...pkg });
        }
      } else {
        this.packageItemAfterGates(root, start);
        rootUsed = true;
      }
      first = false;
    }
    return { root: { name: rootName, pos: rootPos, ...root }, rootUsed, nested };
  }

  private packageName(): PackageName {
    const ns = this.ident('a package namespace (as in "package my-ns:my-pkg;")');
    this.expect(':', 'between the package namespace and name (as in "package my-ns:my-pkg;")');
    const name = this.ident('a package name');
    if (this.is(':')) this.fail(this.peek(), 'nested package namespaces (a:b:c) are not supported');
    if (this.is('/')) this.fail(this.peek(), 'a package name cannot contain "/"');
    let version: string | null = null;
    if (this.eat('@')) version = this.version();
    return { namespace: ns.name, name: name.name, version };
  }

  private version(): string {
    const t = this.peek();
    if (t.kind !== 'version') this.fail(t, `expected a version like 1.2.3 after "@", found ${describe(t)}`);
    this.next();
    return t.text;
  }

  private packageItem(pkg: { interfaces: InterfaceAst[]; worlds: WorldAst[]; uses: PackageAst['uses'][number][] }): void {
    const start = this.peek();
    this.gates();
    this.packageItemAfterGates(pkg, start);
  }

  private packageItemAfterGates(pkg: { interfaces: InterfaceAst[]; worlds: WorldAst[]; uses: PackageAst['uses'][number][] }, start: Token): void {
    const docs = start.docs ?? this.peek().docs;
    if (this.eat('interface')) {
      const name = this.ident('an interface name');
      pkg.interfaces.push({ ...name, docs, items: this.interfaceBody() });
    } else if (this.eat('world')) {
      const name = this.ident('a world name');
      pkg.worlds.push({ ...name, docs, items: this.worldBody() });
    } else if (this.is('use')) {
      const kw = this.next();
      const path = this.usePath();
      let as = path.name;
      if (this.is('.')) this.fail(this.peek(), 'a top-level "use" names an interface ("use ns:pkg/iface as name;"); to bring in types, put "use iface.{...};" inside an interface or world');
      if (this.eat('as')) as = this.ident('a name after "as"').name;
      this.expect(';', 'after a top-level "use"');
      pkg.uses.push({ path, as, pos: kw.start });
    } else {
      this.fail(this.peek(), `expected "interface", "world", "use" or "package", found ${describe(this.peek())}`);
    }
  }

  private usePath(): UsePath {
    const first = this.ident('an interface name or a path like ns:pkg/iface');
    if (!this.is(':')) return { kind: 'local', name: first.name, pos: first.pos };
    this.next();
    const pkg = this.ident('a package name after "namespace:"');
    if (this.is(':')) this.fail(this.peek(), 'nested package namespaces (a:b:c/d) are not supported');
    this.expect('/', `after "${first.name}:${pkg.name}" (an interface path is ns:pkg/iface)`);
    const name = this.ident('an interface name after "/"');
    if (this.is('/')) this.fail(this.peek(), 'nested interface paths (ns:pkg/a/b) are not supported');
    let version: string | null = null;
    if (this.eat('@')) version = this.version();
    return { kind: 'path', namespace: first.name, pkg: pkg.name, name: name.name, version, pos: first.pos };
  }

  /**
   * The items of a `{ ... }` body (an interface's or a world's), one `item` call
   * each, after its gates and with its doc comment, until the closing brace.
   */
  private body<T>(what: string, item: (t: Token, docs: string | undefined) => T): T[] {
    this.expect('{', `to open the ${what} body`);
    const items: T[] = [];
    for (;;) {
      const start = this.peek();
      const gated = this.gates();
      const docs = start.docs ?? this.peek().docs;
      if (this.endOfBody(gated)) return items;
      items.push(item(this.peek(), docs));
    }
  }

  private interfaceBody(): InterfaceItem[] {
    return this.body('interface', (t, docs): InterfaceItem => {
      if (t.kind === 'keyword' && this.is(':', 1)) this.fail(t, `"${t.text}" is a keyword; write %${t.text} to use it as a function name`);
      if (this.is('use')) return this.useItem();
      if (t.kind === 'keyword' && TYPEDEF_KEYWORDS.has(t.text)) return { kind: 'type', def: this.typedef(docs) };
      if (t.kind === 'id' && this.is(':', 1)) return { kind: 'func', func: this.funcItem(docs, false) };
      if (t.kind === 'eof') this.fail(t, 'expected "}" to close the interface, found the end of the file');
      return this.fail(t, `expected a type definition (type, record, variant, enum, flags, resource), "use", a function "name: func(...)" or "}", found ${describe(t)}`);
    });
  }

  private useItem(): UseAst {
    const kw = this.expect('use', '');
    const path = this.usePath();
    this.expect('.', `after the interface in "use" (as in "use ${path.kind === 'local' ? path.name : 'ns:pkg/iface'}.{name};")`);
    this.expect('{', 'to start the list of names in "use"');
    const names: UseAst['names'][number][] = [];
    do {
      if (this.is('}') && names.length > 0) break;
      const n = this.ident('a type name to use');
      let as: string | null = null;
      let asPos = n.pos;
      if (this.eat('as')) {
        const a = this.ident('a name after "as"');
        as = a.name;
        asPos = a.pos;
      }
      names.push({ name: n.name, pos: n.pos, as, asPos });
    } while (this.eat(','));
    this.expect('}', 'to close the list of names in "use"');
    this.expect(';', 'after "use ...{...}"');
    return { kind: 'use', path, names, pos: kw.start };
  }

  private params(context: string): FuncAst['params'] {
    this.expect('(', `to start the parameters of ${context}`);
    const params: FuncAst['params'][number][] = [];
    while (!this.is(')')) {
      const name = this.ident('a parameter name');
      this.expect(':', `after parameter "${name.name}" (parameters are written "name: type")`);
      params.push({ ...name, type: this.type() });
      if (!this.eat(',')) break;
    }
    this.expect(')', `to close the parameters of ${context}`);
    return params;
  }

  private resultType(): TypeExpr | null {
    if (!this.eat('->')) return null;
    if (this.is('(')) {
      this.fail(this.peek(), 'named results "-> (a: t1, b: t2)" are not supported (WIT functions have at most one result); return a single type, e.g. a record or a tuple<...>');
    }
    return this.type();
  }

  /** `name: [static] func(params) [-> type];` */
  private funcItem(docs: string | undefined, inResource: boolean): FuncAst {
    const name = this.ident('a function name');
    this.expect(':', `after "${name.name}"`);
    let kind: FuncAst['kind'] = inResource ? 'method' : 'freestanding';
    if (this.is('static')) {
      if (!inResource) this.fail(this.peek(), '"static" is only allowed on functions inside a resource');
      this.next();
      kind = 'static';
    }
    if (this.is('async')) this.fail(this.peek(), `"async" functions (component-model async) are not supported by Warden: ${name.name}`);
    if (!this.is('func')) {
      const t = this.peek();
      this.fail(t, `expected "func" after "${name.name}:" (a function is "${name.name}: func(...)"; types are declared with "type", "record", ...), found ${describe(t)}`);
    }
    this.next();
    const params = this.params(`"${name.name}"`);
    const result = this.resultType();
    this.expect(';', `after the function "${name.name}"`);
    return { ...name, kind, params, result, docs };
  }

  private typedef(docs: string | undefined): TypeDefAst {
    const kw = this.next();
    switch (kw.text) {
      case 'type': {
        const name = this.ident('a type name after "type"');
        this.expect('=', `after "type ${name.name}"`);
        const type = this.type();
        this.expect(';', `after the type alias "${name.name}"`);
        return { kind: 'alias', ...name, docs, type };
      }
      case 'record': {
        const name = this.ident('a record name');
        const fields = this.list(`record "${name.name}"`, 'a field', () => {
          const f = this.ident('a field name');
          this.expect(':', `after field "${f.name}" (fields are written "name: type")`);
          return { ...f, type: this.type() };
        });
        return { kind: 'record', ...name, docs, fields };
      }
      case 'variant': {
        const name = this.ident('a variant name');
        const cases = this.list(`variant "${name.name}"`, 'a case', () => {
          const c = this.ident('a case name');
          let type: TypeExpr | null = null;
          if (this.eat('(')) {
            type = this.type();
            this.expect(')', `to close the payload of case "${c.name}"`);
          }
          return { ...c, type };
        });
        return { kind: 'variant', ...name, docs, cases };
      }
      case 'enum': {
        const name = this.ident('an enum name');
        const cases = this.list(`enum "${name.name}"`, 'a case', () => this.ident('an enum case'));
        return { kind: 'enum', ...name, docs, cases };
      }
      case 'flags': {
        const name = this.ident('a flags name');
        const flags = this.list(`flags "${name.name}"`, 'a flag', () => this.ident('a flag name'));
        return { kind: 'flags', ...name, docs, flags };
      }
      default: {
        const name = this.ident('a resource name');
        const funcs: FuncAst[] = [];
        if (this.eat(';')) return { kind: 'resource', ...name, docs, funcs };
        this.expect('{', `or ";" after "resource ${name.name}"`);
        for (;;) {
          const start = this.peek();
          const gated = this.gates();
          const fdocs = start.docs ?? this.peek().docs;
          if (this.endOfBody(gated)) break;
          const t = this.peek();
          if (this.is('constructor')) {
            this.next();
            const params = this.params(`the constructor of "${name.name}"`);
            const result = this.resultType();
            this.expect(';', 'after the constructor');
            funcs.push({ name: 'constructor', pos: t.start, kind: 'constructor', params, result, docs: fdocs });
          } else if (t.kind === 'id' && this.is(':', 1)) {
            funcs.push(this.funcItem(fdocs, true));
          } else if (t.kind === 'eof') {
            this.fail(t, `expected "}" to close resource "${name.name}", found the end of the file`);
          } else {
            this.fail(t, `expected "constructor(...)", a method "name: func(...)", a static function "name: static func(...)" or "}" in resource "${name.name}", found ${describe(t)}`);
          }
        }
        return { kind: 'resource', ...name, docs, funcs };
      }
    }
  }

  /** `{ item, item, ... }` with an optional trailing comma and at least one item. */
  private list<T>(what: string, itemName: string, item: () => T): T[] {
    this.expect('{', `to open ${what}`);
    const out: T[] = [];
    while (!this.is('}')) {
      out.push(item());
      if (!this.eat(',')) break;
    }
    const close = this.peek();
    if (!this.is('}')) this.fail(close, `expected "," or "}" in ${what}, found ${describe(close)}`);
    if (out.length === 0) this.fail(close, `${what} needs at least one ${itemName.replace(/^an? /, '')}`);
    this.next();
    return out;
  }

  private angle<T>(what: string, inner: () => T): T {
    this.expect('<', `after "${what}"`);
    const v = inner();
    this.expect('>', `to close "${what}<..."`);
    return v;
  }

  type(): TypeExpr {
    const t = this.peek();
    const pos = t.start;
    if (t.kind === 'keyword') {
      if (PRIMITIVES.has(t.text)) {
        this.next();
        return { kind: 'prim', prim: t.text as PrimitiveKind, pos };
      }
      switch (t.text) {
        case 'list': {
          this.next();
          this.expect('<', 'after "list"');
          const element = this.type();
          if (this.is(',')) this.fail(this.peek(), 'fixed-length lists (list<T, N>) are not supported; use list<T> or a tuple');
          this.expect('>', 'to close "list<..."');
          return { kind: 'list', element, pos };
        }
        case 'option':
          this.next();
          return { kind: 'option', some: this.angle('option', () => this.type()), pos };
        case 'tuple': {
          this.next();
          const items = this.angle('tuple', () => {
            const items: TypeExpr[] = [];
            do {
              if (this.is('>') && items.length > 0) break;
              items.push(this.type());
            } while (this.eat(','));
            return items;
          });
          return { kind: 'tuple', items, pos };
        }
        case 'result': {
          this.next();
          if (!this.eat('<')) return { kind: 'result', ok: null, err: null, pos };
          let ok: TypeExpr | null = null;
          let err: TypeExpr | null = null;
          if (this.is('_')) {
            this.next();
            this.expect(',', 'after "_" in result<_, E> (result<_> is written "result")');
            err = this.type();
          } else {
            ok = this.type();
            if (this.eat(',')) err = this.type();
          }
          this.expect('>', 'to close "result<..."');
          return { kind: 'result', ok, err, pos };
        }
        case 'own':
        case 'borrow': {
          this.next();
          const n = this.angle(t.text, () => this.ident('a resource name'));
          return { kind: 'handle', handle: t.text, name: n.name, namePos: n.pos, pos };
        }
        case 'future':
        case 'stream':
          return this.fail(t, `${t.text}<T> (component-model async) is not supported by Warden`);
        case 'map':
          return this.fail(t, 'map<K, V> is not supported by Warden; use list<tuple<K, V>>');
      }
    }
    if (t.kind === 'id') {
      this.next();
      if (t.text === 'float32') return { kind: 'prim', prim: 'f32', pos };
      if (t.text === 'float64') return { kind: 'prim', prim: 'f64', pos };
      const escaped = t.end - t.start !== t.text.length;
      if (t.text === 'error-context' && !escaped) this.fail(t, 'error-context (component-model async) is not supported by Warden');
      return { kind: 'ref', name: t.text, pos };
    }
    if (t.kind === 'op' && t.text === '(') this.fail(t, 'expected a type, found "(" (WIT has no parenthesized types; use tuple<...> or a record)');
    this.fail(t, `expected a type, found ${describe(t)}`);
  }

  private worldBody(): WorldItemAst[] {
    return this.body('world', (t, docs): WorldItemAst => {
      if (this.is('use')) return this.useItem();
      if (t.kind === 'keyword' && TYPEDEF_KEYWORDS.has(t.text)) return { kind: 'type', def: this.typedef(docs) };
      if (this.is('import') || this.is('export')) return this.importExport(docs);
      if (this.is('include')) return this.includeItem(t);
      if (t.kind === 'eof') this.fail(t, 'expected "}" to close the world, found the end of the file');
      return this.fail(t, `expected "import", "export", "use", "include", a type definition or "}" in a world, found ${describe(t)}`);
    });
  }

  private includeItem(t: Token): WorldItemAst {
    this.next();
    const path = this.usePath();
    const renames: { from: string; to: string; pos: number }[] = [];
    if (this.eat('with')) {
      this.expect('{', 'after "with"');
      do {
        if (this.is('}') && renames.length > 0) break;
        const from = this.ident('a name to rename');
        this.expect('as', `after "${from.name}" in "include ... with { a as b }"`);
        const to = this.ident('a new name after "as"');
        renames.push({ from: from.name, to: to.name, pos: from.pos });
      } while (this.eat(','));
      this.expect('}', 'to close "with { ... }"');
    }
    this.expect(';', 'after "include"');
    return { kind: 'include', path, with: renames, pos: t.start };
  }

  private importExport(docs: string | undefined): WorldItemAst {
    const kw = this.next();
    const kind = kw.text as 'import' | 'export';
    const a = this.peek();
    // `import ns:pkg/iface;` (a path) versus `import name: ...` (a named item).
    const isPath = a.kind === 'id' && this.is(':', 1) && (this.peek(2).kind === 'id' || this.peek(2).kind === 'keyword') && this.is('/', 3);
    if (isPath || !this.is(':', 1)) {
      const path = this.usePath();
      if (this.is('.')) this.fail(this.peek(), `"${kind}" takes an interface, not types; use "use iface.{...};" to bring in types`);
      this.expect(';', `after "${kind} <interface>"`);
      return { kind, pos: kw.start, docs, target: { form: 'path', path } };
    }
    const name = this.ident(`a name to ${kind}`);
    this.expect(':', `after "${kind} ${name.name}"`);
    if (this.is('func') || this.is('async')) {
      if (this.is('async')) this.fail(this.peek(), `"async" functions (component-model async) are not supported by Warden: ${name.name}`);
      this.next();
      const params = this.params(`"${name.name}"`);
      const result = this.resultType();
      this.expect(';', `after the function "${name.name}"`);
      return { kind, pos: kw.start, docs, target: { form: 'func', func: { ...name, kind: 'freestanding', params, result, docs } } };
    }
    if (this.eat('interface')) {
      const items = this.interfaceBody();
      return { kind, pos: kw.start, docs, target: { form: 'interface', iface: { ...name, docs, items } } };
    }
    if (this.peek().kind === 'id') {
      const path = this.usePath();
      this.expect(';', `after "${kind} ${name.name}: <interface>"`);
      return { kind, pos: kw.start, docs, target: { form: 'named-path', name: name.name, namePos: name.pos, path } };
    }
    this.fail(this.peek(), `expected "func(...)", "interface { ... }" or an interface name after "${kind} ${name.name}:", found ${describe(this.peek())}`);
  }
}
