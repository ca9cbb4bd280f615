// The WIT parser and resolver: the KV example, WASI-like packages (resources, use chains, nested
// packages), every type kind, worlds, and every error with the line:column it points at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { camelCase, parseWit, pascalCase, WitError, type FunctionDef, type InterfaceDef, type ResourceDef, type WitDocument, type WitType, type WorldDef } from '../../src/wit/index.js';
import { WardenError } from '../../src/errors.js';
import { repoPath } from '../paths.js';

const kvText = readFileSync(repoPath('examples/kv/kv.wit'), 'utf8');

function iface(doc: WitDocument, name: string, pkg?: string): InterfaceDef {
  const p = pkg === undefined ? doc.main : doc.packages.get(pkg);
  const i = p?.interfaces.get(name);
  assert.ok(i, `interface ${name}`);
  return i;
}

function world(doc: WitDocument, name: string): WorldDef {
  const w = doc.main.worlds.get(name);
  assert.ok(w, `world ${name}`);
  return w;
}

function type(i: InterfaceDef | WorldDef, name: string): WitType {
  const t = i.types.get(name);
  assert.ok(t && t.kind !== 'resource', `type ${name}`);
  return t;
}

function resource(i: InterfaceDef | WorldDef, name: string): ResourceDef {
  const t = i.types.get(name);
  assert.ok(t && t.kind === 'resource', `resource ${name}`);
  return t;
}

function fn(r: ResourceDef, name: string): FunctionDef {
  const f = r.functions.find((x) => x.name === name);
  assert.ok(f, `function ${name} of ${r.name}`);
  return f;
}

/** Short text of a type, for compact assertions. */
function show(t: WitType | null): string {
  if (t === null) return '_';
  switch (t.kind) {
    case 'list':
      return `list<${show(t.element)}>`;
    case 'option':
      return `option<${show(t.some)}>`;
    case 'result':
      return `result<${show(t.ok)}, ${show(t.err)}>`;
    case 'tuple':
      return `tuple<${t.items.map(show).join(', ')}>`;
    case 'record':
    case 'variant':
    case 'enum':
    case 'flags':
      return `${t.kind} ${t.name}`;
    case 'own':
    case 'borrow':
      return `${t.kind}<${t.resource.name}>`;
    default:
      return t.kind;
  }
}

/**
 * Asserts that parsing `marked` (with `⟪` marking where the error must point, removed before
 * parsing) fails with a WitError at that line:column whose message matches `message`.
 */
function failsAt(marked: string, message: RegExp): WitError {
  const at = marked.indexOf('⟪');
  assert.ok(at >= 0, 'the test text needs a ⟪ marker');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  const before = text.slice(0, at).split('\n');
  const line = before.length;
  const column = before[before.length - 1]!.length + 1;
  let caught: unknown;
  try {
    parseWit(text, { filename: 'bad.wit' });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof WitError, `expected a WitError matching ${message}, got ${caught instanceof Error ? caught.message : String(caught)}`);
  assert.ok(caught instanceof WardenError);
  assert.equal(caught.code, 'ERR_WARDEN_WIT');
  assert.match(caught.message, message);
  assert.equal(`${caught.line}:${caught.column}`, `${line}:${column}`, `position of: ${caught.message}`);
  assert.ok(caught.message.startsWith(`bad.wit:${line}:${column}: `), caught.message);
  return caught;
}

test('kv.wit: package, interface, types in declaration order, module name', () => {
  const doc = parseWit(kvText, { filename: 'kv.wit' });
  assert.deepEqual(doc.main.name, { namespace: 'warden', name: 'kv', version: '0.1.0' });
  assert.deepEqual([...doc.packages.keys()], ['warden:kv@0.1.0']);
  const store = iface(doc, 'store');
  assert.equal(store.moduleName, 'warden:kv/store@0.1.0');
  assert.equal(store.name, 'store');
  assert.deepEqual([...store.types.keys()], ['error', 'kind', 'perms', 'entry', 'bucket']);
  const error = type(store, 'error');
  assert.ok(error.kind === 'variant');
  assert.deepEqual(error.cases.map((c) => [c.name, show(c.type)]), [['not-found', '_'], ['too-large', 'u32'], ['denied', 'string']]);
  assert.equal(error.docs, 'What can go wrong.');
  assert.deepEqual(type(store, 'kind'), { kind: 'enum', name: 'kind', cases: ['text', 'binary'], docs: 'How a value is meant to be read.' });
  const perms = type(store, 'perms');
  assert.ok(perms.kind === 'flags');
  assert.deepEqual(perms.flags, ['read', 'write', 'admin']);
  const entry = type(store, 'entry');
  assert.ok(entry.kind === 'record');
  assert.deepEqual(entry.fields.map((f) => [f.name, show(f.type)]), [['key', 'string'], ['value', 'list<u8>'], ['kind', 'enum kind']]);
  // A reference to a named type is the declared object itself.
  assert.equal(entry.fields[2]!.type, type(store, 'kind'));
});

