// Checks the plugin guests without running them: the hostile modules of test/plugin-guests/ (their
// worlds in hostile.wit, the cases in cases.json, the core signatures of what they import) and the
// C examples of examples/kv/ (every import and export has the core signature the canonical ABI
// gives the function in kv.wit). Running them against the plugin runtime is another test's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { repoPath } from '../paths.js';
import { parseWit } from '../../src/wit/parse.js';
import { ImportPlan, ExportPlan } from '../../src/wit/abi.js';
import type { FunctionDef, InterfaceDef } from '../../src/wit/model.js';
import { cases, dir, hostile, hostileIface } from './cases.js';

// --- a minimal reader of a core module's function signatures

interface Sig { params: string[]; results: string[] }
interface ModuleSigs {
  /** `module#name` → signature of each imported function; `module#name` → 'memory' etc. for others. */
  imports: Map<string, Sig | string>;
  /** export name → signature of an exported function, or the kind of another export. */
  exports: Map<string, Sig | string>;
}

const VALTYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64' };

/** Reads the type, import, function and export sections of a wasm binary. */
function readSigs(bytes: Uint8Array): ModuleSigs {
  let p = 8;
  const u32 = (): number => {
    let r = 0, shift = 0, b: number;
    do {
      b = bytes[p++]!;
      r |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return r >>> 0;
  };
  const name = (): string => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(p, p + n));
    p += n;
    return s;
  };
  const limits = (): void => {
    const flags = u32();
    u32();
    if (flags & 1) u32();
  };
  const types: Sig[] = [];
  const funcTypes: number[] = [];
  const imports = new Map<string, Sig | string>();
  const exportList: [string, number, number][] = [];
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d], 'wasm magic');
  while (p < bytes.length) {
    const id = bytes[p++]!;
    const size = u32();
    const end = p + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        assert.equal(bytes[p++], 0x60);
        const params = Array.from({ length: u32() }, () => VALTYPES[bytes[p++]!]!);
        const results = Array.from({ length: u32() }, () => VALTYPES[bytes[p++]!]!);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        const key = `${name()}#${name()}`;
        const kind = bytes[p++]!;
        if (kind === 0) {
          const t = types[u32()]!;
          funcTypes.push(-1);
          imports.set(key, t);
        } else if (kind === 1) {
          p++;
          limits();
          imports.set(key, 'table');
        } else if (kind === 2) {
          limits();
          imports.set(key, 'memory');
        } else {
          p += 2;
          imports.set(key, 'global');
        }
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) funcTypes.push(u32());
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) exportList.push([name(), bytes[p++]!, u32()]);
    }
    p = end;
  }
  const importedFuncs = [...imports.values()].filter((v) => typeof v !== 'string') as Sig[];
  const exports = new Map<string, Sig | string>();
  for (const [n, kind, index] of exportList) {
    if (kind !== 0) exports.set(n, ['func', 'table', 'memory', 'global'][kind]!);
    else exports.set(n, index < importedFuncs.length ? importedFuncs[index]! : types[funcTypes[index]!]!);
  }
  return { imports, exports };
}

function load(...path: string[]): { bytes: Uint8Array; sigs: ModuleSigs } {
  const bytes = readFileSync(repoPath(...path));
  assert.ok(WebAssembly.validate(bytes), `${path.join('/')} is a valid module`);
  return { bytes, sigs: readSigs(bytes) };
}

const sig = (params: readonly string[], results: readonly string[]): Sig => ({ params: [...params], results: [...results] });
const BUFFERS: Record<string, Sig> = {
  'warden:abi/buffers#size': sig(['i32'], ['i32']),
  'warden:abi/buffers#take': sig(['i32', 'i32', 'i32'], ['i32']),
  'warden:abi/buffers#drop': sig(['i32'], []),
};
const REALLOC = sig(['i32', 'i32', 'i32', 'i32'], ['i32']);

/** Every function of an interface (freestanding and of its resources) by core name. */
function functionsOf(iface: InterfaceDef): Map<string, FunctionDef> {
  const all = [...iface.functions.values(), ...iface.resources.flatMap((r) => r.functions)];
  return new Map(all.map((f) => [f.coreName, f]));
}

