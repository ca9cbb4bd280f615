// The README's plugin example: a key-value store written in TypeScript from kv.wit, given to an
// untrusted C guest (guest.c, a reactor) that calls it and exports `run`, which this host calls.
// Run it with `npm run example:kv`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Wasi, definePlugin, instantiate } from '../../src/index.js';

const here = (p: string): string => fileURLToPath(new URL(`../../../examples/kv/${p}`, import.meta.url));

type Bucket = { name: string; items: Map<string, Uint8Array> };
type KvError = { tag: 'not-found' } | { tag: 'too-large'; val: number } | { tag: 'denied'; val: string };
type Result<T> = { tag: 'ok'; val: T } | { tag: 'err'; val: KvError };
const ok: Result<undefined> = { tag: 'ok', val: undefined };

/** One store per guest instance: `state` makes it, `implement` serves it. */
export const kv = definePlugin({
  wit: readFileSync(here('kv.wit'), 'utf8'),
  world: 'kv-guest',
  state: () => ({ text: new Map<string, string>(), buckets: new Map<string, Map<string, Uint8Array>>() }),
  implement: (store) => ({
    'warden:kv/store@0.1.0': {
      get: (key: string) => store.text.get(key),
      set(key: string, value: string): Result<undefined> {
        if (value.length > 1024) return { tag: 'err', val: { tag: 'too-large', val: 1024 } };
        store.text.set(key, value);
        return ok;
      },
      count: () => store.text.size,
      Bucket: {
        new(name: string): Bucket {
          let items = store.buckets.get(name);
          if (items === undefined) store.buckets.set(name, (items = new Map()));
          return { name, items };
        },
        get: (self: Bucket, key: string) => self.items.get(key),
        set(self: Bucket, key: string, value: Uint8Array): Result<undefined> {
          self.items.set(key, value);
          return ok;
        },
        remove: (self: Bucket, key: string): Result<undefined> => (self.items.delete(key) ? ok : { tag: 'err', val: { tag: 'not-found' } }),
        keys: (self: Bucket) => [...self.items.keys()],
        entries: (self: Bucket) => [...self.items].map(([key, value]) => ({ key, value, kind: 'binary' as const })),
        perms: () => ({ read: true, write: true, admin: false }),
        open(name: string): Result<Bucket> {
          const items = store.buckets.get(name);
          return items === undefined ? { tag: 'err', val: { tag: 'not-found' } } : { tag: 'ok', val: { name, items } };
        },
      },
    },
  }),
});

/** Runs the guest once; returns what `run` returned and what the guest printed. */
export async function main(guestFile = here('guest.wasm'), input = 'plugin'): Promise<{ result: string; stdout: string }> {
  const wasi = new Wasi({ stdout: 'capture' });
  const guest = await instantiate(readFileSync(guestFile), { wasi, plugins: [kv] });
  try {
    const result = guest.exports['run'](input) as string;
    return { result, stdout: new TextDecoder().decode(wasi.output(1)) };
  } finally {
    guest.close();
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { result, stdout } = await main();
  process.stdout.write(stdout);
  console.log(`run("plugin") returned: ${result}`);
}
