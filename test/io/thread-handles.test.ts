// Open files and directories handed to guests in other threads (describeHandle/adoptHandle, and
// runInWorker's fds and preopens): host ones opened again by the worker, others served by this
// thread. Real workers, real host files, the conformance guests as the judge of semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { BytesSource, ChannelSocket, ConfigError, MemoryBackend, Namespace, OverlayBackend, Trap, type DirDescription, type FileDescription } from '../../src/index.js';
import { HostBackend, adoptHandle, describeHandle, runInWorker } from '../../src/node/index.js';
import { guestModule, loadManifest } from '../guests/manifest.js';
import { repoPath } from '../paths.js';

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
/** Host descriptors of this process (any thread's) open on something below `root`. */
function openBelow(root: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(root)) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}
const fdtool = repoPath('test/io/fdtool.wasm');

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'warden-threads-'));
}

/** Runs `f` with a namespace holding a fresh host directory at /h and a memory backend at /m; cleans up after. */
async function withNamespace(f: (ns: Namespace, root: string) => Promise<void>): Promise<void> {
  const root = tempDir();
  const backend = new HostBackend(root);
  try {
    const ns = new Namespace();
    ns.mount('/h', backend);
    ns.mount('/m', new MemoryBackend());
    await f(ns, root);
  } finally {
    backend.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Runs `f` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

// Each flavour gives a fresh, empty, writable directory of this thread as the guest's /sandbox.
// `skip`: guests that fail over this backend in any thread, with the reason.
const flavours: { name: string; skip?: Record<string, string>; make: () => { dir: DirDescription; done: () => void } }[] = [
  {
    name: 'in memory (served by this thread)',
    make: () => {
      const ns = new Namespace();
      ns.mkdirp('/sandbox');
      return { dir: ns.openDir('/sandbox'), done: () => {} };
    },
  },
  {
    name: 'a host directory (opened again by the worker)',
    // Node's futimes takes seconds as doubles: setting one time rewrites the other rounded to ~0.25 µs (docs/architecture.md).
    skip: { filestat_times: 'host times are exact to about 0.25 µs' },
    make: () => {
      const root = tempDir();
      const backend = new HostBackend(root);
      const ns = new Namespace();
      ns.mount('/h', backend);
      ns.mkdirp('/h/sandbox');
      return { dir: ns.openDir('/h/sandbox'), done: () => (backend.close(), rmSync(root, { recursive: true, force: true })) };
    },
  },
  {
    name: 'an overlay over a host directory (served by this thread)',
    make: () => {
      const root = tempDir();
      mkdirSync(join(root, 'sandbox'));
      const backend = new HostBackend(root);
      const ns = new Namespace();
      ns.mount('/o', new OverlayBackend(backend));
      return { dir: ns.openDir('/o/sandbox'), done: () => (backend.close(), rmSync(root, { recursive: true, force: true })) };
    },
  },
];

for (const flavour of flavours) {
  test(`the conformance guests pass in a worker whose /sandbox is ${flavour.name}`, async () => {
    const failures: string[] = [];
    await pool(loadManifest().filter((c) => flavour.skip?.[c.name] === undefined), 4, async (c) => {
      const { dir, done } = flavour.make();
      try {
        const run = runInWorker({
          module: guestModule(c),
          args: [`${c.name}.wasm`, ...(c.args ?? [])],
          env: c.env ?? {},
          preopens: { '/sandbox': dir },
          stdin: c.stdin ?? '',
          stdout: 'capture',
          stderr: 'capture',
        });
        if (c.trap === true) {
          await assert.rejects(run, Trap);
          return;
        }
        const r = await run;
        const out = dec(r.stdout);
        const ok = r.exitCode === (c.exitCode ?? 0) && (typeof c.stdout === 'string' ? out === c.stdout : out.endsWith(`ok ${c.name}\n`));
        if (!ok) failures.push(`${c.name}: exit ${r.exitCode}\n${out}${dec(r.stderr)}`);
      } finally {
        assert.equal(dir.disposed, true, `${c.name}: the directory given (and not retained) is closed once the guest is over`);
        done();
      }
    });
    assert.deepEqual(failures, []);
  });
}

test('a host directory handed over stays a sandbox: the escape guest reaches nothing beside it', async () => {
  const root = tempDir();
  try {
    writeFileSync(join(root, 'canary.txt'), 'do not touch\n');
    mkdirSync(join(root, 'box'));
    const before = statSync(join(root, 'canary.txt'));
    const backend = new HostBackend(root);
    const ns = new Namespace();
    ns.mount('/h', backend);
    const c = loadManifest().find((g) => g.name === 'escape')!;
    const r = await runInWorker({ module: guestModule(c), args: ['escape.wasm'], preopens: { '/sandbox': ns.openDir('/h/box') }, stdin: '', stdout: 'capture', stderr: 'capture' });
    assert.equal(r.exitCode, 0, dec(r.stdout) + dec(r.stderr));
    assert.deepEqual(readdirSync(root).sort(), ['box', 'canary.txt']);
    assert.equal(readFileSync(join(root, 'canary.txt'), 'utf8'), 'do not touch\n');
    assert.equal(statSync(join(root, 'canary.txt')).mtimeMs, before.mtimeMs);
    backend.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('one open file, three threads: the position moves for all of them (host file and in-memory file)', async () => {
  await withNamespace(async (ns, root) => {
      for (const path of ['/h/digits.txt', '/m/digits.txt']) {
        ns.writeFile(path, '0123456789abcdef');
        const file = ns.openFile(path).retain();
        // read-once.wasm: one read of up to 5 bytes from fd 3, to stdout.
        const first = await runInWorker({ module: repoPath('test/io/read-once.wasm'), fds: { 3: file }, stdin: null, stdout: 'capture', stderr: null });
        assert.equal(dec(first.stdout), '01234', path);
        assert.equal(file.position, 5n, `${path}: the worker's read moved this thread's position`);
        const buf = new Uint8Array(3);
        assert.equal(file.read(buf), 3);
        assert.equal(dec(buf), '567');
        const second = await runInWorker({ module: repoPath('test/io/read-once.wasm'), fds: { 3: file }, stdin: null, stdout: 'capture', stderr: null });
        assert.equal(dec(second.stdout), '89abc', `${path}: the next worker went on from where this thread stopped`);
        assert.equal(file.disposed, false, 'retained by the host: still open here');
        file.release();
      }
  });
});

test('appending through one description from two workers and this thread at once loses no line (host and in-memory)', async () => {
  await withNamespace(async (ns, root) => {
      for (const path of ['/h/log.txt', '/m/log.txt']) {
        const log = ns.openFile(path, { read: false, write: true, create: true, append: true }).retain();
        const lines = 400;
        const runs = ['A', 'B'].map((tag) => runInWorker({ module: fdtool, args: ['fdtool', 'write', String(lines), tag], fds: { 3: log }, stdin: null, stdout: null, stderr: 'capture' }));
        // Meanwhile this thread writes too, through the same description.
        for (let i = 0; i < 50; i++) {
          log.write(new TextEncoder().encode(`main ${i}\n`));
          await new Promise((resolve) => setImmediate(resolve));
        }
        for (const r of await Promise.all(runs)) assert.equal(r.exitCode, 0, dec(r.stderr));
        const text = dec(ns.readFile(path));
        const got = text.split('\n').filter((l) => l !== '');
        assert.equal(got.length, 2 * lines + 50, `${path}: every line is there`);
        for (const tag of ['A', 'B']) {
          const mine = got.filter((l) => l.startsWith(`${tag} `));
          assert.deepEqual(mine, Array.from({ length: lines }, (_, i) => `${tag} ${i}`), `${path}: ${tag}'s lines, whole and in order`);
        }
        assert.equal(log.position, BigInt(text.length), `${path}: the shared position is the end of the file`);
        log.release();
      }
  });
});

test('a file moved to a worker (not retained here) is closed here once the worker has it; no host descriptor stays open', async () => {
  await withNamespace(async (ns, root) => {
      writeFileSync(join(root, 'data.txt'), 'moved file contents\n');
      const file = ns.openFile('/h/data.txt');
      assert.equal(openBelow(root), 2, 'the backend\'s root and the file');
      const r = await runInWorker({ module: fdtool, args: ['fdtool', 'copy'], fds: { 3: file }, stdin: null, stdout: 'capture', stderr: 'capture' });
      assert.equal(r.exitCode, 0, dec(r.stderr));
      assert.equal(dec(r.stdout), 'moved file contents\n');
      assert.equal(file.disposed, true);
      assert.equal(openBelow(root), 1, 'the worker closed its descriptor and this thread its own: only the backend\'s root is left');
  });
});

test('a worker terminated while it holds handed files and directories: this thread lets go of what it served, no descriptor leaks', async () => {
  await withNamespace(async (ns, root) => {
      writeFileSync(join(root, 'f.txt'), 'x');
      ns.writeFile('/m/f.txt', 'y');
      const memDir = ns.openDir('/m').retain();
      const memFile = ns.openFile('/m/f.txt').retain();
      const hostFile = ns.openFile('/h/f.txt').retain();
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stop')), 200);
      // sleep.wasm sleeps 2 s in poll_oneoff, holding fds 3 to 5.
      await assert.rejects(runInWorker({ module: repoPath('test/io/sleep.wasm'), fds: { 3: memFile, 4: hostFile }, preopens: { '/m': memDir, '/h': ns.openDir('/h') }, stdin: null, stdout: null, stderr: null, signal: ac.signal }), /stop/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(memDir.refCount, 1, 'only the host holds the served directory again');
      assert.equal(memFile.refCount, 1, 'only the host holds the served file again');
      for (const h of [memDir, memFile, hostFile]) h.release();
      assert.equal(openBelow(root), 1, "the dead worker's descriptors were closed: only the backend's root is left");
  });
});

test('describeHandle/adoptHandle with a worker of the caller: served and host directories, cross-device renames, one adoption per thread', async () => {
  await withNamespace(async (ns, root) => {
      ns.writeFile('/m/a/one.txt', '1');
      ns.writeFile('/m/b/two.txt', '2');
      ns.writeFile('/h/three.txt', '3');
      const handles = [ns.openDir('/m/a'), ns.openDir('/m/b'), ns.openDir('/h')];
      const described = handles.map((h) => describeHandle(h));
      const worker = new Worker(new URL('./thread-handles-worker.js', import.meta.url), {
        workerData: described.map((d) => d.descriptor),
        transferList: described.flatMap((d) => d.transfer),
      });
      const report = await new Promise<Record<string, string>>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await new Promise((resolve) => worker.once('exit', resolve));
      assert.deepEqual(report, {
        renameWithin: 'ok',
        renameAcross: 'cross-device',
        renameToHost: 'cross-device',
        listA: '.,..,uno.txt',
        readHost: '3',
        escape: 'not-permitted',
      });
      assert.equal(dec(ns.readFile('/m/a/uno.txt')), '1');
      assert.equal(existsSync(join(root, 'three.txt')), true);
      for (const h of handles) assert.equal(h.disposed, true, 'the worker closed what it adopted; this thread let go of its own');

      // A served handle cannot be adopted by the thread that serves it: its calls would wait on themselves.
      const self = describeHandle(ns.openDir('/m'));
      assert.throws(() => adoptHandle(self.descriptor), ConfigError);
      for (const p of self.transfer) p.close();
  });
});

test('what cannot cross is refused with a ConfigError naming it', () => {
  const ns = new Namespace();
  ns.writeFile('/f', 'x');
  const f: FileDescription = ns.openFile('/f');
  f.retain().release();
  assert.throws(() => describeHandle(f), ConfigError, 'a closed file');
  // A stream that lives in this thread's heap (bytes, callbacks) has no way across.
  assert.throws(() => describeHandle(new BytesSource(new Uint8Array(1)) as never), (e: unknown) => e instanceof ConfigError && /bytes-source|cannot be handed/.test(e.message));
});

test('an accepted TCP connection handed to a guest in a worker: the guest reads from it, and closing it ends the connection', async () => {
  const { connect } = await import('node:net');
  const { TcpListener, PortListener } = await import('../../src/node/index.js');
  const listener = await TcpListener.listen('127.0.0.1', 0);
  const accepting = new PortListener(listener.share());
  const client = connect(listener.address().port, '127.0.0.1');
  const ended = new Promise<void>((resolve) => client.on('end', resolve).resume());
  client.write('hello from the client');
  await accepting.whenReady();
  const socket = accepting.accept();
  // read-once.wasm: one read of up to 5 bytes from fd 3, to stdout; then it closes fd 3.
  const r = await runInWorker({ module: repoPath('test/io/read-once.wasm'), fds: { 3: socket as ChannelSocket }, stdin: null, stdout: 'capture', stderr: null });
  assert.equal(dec(r.stdout), 'hello');
  socket.release(); // accept() gave this thread one reference
  await ended; // the connection's last holder closed it
  client.destroy();
  accepting.retain().release();
  await listener.close();
});