/** The expected core signature of an import `module#name` of a guest of `iface`. */
function importSig(iface: InterfaceDef, key: string): Sig | undefined {
  if (key in BUFFERS) return BUFFERS[key];
  const [module, name] = key.split('#') as [string, string];
  if (module !== iface.moduleName) return undefined;
  const drop = /^\[resource-drop\](.+)$/.exec(name);
  if (drop && iface.resources.some((r) => r.name === drop[1])) return sig(['i32'], []);
  const fn = functionsOf(iface).get(name);
  if (fn === undefined) return undefined;
  const plan = new ImportPlan(fn, key);
  return sig(plan.coreParams, plan.coreResults);
}

// --- hostile guests


test('hostile.wit: the interface is the one cases.json names, one world per module', () => {
  assert.equal(hostileIface.moduleName, cases.interface);
  const worlds = [...hostile.main.worlds.keys()].sort();
  assert.deepEqual(worlds, Object.values(cases.modules).map((m) => m.world).sort());
});

for (const [name, mod] of Object.entries(cases.modules)) {
  test(`hostile module ${name}: imports have the canonical core signatures, exports are its world's cases`, () => {
    assert.ok(existsSync(repoPath(dir, mod.source)), `${mod.source} exists`);
    const { sigs } = load(dir, mod.wasm);
    for (const [key, s] of sigs.imports) {
      const want = importSig(hostileIface, key);
      assert.ok(want !== undefined, `${mod.wasm} imports ${key}, which hostile.wit does not have`);
      assert.deepEqual(s, want, `${mod.wasm}: core signature of ${key}`);
    }
    const world = hostile.main.worlds.get(mod.world)!;
    const caseExports = [...world.exports.keys()].sort();
    const coreExports = [...sigs.exports.keys()].filter((e) => e.startsWith('case-')).sort();
    assert.deepEqual(coreExports, caseExports, `${mod.wasm} exports exactly the cases of world ${mod.world}`);
    for (const e of coreExports) assert.deepEqual(sigs.exports.get(e), sig([], []), `${e} takes and returns nothing`);
    assert.equal(sigs.exports.get('memory'), 'memory');
    const rest = [...sigs.exports.keys()].filter((e) => !e.startsWith('case-') && e !== 'memory');
    assert.deepEqual(rest, sigs.exports.has('cabi_realloc') ? ['cabi_realloc'] : []);
    if (sigs.exports.has('cabi_realloc')) assert.deepEqual(sigs.exports.get('cabi_realloc'), REALLOC);
    if (name === 'buffers') assert.ok(!sigs.exports.has('cabi_realloc'), 'the buffers guest has no cabi_realloc');
  });
}

test('cases.json: every world export is a case once, every case is well formed', () => {
  const listed = new Set<string>();
  const fns = functionsOf(hostileIface);
  for (const c of cases.cases) {
    const mod = cases.modules[c.module];
    assert.ok(mod !== undefined, `${c.export}: module ${c.module}`);
    assert.ok(hostile.main.worlds.get(mod.world)!.exports.has(c.export), `${c.export} is exported by world ${mod.world}`);
    assert.ok(!listed.has(`${c.module}/${c.export}`), `${c.export} is listed once`);
    listed.add(`${c.module}/${c.export}`);
    const [iface, fname] = c.function.split('#') as [string, string];
    if (iface === 'warden:abi/buffers') assert.ok(`${iface}#${fname}` in BUFFERS, c.function);
    else {
      assert.equal(iface, cases.interface, c.function);
      assert.ok(fns.has(fname) || fname === '[resource-drop]thing', `${c.function} is a function of hostile.wit`);
    }
    assert.ok(c.why.length > 0, `${c.export} says why`);
    if (c.expect === 'trap') {
      assert.ok(Array.isArray(c.mustContain), `${c.export}: mustContain`);
      assert.equal(c.received, undefined, `${c.export}: a trap receives nothing`);
    } else {
      assert.equal(c.expect, 'ok', `${c.export}: expect`);
      assert.equal(c.mustContain, undefined, `${c.export}: ok cases have no message`);
    }
    // the words name the function (for the interface's own functions) and the argument
    if (c.expect === 'trap' && iface === cases.interface && c.mustContain!.length > 0 && fns.has(fname)) {
      const fn = fns.get(fname)!;
      assert.equal(c.mustContain![0], fname, `${c.export}: mustContain starts with the function name`);
      const names = new Set([...fn.params.map((p) => p.name), 'result', 'argument']);
      assert.ok(names.has(c.mustContain![1]!), `${c.export}: the second word is an argument name of ${fname} (or result)`);
    }
  }
  const all = Object.values(cases.modules).flatMap((m) => [...hostile.main.worlds.get(m.world)!.exports.keys()]);
  assert.equal(listed.size, all.length, 'every case of every world is listed');
});