test('kv.wit: freestanding functions and resource functions with core names, self and constructor results', () => {
  const doc = parseWit(kvText);
  const store = iface(doc, 'store');
  assert.deepEqual([...store.functions.keys()], ['get', 'set', 'count']);
  const get = store.functions.get('get')!;
  assert.equal(get.coreName, 'get');
  assert.equal(get.kind, 'freestanding');
  assert.equal(get.resource, null);
  assert.deepEqual(get.params.map((p) => [p.name, show(p.type)]), [['key', 'string']]);
  assert.equal(show(get.result), 'option<string>');
  assert.equal(get.docs, 'The default bucket, as text.');
  const set = store.functions.get('set')!;
  assert.equal(show(set.result), 'result<_, variant error>');
  assert.ok(set.result?.kind === 'result' && set.result.err === type(store, 'error'));
  assert.equal(store.functions.get('count')!.params.length, 0);

  const bucket = resource(store, 'bucket');
  assert.equal(bucket.owner, store);
  assert.deepEqual(store.resources, [bucket]);
  assert.equal(bucket.docs, 'A named set of keys.');
  assert.deepEqual(bucket.functions.map((f) => f.coreName), [
    '[constructor]bucket', '[method]bucket.get', '[method]bucket.set', '[method]bucket.remove', '[method]bucket.keys',
    '[method]bucket.entries', '[method]bucket.perms', '[static]bucket.open',
  ]);
  const ctor = fn(bucket, 'new');
  assert.equal(ctor.kind, 'constructor');
  assert.equal(ctor.resource, bucket);
  assert.deepEqual(ctor.params.map((p) => [p.name, show(p.type)]), [['name', 'string']]);
  assert.ok(ctor.result?.kind === 'own' && ctor.result.resource === bucket);
  const mget = fn(bucket, 'get');
  assert.equal(mget.kind, 'method');
  assert.deepEqual(mget.params.map((p) => [p.name, show(p.type)]), [['self', 'borrow<bucket>'], ['key', 'string']]);
  assert.ok(mget.params[0]!.type.kind === 'borrow' && mget.params[0]!.type.resource === bucket);
  assert.equal(show(mget.result), 'option<list<u8>>');
  assert.equal(show(fn(bucket, 'entries').result), 'list<record entry>');
  const open = fn(bucket, 'open');
  assert.equal(open.kind, 'static');
  assert.deepEqual(open.params.map((p) => p.name), ['name']);
  assert.equal(show(open.result), 'result<own<bucket>, variant error>');
  assert.equal(open.docs, 'Opens a bucket only if it exists.');
});

test('kv.wit: the world imports the interface by its full module name and exports a function', () => {
  const doc = parseWit(kvText);
  const w = world(doc, 'kv-guest');
  assert.equal(w.package, doc.main.name);
  assert.deepEqual([...w.imports.keys()], ['warden:kv/store@0.1.0']);
  const imp = w.imports.get('warden:kv/store@0.1.0')!;
  assert.ok(imp.kind === 'interface' && imp.interface === iface(doc, 'store'));
  assert.deepEqual([...w.exports.keys()], ['run']);
  const run = w.exports.get('run')!;
  assert.ok(run.kind === 'function');
  assert.equal(run.function.coreName, 'run');
  assert.deepEqual(run.function.params.map((p) => [p.name, show(p.type)]), [['input', 'string']]);
  assert.equal(show(run.function.result), 'string');
  assert.equal(run.function.docs, 'Called by the host; returns what the guest wants to say.');
});

const WASI_IO = `
package wasi:io@0.2.0 {
  @since(version = 0.2.0)
  interface error {
    /// An error with a debug string.
    resource error {
      to-debug-string: func() -> string;
    }
  }

  interface poll {
    resource pollable {
      ready: func() -> bool;
      block: func();
    }
    poll: func(in: list<borrow<pollable>>) -> list<u32>;
  }

  interface streams {
    use error.{error};
    use poll.{pollable};

    variant stream-error {
      last-operation-failed(error),
      closed,
    }

    resource input-stream {
      read: func(len: u64) -> result<list<u8>, stream-error>;
      blocking-read: func(len: u64) -> result<list<u8>, stream-error>;
      skip: func(len: u64) -> result<u64, stream-error>;
      subscribe: func() -> pollable;
    }

    resource output-stream {
      check-write: func() -> result<u64, stream-error>;
      write: func(contents: list<u8>) -> result<_, stream-error>;
      blocking-write-and-flush: func(contents: list<u8>) -> result<_, stream-error>;
      subscribe: func() -> pollable;
      splice: func(src: borrow<input-stream>, len: u64) -> result<u64, stream-error>;
    }
  }
}
`;

