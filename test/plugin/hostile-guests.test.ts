// Runs the hostile guests of test/plugin-guests/ (written separately from the runtime, from the
// spec) against the plugin runtime: every case of cases.json in a fresh instance, with the
// implementation it describes. An "ok" case must return and the implementation must have received
// exactly the values listed; a "trap" case must throw a Trap naming the function and argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Trap } from '../../src/errors.js';
import { definePlugin, instantiateSync } from '../../src/plugin/index.js';
import { camelCase } from '../../src/wit/names.js';
import { parseWit } from '../../src/wit/parse.js';
import { repoPath } from '../paths.js';

interface Case {
  module: string;
  export: string;
  function: string;
  expect: 'ok' | 'trap';
  received?: unknown[];
  calls?: number;
  mustContain?: string[];
  why: string;
}

const dir = repoPath('test/plugin-guests');
const spec = JSON.parse(readFileSync(`${dir}/cases.json`, 'utf8')) as {
  interface: string;
  plugin: Record<string, unknown>;
  modules: Record<string, { wasm: string; world: string }>;
  cases: Case[];
};
const doc = parseWit(readFileSync(`${dir}/hostile.wit`, 'utf8'));
const iface = [...doc.main.interfaces.values()].find((i) => i.moduleName === spec.interface)!;

/** The implementation cases.json describes; records calls (by core name) and their arguments. */
function implementation(calls: Map<string, unknown[][]>): Record<string, unknown> {
  const record = (core: string, args: unknown[]): void => {
    const list = calls.get(core) ?? [];
    list.push(args);
    calls.set(core, list);
  };
  const fns: Record<string, unknown> = {};
  for (const f of iface.functions.values()) {
    fns[camelCase(f.name)] = (...args: unknown[]) => {
      record(f.coreName, args);
      if (f.name === 'return-own') return { thing: 'returned' };
      return f.name.startsWith('return-') ? spec.plugin[f.name] : undefined;
    };
  }
  for (const r of iface.resources) {
    fns[r.name === 'thing' ? 'Thing' : 'Other'] = {
      new: () => {
        record(`[constructor]${r.name}`, []);
        return { kind: r.name };
      },
    };
  }
  return { [spec.interface]: fns };
}

test('the hostile guests of test/plugin-guests/ against the plugin runtime', () => {
  let ran = 0;
  const bystanderCalls = new Map<string, unknown[][]>();
  const bystanderPlugin = definePlugin({ wit: doc, world: spec.modules['string']!.world, implement: () => implementation(bystanderCalls) });
  const bystander = instantiateSync(new WebAssembly.Module(readFileSync(`${dir}/${spec.modules['string']!.wasm}`)), { plugins: [bystanderPlugin] });
  for (const c of spec.cases) {
    const mod = spec.modules[c.module]!;
    const calls = new Map<string, unknown[][]>();
    const plugin = definePlugin({ wit: doc, world: mod.world, implement: () => implementation(calls) });
    const guest = instantiateSync(new WebAssembly.Module(readFileSync(`${dir}/${mod.wasm}`)), { plugins: [plugin] });
    const run = guest.exports[camelCase(c.export)] as () => unknown;
    assert.equal(typeof run, 'function', `${c.module}: export ${c.export}`);
    const core = c.function.slice(c.function.indexOf('#') + 1);
    const label = `${c.export} (${c.why})`;
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    if (c.expect === 'ok') {
      assert.equal(error, undefined, `${label}: ${error instanceof Error ? error.message : ''}`);
      if (c.received !== undefined) assert.deepStrictEqual(calls.get(core)?.at(-1), c.received, `${label}: received`);
    } else {
      assert.ok(error instanceof Trap, `${label}: expected a Trap, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      for (const word of c.mustContain ?? []) assert.ok(error.message.includes(word), `${label}: ${JSON.stringify(error.message)} should contain ${word}`);
    }
    if (c.calls !== undefined) assert.equal(calls.get(core)?.length ?? 0, c.calls, `${label}: calls of ${core}`);
    guest.close();
    // The host and another instance are unaffected.
    (bystander.exports['caseStringOk'] as () => void)();
    ran++;
  }
  assert.equal(bystanderCalls.get('take-string')?.length, ran);
  assert.ok(ran >= 80, `${ran} cases`);
  bystander.close();
});
