// The TypeScript generator: exact declarations for every type kind, the implementation shapes, and
// (with the real TypeScript compiler) that a matching implementation of kv.wit type-checks without
// casts while wrong ones are rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { generateTypes, parseWit } from '../../src/wit/index.js';
import { ConfigError } from '../../src/errors.js';
import { repoPath } from '../paths.js';

const kvText = readFileSync(repoPath('examples/kv/kv.wit'), 'utf8');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitReturns: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  noEmit: true,
};
const ROOT = '/virtual/';
const libCache = new Map<string, ts.SourceFile | undefined>();

/** Type-checks in-memory files (names relative to one directory); returns the diagnostics as text. */
function typecheck(files: Record<string, string>): string[] {
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const local = (name: string): string | undefined => (name.startsWith(ROOT) ? files[name.slice(ROOT.length)] : undefined);
  host.getSourceFile = (name, lang, onError) => {
    if (name.startsWith(ROOT)) {
      const text = local(name);
      return text === undefined ? undefined : ts.createSourceFile(name, text, lang);
    }
    if (!libCache.has(name)) libCache.set(name, getSourceFile(name, lang, onError));
    return libCache.get(name);
  };
  host.fileExists = (name) => (name.startsWith(ROOT) ? local(name) !== undefined : fileExists(name));
  host.readFile = (name) => (name.startsWith(ROOT) ? local(name) : readFile(name));
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (dir) => (`${dir}/`.startsWith(ROOT) ? `${dir}/` === ROOT : (directoryExists?.(dir) ?? true));
  host.getCurrentDirectory = () => ROOT;
  const program = ts.createProgram(Object.keys(files).map((f) => ROOT + f), OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(ROOT.length)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const kvTypes = generateTypes(parseWit(kvText, { filename: 'kv.wit' }));

/** A host implementation of kv.wit written the way the README shows it, with its own bucket type. */
const GOOD_KV_IMPL = `
import type { Entry, Error, KvGuestExports, KvGuestImports, Perms, StoreImpl } from './kv-types.js';

interface MyBucket { name: string; map: Map<string, Uint8Array> }

export function implement(state: Map<string, string>): KvGuestImports<MyBucket> {
  const tooLarge = (limit: number): Error => ({ tag: 'too-large', val: limit });
  return {
    'warden:kv/store@0.1.0': {
      get(key) { return state.get(key); },
      set(key, value) {
        if (value.length > 100) return { tag: 'err', val: tooLarge(100) };
        state.set(key, value);
        return { tag: 'ok', val: undefined };
      },
      async count() { return state.size; },
      Bucket: {
        new(name) { return { name, map: new Map<string, Uint8Array>() }; },
        get(self, key) { return self.map.get(key); },
        async set(self, key, value) {
          self.map.set(key, value.subarray(0));
          return { tag: 'ok' };
        },
        remove(self, key) {
          return self.map.delete(key) ? { tag: 'ok', val: undefined } : { tag: 'err', val: { tag: 'not-found' } };
        },
        keys(self) { return [...self.map.keys()]; },
        entries(self): Entry[] { return [...self.map].map(([key, value]) => ({ key, value, kind: 'binary' })); },
        perms(self): Perms { return { read: self.name !== '', write: true, admin: false }; },
        open(name) { return name === 'missing' ? { tag: 'err', val: { tag: 'denied', val: 'no such bucket' } } : { tag: 'ok', val: { name, map: new Map() } }; },
        drop(self) { self.map.clear(); },
      },
    },
  };
}

// The implementation of one interface on its own, with the default (unknown) rep.
export const storeOnly: StoreImpl = {
  get: () => undefined,
  set: () => ({ tag: 'ok' }),
  count: () => Promise.resolve(0),
  Bucket: { new: () => 42, get: () => undefined, set: () => ({ tag: 'ok' }), remove: () => ({ tag: 'ok' }), keys: () => [], entries: () => [], perms: () => ({ read: true, write: false, admin: false }), open: () => ({ tag: 'ok', val: 1 }) },
};

declare const instance: { exports: KvGuestExports };
export const said: string = instance.exports.run('hello');
`;

test('kv.wit: the exact declarations of its types and implementation shapes', () => {
  const t = kvTypes;
  assert.match(t, /^\/\/ TypeScript declarations generated by `warden types`/);
  for (const expected of [
    "export type Error =\n  | { tag: 'not-found'; val?: undefined }\n  | { tag: 'too-large'; val: number }\n  | { tag: 'denied'; val: string };\n",
    "export type Kind = 'text' | 'binary';\n",
    'export interface Perms {\n  read: boolean;\n  write: boolean;\n  admin: boolean;\n}\n',
    'export interface Entry {\n  key: string;\n  value: Uint8Array;\n  kind: Kind;\n}\n',
    "  'new': (name: string) => Awaitable<BucketRep>;\n",
    '  get: (self: BucketRep, key: string) => Awaitable<Uint8Array | undefined>;\n',
    "  set: (self: BucketRep, key: string, value: Uint8Array) => Awaitable<{ tag: 'ok'; val?: undefined } | { tag: 'err'; val: Error }>;\n",
    '  entries: (self: BucketRep) => Awaitable<Entry[]>;\n',
    "  open: (name: string) => Awaitable<{ tag: 'ok'; val: BucketRep } | { tag: 'err'; val: Error }>;\n",
    '  drop?: (self: BucketRep) => void;\n',
    'export interface BucketResource<BucketRep = unknown> {\n',
    'export interface StoreImpl<BucketRep = unknown> {\n',
    '  get: (key: string) => Awaitable<string | undefined>;\n',
    '  count: () => Awaitable<number>;\n',
    '  Bucket: BucketResource<BucketRep>;\n',
    "export interface KvGuestImports<BucketRep = unknown> {\n  'warden:kv/store@0.1.0': StoreImpl<BucketRep>;\n}\n",
    'export interface KvGuestExports {\n  /** Called by the host; returns what the guest wants to say. */\n  run: (input: string) => string;\n}\n',
    '/** What can go wrong. */\nexport type Error =',
    '  /** Opens a bucket only if it exists. */\n  open:',
  ]) {
    assert.ok(t.includes(expected), `missing:\n${expected}\nin:\n${t}`);
  }
});

test('kv.wit: a matching implementation type-checks without casts, with the generated module as .ts', () => {
  assert.deepEqual(typecheck({ 'kv-types.ts': kvTypes, 'impl.ts': GOOD_KV_IMPL }), []);
});

test('kv.wit: the generated module type-checks on its own as a .d.ts too', () => {
  assert.deepEqual(typecheck({ 'kv-types.d.ts': kvTypes, 'impl.ts': GOOD_KV_IMPL }), []);
});

test('kv.wit: implementations that do not match are rejected by the compiler', () => {
  const cases: [string, string, RegExp][] = [
    ['wrong return type', GOOD_KV_IMPL.replace('async count() { return state.size; }', "async count() { return 'many'; }"), /TS2322: Type 'string' is not assignable to type 'number'|TS2322.*'string'.*'number'/],
    ['missing function', GOOD_KV_IMPL.replace(/ {6}get\(key\) \{ return state\.get\(key\); \},\n/, ''), /TS2741: Property 'get' is missing/],
    ['missing resource', GOOD_KV_IMPL.replace('Bucket: {', 'Buckets: {'), /Buckets.*does not exist|TS2353|TS2561/],
    ['unknown variant case', GOOD_KV_IMPL.replace("{ tag: 'not-found' }", "{ tag: 'gone' }"), /TS2322: .*\{ tag: "gone"; \}' is not assignable to type 'Error'/],
    ['wrong use of the rep', GOOD_KV_IMPL.replace('return self.map.get(key);', 'return self.mapp.get(key);'), /TS2551: Property 'mapp' does not exist on type 'MyBucket'/],
    ['list<u8> is a Uint8Array, not a string', GOOD_KV_IMPL.replace('self.map.set(key, value.subarray(0));', 'self.map.set(key, value.toUpperCase());'), /TS2339: Property 'toUpperCase' does not exist on type 'Uint8Array/],
    ['a flag missing', GOOD_KV_IMPL.replace(', admin: false }; },', ' }; },'), /TS2741: Property 'admin' is missing/],
    ['export called with a wrong argument', GOOD_KV_IMPL.replace("run('hello')", 'run(42)'), /TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/],
    ['export result is not a Promise', GOOD_KV_IMPL.replace('export const said: string =', 'export const said: Promise<string> ='), /TS2322|TS2739|TS2740/],
  ];
  for (const [what, impl, expected] of cases) {
    assert.notEqual(impl, GOOD_KV_IMPL, `${what}: the replacement applies`);
    const errors = typecheck({ 'kv-types.ts': kvTypes, 'impl.ts': impl });
    assert.ok(errors.length > 0, `${what}: expected errors`);
    assert.ok(errors.some((e) => expected.test(e)), `${what}: ${errors.join('\n')}`);
    assert.ok(errors.every((e) => e.startsWith('impl.ts:')), `${what}: errors only in the implementation: ${errors.join('\n')}`);
  }
});

test('every type kind is written as the fixed JS representation', () => {
  const doc = parseWit(`
    package t:kinds;
    interface k {
      type nums = tuple<bool, s8, u8, s16, u16, s32, u32, f32, f64, s64, u64, char, string>;
      type bytes = list<u8>;
      type shorts = list<u16>;
      type maybe = option<string>;
      type maybe-maybe = option<option<u32>>;
      type maybes = list<option<string>>;
      type r0 = result;
      type r1 = result<u32>;
      type r2 = result<_, string>;
      type r3 = result<list<u8>, tuple<u32, bool>>;
      record content { content-type: string, max-age: option<u64>, %type: u8 }
      variant shape { empty, circle(f64), named(content) }
      enum color { dark-red, light-blue }
      flags modes { read-only, x, XML-mode }
      f: func(default: u32, new: string, get-all: bool) -> list<color>;
    }
  `);
  const t = generateTypes(doc);
  for (const expected of [
    'export type Nums = [boolean, number, number, number, number, number, number, number, number, bigint, bigint, string, string];\n',
    'export type Bytes = Uint8Array;\n',
    'export type Shorts = number[];\n',
    'export type Maybe = string | undefined;\n',
    "export type MaybeMaybe = { tag: 'some'; val: number | undefined } | { tag: 'none' };\n",
    'export type Maybes = (string | undefined)[];\n',
    "export type R0 = { tag: 'ok'; val?: undefined } | { tag: 'err'; val?: undefined };\n",
    "export type R1 = { tag: 'ok'; val: number } | { tag: 'err'; val?: undefined };\n",
    "export type R2 = { tag: 'ok'; val?: undefined } | { tag: 'err'; val: string };\n",
    "export type R3 = { tag: 'ok'; val: Uint8Array } | { tag: 'err'; val: [number, boolean] };\n",
    'export interface Content {\n  contentType: string;\n  maxAge: bigint | undefined;\n  type: number;\n}\n',
    "export type Shape =\n  | { tag: 'empty'; val?: undefined }\n  | { tag: 'circle'; val: number }\n  | { tag: 'named'; val: Content };\n",
    "export type Color = 'dark-red' | 'light-blue';\n",
    'export interface Modes {\n  readOnly: boolean;\n  x: boolean;\n  xmlMode: boolean;\n}\n',
    '  f: (default_: number, new_: string, getAll: boolean) => Awaitable<Color[]>;\n',
    // No world: the implementation of every interface of the package.
    "export interface KindsImports {\n  't:kinds/k': KImpl;\n}\n",
  ]) {
    assert.ok(t.includes(expected), `missing:\n${expected}\nin:\n${t}`);
  }
  assert.deepEqual(typecheck({ 'kinds.ts': t }), []);
});

const WASI_LIKE = `
package example:app@0.1.0;

interface host {
  use wasi:io/streams@0.2.0.{input-stream, output-stream};
  use wasi:io/error@0.2.0.{error as io-error};
  record stdio { %in: input-stream, out: output-stream }
  get-stdio: func() -> stdio;
  describe: func(e: borrow<io-error>) -> string;
}

world app {
  import host;
  import clock: func() -> u64;
  export run: func(args: list<string>) -> result<_, string>;
  export handler: interface {
    use wasi:io/streams@0.2.0.{input-stream};
    resource session {
      constructor(id: u64);
      feed: func(data: list<u8>) -> option<option<string>>;
      merge: static func(a: borrow<session>, b: borrow<session>) -> session;
    }
    start: func(s: input-stream) -> session;
  }
}

world other {
  import wasi:io/poll@0.2.0;
}

package wasi:io@0.2.0 {
  interface error {
    resource error { to-debug-string: func() -> string; }
  }
  interface poll {
    resource pollable { ready: func() -> bool; block: func(); }
    poll: func(in: list<borrow<pollable>>) -> list<u32>;
  }
  interface streams {
    use error.{error};
    use poll.{pollable};
    variant stream-error { last-operation-failed(error), closed }
    resource input-stream {
      read: func(len: u64) -> result<list<u8>, stream-error>;
      subscribe: func() -> pollable;
    }
    resource output-stream {
      write: func(contents: list<u8>) -> result<_, stream-error>;
      subscribe: func() -> pollable;
    }
  }
}
`;

test('WASI-like: one rep type parameter per resource, threaded through named types and interfaces', () => {
  const t = generateTypes(parseWit(WASI_LIKE), { world: 'app' });
  for (const expected of [
    'export interface Stdio<InputStreamRep = unknown, OutputStreamRep = unknown> {\n  in: InputStreamRep;\n  out: OutputStreamRep;\n}\n',
    "export type StreamError<ErrorRep = unknown> =\n  | { tag: 'last-operation-failed'; val: ErrorRep }\n  | { tag: 'closed'; val?: undefined };\n",
    'export interface InputStreamResource<InputStreamRep = unknown, ErrorRep = unknown, PollableRep = unknown> {\n',
    "  read: (self: InputStreamRep, len: bigint) => Awaitable<{ tag: 'ok'; val: Uint8Array } | { tag: 'err'; val: StreamError<ErrorRep> }>;\n",
    '  poll: (in_: PollableRep[]) => Awaitable<number[]>;\n',
    '  describe: (e: ErrorRep) => Awaitable<string>;\n',
    '  getStdio: () => Awaitable<Stdio<InputStreamRep, OutputStreamRep>>;\n',
    // The resource `error` and the interface `error` would both be "ErrorImpl"-like; they stay distinct.
    'export interface ErrorResource<ErrorRep = unknown> {\n',
    "  'wasi:io/error@0.2.0': ErrorImpl<ErrorRep>;\n",
    "  'wasi:io/streams@0.2.0': StreamsImpl<InputStreamRep, OutputStreamRep, ErrorRep, PollableRep>;\n",
    "  'example:app/host@0.1.0': HostImpl<InputStreamRep, OutputStreamRep, ErrorRep>;\n",
    "  '$root': {\n    clock: () => Awaitable<bigint>;\n  };\n",
    'export interface AppExports<InputStreamRep = unknown> {\n',
    "  run: (args: string[]) => { tag: 'ok'; val?: undefined } | { tag: 'err'; val: string };\n",
    "  'handler': {\n    start: (s: InputStreamRep) => GuestResource<'session'>;\n",
    "      'new': (id: bigint) => GuestResource<'session'>;\n",
    "      feed: (self: GuestResource<'session'>, data: Uint8Array) => { tag: 'some'; val: string | undefined } | { tag: 'none' };\n",
    "      merge: (a: GuestResource<'session'>, b: GuestResource<'session'>) => GuestResource<'session'>;\n",
  ]) {
    assert.ok(t.includes(expected), `missing:\n${expected}\nin:\n${t}`);
  }
  assert.ok(!t.includes('OtherImports'), 'only the chosen world');
  // An implementation of the streams interface with its own reps for every resource.
  const impl = `
    import type { AppImports, AppExports, GuestResource, StreamError } from './types.js';
    class Pollable { ready = true; }
    class Err { constructor(readonly message: string) {} }
    class In { constructor(readonly bytes: Uint8Array) {} }
    class Out { chunks: Uint8Array[] = []; }
    const closed: StreamError<Err> = { tag: 'closed' };
    export const impl: AppImports<In, Out, Err, Pollable> = {
      'wasi:io/error@0.2.0': { Error: { toDebugString: (self) => self.message } },
      'wasi:io/poll@0.2.0': {
        poll: (list) => list.map((p, i) => (p.ready ? i : -1)).filter((i) => i >= 0),
        Pollable: { ready: (self) => self.ready, block: () => {} },
      },
      'wasi:io/streams@0.2.0': {
        InputStream: {
          read(self, len) {
            if (self.bytes.length === 0) return { tag: 'err', val: closed };
            if (len > 1000n) return { tag: 'err', val: { tag: 'last-operation-failed', val: new Err('too much') } };
            return { tag: 'ok', val: self.bytes.subarray(0, Number(len)) };
          },
          subscribe: () => new Pollable(),
          drop: () => {},
        },
        OutputStream: { write: (self, bytes) => { self.chunks.push(bytes); return { tag: 'ok' }; }, subscribe: () => new Pollable() },
      },
      'example:app/host@0.1.0': {
        getStdio: () => ({ in: new In(new Uint8Array(0)), out: new Out() }),
        describe: async (e) => e.message,
      },
      '$root': { clock: () => 1n },
    };
    declare const guest: AppExports<In>;
    const s: GuestResource<'session'> = guest.handler.start(new In(new Uint8Array(1)));
    const fed = guest.handler.Session.feed(s, new Uint8Array([1]));
    export const text: string | undefined = fed.tag === 'some' ? fed.val : undefined;
    export const merged = guest.handler.Session.merge(s, guest.handler.Session.new(1n));
  `;
  assert.deepEqual(typecheck({ 'types.ts': t, 'impl.ts': impl }), []);
  const wrong = impl.replace("{ tag: 'last-operation-failed', val: new Err('too much') }", "{ tag: 'last-operation-failed', val: new Pollable() }");
  assert.ok(typecheck({ 'types.ts': t, 'impl.ts': wrong }).some((e) => /TS2322|TS2741|Pollable/.test(e)), 'a rep of the wrong resource is rejected');
  const wrongGuest = impl.replace('guest.handler.Session.merge(s, guest.handler.Session.new(1n))', 'guest.handler.Session.merge(s, new In(new Uint8Array(0)))');
  assert.ok(typecheck({ 'types.ts': t, 'impl.ts': wrongGuest }).length > 0, 'a host rep is not a guest resource');
});

test('every world by default; --world by name or path; an unknown world is a ConfigError', () => {
  const doc = parseWit(WASI_LIKE);
  const all = generateTypes(doc);
  assert.match(all, /export interface AppImports</);
  assert.match(all, /export interface OtherImports<PollableRep = unknown> \{\n {2}'wasi:io\/poll@0.2.0': PollImpl<PollableRep>;\n\}/);
  assert.match(generateTypes(doc, { world: 'example:app/other@0.1.0' }), /export interface OtherImports/);
  assert.doesNotMatch(generateTypes(doc, { world: 'other' }), /AppImports/);
  assert.throws(() => generateTypes(doc, { world: 'nope' }), (e: unknown) => e instanceof ConfigError && /world "nope" is not defined in package example:app@0.1.0 \(its worlds: app, other\)/.test(e.message));
  assert.throws(() => generateTypes(doc, { world: 'x:y/z' }), ConfigError);
  assert.deepEqual(typecheck({ 'all.ts': all }), []);
});

test('names that collide get the interface name in front; keyword-like names are fine', () => {
  const t = generateTypes(
    parseWit(`
      package t:names;
      interface a { record info { x: u32 } resource awaitable; get: func() -> info; }
      interface b { record info { y: u32 } use a.{info as a-info}; type both = tuple<info, a-info>; }
      interface promise { type uint8-array = list<u8>; }
    `),
  );
  for (const expected of ['export interface AInfo {\n  x: number;\n}\n', 'export interface BInfo {\n  y: number;\n}\n', 'export type Both = [BInfo, AInfo];\n', '  get: () => Awaitable<AInfo>;\n', 'export type PromiseUint8Array = Uint8Array;\n', 'AwaitableRep']) {
    assert.ok(t.includes(expected), `missing:\n${expected}\nin:\n${t}`);
  }
  assert.deepEqual(typecheck({ 'names.ts': t }), []);
});

test('world-level functions and resources under $root, inline interfaces, named imports, renamed includes', () => {
  const t = generateTypes(
    parseWit(`
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
        resource brush { constructor(size: u32); size: func() -> u32; }
        import paint: func(b: borrow<brush>, c: borrow<canvas>, pts: points);
        import host: interface {
          use types.{canvas};
          screen: func() -> canvas;
          resource timer { constructor(ms: u32); elapsed: func() -> u32; }
        }
        import second-log: logging;
        export render: func(c: borrow<canvas>, pts: points) -> u32;
        export hooks: interface { on-start: func(); }
        include base with { clock as now, version as get-version };
      }
    `),
    { world: 'plugin' },
  );
  for (const expected of [
    "  'my:plugin/types': TypesImpl<CanvasRep>;\n",
    "  'host': HostImpl<CanvasRep, TimerRep>;\n",
    "  'second-log': LoggingImpl;\n",
    "  'my:plugin/logging': LoggingImpl;\n",
    "  '$root': {\n    paint: (b: BrushRep, c: CanvasRep, pts: Points) => Awaitable<void>;\n    now: () => Awaitable<bigint>;\n    Brush: BrushResource<BrushRep>;\n  };\n",
    '  render: (c: CanvasRep, pts: Points) => number;\n',
    "  'hooks': {\n    onStart: () => void;\n  };\n",
    '  getVersion: () => string;\n',
  ]) {
    assert.ok(t.includes(expected), `missing:\n${expected}\nin:\n${t}`);
  }
  const impl = `
    import type { PluginImports, PluginExports, Point } from './types.js';
    class Canvas { points: Point[] = []; }
    const log = { log: (msg: string) => { void msg; } };
    export const impl: PluginImports<Canvas, { size: number }, number> = {
      'my:plugin/types': { Canvas: { draw: (self, p) => { self.points.push(p); } } },
      'host': { screen: () => new Canvas(), Timer: { new: (ms) => Date.now() + ms, elapsed: (self) => Date.now() - self } },
      'second-log': log,
      'my:plugin/logging': log,
      '$root': {
        paint: (b, c, pts) => { for (const p of pts) c.points.push({ x: p.x * b.size, y: p.y }); },
        now: () => BigInt(Date.now()),
        Brush: { new: (size) => ({ size }), size: (self) => self.size },
      },
    };
    declare const guest: PluginExports<Canvas>;
    export const n: number = guest.render(new Canvas(), [{ x: 1, y: 2 }]);
    guest.hooks.onStart();
    export const v: string = guest.getVersion();
  `;
  assert.deepEqual(typecheck({ 'types.ts': t, 'impl.ts': impl }), []);
});