const WASI_CLI = `
package wasi:cli@0.2.0 {
  interface environment {
    get-environment: func() -> list<tuple<string, string>>;
    get-arguments: func() -> list<string>;
    initial-cwd: func() -> option<string>;
  }
  interface exit {
    exit: func(status: result);
  }
  interface stdin {
    use wasi:io/streams@0.2.0.{input-stream};
    get-stdin: func() -> input-stream;
  }
  interface stdout {
    use wasi:io/streams@0.2.0.{output-stream};
    get-stdout: func() -> output-stream;
  }
  interface run {
    run: func() -> result;
  }
  world imports {
    import environment;
    import exit;
    import stdin;
    import stdout;
  }
  world command {
    include imports;
    export run;
  }
}
`;

test('WASI-like packages: nested blocks, use chains across interfaces and packages, resources owned where declared', () => {
  const doc = parseWit(`package example:app@1.0.0;\n\ninterface host {\n  use wasi:cli/stdout@0.2.0.{output-stream as out};\n  print: func(to: borrow<out>, text: string);\n}\n${WASI_IO}${WASI_CLI}`, { filename: 'app.wit' });
  assert.deepEqual([...doc.packages.keys()], ['example:app@1.0.0', 'wasi:io@0.2.0', 'wasi:cli@0.2.0']);
  assert.equal(doc.main, doc.packages.get('example:app@1.0.0'));
  const streams = iface(doc, 'streams', 'wasi:io@0.2.0');
  const errorIface = iface(doc, 'error', 'wasi:io@0.2.0');
  const error = resource(errorIface, 'error');
  assert.equal(error.docs, 'An error with a debug string.');
  assert.equal(streams.moduleName, 'wasi:io/streams@0.2.0');
  // `use` brings the same resource object; the interface that declares it owns it.
  assert.equal(streams.types.get('error'), error);
  assert.equal(error.owner, errorIface);
  assert.deepEqual(streams.resources.map((r) => r.name), ['input-stream', 'output-stream']);
  assert.deepEqual([...(streams.uses ?? new Map()).entries()].map(([k, v]) => [k, v.interface.moduleName, v.name]), [
    ['error', 'wasi:io/error@0.2.0', 'error'],
    ['pollable', 'wasi:io/poll@0.2.0', 'pollable'],
  ]);
  assert.equal(errorIface.uses, undefined);
  const se = type(streams, 'stream-error');
  assert.ok(se.kind === 'variant');
  assert.ok(se.cases[0]!.type?.kind === 'own' && se.cases[0]!.type.resource === error);
  const input = resource(streams, 'input-stream');
  assert.equal(show(fn(input, 'subscribe').result), 'own<pollable>');
  assert.ok(fn(input, 'subscribe').result?.kind === 'own' && (fn(input, 'subscribe').result as { resource: ResourceDef }).resource === resource(iface(doc, 'poll', 'wasi:io@0.2.0'), 'pollable'));
  assert.equal(fn(resource(streams, 'output-stream'), 'splice').coreName, '[method]output-stream.splice');
  assert.deepEqual(fn(resource(streams, 'output-stream'), 'splice').params.map((p) => show(p.type)), ['borrow<output-stream>', 'borrow<input-stream>', 'u64']);
  const poll = iface(doc, 'poll', 'wasi:io@0.2.0').functions.get('poll')!;
  assert.equal(show(poll.params[0]!.type), 'list<borrow<pollable>>');
  // A chain: host uses wasi:cli/stdout's output-stream, which stdout took from wasi:io/streams.
  const host = iface(doc, 'host');
  assert.equal(host.types.get('out'), resource(streams, 'output-stream'));
  assert.deepEqual([...host.uses!.entries()].map(([k, v]) => [k, v.interface.moduleName, v.name]), [['out', 'wasi:cli/stdout@0.2.0', 'output-stream']]);
  const exit = iface(doc, 'exit', 'wasi:cli@0.2.0').functions.get('exit')!;
  assert.equal(show(exit.params[0]!.type), 'result<_, _>');
});