// --- examples/kv

const kvDoc = parseWit(readFileSync(repoPath('examples/kv/kv.wit'), 'utf8'));
const store = kvDoc.main.interfaces.get('store')!;

for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
  test(`examples/kv/${file}: imports and exports have the canonical core signatures of kv-guest`, () => {
    const { sigs } = load('examples/kv', file);
    const storeImports = [...sigs.imports.keys()].filter((k) => k.startsWith(`${store.moduleName}#`));
    // the demo uses every function of the store
    assert.deepEqual(storeImports.sort(), [...functionsOf(store).keys(), '[resource-drop]bucket'].map((n) => `${store.moduleName}#${n}`).sort());
    for (const [key, s] of sigs.imports) {
      if (key.startsWith('wasi_snapshot_preview1#')) continue;
      const want = importSig(store, key);
      assert.ok(want !== undefined, `${file} imports ${key}, which is not in kv.wit`);
      assert.deepEqual(s, want, `${file}: core signature of ${key}`);
    }
    const run = kvDoc.main.worlds.get('kv-guest')!.exports.get('run')!;
    assert.equal(run.kind, 'function');
    const plan = new ExportPlan((run as { function: FunctionDef }).function, 'run');
    assert.deepEqual(sigs.exports.get('run'), sig(plan.coreParams, plan.coreResults));
    assert.deepEqual(sigs.exports.get('cabi_post_run'), sig(plan.coreResults, []));
    assert.deepEqual(sigs.exports.get('_initialize'), sig([], []), 'a reactor');
    assert.ok(!sigs.exports.has('_start'), 'not a command');
    if (file === 'guest.wasm') assert.deepEqual(sigs.exports.get('cabi_realloc'), REALLOC);
    else {
      assert.ok(!sigs.exports.has('cabi_realloc'), 'no cabi_realloc');
      assert.ok(sigs.imports.has('warden:abi/buffers#take'), 'reads buffers');
    }
  });
}

test('examples/kv/plugin.wasm: exports warden:kv/store@0.1.0 with the canonical core signatures', () => {
  const { sigs } = load('examples/kv', 'plugin.wasm');
  const prefix = `${store.moduleName}#`;
  for (const [name, fn] of functionsOf(store)) {
    const plan = new ExportPlan(fn, prefix + name);
    assert.deepEqual(sigs.exports.get(prefix + name), sig(plan.coreParams, plan.coreResults), `${prefix}${name}`);
    const post = sigs.exports.get(`cabi_post_${prefix}${name}`);
    if (post !== undefined) assert.deepEqual(post, sig(plan.coreResults, []), `cabi_post_${prefix}${name}`);
  }
  // results that own memory have a post-return
  for (const name of ['get', 'set', '[method]bucket.get', '[method]bucket.set', '[method]bucket.remove', '[method]bucket.keys', '[method]bucket.entries', '[static]bucket.open']) {
    assert.ok(sigs.exports.has(`cabi_post_${prefix}${name}`), `cabi_post_${prefix}${name}`);
  }
  assert.deepEqual(sigs.exports.get(`${prefix}[dtor]bucket`), sig(['i32'], []));
  assert.deepEqual(sigs.exports.get('cabi_realloc'), REALLOC);
  assert.deepEqual(sigs.imports.get(`[export]${store.moduleName}#[resource-new]bucket`), sig(['i32'], ['i32']));
  assert.deepEqual(sigs.imports.get(`[export]${store.moduleName}#[resource-rep]bucket`), sig(['i32'], ['i32']));
  for (const key of sigs.imports.keys()) assert.ok(key.startsWith(`[export]${store.moduleName}#`), `plugin.wasm imports only its resource functions, not ${key}`);
});
