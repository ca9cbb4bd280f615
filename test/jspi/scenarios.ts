// Run by jspi.test.ts under a Node.js that has JSPI (see scripts/jspi-node.mjs); not a test file
// itself. Each scenario runs a real guest with Wasi.runAsync and the 'jspi' strategy, with async
// host handles on this thread's event loop, and prints one JSON line with what it saw.
// Usage: node --experimental-wasm-jspi build/test/jspi/scenarios.js <scenario>
import { readFileSync } from 'node:fs';
import { AsyncSink, AsyncSource, CallbackSource, QueueListener, Wasi, createChannel, createPipe, jspiSupported, pipeFromReadableStream } from '../../src/index.js';
import { repoPath } from '../paths.js';
import { connect } from 'node:net';
import { TcpListener, runGuest } from '../../src/node/index.js';
import { definePlugin, instantiate, type GuestInstance } from '../../src/plugin/index.js';

const wasm = (p: string): Uint8Array => readFileSync(repoPath(p));
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts timer ticks while `f` runs: proof that this thread's event loop ran during the guest's waits. */
async function ticking<T>(f: () => Promise<T>): Promise<{ value: T; ticks: number; ms: number; cpuMs: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const value = await f();
    const c = process.cpuUsage(cpu0);
    return { value, ticks, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

type Item = { value: Uint8Array; kind: 'text' | 'binary' };
type KvRes = { tag: 'ok'; val: undefined } | { tag: 'err'; val: unknown };

/**
 * The KV store of test/plugin-guests/kv.test.ts, with `get` and `Bucket.get` async (each awaits a
 * timer) and `set` rejecting when `failSet` is true. `log` records suspensions and drops.
 */
function asyncKv(log: string[], failSet = false) {
  return definePlugin({
    wit: readFileSync(repoPath('examples/kv/kv.wit'), 'utf8'),
    world: 'kv-guest',
    state: () => new Map<string, Map<string, Item>>([['default', new Map()]]),
    implement: (buckets) => {
      const put = (items: Map<string, Item>, key: string, value: Uint8Array, kind: Item['kind']): KvRes => {
        if (key === '') return { tag: 'err', val: { tag: 'denied', val: 'empty key' } };
        if (value.length > 1024) return { tag: 'err', val: { tag: 'too-large', val: 1024 } };
        items.set(key, { value, kind });
        return { tag: 'ok', val: undefined };
      };
      const dflt = buckets.get('default')!;
      type B = { items: Map<string, Item>; perms: { read: boolean; write: boolean; admin: boolean } };
      return {
        'warden:kv/store@0.1.0': {
          async get(key: string) {
            await sleep(2);
            log.push('get');
            const it = dflt.get(key);
            return it && dec(it.value);
          },
          set: (key: string, value: string) => (failSet ? Promise.reject(new Error('store offline')) : put(dflt, key, enc(value), 'text')),
          count: () => dflt.size,
          Bucket: {
            new(name: string): B {
              if (!buckets.has(name)) buckets.set(name, new Map());
              return { items: buckets.get(name)!, perms: { read: true, write: true, admin: true } };
            },
            async get(self: B, key: string) {
              await sleep(2);
              log.push('bucket.get');
              return self.items.get(key)?.value;
            },
            set: (self: B, key: string, value: Uint8Array) => put(self.items, key, value, 'binary'),
            remove: (self: B, key: string): KvRes => (self.items.delete(key) ? { tag: 'ok', val: undefined } : { tag: 'err', val: { tag: 'not-found' } }),
            keys: (self: B) => [...self.items.keys()],
            entries: (self: B) => [...self.items].map(([key, it]) => ({ key, value: it.value, kind: it.kind })),
            perms: (self: B) => self.perms,
            open(name: string) {
              const items = buckets.get(name);
              if (items === undefined) return { tag: 'err', val: { tag: 'not-found' } };
              return { tag: 'ok', val: { items, perms: { read: true, write: true, admin: false } } };
            },
            drop: () => {
              log.push('drop');
            },
          },
        },
      };
    },
  });
}

const scenarios: Record<string, () => Promise<unknown>> = {
  async 'plugin-async'() {
    // examples/kv/guest.wasm (and the no-cabi_realloc variant) against a store whose get and
    // Bucket.get await timers: the guest is suspended in those imports while the event loop runs.
    const results: Record<string, unknown> = {};
    for (const file of ['guest.wasm', 'guest-noalloc.wasm']) {
      const log: string[] = [];
      const wasi = new Wasi({ stdout: 'capture' });
      const guest: GuestInstance = await instantiate(wasm(`examples/kv/${file}`), { wasi, plugins: [asyncKv(log)], blocking: 'jspi' });
      const run = guest.exports['run'] as (input: string) => Promise<string>;
      const pending = run('world');
      const isPromise = pending instanceof Promise;
      const r = await ticking(async () => [await pending, await run('wörld ✓')]);
      const stdout = dec(wasi.output(1));
      const seen = [...log];
      let overlap: string | undefined;
      const first = run('x');
      try {
        await run('y');
      } catch (e) {
        overlap = (e as Error).message;
      }
      await first;
      results[file] = { isPromise, out: r.value, stdout, ticks: r.ticks, log: seen, liveBuffers: guest.liveBuffers, overlap };
      guest.close();
    }
    return results;
  },
  async 'plugin-async-reject'() {
    // A rejected promise is a host error: the guest traps with a message naming the function.
    const wasi = new Wasi({ stdout: 'capture' });
    const guest = await instantiate(wasm('examples/kv/guest.wasm'), { wasi, plugins: [asyncKv([], true)], blocking: 'jspi' });
    const run = guest.exports['run'] as (input: string) => Promise<string>;
    let error: { name: string; message: string; cause: string } | undefined;
    try {
      await run('world');
    } catch (e) {
      error = { name: (e as Error).name, message: (e as Error).message, cause: String((e as Error).cause) };
    }
    let again: string | undefined;
    try {
      await run('again');
    } catch (e) {
      again = (e as Error).message;
    }
    guest.close();
    return { error, again };
  },
  async 'plugin-auto'() {
    // instantiate with 'auto' takes JSPI here; instantiateSync (and instantiate by default) stay synchronous.
    const { instantiateSync } = await import('../../src/plugin/index.js');
    const a = await instantiate(wasm('examples/kv/guest.wasm'), { wasi: new Wasi({ stdout: null }), plugins: [asyncKv([])], blocking: 'auto' });
    const ra = (a.exports['run'] as (s: string) => unknown)('a');
    const b = instantiateSync(wasm('examples/kv/guest.wasm'), { wasi: new Wasi({ stdout: null }), plugins: [asyncKv([])] });
    let syncError: string | undefined;
    try {
      (b.exports['run'] as (s: string) => unknown)('b');
    } catch (e) {
      syncError = (e as Error).message;
    }
    const out = { autoIsPromise: ra instanceof Promise, auto: await ra, syncError };
    a.close();
    b.close();
    return out;
  },
  async 'web-stream-stdin'() {
    const parts = ['one ', 'two ', 'three'];
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        await sleep(20);
        const p = parts.shift();
        if (p === undefined) c.close();
        else c.enqueue(enc(p));
      },
    });
    const wasi = new Wasi({ stdin: pipeFromReadableStream(stream), stdout: 'capture' });
    const r = await ticking(() => wasi.runAsync(wasm('test/io/cat.wasm'), {}, { blocking: 'jspi' }));
    return { exitCode: r.value.exitCode, stdout: dec(r.value.stdout), ticks: r.ticks };
  },
  async 'async-source'() {
    let i = 0;
    const source = new AsyncSource(async () => {
      await sleep(1);
      return i < 50 ? enc(`chunk ${i++};`) : null;
    });
    const wasi = new Wasi({ stdin: source, stdout: 'capture' });
    const r = await wasi.runAsync(wasm('test/io/cat.wasm'), {}, { blocking: 'jspi' });
    return { exitCode: r.exitCode, stdout: dec(r.stdout) };
  },
  async 'async-sink'() {
    const got: string[] = [];
    const sink = new AsyncSink(async (chunk) => {
      await sleep(2);
      got.push(dec(chunk));
    });
    const wasi = new Wasi({ stdin: 'a'.repeat(10000), stdout: sink });
    const r = await wasi.runAsync(wasm('test/io/cat.wasm'), {}, { blocking: 'jspi' });
    await sink.drained();
    return { exitCode: r.exitCode, length: got.join('').length, chunks: got.length };
  },
  async sleep() {
    // sleep.wasm: poll_oneoff on a 2-second relative clock.
    const wasi = new Wasi({});
    const r = await ticking(() => wasi.runAsync(wasm('test/io/sleep.wasm'), {}, { blocking: 'jspi' }));
    return { exitCode: r.value.exitCode, ms: r.ms, ticks: r.ticks, cpuMs: r.cpuMs };
  },
  async 'poll-pipe'() {
    // poll-read.wasm: poll_oneoff on stdin and a 5 s clock; prints "r" if stdin became readable first.
    const { reader, writer } = createPipe();
    writer.retain();
    setTimeout(() => writer.write(enc('x')), 100);
    const wasi = new Wasi({ stdin: reader, stdout: 'capture' });
    const r = await ticking(() => wasi.runAsync(wasm('test/io/poll-read.wasm'), {}, { blocking: 'jspi' }));
    writer.release();
    return { exitCode: r.value.exitCode, stdout: dec(r.value.stdout), ms: r.ms, ticks: r.ticks };
  },
  async 'socket-echo'() {
    // echo.wasm: accepts one connection on fd 3 and echoes it. The host connects while the guest
    // is suspended in sock_accept, then talks to it from this thread's event loop.
    const listener = new QueueListener(() => createChannel(4096));
    const wasi = new Wasi({ args: ['echo', '1'], fds: { 3: listener }, stderr: 'capture' });
    const run = wasi.runAsync(wasm('test/net/echo.wasm'), {}, { blocking: 'jspi' });
    await sleep(50);
    const peer = listener.connect().retain();
    peer.nonblocking = true;
    const message = enc('hello over a channel socket '.repeat(500));
    let sent = 0;
    const received: Uint8Array[] = [];
    let got = 0;
    while (got < message.length) {
      if (sent < message.length && peer.writeReady()) sent += peer.write(message.subarray(sent));
      if (sent === message.length) peer.shutdownWrite();
      const buf = new Uint8Array(8192);
      try {
        const n = peer.read(buf);
        if (n === 0) break;
        received.push(buf.subarray(0, n));
        got += n;
      } catch {
        await Promise.race([peer.whenReady('read'), sleep(5)]);
      }
    }
    peer.release();
    const r = await run;
    const all = new Uint8Array(got);
    let at = 0;
    for (const b of received) {
      all.set(b, at);
      at += b.length;
    }
    return { exitCode: r.exitCode, same: dec(all) === dec(message), bytes: got, stderr: dec(r.stderr) };
  },
  async 'round-trip'() {
    // Each read of a 1-byte AsyncSource chunk suspends the guest once; compare with a sync source.
    const n = 20000;
    const byte = enc('x');
    let left = n;
    const asyncSource = new AsyncSource(() => Promise.resolve(left-- > 0 ? byte : null));
    const a = new Wasi({ stdin: asyncSource, stdout: null });
    const t0 = performance.now();
    await a.runAsync(wasm('test/io/cat.wasm'), {}, { blocking: 'jspi' });
    const jspiMs = performance.now() - t0;
    let left2 = n;
    const b = new Wasi({ stdin: new CallbackSource(() => (left2-- > 0 ? byte : null)), stdout: null });
    const t1 = performance.now();
    await b.run(wasm('test/io/cat.wasm'));
    const syncMs = performance.now() - t1;
    // No suspension at all (every read ready at once), through the Suspending imports.
    let left3 = n;
    const c = new Wasi({ stdin: new CallbackSource(() => (left3-- > 0 ? byte : null)), stdout: null });
    const t2 = performance.now();
    await c.runAsync(wasm('test/io/cat.wasm'), {}, { blocking: 'jspi' });
    const jspiReadyMs = performance.now() - t2;
    return { n, suspendUs: (jspiMs * 1000) / n, syncUs: (syncMs * 1000) / n, jspiNoSuspendUs: (jspiReadyMs * 1000) / n };
  },
  async 'tcp-echo'() {
    // A real TCP listener on 127.0.0.1 and the C echo server run in THIS thread with JSPI:
    // the guest is suspended in accept/recv while the event loop does the network I/O.
    const listener = await TcpListener.listen('127.0.0.1', 0);
    const run = runGuest({ module: repoPath('test/net/echo.wasm'), args: ['echo', '1'], fds: { 3: listener }, stdout: null, stderr: 'capture', blocking: 'auto' });
    const message = Buffer.alloc((Number(process.env['JSPI_ECHO_MIB']) || 1) << 20, 'abcdefgh');
    const t0 = performance.now();
    const echoed = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const c = connect(listener.address().port, '127.0.0.1', () => c.end(message));
      c.on('data', (d: Buffer) => chunks.push(d));
      c.on('end', () => resolve(Buffer.concat(chunks)));
      c.on('error', reject);
    });
    const ms = performance.now() - t0;
    const r = await run;
    await listener.close();
    return { exitCode: r.exitCode, strategy: r.strategy, same: echoed.equals(message), mibPerS: message.length / 1048576 / (ms / 1000), stderr: dec(r.stderr) };
  },
  async auto() {
    const wasi = new Wasi({ stdin: new AsyncSource(async () => null), stdout: 'capture' });
    const r = await wasi.runAsync(wasm('test/io/cat.wasm'));
    return { jspi: jspiSupported(), exitCode: r.exitCode };
  },
};

const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (scenario === undefined) {
  console.error(`unknown scenario "${name}"; one of: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await scenario()) + '\n');