test('worlds: include, implicit imports of used interfaces (dependencies first), exports by path', () => {
  const doc = parseWit(`package wasi:cli@0.2.0;\n${WASI_CLI.replace(/^\s*package wasi:cli@0.2.0 \{/m, '').replace(/\}\s*$/, '')}${WASI_IO}`);
  const imports = doc.main.worlds.get('imports')!;
  assert.deepEqual([...imports.imports.keys()], [
    'wasi:cli/environment@0.2.0',
    'wasi:cli/exit@0.2.0',
    'wasi:io/error@0.2.0',
    'wasi:io/poll@0.2.0',
    'wasi:io/streams@0.2.0',
    'wasi:cli/stdin@0.2.0',
    'wasi:cli/stdout@0.2.0',
  ]);
  const command = doc.main.worlds.get('command')!;
  assert.deepEqual([...command.imports.keys()], [...imports.imports.keys()]);
  for (const [k, v] of command.imports) assert.equal(v, imports.imports.get(k));
  assert.deepEqual([...command.exports.keys()], ['wasi:cli/run@0.2.0']);
  const run = command.exports.get('wasi:cli/run@0.2.0')!;
  assert.ok(run.kind === 'interface' && run.interface === iface(doc, 'run'));
});

test('worlds: inline interfaces, functions, world-level types and use, include with renames, named imports', () => {
  const doc = parseWit(`
    package my:plugin;
    interface types {
      record point { x: s32, y: s32 }
      resource canvas { draw: func(p: point); }
    }
    interface logging { log: func(msg: string); }
    world base {
      import logging;
      import clock: func() -> u64;
      export version: func() -> string;
    }
    world plugin {
      use types.{point, canvas};
      type points = list<point>;
      import host: interface {
        use types.{canvas};
        screen: func() -> canvas;
        resource timer { constructor(ms: u32); elapsed: func() -> u32; }
      }
      import second-log: logging;
      import my:plugin/logging;
      export render: func(c: borrow<canvas>, pts: points) -> u32;
      export hooks: interface { on-start: func(); }
      include base with { clock as now };
    }
  `);
  assert.equal(doc.main.name?.version, null);
  assert.equal(iface(doc, 'types').moduleName, 'my:plugin/types');
  const w = world(doc, 'plugin');
  assert.deepEqual([...w.types.keys()], ['point', 'canvas', 'points']);
  assert.deepEqual([...w.uses!.keys()], ['point', 'canvas']);
  assert.equal(show(type(w, 'points')), 'list<record point>');
  assert.deepEqual([...w.imports.keys()], ['my:plugin/types', 'host', 'second-log', 'my:plugin/logging', 'now']);
  const host = w.imports.get('host')!;
  assert.ok(host.kind === 'interface');
  assert.equal(host.interface.moduleName, 'host');
  assert.equal(host.interface.name, 'host');
  assert.deepEqual([...host.interface.functions.keys()], ['screen']);
  assert.deepEqual(host.interface.resources.map((r) => r.name), ['timer']);
  assert.equal(host.interface.resources[0]!.owner, host.interface);
  assert.equal(fn(host.interface.resources[0]!, 'new').coreName, '[constructor]timer');
  const second = w.imports.get('second-log')!;
  assert.ok(second.kind === 'interface' && second.interface.moduleName === 'second-log');
  assert.equal(second.interface.functions, iface(doc, 'logging').functions);
  const now = w.imports.get('now')!;
  assert.ok(now.kind === 'function' && now.function.name === 'now' && now.function.coreName === 'now');
  const base = world(doc, 'base').imports.get('clock')!;
  assert.ok(base.kind === 'function' && base.function.coreName === 'clock', 'the included world keeps its name');
  assert.deepEqual([...w.exports.keys()], ['render', 'hooks', 'version']);
  const render = w.exports.get('render')!;
  assert.ok(render.kind === 'function');
  assert.deepEqual(render.function.params.map((p) => show(p.type)), ['borrow<canvas>', 'list<record point>']);
  const hooks = w.exports.get('hooks')!;
  assert.ok(hooks.kind === 'interface' && hooks.interface.moduleName === 'hooks' && hooks.interface.functions.has('on-start'));
});

