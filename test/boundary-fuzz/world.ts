// Owns: the world a fuzz run calls into: a Wasi bound to a real WebAssembly.Memory, over a namespace
// that mixes every core backend (memory trees with hard links and hostile symlinks, a read-only
// mount, callback files, devices, an overlay), two pipe ends, a peer instance sharing one
// description, fake clocks.
// Must not: hide host bugs (every callback here is correct and fails only with FsError).
import {
  FsError,
  HandleBudget,
  MemoryBackend,
  Namespace,
  OverlayBackend,
  VirtualBackend,
  Wasi,
  callbackFile,
  createPipe,
  devices,
  type FileDescription,
  type MemoryNode,
} from '../../src/index.js';
import { ALL_RIGHTS, DIR_RIGHTS } from '../../src/p1/layout.js';
import { Rng } from '../prng.js';

const PAGE = 65536;

/** How a world is shaped; every field derives from the seed unless given. */
export interface WorldShape {
  /** Initial pages of the memory (1–4). */
  pages: number;
  /** Maximum pages: the memory may grow up to this between calls. */
  maxPages: number;
  /** A shared memory (SharedArrayBuffer: never detached on grow). */
  shared: boolean;
  /** Grow the memory now and then between calls. */
  grow: boolean;
  /** The fuzzed instance's fd capacity (EMFILE beyond). */
  maxOpenFiles: number;
  /**
   * Slots of the handle budget shared with the peer beyond `maxOpenFiles` (the peer holds 4):
   * below 4, the budget runs out (ENFILE) before the table is full (EMFILE).
   */
  budgetSlack: number;
}

/** Picks a world shape from a seed. */
export function shapeFor(seed: number): WorldShape {
  const r = new Rng(seed ^ 0x5eed5eed);
  const pages = r.range(1, 4);
  const grow = r.chance(0.5);
  return {
    pages,
    maxPages: grow ? pages + r.range(4, 12) : pages,
    shared: r.chance(0.25),
    grow,
    maxOpenFiles: r.pick([12, 24, 64]),
    budgetSlack: r.pick([0, 16, 16]),
  };
}

/** A fake time source: every reading moves it on by a microsecond; `sleep` jumps it. */
class FakeTime {
  #t: bigint;
  constructor(start: bigint) {
    this.#t = start;
  }
  now(): bigint {
    this.#t += 1000n;
    return this.#t;
  }
  advance(ns: bigint): void {
    this.#t += ns;
  }
}

/** The preopens, guest path -> namespace path: fds 3, 4, 5. */
const PREOPENS: readonly [string, string][] = [['/work', '/work'], ['/other', '/other'], ['/ovl', '/work/ovl']];

/** Every MemoryBackend of the world, by role (for the tree checks). */
export interface WorldBackends {
  /** The namespace root: /work lives here, with the mount points. */
  root: MemoryBackend;
  /** Mounted at /other (second preopen): small limits, for EFBIG/ENOSPC. */
  other: MemoryBackend;
  /** The tree behind the read-only mount /work/ro. */
  readOnlyInner: MemoryBackend;
  /** The overlay's lower layer. */
  lower: MemoryBackend;
  /** The overlay's upper layer. */
  upper: MemoryBackend;
}

export interface World {
  readonly seed: number;
  readonly shape: WorldShape;
  readonly wasi: Wasi;
  /** A second instance holding the shared description (so refcounts span two tables). */
  readonly peer: Wasi;
  readonly shared: FileDescription;
  readonly budget: HandleBudget;
  readonly memory: WebAssembly.Memory;
  readonly namespace: Namespace;
  readonly backends: WorldBackends;
  readonly overlay: OverlayBackend;
  readonly call: Record<string, (...a: (number | bigint)[]) => number>;
  readonly args: readonly string[];
  readonly env: readonly string[];
  /** Grows the memory by one page if it may; returns true if it did. */
  grow(): boolean;
  /**
   * The host puts preopen `which` (0 /work, 1 /other, 2 /ovl) back at the lowest free fd ≥ 3, as an
   * embedder may do while a guest runs; returns the fd, or undefined if the table is full.
   */
  reopen(which: number): number | undefined;
  /** The memory's bytes now (re-taken: the buffer changes on grow). */
  u8(): Uint8Array;
}

/** The maximum bytes of every memory backend of a world (bounds the fuzzer's own memory use). */
export const WORLD_MAX_BYTES = 4 * 1024 * 1024;

