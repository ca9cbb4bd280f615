// Runs every case of test/plugin-guests/cases.json against the plugin runtime: each hostile guest
// (WAT, one module per kind of WIT type) calls an import of hostile.wit with a malformed value.
// A "trap" case must throw a Trap naming the function and the argument (or "result"), before the
// implementation runs where cases.json says so; an "ok" case must pass the implementation exactly
// the values listed. Each case runs in a fresh instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Trap } from '../../src/errors.js';
import { definePlugin, instantiateSync } from '../../src/plugin/index.js';
import { camelCase } from '../../src/wit/names.js';
import { repoPath } from '../paths.js';
import { cases as spec, dir, hostileWit as wit, hostileIface as iface } from './cases.js';

const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`w${i}`, i === 0]));

/** What each return-* function gives (cases.json, "plugin"). */
const RETURNS: Record<string, () => unknown> = {
  'return-string': () => 'hostile',
  'return-list': () => [1, 2, 3],
  'return-option': () => 7,
  'return-result': () => ({ tag: 'ok', val: 7 }),
  'return-variant': () => ({ tag: 'named', val: 'hostile' }),
  'return-record': () => ({ name: 'hostile', age: 42 }),
  'return-tuple': () => [7, 'hostile'],
  'return-wide-flags': () => wide,
  'return-char': () => 'x',
  'return-bool': () => true,
  'return-enum': () => 'green',
  'return-flags': () => ({ a: true }),
  'return-own': () => ({ thing: true }),
};

/** A plugin recording, per core name, how often each function ran and its last arguments. */
function recordingPlugin() {
  const calls = new Map<string, number>();
  const args = new Map<string, unknown[]>();
  const record = (name: string, a: unknown[]): void => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    args.set(name, a);
  };
  const plugin = definePlugin({
    wit,
    implement: () => {
      const fns: Record<string, unknown> = {};
      for (const f of iface.functions.values()) {
        fns[camelCase(f.name)] = (...a: unknown[]) => {
          record(f.coreName, a);
          return RETURNS[f.name]?.();
        };
      }
      fns['Thing'] = { new: () => ({ thing: true }) };
      fns['Other'] = { new: () => ({ other: true }) };
      return { [spec.interface]: fns };
    },
  });
  return { plugin, calls, args };
}

const modules = new Map<string, WebAssembly.Module>();
function moduleOf(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(repoPath(dir, spec.modules[name]!.wasm)));
    modules.set(name, m);
  }
  return m;
}

for (const c of spec.cases) {
  test(`${c.module}: ${c.export} (${c.expect}: ${c.why})`, () => {
    const { plugin, calls, args } = recordingPlugin();
    const guest = instantiateSync(moduleOf(c.module), { plugins: [plugin], world: spec.modules[c.module]!.world });
    const run = guest.exports[camelCase(c.export)] as () => unknown;
    assert.equal(typeof run, 'function', `the guest exports ${c.export}`);
    const target = c.function.slice(c.function.indexOf('#') + 1);
    try {
      if (c.expect === 'ok') {
        assert.equal(run(), undefined);
        if (c.received !== undefined) assert.deepEqual(args.get(target), c.received, 'what the implementation received');
      } else {
        assert.throws(run, (e: unknown) => {
          if (c.mustContain!.length === 0) return true; // a trap of the guest's own (unreachable in its cabi_realloc)
          assert.ok(e instanceof Trap, `a Trap, got ${String(e)}`);
          for (const w of c.mustContain!) assert.ok(e.message.includes(w), `the message names ${w}: ${e.message}`);
          return true;
        });
      }
      if (c.calls !== undefined && !target.startsWith('[resource-drop]')) {
        assert.equal(calls.get(target) ?? 0, c.calls, `${target} ran ${c.calls} time(s)`);
      }
    } finally {
      guest.close();
    }
  });
}