test('every type kind, aliases resolved away (before their declaration), legacy float names', () => {
  const doc = parseWit(`
    package t:all;
    interface all {
      type later = tuple<bool, s8, u8, s16, u16, s32, u32, s64, u64, f32, f64, float32, float64, char, string>;
      type bytes = list<u8>;
      type alias-of-alias = bytes;
      type r0 = result;
      type r1 = result<u32>;
      type r2 = result<_, string>;
      type r3 = result<u32, string>;
      type nested = option<option<list<string>>>;
      type handles = tuple<own<res>, res, borrow<res>>;
      resource res;
      type res-alias = res;
      variant v { a, b(u32), c(rec), }
      record rec { f: later, opt: option<rec2>, }
      record rec2 { n: u32 }
      enum e { one, two, three }
      flags fl { a, b-c, d }
      takes: func(h: borrow<res-alias>) -> res-alias;
    }
  `);
  const all = iface(doc, 'all');
  assert.equal(show(type(all, 'later')), 'tuple<bool, s8, u8, s16, u16, s32, u32, s64, u64, f32, f64, f32, f64, char, string>');
  assert.equal(type(all, 'alias-of-alias'), type(all, 'bytes'));
  assert.equal(show(type(all, 'r0')), 'result<_, _>');
  assert.equal(show(type(all, 'r1')), 'result<u32, _>');
  assert.equal(show(type(all, 'r2')), 'result<_, string>');
  assert.equal(show(type(all, 'r3')), 'result<u32, string>');
  assert.equal(show(type(all, 'nested')), 'option<option<list<string>>>');
  assert.equal(show(type(all, 'handles')), 'tuple<own<res>, own<res>, borrow<res>>');
  assert.equal(all.types.get('res-alias'), resource(all, 'res'));
  const v = type(all, 'v');
  assert.ok(v.kind === 'variant');
  assert.equal(v.cases[2]!.type, type(all, 'rec'));
  const rec = type(all, 'rec');
  assert.ok(rec.kind === 'record');
  assert.equal(rec.fields[0]!.type, type(all, 'later'));
  assert.deepEqual(type(all, 'fl'), { kind: 'flags', name: 'fl', flags: ['a', 'b-c', 'd'] });
  const takes = all.functions.get('takes')!;
  assert.deepEqual([show(takes.params[0]!.type), show(takes.result)], ['borrow<res>', 'own<res>']);
  // The resource's own list of functions is empty (declared with `resource res;`).
  assert.deepEqual(resource(all, 'res').functions, []);
});

test('%-escaped identifiers, comments (nested, doc), feature gates, external ids', () => {
  const doc = parseWit(`
    // A line comment.
    /* A block /* nested */ comment. */
    package t:esc@1.2.3-rc.1+build.5;

    @since(version = 1.0.0)
    interface %interface {
      @unstable(feature = fancy-things)
      record %record { %type: u32, %list: list<%record2> }
      @since(version = 1.1.0)
      @deprecated(version = 1.2.0)
      record record2 { a: u8 }
      /** Block doc. */
      %use: func(%func: %record) -> bool;
      /// First line.
      /// Second line.
      resource thing {
        @since(version = 1.0.0)
        constructor();
        @unstable(feature = x)
        %static: static func() -> thing;
      }
    }
    @since(version = 1.0.0)
    world w {
      @since(version = 1.0.0)
      import %interface;
      @external-id("https://example.com/slugify")
      import slugify: func(text: string) -> string;
    }
  `);
  assert.equal(doc.main.name?.version, '1.2.3-rc.1+build.5');
  const i = iface(doc, 'interface');
  assert.equal(i.moduleName, 't:esc/interface@1.2.3-rc.1+build.5');
  const rec = type(i, 'record');
  assert.ok(rec.kind === 'record');
  assert.deepEqual(rec.fields.map((f) => [f.name, show(f.type)]), [['type', 'u32'], ['list', 'list<record record2>']]);
  const use = i.functions.get('use')!;
  assert.equal(use.docs, 'Block doc.');
  assert.deepEqual(use.params.map((p) => p.name), ['func']);
  const thing = resource(i, 'thing');
  assert.equal(thing.docs, 'First line.\nSecond line.');
  assert.deepEqual(thing.functions.map((f) => f.coreName), ['[constructor]thing', '[static]thing.static']);
  assert.deepEqual([...world(doc, 'w').imports.keys()], ['t:esc/interface@1.2.3-rc.1+build.5', 'slugify']);
});

test('fallible constructors keep their result; a text without a package uses plain interface names', () => {
  const doc = parseWit(`
    interface files {
      resource file {
        constructor(path: string) -> result<file, string>;
      }
    }
    world w { import files; }
  `);
  assert.equal(doc.main.name, null);
  const files = iface(doc, 'files');
  assert.equal(files.moduleName, 'files');
  assert.equal(show(fn(resource(files, 'file'), 'new').result), 'result<own<file>, string>');
  assert.deepEqual([...world(doc, 'w').imports.keys()], ['files']);
});

test('a named import of an interface by path keeps the plain name as its key and module name', () => {
  const doc = parseWit(`package t:named;\nworld w {\n  import primary: wasi:io/poll@0.2.0;\n  import wasi:io/poll@0.2.0;\n}\n${WASI_IO}`);
  const w = world(doc, 'w');
  assert.deepEqual([...w.imports.keys()], ['primary', 'wasi:io/poll@0.2.0']);
  const primary = w.imports.get('primary')!;
  const poll = iface(doc, 'poll', 'wasi:io@0.2.0');
  assert.ok(primary.kind === 'interface' && primary.interface.moduleName === 'primary' && primary.interface.functions === poll.functions);
  const plain = w.imports.get('wasi:io/poll@0.2.0')!;
  assert.ok(plain.kind === 'interface' && plain.interface === poll);
});