/** A file served by callbacks over a bounded in-memory buffer: read, write, size, truncate. */
function bufferFile(initial: string, limit: number, shortWrites = false) {
  let data = new TextEncoder().encode(initial);
  const ensure = (end: number) => {
    if (end > data.length) {
      const next = new Uint8Array(end);
      next.set(data);
      data = next;
    }
  };
  return callbackFile({
    read: (offset, n) => (offset >= BigInt(data.length) ? new Uint8Array(0) : data.slice(Number(offset), Number(offset) + n)),
    write: (chunk, offset) => {
      const take = shortWrites && chunk.length > 1 ? chunk.length >> 1 : chunk.length;
      if (offset + BigInt(take) > BigInt(limit)) throw new FsError('file-too-large', 'callback file limit');
      const at = Number(offset);
      ensure(at + take);
      data.set(chunk.subarray(0, take), at);
      return take;
    },
    size: () => BigInt(data.length),
    truncate: (size) => {
      if (size > BigInt(limit)) throw new FsError('file-too-large', 'callback file limit');
      const n = Number(size);
      if (n < data.length) data = data.slice(0, n);
      else ensure(n);
    },
  });
}

const READ_ONLY_TEXT = new TextEncoder().encode('read only');

function file(b: MemoryBackend, dir: MemoryNode, name: string, bytes: Uint8Array | string): MemoryNode {
  const node = b.createFile(dir, name);
  const io = b.open(node, { read: false, write: true });
  try {
    io.write(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes, 0n);
  } finally {
    io.close();
  }
  return node;
}

function pattern(n: number, salt: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + salt) & 0xff;
  return out;
}

/** Fills a MemoryBackend directory with a small tree: files, dirs, hard links, hostile symlinks. */
function populate(b: MemoryBackend, at: MemoryNode, flavour: string): void {
  file(b, at, 'hello.txt', `hello ${flavour}\n`);
  file(b, at, 'empty', '');
  file(b, at, 'big.bin', pattern(5000, flavour.length));
  const h = file(b, at, 'hard1', 'linked bytes');
  b.link(at, 'hard2', h);
  const dir = b.mkdir(at, 'dir');
  const sub = b.mkdir(dir, 'sub');
  file(b, sub, 'deep.txt', 'deep');
  file(b, dir, 'file-in-dir', 'x'.repeat(100));
  b.symlink(dir, 'back', '../hello.txt');
  b.symlink(dir, 'up2', '../../..');
  b.mkdir(at, 'emptydir');
  b.symlink(at, 'link-file', 'hello.txt');
  b.symlink(at, 'link-dir', 'dir');
  b.symlink(at, 'link-up', '..');
  b.symlink(at, 'link-abs', '/etc/passwd');
  b.symlink(at, 'dangling', 'nowhere/at/all');
  b.symlink(at, 'loop1', 'loop2');
  b.symlink(at, 'loop2', 'loop1');
  b.symlink(at, 'self', 'self/x');
  b.symlink(at, 'chain', 'link-dir/sub/');
  b.symlink(at, 'slash', 'hello.txt/');
  file(b, at, 'é-ünïcode.txt', 'ünï');
  // Read into an iovec array, these bytes are iovecs of 16 bytes at 256, 512, ...: an array that
  // a read overwrites then points somewhere in memory.
  const iov = new Uint8Array(64);
  const v = new DataView(iov.buffer);
  for (let i = 0; i < 8; i++) {
    v.setUint32(i * 8, 256 * (i + 1), true);
    v.setUint32(i * 8 + 4, 16, true);
  }
  file(b, at, 'iov.bin', iov);
}