test('a text of nested packages only: the last one is the main package', () => {
  const doc = parseWit(`${WASI_IO}\npackage t:last { interface x { use wasi:io/poll@0.2.0.{pollable}; } }`);
  assert.deepEqual([...doc.packages.keys()], ['wasi:io@0.2.0', 't:last']);
  assert.equal(doc.main, doc.packages.get('t:last'));
  assert.equal(iface(doc, 'x').moduleName, 't:last/x');
});

test('JS names: lowerCamelCase and PascalCase of kebab-case WIT names', () => {
  assert.equal(camelCase('get-all'), 'getAll');
  assert.equal(camelCase('content-type'), 'contentType');
  assert.equal(camelCase('parse-XML-document'), 'parseXMLDocument');
  assert.equal(camelCase('XML-parser'), 'xmlParser');
  assert.equal(camelCase('count'), 'count');
  assert.equal(pascalCase('blob-store'), 'BlobStore');
  assert.equal(pascalCase('input-stream'), 'InputStream');
  assert.equal(pascalCase('parse-XML'), 'ParseXML');
});

test('a top-level use names an interface of another package', () => {
  const doc = parseWit(`
    package t:top;
    use wasi:io/poll@0.2.0 as p;
    interface waiter {
      use p.{pollable};
      wait: func(on: borrow<pollable>);
    }
    world w { import p; import waiter; }
    ${WASI_IO}
  `);
  const waiter = iface(doc, 'waiter');
  assert.equal(waiter.types.get('pollable'), resource(iface(doc, 'poll', 'wasi:io@0.2.0'), 'pollable'));
  assert.deepEqual([...world(doc, 'w').imports.keys()], ['wasi:io/poll@0.2.0', 't:top/waiter']);
});

test('errors: syntax, each pointing at the offending token', () => {
  failsAt('package a:b;\ninterface i {\n  f: func() -> ⟪(a: u32, b: u32);\n}', /named results .* are not supported/);
  failsAt('package a:b;\ninterface i {\n  f: func(x: u32)\n⟪}', /expected ";" after the function "f", found "}"/);
  failsAt('package a:b;\ninterface i {\n  ⟪Foo-bar: func();\n}', /"Foo-bar" is not a valid identifier: each word must be all lowercase or all uppercase \("Foo"/);
  failsAt('package a:b;\ninterface i {\n  ⟪foo--bar: func();\n}', /not a valid identifier: words are separated by single dashes/);
  failsAt('package a:b;\ninterface i {\n  ⟪foo-1: func();\n}', /each dash-separated word must start with a letter \("1"/);
  failsAt('package a:b;\ninterface i {\n  ⟪type: func();\n}', /"type" is a keyword; write %type/);
  failsAt('package a:b;\ninterface i {\n  record r { ⟪list: u32 }\n}', /expected a field name, found keyword "list" \(write %list/);
  failsAt('package a:b;\ninterface i {\n  f: func();\n⟪', /expected "}" to close the interface, found the end of the file/);
  failsAt('package a:b;\n⟪/* never /* closed */\ninterface i {}', /unterminated block comment/);
  failsAt('package a:b@⟪1.0;\n', /"1.0" is not a valid semantic version \(expected e.g. 1.2.3/);
  failsAt('package a:b@⟪01.0.0;\n', /"01.0.0" is not a valid semantic version/);
  failsAt('package a:b@⟪x;\n', /expected a version like 1.2.3 after "@", found identifier "x"/);
  failsAt('package a:b;\ninterface i {\n  f: ⟪async func();\n}', /"async" functions .* not supported/);
  failsAt('package a:b;\ninterface i {\n  f: func() -> ⟪stream<u8>;\n}', /stream<T> .* not supported/);
  failsAt('package a:b;\ninterface i {\n  f: func() -> ⟪future<u8>;\n}', /future<T> .* not supported/);
  failsAt('package a:b;\ninterface i {\n  f: ⟪static func();\n}', /"static" is only allowed on functions inside a resource/);
  failsAt('package a:b;\ninterface i {\n  record r {⟪}\n}', /record "r" needs at least one field/);
  failsAt('package a:b;\ninterface i {\n  enum e {⟪}\n}', /enum "e" needs at least one case/);
  failsAt('package a:b;\ninterface i {}\n⟪package c:d;\n', /must be the first item/);
  failsAt('package a:b;\ninterface i {\n  f: func(x: u32) -> ⟪$x;\n}', /unexpected character "\$"/);
  failsAt('package a:b;\ninterface i {\n  @⟪frob(x = y)\n  f: func();\n}', /unknown annotation "@frob" \(expected @since, @unstable, @deprecated or @external-id\)/);
  failsAt('package a:b;\ninterface i {\n  @since(version = 1.0.0)\n  ⟪}', /expected an item after the feature gate, found "}"/);
  failsAt('package a:b;\ninterface i {\n  ⟪@since(feature = x)\n  f: func();\n}', /@since\(...\) needs "version = ..."/);
  failsAt('package a:b;\ninterface i {\n  @since(⟪vers = 1.0.0)\n  f: func();\n}', /unknown field "vers" in @since\(...\) \(expected "version"\)/);
  failsAt('package a:b;\ninterface i {\n  @since(version = ⟪latest)\n  f: func();\n}', /expected a version like 1.2.3 after "version =", found identifier "latest"/);
  failsAt('package a:b;\ninterface i {\n  f: func() -> list<u8⟪, 4>;\n}', /fixed-length lists/);
  failsAt('package a:b;\ninterface i {\n  f: func() -> result<_⟪>;\n}', /expected "," after "_"/);
  failsAt('package a:b;\ninterface i {\n  ⟪func();\n}', /expected a type definition/);
  failsAt('package a:b;\nworld w {\n  import ⟪func();\n}', /expected an interface name|expected a name/);
  failsAt('package a:b;\n⟪world-x w {}\n', /expected "interface", "world", "use" or "package", found identifier "world-x"/);
  failsAt('package a:b;\ninterface i { f: func() -> string; }\n⟪\u202E', /bidirectional-override/);
});

test('errors: names and resolution', () => {
  failsAt('package a:b;\ninterface i {\n  f: func(x: ⟪nope);\n}', /undefined type "nope" in interface a:b\/i/);
  failsAt('package a:b;\ninterface i {\n  record r { x: u32 }\n}\ninterface j {\n  f: func(x: ⟪r);\n}', /undefined type "r" .*\(interface i defines it: add "use i.\{r\};"\)/);
  failsAt('package a:b;\ninterface i {\n  type t = u32;\n  ⟪t: func();\n}', /"t" is defined twice in interface a:b\/i/);
  failsAt('package a:b;\ninterface i {\n  type t = u32;\n  record ⟪t { x: u32 }\n}', /"t" is defined twice/);
  failsAt('package a:b;\ninterface i {\n  f: func();\n  type ⟪f = u32;\n}', /"f" is defined twice/);
  failsAt('package a:b;\ninterface i {}\nworld ⟪i {}\n', /"i" is defined twice in package a:b/);
  failsAt('package a:b;\ninterface i {\n  f: func();\n  g: func(x: ⟪f);\n}', /"f" is a function, not a type/);
  failsAt('package a:b;\ninterface i {\n  record r { x: u32, ⟪x: u32 }\n}', /field "x" appears twice in record "r"/);
  failsAt('package a:b;\ninterface i {\n  variant v { a, ⟪a(u32) }\n}', /case "a" appears twice in variant "v"/);
  failsAt('package a:b;\ninterface i {\n  flags f { a, ⟪a }\n}', /flag "a" appears twice/);
  failsAt('package a:b;\ninterface i {\n  f: func(a: u32, ⟪a: u32);\n}', /parameter "a" appears twice in function "f"/);
});

test('errors: recursive types, handles, resources', () => {
  failsAt('package a:b;\ninterface i {\n  record r { next: option<⟪r> }\n}', /type "r" is recursive \(r -> r\)/);
  failsAt('package a:b;\ninterface i {\n  record bar1 { a: bar2 }\n  record bar2 { a: ⟪bar1 }\n}', /type "bar1" is recursive \(bar1 -> bar2 -> bar1\)/);
  failsAt('package a:b;\ninterface i {\n  type foo = ⟪foo;\n}', /type "foo" is recursive/);
  failsAt('package a:b;\ninterface i {\n  record r { x: u32 }\n  f: func(x: borrow<⟪r>);\n}', /borrow<r>: "r" is not a resource/);
  failsAt('package a:b;\ninterface i {\n  type t = u32;\n  f: func(x: own<⟪t>);\n}', /own<t>: "t" is not a resource/);
  failsAt('package a:b;\ninterface i {\n  resource r;\n  f: func() -> ⟪borrow<r>;\n}', /borrow<r> is only allowed in function parameters, not in the result of "f"/);
  failsAt('package a:b;\ninterface i {\n  resource r;\n  record h { b: borrow<r> }\n  f: func() -> ⟪list<h>;\n}', /borrow<r> is only allowed in function parameters/);
  failsAt('package a:b;\ninterface i {\n  resource r {\n    get: func(⟪self: u32);\n  }\n}', /already has an implicit "self: borrow<r>" parameter/);
  failsAt('package a:b;\ninterface i {\n  resource r {\n    constructor();\n    ⟪constructor(x: u32);\n  }\n}', /more than one constructor/);
  failsAt('package a:b;\ninterface i {\n  resource r {\n    get: func();\n    ⟪get: static func();\n  }\n}', /"get" is defined twice in resource "r"/);
  failsAt('package a:b;\ninterface i {\n  resource r {\n    constructor() -> ⟪result<u32, string>;\n  }\n}', /constructor of "r" must return nothing or "result<r, E>"/);
  failsAt('package a:b;\ninterface i {\n  resource r {\n    constructor();\n    ⟪new: static func() -> r;\n  }\n}', /cannot also have a function named "new"/);
});

test('errors: packages, interfaces, use and worlds', () => {
  failsAt('package a:b;\ninterface i {\n  use ⟪wasi:io/streams@0.2.0.{input-stream};\n}', /package wasi:io is not defined in this WIT text; .* add them as a nested "package wasi:io@0.2.0 \{ ... \}" block/);
  failsAt('package a:b;\ninterface i {\n  use ⟪nope.{x};\n}', /undefined interface "nope" in package a:b/);
  failsAt('package a:b;\ninterface i { record r { x: u32 } }\ninterface j {\n  use i.{⟪q};\n}', /interface a:b\/i has no type "q"/);
  failsAt('package a:b;\ninterface i { f: func(); }\ninterface j {\n  use i.{⟪f};\n}', /"f" is a function in interface a:b\/i; "use" brings in types only/);
  failsAt('package a:b;\ninterface i {\n  use j.{y};\n  type x = u32;\n}\ninterface j {\n  use ⟪i.{x};\n  type y = u32;\n}', /cycle through "use": a:b\/i -> a:b\/j -> a:b\/i/);
  failsAt('package a:b;\ninterface i { use ⟪i.{x}; type x = u32; }', /cannot "use" itself/);
  failsAt('package a:b;\nworld w { import ⟪nope; }', /undefined interface "nope"/);
  failsAt('package a:b;\nworld v {}\nworld w { import ⟪v; }', /"v" is a world, not an interface/);
  failsAt('package a:b;\nworld w { include ⟪nope; }', /undefined world "nope"/);
  failsAt('package a:b;\nworld w { include ⟪w; }', /includes itself/);
  failsAt('package a:b;\ninterface i {}\nworld w { import i; import ⟪a:b/i; }', /world "w" imports "a:b\/i" twice/);
  failsAt('package a:b;\nworld w { import f: func(); import ⟪f: func(); }', /imports "f" twice/);
  failsAt('package a:b;\nworld v { import f: func(); }\nworld w { include v with { ⟪g as h }; }', /world "v" has no import or export named "g"/);
  failsAt('package a:b;\npackage c:d { }\n⟪package c:d { }', /package c:d is defined twice/);
  failsAt('package a:b@1.0.0;\ninterface i {}\npackage c:d {\n  interface j { use ⟪a:b/i@2.0.0.{x}; }\n}', /package a:b@2.0.0 is not defined in this WIT text \(found a:b@1.0.0\)/);
  failsAt('package a:b;\ninterface i {\n  use ⟪a:b/nope.{x};\n}', /package a:b has no interface "nope"/);
});

test('a dependency may be named without its version when the text has only one', () => {
  const doc = parseWit(`package a:b;\ninterface i { use wasi:io/poll.{pollable}; f: func(p: pollable); }\n${WASI_IO}`);
  assert.equal(iface(doc, 'i').types.get('pollable'), resource(iface(doc, 'poll', 'wasi:io@0.2.0'), 'pollable'));
});

test('parsing is fast: a large generated interface in well under a second', () => {
  let text = 'package big:one@1.0.0;\ninterface i {\n';
  for (let n = 0; n < 2000; n++) text += `  record r${'a'.repeat(1)}-n${n} { a: u32, b: list<string>, c: option<tuple<u8, s64>> }\n  f-n${n}: func(x: ra-n${n}) -> result<ra-n${n}, string>;\n`;
  text += '}\n';
  const start = performance.now();
  const doc = parseWit(text);
  const ms = performance.now() - start;
  assert.equal(iface(doc, 'i').functions.size, 2000);
  assert.ok(ms < 1000, `took ${ms} ms`);
});