/** Builds the world of `seed` (its shape from {@link shapeFor} unless given). */
export function buildWorld(seed: number, shape: WorldShape = shapeFor(seed)): World {
  const realtime = new FakeTime(1_700_000_000_000_000_000n);
  const monotonic = new FakeTime(1_000_000_000n);
  const fsTime = new FakeTime(1_600_000_000_000_000_000n);
  const now = () => fsTime.now();
  const random = new Rng(seed ^ 0x0dd5eed);

  const root = new MemoryBackend({ maxBytes: WORLD_MAX_BYTES, now });
  const ns = new Namespace({ root });
  const rootDir = root.root();
  const work = root.mkdir(rootDir, 'work');
  populate(root, work, 'work');

  const readOnlyInner = new MemoryBackend({ maxBytes: WORLD_MAX_BYTES, now });
  populate(readOnlyInner, readOnlyInner.root(), 'ro');
  ns.mount('/work/ro', readOnlyInner, { readOnly: true });

  ns.mount('/work/virt', new VirtualBackend({
    data: bufferFile('callback data\n', 64 * 1024),
    short: bufferFile('short writes\n', 64 * 1024, true),
    'ro.txt': callbackFile({ read: (o, n) => (o >= 9n ? new Uint8Array(0) : READ_ONLY_TEXT.slice(Number(o), Number(o) + n)), size: () => 9n }),
    wo: callbackFile({ write: (d) => d.length }),
    stream: callbackFile({ streaming: true, read: (_o, n) => pattern(Math.min(n, 100), 7) }),
    broken: callbackFile({ read: () => { throw new FsError('io', 'deliberate'); }, write: () => { throw new FsError('io', 'deliberate'); }, size: () => 4n }),
    nested: { deeper: { leaf: bufferFile('leaf', 4096) } },
  }));
  ns.mount('/work/dev', devices());

  const lower = new MemoryBackend({ maxBytes: WORLD_MAX_BYTES, now });
  populate(lower, lower.root(), 'lower');
  const lsub = lower.lookup(lower.root(), 'dir')!;
  const ldeep = lower.mkdir(lsub, 'lowerdir');
  file(lower, ldeep, 'l.txt', 'lower only');
  const upper = new MemoryBackend({ maxBytes: WORLD_MAX_BYTES, now });
  const overlay = new OverlayBackend(lower, { upper });
  ns.mount('/work/ovl', overlay);

  const other = new MemoryBackend({ maxBytes: 256 * 1024, maxFileSize: 64 * 1024, now });
  ns.mount('/other', other);
  populate(other, other.root(), 'other');

  const shared = ns.openFile('/work/hello.txt', { read: true, write: true });
  // Pipes that can never block a single-threaded guest: a reader whose writer wrote and hung up
  // (data, then end of stream), and a writer whose reader is gone (EPIPE).
  const drained = createPipe(256);
  drained.writer.write(pattern(100, 3));
  drained.writer.end();
  const broken = createPipe(256);
  broken.reader.retain().release();
  // The world starts with 9 fds in the fuzzed table and 4 in the peer's.
  const budget = new HandleBudget(Math.max(16, shape.maxOpenFiles + shape.budgetSlack));
  const args = ['fuzz', 'ärg', ''];
  const env = ['A=1', 'EMPTY=', 'UNI=ü€'];
  const clocks = {
    realtime: () => realtime.now(),
    monotonic: () => monotonic.now(),
    processCputime: () => monotonic.now(),
    threadCputime: () => monotonic.now(),
    resolutionNs: 1000n,
    sleep: (ns: bigint) => monotonic.advance(ns),
  };
  const wasi = new Wasi({
    args,
    env,
    namespace: ns,
    preopens: Object.fromEntries(PREOPENS),
    stdin: 'standard input bytes\n',
    stdout: () => undefined, // a callback sink (a capture sink would keep every byte of a long run)
    stderr: null,
    fds: { 9: shared, 10: drained.reader, 11: broken.writer },
    maxOpenFiles: shape.maxOpenFiles,
    sharedBudget: budget,
    clocks,
    random: (into) => random.fill(into),
  });
  const peer = new Wasi({ namespace: ns, fds: { 5: shared }, sharedBudget: budget, clocks });

  const memory = new WebAssembly.Memory(shape.shared
    ? { initial: shape.pages, maximum: shape.maxPages, shared: true }
    : { initial: shape.pages, maximum: shape.maxPages });
  wasi.initialize({ exports: { memory } } as unknown as WebAssembly.Instance);

  return {
    seed,
    shape,
    wasi,
    peer,
    shared,
    budget,
    memory,
    namespace: ns,
    backends: { root, other, readOnlyInner, lower, upper },
    overlay,
    call: wasi.wasiImport as unknown as Record<string, (...a: (number | bigint)[]) => number>,
    args,
    env,
    grow() {
      if (memory.buffer.byteLength / PAGE >= shape.maxPages) return false;
      memory.grow(1);
      return true;
    },
    u8: () => new Uint8Array(memory.buffer),
    reopen(which) {
      const [guest, path] = PREOPENS[which % PREOPENS.length]!;
      try {
        return wasi.fds.insert(ns.openDir(path), { base: DIR_RIGHTS, inheriting: ALL_RIGHTS, preopen: guest }, { min: 3 });
      } catch (e) {
        if (e instanceof FsError) return undefined;
        throw e;
      }
    },
  };
}
