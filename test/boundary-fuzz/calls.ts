// Owns: what the fuzzer calls: for each of the 46 wasi_snapshot_preview1 functions, a generator of
// arguments (well-formed, hostile, or a mix) together with the guest-memory writes that set them up,
// and the rule of which guest bytes each call may write (its declared out-params).
// Must not: look at Warden's internals to decide arguments (only the fd table's public view), or
// generate a value an engine could not pass (i32 as a signed JS number, i64 as a signed BigInt).
import { DirDescription, FileDescription, StreamHandle, type Table, type FdMeta } from '../../src/index.js';
import type { Rng } from '../prng.js';

/** An argument as the engine passes it: i32 as a number in [-2^31, 2^31), i64 as a BigInt in [-2^63, 2^63). */
export type Arg = number | bigint;

/** Bytes the fuzzer puts into guest memory before a call. Always inside memory. */
export interface Write {
  ptr: number;
  bytes: Uint8Array;
  what: string;
}

/** One planned call. */
export interface Planned {
  name: string;
  args: Arg[];
  writes: Write[];
  /** The per-argument probability of a hostile value used for this call. */
  hostility: number;
}

/** A half-open byte range of guest memory, [start, end). */
export interface Range {
  start: number;
  end: number;
  what: string;
}

/** What the generator knows of one fd (from the table's public API). */
export interface FdInfo {
  fd: number;
  kind: 'dir' | 'file' | 'stream' | 'other';
  base: number;
  inheriting: number;
  preopen: boolean;
  /** The guest path of a preopen. */
  preopenName: string | undefined;
}

/** The world as the generator sees it. */
export interface GenWorld {
  memSize: number;
  fds: FdInfo[];
  maxOpenFiles: number;
  args: readonly Uint8Array[];
  env: readonly Uint8Array[];
}

const enc = new TextEncoder();
const i32 = (v: number): number => v | 0;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);

/** Names that exist at the top of /work, /other and the overlay, or that calls create. */
const TOP = [
  'hello.txt', 'empty', 'big.bin', 'hard1', 'hard2', 'dir', 'emptydir', 'link-file', 'link-dir', 'link-up', 'link-abs',
  'dangling', 'loop1', 'loop2', 'self', 'chain', 'slash', 'é-ünïcode.txt', 'iov.bin', 'ro', 'virt', 'dev', 'ovl',
  'new', 'n1', 'n2', 'd1', 'd2', 's1', 'h1',
] as const;
/** Names found below the top level. */
const INNER = [
  'sub', 'deep.txt', 'file-in-dir', 'back', 'up2', 'lowerdir', 'l.txt', 'data', 'short', 'ro.txt', 'wo', 'stream', 'broken',
  'nested', 'deeper', 'leaf', 'null', 'zero', 'urandom', 'random', 'x', 'new', 'd1', 'hello.txt', 'dir', '.', '..',
] as const;

/** Paths that exist below /work, /other or the overlay root (or that calls create and remove). */
const KNOWN_PATHS = [
  'hello.txt', 'empty', 'big.bin', 'hard1', 'hard2', 'iov.bin', 'dir', 'dir/sub', 'dir/sub/deep.txt', 'dir/file-in-dir', 'dir/back',
  'dir/lowerdir', 'dir/lowerdir/l.txt', 'emptydir', 'link-file', 'link-dir', 'link-dir/sub', 'link-dir/file-in-dir', 'chain', 'slash',
  'é-ünïcode.txt', 'ro', 'ro/hello.txt', 'ro/dir/sub/deep.txt', 'ro/link-file', 'virt', 'virt/data', 'virt/short', 'virt/ro.txt', 'virt/wo',
  'virt/stream', 'virt/broken', 'virt/nested', 'virt/nested/deeper/leaf', 'dev', 'dev/null', 'dev/zero', 'dev/urandom', 'dev/random', 'ovl',
  'ovl/hello.txt', 'ovl/big.bin', 'ovl/hard1', 'ovl/dir', 'ovl/dir/sub/deep.txt', 'ovl/dir/lowerdir', 'ovl/dir/lowerdir/l.txt', 'ovl/emptydir',
  'ovl/link-dir/sub', 'new', 'n1', 'n2', 'd1', 'd2', 'd1/n1', 'd1/d2', 'd2/n2', 's1', 'h1', 'dir/new', 'dir/sub/n1', 'emptydir/n1',
  'ovl/new', 'ovl/d1', 'ovl/dir/n1', 'ovl/dir/lowerdir/n2', 'ovl/emptydir/d1', 'dir/lowerdir/new',
] as const;

const OVERLAY_PATHS = KNOWN_PATHS.filter((p) => p.startsWith('ovl/')).map((p) => p.slice(4));
const PLAIN_PATHS = KNOWN_PATHS.filter((p) => !/^(ovl|ro|virt|dev)(\/|$)|lowerdir/.test(p));

/** Known paths relative to a directory fd: by the preopen it is (any of them for other dirs). */
function knownPaths(preopen: string | undefined): readonly string[] {
  if (preopen === '/ovl') return [...OVERLAY_PATHS, ...PLAIN_PATHS];
  if (preopen === '/other') return PLAIN_PATHS;
  return KNOWN_PATHS;
}

/** Invalid UTF-8 sequences (and one overlong NUL). */
const BAD_UTF8: readonly number[][] = [[0xff], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3]];

/** The current fds, with kinds and rights. */
export function fdInfos(table: Table<FdMeta>): FdInfo[] {
  const out: FdInfo[] = [];
  for (const [fd, slot] of table.entries()) {
    const r = slot.resource;
    const kind = r instanceof DirDescription ? 'dir' : r instanceof FileDescription ? 'file' : r instanceof StreamHandle ? 'stream' : 'other';
    out.push({ fd, kind, base: slot.meta.base, inheriting: slot.meta.inheriting, preopen: slot.meta.preopen !== undefined, preopenName: slot.meta.preopen });
  }
  return out;
}

/** Builds the arguments of one call; `p` is the probability that any one argument is hostile. */
export class Gen {
  readonly writes: Write[] = [];
  readonly #allocs: [number, number][] = [];
  #bump: number;

  constructor(
    readonly rng: Rng,
    readonly world: GenWorld,
    readonly p: number,
  ) {
    this.#bump = (rng.int(Math.max(1, world.memSize >> 1)) & ~7) >>> 0;
  }

  get mem(): number {
    return this.world.memSize;
  }

  hostile(): boolean {
    return this.rng.chance(this.p);
  }

  /** A well-formed, in-bounds, aligned region of `size` bytes, not overlapping earlier ones of this call (when it fits). */
  alloc(size: number, align = 1): number {
    const up = (x: number) => Math.ceil(x / align) * align;
    let ptr = up(this.#bump);
    if (ptr + size > this.mem) ptr = 0;
    if (ptr + size > this.mem) ptr = Math.max(0, Math.floor((this.mem - size) / align) * align);
    this.#bump = ptr + size;
    this.#allocs.push([ptr, size]);
    return ptr;
  }

  /** Writes bytes into memory at `ptr` (clipped to memory) as part of the call's setup. */
  put(ptr: number, bytes: Uint8Array, what: string): void {
    const p = ptr >>> 0;
    if (p >= this.mem) return;
    const n = Math.min(bytes.length, this.mem - p);
    this.writes.push({ ptr: p, bytes: bytes.slice(0, n), what });
  }

  /** A hostile pointer for a `size`-byte object with alignment `align`. */
  hostilePtr(size: number, align: number): number {
    const r = this.rng;
    const m = this.mem;
    const prev = this.#allocs.length > 0 ? r.pick(this.#allocs)[0] : 0;
    const prevWrite = this.writes.length > 0 ? r.pick(this.writes).ptr : 0;
    const choices: number[] = [
      0, 1, align > 1 ? this.alloc(size + align, align) + 1 : 3, m - size, m - size + 1, m - 1, m, m + 1, m + 4096, m - 8,
      0x7fffffff, -0x80000000, -1, -size, -8, -4, 0xffff0000, 0xfffffff8, r.u32(), r.int(m), r.int(m) & ~(align - 1),
      prev, prev + 1, prevWrite, prevWrite + (align > 1 ? align : 1),
    ];
    return i32(r.pick(choices));
  }

  /** A pointer to an out-param of `size` bytes: a fresh aligned region, or (hostile) anything. */
  out(size: number, align: number): number {
    return this.hostile() ? this.hostilePtr(size, align) : this.alloc(size, align);
  }

  /** A hostile length or count (scaled by `unit`, the size of one element). */
  hostileLen(unit = 1, ptr = 0): number {
    const r = this.rng;
    const m = this.mem;
    const p = ptr >>> 0;
    const choices: number[] = [
      0, 1, 2, 7, 8, 24, 255, 256, 4096, 4097, m, m - p, m - p + 1, Math.floor((m - p) / unit), Math.floor((m - p) / unit) + 1,
      0x7fffffff, -1, -0x80000000, 0x10000000, 0x20000000, 0x0aaaaaab, 0x05555556, Math.floor(0x1_0000_0000 / unit), r.u32(), r.int(64),
    ];
    return i32(r.pick(choices));
  }

  /** An fd of the wanted kind (well-formed) or a hostile number. */
  fd(want: 'dir' | 'file' | 'io' | 'any', avoidPreopens = false): number {
    const r = this.rng;
    const fds = this.world.fds;
    if (this.hostile() || fds.length === 0) {
      const live = fds.length > 0 ? r.pick(fds).fd : 3;
      const used = new Set(fds.map((f) => f.fd));
      let closed = 0;
      while (used.has(closed)) closed++;
      return i32(r.pick([-1, -0x80000000, 0x7fffffff, this.world.maxOpenFiles, this.world.maxOpenFiles - 1, 1024, 1025, 65536, r.u32(), r.int(80), closed, live, live + 1, 0x100000000 - 3]));
    }
    const kind = want === 'io' ? (r.chance(0.85) ? 'file' : 'stream') : want;
    let ok = fds.filter((f) => (kind === 'any' ? true : f.kind === kind));
    if (avoidPreopens && r.chance(0.97)) ok = ok.filter((f) => !f.preopen && f.fd > 2);
    if (want === 'dir' && r.chance(0.7) && ok.some((f) => f.preopen)) ok = ok.filter((f) => f.preopen);
    if (ok.length === 0 || r.chance(0.05)) return r.pick(fds).fd;
    return r.pick(ok).fd;
  }

  /** The FdInfo of `fd`, if it is open. */
  info(fd: number): FdInfo | undefined {
    return this.world.fds.find((f) => f.fd === fd);
  }

  /** An i64 of the given flavour (well-formed) or a hostile one. */
  i64(kind: 'offset' | 'size' | 'cookie' | 'time' | 'any'): bigint {
    const r = this.rng;
    if (this.hostile()) {
      return r.pick([0n, 1n, -1n, I64_MAX, I64_MIN, I64_MAX - 1n, 1n << 32n, (1n << 32n) - 1n, 1n << 31n, (1n << 31n) - 1n, 1n << 62n, -(1n << 62n), r.i64(), BigInt(r.u32()), 2n ** 31n - 1n - BigInt(r.int(64)), -BigInt(r.int(100))]);
    }
    switch (kind) {
      case 'offset':
        return BigInt(r.pick([0, 0, 1, 5, 100, 4096, 5000, r.int(6000), 65530, 65536 - r.int(16), 4_190_000, 2 ** 31 - 10]));
      case 'size':
        return BigInt(r.pick([0, 1, 10, 100, 4096, r.int(70000)]));
      case 'cookie':
        return BigInt(r.pick([0, 0, 0, 1, 2, 3, r.int(12)]));
      case 'time':
        return r.pick([0n, 1n, 1_600_000_000_000_000_000n, BigInt(r.u32()) * 1000n]);
      case 'any':
        return BigInt(r.int(1000));
    }
  }

  /** A rights mask: a subset of `allowed` (well-formed) or anything. */
  rights(allowed: number): bigint {
    const r = this.rng;
    if (this.hostile()) return r.pick([-1n, 0n, (1n << 30n) - 1n, 1n << 30n, (1n << 63n) - 1n, I64_MIN, r.i64(), BigInt(r.u32()), BigInt(allowed) | (1n << BigInt(30 + r.int(34)))]);
    if (r.chance(0.3)) return BigInt(allowed);
    return BigInt(allowed & r.u32() & 0x3fffffff);
  }

  /** A flags value: one of `valid` (well-formed) or with unknown bits, negative, or above 16 bits. */
  flags(valid: readonly number[], bits: number): number {
    const r = this.rng;
    if (this.hostile()) return i32(r.pick([-1, 1 << bits, (1 << bits) | r.pick(valid), 0x10000 | r.pick(valid), 0xffff, r.u32(), -0x80000000, 0x7fffffff]));
    return r.pick(valid);
  }

  /** An enum value in [0, n) (well-formed) or out of range. */
  enumVal(n: number): number {
    const r = this.rng;
    if (this.hostile()) return i32(r.pick([n, n + 1, -1, 255, 256, 0x10000, 0x7fffffff, -0x80000000, r.u32()]));
    return r.int(n);
  }

  /** The bytes of a path (relative to `fd`): a known path, a walk through known names, or something hostile. */
  pathBytes(fd?: number): Uint8Array {
    const r = this.rng;
    if (!this.hostile() && r.chance(0.65)) {
      let s: string = r.pick(knownPaths(fd === undefined ? undefined : this.info(fd)?.preopenName));
      if (r.chance(0.04)) s += '/';
      if (r.chance(0.03)) s = `./${s}`;
      return enc.encode(s);
    }
    if (!this.hostile()) {
      const n = r.weighted([[50, 1], [25, 2], [15, 3], [10, 4]] as const);
      const parts: string[] = [r.chance(0.9) ? r.pick(TOP) : r.pick(INNER)];
      for (let i = 1; i < n; i++) parts.push(r.chance(0.8) ? r.pick(INNER) : r.pick(TOP));
      let s = parts.join('/');
      if (r.chance(0.05)) s += '/';
      if (r.chance(0.03)) s = `./${s}`;
      return enc.encode(s);
    }
    const valid = (): string => r.pick(TOP) + (r.chance(0.5) ? `/${r.pick(INNER)}` : '');
    const kind = r.int(16);
    switch (kind) {
      case 0:
        return r.bytes(r.int(41));
      case 1: {
        const s = enc.encode(valid());
        const bad = r.pick(BAD_UTF8);
        const at = r.int(s.length + 1);
        return new Uint8Array([...s.subarray(0, at), ...bad, ...s.subarray(at)]);
      }
      case 2: {
        const s = enc.encode(valid());
        const at = r.pick([0, s.length, r.int(s.length + 1)]);
        return new Uint8Array([...s.subarray(0, at), 0, ...s.subarray(at)]);
      }
      case 3:
        return new Uint8Array(0);
      case 4:
        return enc.encode(r.pick(['/', '//', '/work/hello.txt', '/etc/passwd', `/${valid()}`]));
      case 5:
        return enc.encode(r.pick(['..', '../..', '../../../etc', 'dir/../..', 'dir/../../work', 'link-up/hello.txt', 'dir/up2/x', 'chain/../../..', 'link-dir/../../x', '../work/hello.txt']));
      case 6:
        return enc.encode('a'.repeat(r.pick([255, 256, 1000])));
      case 7:
        return enc.encode(`${'ab/'.repeat(r.pick([1365, 1366, 1400]))}`.slice(0, r.pick([4095, 4096, 4097, 4200])));
      case 8:
        return enc.encode(r.pick(['é'.repeat(85), 'é'.repeat(128), '😀'.repeat(63), '😀'.repeat(64), 'e\u0301', 'ü/ü', '\u{10ffff}', '\ufeffhello.txt']));
      case 9:
        return enc.encode(r.pick(['.', './.', 'dir/.', 'dir/..', './/.', 'hello.txt/', 'hello.txt/.', 'dir//sub', 'link-dir/', 'link-file/', 'emptydir/..', 'dangling/', 'slash']));
      case 10:
        return enc.encode(r.pick(['loop1', 'loop1/x', 'self', 'self/x', 'loop2/', `${'link-dir/../'.repeat(45)}hello.txt`, `${'./'.repeat(2000)}hello.txt`]));
      case 11: {
        // > 64 bytes (the decoder path) with an invalid byte near the end.
        const s = enc.encode(`dir/${'long-name-'.repeat(8)}`);
        return new Uint8Array([...s, r.pick(BAD_UTF8)[0]!]);
      }
      case 12:
        return enc.encode(`${valid()}${r.pick(['\n', ' ', '\\', ':', '*', '\t'])}`);
      case 13: {
        const s = enc.encode(valid());
        s[r.int(s.length)] = r.int(256);
        return s;
      }
      case 14:
        return enc.encode(r.pick(['virt/data/x', 'dev/null/', 'dev/zero/..', 'ro/new', 'ovl/dir/lowerdir/l.txt', 'ovl/link-up', 'virt/nested/deeper/leaf/']));
      default:
        return enc.encode(valid());
    }
  }

  /** Writes a path into memory and returns (ptr, len), with hostile pointer/length variants. */
  path(fd?: number): [number, number] {
    const r = this.rng;
    const bytes = this.pathBytes(fd);
    if (this.hostile()) {
      switch (r.int(6)) {
        case 0: {
          // At the very end of memory: the path's last byte is the memory's last byte.
          const ptr = this.mem - bytes.length;
          if (ptr >= 0) {
            this.put(ptr, bytes, 'path at end of memory');
            return [i32(ptr), bytes.length + r.pick([0, 0, 1])];
          }
          break;
        }
        case 1: {
          const ptr = this.alloc(bytes.length);
          this.put(ptr, bytes, 'path');
          return [ptr, this.hostileLen(1, ptr)];
        }
        case 2:
          return [this.hostilePtr(bytes.length, 1), bytes.length];
        case 3: {
          // A length longer than what was written: whatever follows is part of the path.
          const ptr = this.alloc(bytes.length + 16);
          this.put(ptr, bytes, 'path');
          return [ptr, bytes.length + r.range(1, 16)];
        }
        case 4:
          return [i32(r.pick([0, 0, this.mem])), 0];
        default:
          break;
      }
    }
    const ptr = this.alloc(bytes.length);
    this.put(ptr, bytes, 'path');
    return [ptr, bytes.length];
  }

  /**
   * An iovec array: count 1–4 buffers (well-formed) or hostile arrays: out of bounds,
   * huge counts, buffers that overlap each other, the array itself or `near` (an out-param).
   */
  iovecs(near: number): [number, number] {
    const r = this.rng;
    const count = r.weighted([[40, 1], [30, 2], [15, 3], [10, 4], [5, 0]] as const);
    const arr = this.alloc(count * 8 + 8, 4);
    const entries: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const len = r.weighted([[50, r.int(64)], [30, r.int(512)], [15, r.int(5000)], [5, 0]] as const);
      entries.push([this.alloc(len), len]);
    }
    if (this.hostile()) {
      const i = r.int(Math.max(1, count));
      const mode = r.int(8);
      if (count > 0) {
        if (mode === 0) entries[i] = [this.hostilePtr(8, 1) >>> 0, this.hostileLen(1) >>> 0];
        if (mode === 1) entries[i] = [arr, count * 8 + r.int(16)]; // the buffer is the array itself
        if (mode === 2) entries[i] = [arr + 8 * ((i + 1) % count), 8]; // the buffer is the next entry
        if (mode === 3) entries[i] = [near >>> 0, r.pick([1, 4, 8])]; // the buffer is the out-param
        if (mode === 4) for (let k = 0; k < count; k++) entries[k] = entries[0]!; // all the same buffer
        if (mode === 5) entries[i] = [this.mem - r.int(4), r.pick([0, 1, 4, 8])];
      }
      if (mode === 6) {
        this.putIovecs(arr, entries);
        return [this.hostilePtr(count * 8, 4), count];
      }
      if (mode === 7) {
        this.putIovecs(arr, entries);
        return [arr, this.hostileLen(8, arr)];
      }
    }
    this.putIovecs(arr, entries);
    return [arr, count];
  }

  putIovecs(arr: number, entries: [number, number][]): void {
    // Something to write: fill some buffers with random bytes first (the array is written last, so
    // an entry whose buffer overlaps the array still holds what it says).
    for (const [buf, len] of entries) if (len > 0 && len <= 5000 && buf + len <= this.mem && this.rng.chance(0.5)) this.put(buf, this.rng.bytes(len), 'buffer');
    const b = new Uint8Array(entries.length * 8);
    const v = new DataView(b.buffer);
    entries.forEach(([buf, len], i) => {
      v.setUint32(i * 8, buf >>> 0, true);
      v.setUint32(i * 8 + 4, len >>> 0, true);
    });
    this.put(arr, b, `iovecs ${entries.map(([p, l]) => `(${p >>> 0},${l >>> 0})`).join(' ')}`);
  }

  /** Poll subscriptions: clocks and fd events (well-formed) with hostile tags, ids, flags, fds. */
  subscriptions(): [number, number] {
    const r = this.rng;
    const n = r.weighted([[60, 1], [30, 2], [10, 4]] as const);
    const ptr = this.alloc(n * 48, 8);
    const b = new Uint8Array(n * 48);
    const v = new DataView(b.buffer);
    for (let i = 0; i < n; i++) {
      const s = i * 48;
      v.setBigUint64(s, BigInt.asUintN(64, r.i64()), true);
      const tag = this.hostile() ? r.pick([3, 4, 255, r.int(256)]) : r.int(3);
      v.setUint8(s + 8, tag);
      if (tag === 0) {
        v.setUint32(s + 16, this.hostile() ? r.u32() : r.int(4), true);
        v.setBigUint64(s + 24, this.hostile() ? BigInt.asUintN(64, r.i64()) : BigInt(r.pick([0, 1, 1000, 1_000_000])), true);
        v.setBigUint64(s + 32, BigInt(r.int(1000)), true);
        v.setUint16(s + 40, this.hostile() ? r.int(0x10000) : r.int(2), true);
      } else {
        v.setUint32(s + 16, this.fd('any') >>> 0, true);
      }
    }
    this.put(ptr, b, `subscriptions x${n}`);
    return [ptr, n];
  }
}

const sizeOfList = (list: readonly Uint8Array[]): number => list.reduce((t, s) => t + s.length + 1, 0);

type Generator = (g: Gen) => Arg[];

/** Rights bits of files and directories (witx), for well-formed path_open. */
const FILE_RIGHTS = 0x08e001ff;
const ALL_RIGHTS = (1 << 30) - 1;

/** Calls `f` with a directory fd (or a hostile number). */
const withDir = (g: Gen, f: (fd: number) => Arg[]): Arg[] => f(g.fd('dir'));

/** One generator per syscall. */
export const GENERATORS: Readonly<Record<string, Generator>> = {
  args_get: (g) => [g.out(4 * g.world.args.length, 4), g.out(sizeOfList(g.world.args), 1)],
  args_sizes_get: (g) => [g.out(4, 4), g.out(4, 4)],
  environ_get: (g) => [g.out(4 * g.world.env.length, 4), g.out(sizeOfList(g.world.env), 1)],
  environ_sizes_get: (g) => [g.out(4, 4), g.out(4, 4)],
  clock_res_get: (g) => [g.enumVal(4), g.out(8, 8)],
  clock_time_get: (g) => [g.enumVal(4), g.i64('any'), g.out(8, 8)],
  fd_advise: (g) => [g.fd('file'), g.i64('offset'), g.i64('size'), g.enumVal(6)],
  fd_allocate: (g) => [g.fd('file'), g.i64('offset'), g.i64('size')],
  fd_close: (g) => [g.fd('any', true)],
  fd_datasync: (g) => [g.fd('any')],
  fd_fdstat_get: (g) => [g.fd('any'), g.out(24, 8)],
  fd_fdstat_set_flags: (g) => [g.fd('any'), g.flags([0, 1, 4, 5, 2, 8, 16], 5)],
  fd_fdstat_set_rights: (g) => {
    const fd = g.fd('any', true);
    const info = g.info(fd);
    return [fd, g.rights(info?.base ?? ALL_RIGHTS), g.rights(info?.inheriting ?? ALL_RIGHTS)];
  },
  fd_filestat_get: (g) => [g.fd('any'), g.out(64, 8)],
  fd_filestat_set_size: (g) => [g.fd('file'), g.i64('size')],
  fd_filestat_set_times: (g) => [g.fd('any'), g.i64('time'), g.i64('time'), g.flags([0, 1, 2, 4, 8, 5, 10, 6, 9], 4)],
  fd_pread: (g) => {
    const nread = g.out(4, 4);
    const [iovs, n] = g.iovecs(nread);
    return [g.fd('file'), iovs, n, g.i64('offset'), nread];
  },
  fd_prestat_get: (g) => [g.rng.chance(0.5) ? g.rng.pick([3, 4, 5]) : g.fd('any'), g.out(8, 4)],
  fd_prestat_dir_name: (g) => {
    const len = g.hostile() ? g.hostileLen() : g.rng.pick([0, 4, 5, 6, 16]);
    const fd = g.rng.chance(0.5) ? g.rng.pick([3, 4, 5]) : g.fd('any');
    return [fd, g.out(Math.max(0, len), 1), len];
  },
  fd_pwrite: (g) => {
    const nw = g.out(4, 4);
    const [iovs, n] = g.iovecs(nw);
    return [g.fd('file'), iovs, n, g.i64('offset'), nw];
  },
  fd_read: (g) => {
    const nread = g.out(4, 4);
    const [iovs, n] = g.iovecs(nread);
    return [g.fd('io'), iovs, n, nread];
  },
  fd_readdir: (g) => {
    const len = g.hostile() ? g.hostileLen() : g.rng.pick([0, 1, 23, 24, 25, 40, 128, 1024, 4096]);
    const buf = g.hostile() ? g.hostilePtr(Math.max(0, len), 1) : g.alloc(Math.max(0, Math.min(len, g.mem)), 8);
    return [g.fd('dir'), buf, len, g.i64('cookie'), g.out(4, 4)];
  },
  fd_renumber: (g) => [g.fd('any', true), g.fd('any', true)],
  fd_seek: (g) => [g.fd('file'), g.i64('offset') * (g.rng.chance(0.2) ? -1n : 1n), g.enumVal(3), g.out(8, 8)],
  fd_sync: (g) => [g.fd('any')],
  fd_tell: (g) => [g.fd('file'), g.out(8, 8)],
  fd_write: (g) => {
    const nw = g.out(4, 4);
    const [iovs, n] = g.iovecs(nw);
    return [g.fd('io'), iovs, n, nw];
  },
  path_create_directory: (g) => withDir(g, (fd) => [fd, ...g.path(fd)]),
  path_filestat_get: (g) => withDir(g, (fd) => [fd, g.flags([0, 1], 1), ...g.path(fd), g.out(64, 8)]),
  path_filestat_set_times: (g) => withDir(g, (fd) => [fd, g.flags([0, 1], 1), ...g.path(fd), g.i64('time'), g.i64('time'), g.flags([0, 1, 2, 4, 8, 5, 10], 4)]),
  path_link: (g) => withDir(g, (a) => withDir(g, (b) => [a, g.flags([0, 1], 1), ...g.path(a), b, ...g.path(b)])),
  path_open: (g) => {
    const fd = g.fd('dir');
    const info = g.info(fd);
    const inh = info?.inheriting ?? ALL_RIGHTS;
    const flags = g.flags([0, 1], 1);
    const [p, len] = g.path(fd);
    const oflags = g.flags([0, 0, 1, 2, 4, 5, 8, 9, 1 | 8, 1 | 4 | 8, 2 | 1], 4);
    const rb = g.rng.chance(0.2) ? g.rights(inh) : BigInt(inh & g.rng.pick([FILE_RIGHTS, 2, 64, 66, 2 | 4 | 32, 0x4000, ALL_RIGHTS]));
    return [fd, flags, p, len, oflags, rb, g.rights(inh), g.flags([0, 0, 0, 1, 4, 2, 8, 16], 5), g.out(4, 4)];
  },
  path_readlink: (g) => {
    const fd = g.fd('dir');
    const [p, len] = g.path(fd);
    const blen = g.hostile() ? g.hostileLen() : g.rng.pick([0, 1, 5, 64, 512]);
    const buf = g.hostile() ? g.hostilePtr(Math.max(0, blen), 1) : g.alloc(Math.max(0, Math.min(blen, g.mem)));
    return [fd, p, len, buf, blen, g.out(4, 4)];
  },
  path_remove_directory: (g) => withDir(g, (fd) => [fd, ...g.path(fd)]),
  path_rename: (g) => withDir(g, (a) => withDir(g, (b) => [a, ...g.path(a), b, ...g.path(b)])),
  path_symlink: (g) => {
    const [tp, tl] = g.path();
    return withDir(g, (fd) => [tp, tl, fd, ...g.path(fd)]);
  },
  path_unlink_file: (g) => withDir(g, (fd) => [fd, ...g.path(fd)]),
  poll_oneoff: (g) => {
    const [inp, n] = g.subscriptions();
    const nsubs = g.hostile() ? g.hostileLen(48) : g.rng.chance(0.1) ? 0 : n;
    const out = g.hostile() ? g.hostilePtr(32 * n, 8) : g.rng.chance(0.1) ? inp : g.alloc(32 * n, 8);
    return [g.hostile() ? g.hostilePtr(48 * n, 8) : inp, out, nsubs, g.out(4, 4)];
  },
  proc_exit: (g) => [g.rng.pick([0, 1, 42, 255, 256, -1, 0x7fffffff, -0x80000000])],
  proc_raise: (g) => [g.enumVal(31)],
  sched_yield: () => [],
  random_get: (g) => {
    if (g.hostile() && g.rng.chance(0.2)) return [0, 0];
    const len = g.hostile() ? g.hostileLen() : g.rng.pick([0, 1, 16, 256, 5000]);
    const buf = g.hostile() ? g.hostilePtr(Math.max(0, len), 1) : g.alloc(Math.max(0, Math.min(len, g.mem)));
    return [buf, len];
  },
  sock_accept: (g) => [g.fd('any'), g.flags([0, 4], 3), g.out(4, 4)],
  sock_recv: (g) => {
    const rolen = g.out(4, 4);
    const [iovs, n] = g.iovecs(rolen);
    return [g.fd('any'), iovs, n, g.flags([0, 1, 2], 2), rolen, g.out(2, 2)];
  },
  sock_send: (g) => {
    const solen = g.out(4, 4);
    const [iovs, n] = g.iovecs(solen);
    return [g.fd('any'), iovs, n, g.flags([0], 1), solen];
  },
  sock_shutdown: (g) => [g.fd('any'), g.flags([1, 2, 3], 2)],
};

/** How often each syscall is chosen (relative weights; deep paths more often). */
export const WEIGHTS: Readonly<Record<string, number>> = {
  path_open: 14, fd_read: 6, fd_write: 6, fd_pread: 4, fd_pwrite: 4, fd_close: 5, fd_renumber: 2, fd_readdir: 4, fd_seek: 3,
  path_create_directory: 3, path_filestat_get: 3, path_filestat_set_times: 2, path_link: 3, path_readlink: 2,
  path_remove_directory: 3, path_rename: 4, path_symlink: 3, path_unlink_file: 3, fd_filestat_set_size: 2, fd_allocate: 2,
  fd_filestat_get: 2, fd_fdstat_get: 2, fd_fdstat_set_flags: 2, fd_fdstat_set_rights: 2, fd_tell: 1, fd_filestat_set_times: 1,
  poll_oneoff: 2, random_get: 1, proc_exit: 0.2,
};

/** Every function of the import module, with its weight (default 1). */
export function weightedNames(names: readonly string[]): [number, string][] {
  return names.map((n) => [WEIGHTS[n] ?? 1, n]);
}

/** Plans one call of `name` with per-argument hostility `p`. */
export function plan(rng: Rng, world: GenWorld, name: string, p: number): Planned {
  const gen = GENERATORS[name];
  if (gen === undefined) throw new Error(`no generator for ${name}`);
  const g = new Gen(rng, world, p);
  const args = gen(g);
  return { name, args, writes: g.writes, hostility: p };
}

// ---------------------------------------------------------------------------------------------
// Declared out-params: the only guest bytes a call may write.

function iovecBuffers(mem: Uint8Array, iovs: Arg, count: Arg, what: string): Range[] {
  const base = Number(iovs) >>> 0;
  const n = Number(count) >>> 0;
  const view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  const out: Range[] = [];
  // Only if the whole array is in memory can a call use it (every pointer is checked first).
  if (base + n * 8 > mem.length) return out;
  for (let i = 0; i < n; i++) {
    const buf = view.getUint32(base + i * 8, true);
    const len = view.getUint32(base + i * 8 + 4, true);
    out.push({ start: buf, end: buf + len, what: `${what}[${i}]` });
  }
  return out;
}

const at = (ptr: Arg, len: number, what: string): Range => {
  const s = Number(ptr) >>> 0;
  return { start: s, end: s + len, what };
};

/**
 * The guest ranges call `name` with `args` may write, computed from the memory as it was
 * just before the call (`mem`, which iovec arrays are read from). The rule the fuzzer checks:
 * after a call returns (with any errno, 0 included), every byte that differs from the
 * pre-call memory lies in one of these ranges.
 */
export function declaredOuts(name: string, args: readonly Arg[], mem: Uint8Array, world: Pick<GenWorld, 'args' | 'env'>): Range[] {
  const a = (i: number): Arg => args[i] ?? 0;
  switch (name) {
    case 'args_get':
      return [at(a(0), 4 * world.args.length, 'argv'), at(a(1), sizeOfList(world.args), 'argv_buf')];
    case 'environ_get':
      return [at(a(0), 4 * world.env.length, 'environ'), at(a(1), sizeOfList(world.env), 'environ_buf')];
    case 'args_sizes_get':
    case 'environ_sizes_get':
      return [at(a(0), 4, 'count'), at(a(1), 4, 'buf_size')];
    case 'clock_res_get':
      return [at(a(1), 8, 'resolution')];
    case 'clock_time_get':
      return [at(a(2), 8, 'time')];
    case 'fd_fdstat_get':
      return [at(a(1), 24, 'fdstat')];
    case 'fd_filestat_get':
      return [at(a(1), 64, 'filestat')];
    case 'fd_pread':
      return [...iovecBuffers(mem, a(1), a(2), 'iovs'), at(a(4), 4, 'nread')];
    case 'fd_read':
      return [...iovecBuffers(mem, a(1), a(2), 'iovs'), at(a(3), 4, 'nread')];
    case 'fd_prestat_get':
      return [at(a(1), 8, 'prestat')];
    case 'fd_prestat_dir_name':
      return [at(a(1), Number(a(2)) >>> 0, 'path')];
    case 'fd_pwrite':
      return [at(a(4), 4, 'nwritten')];
    case 'fd_write':
      return [at(a(3), 4, 'nwritten')];
    case 'fd_readdir':
      return [at(a(1), Number(a(2)) >>> 0, 'buf'), at(a(4), 4, 'bufused')];
    case 'fd_seek':
      return [at(a(3), 8, 'newoffset')];
    case 'fd_tell':
      return [at(a(1), 8, 'offset')];
    case 'path_filestat_get':
      return [at(a(4), 64, 'filestat')];
    case 'path_open':
      return [at(a(8), 4, 'opened_fd')];
    case 'path_readlink':
      return [at(a(3), Number(a(4)) >>> 0, 'buf'), at(a(5), 4, 'bufused')];
    case 'poll_oneoff':
      return [at(a(1), 32 * (Number(a(2)) >>> 0), 'events'), at(a(3), 4, 'nevents')];
    case 'random_get':
      return [at(a(0), Number(a(1)) >>> 0, 'buf')];
    case 'sock_accept':
      return [at(a(2), 4, 'fd')];
    case 'sock_recv':
      return [...iovecBuffers(mem, a(1), a(2), 'ri_data'), at(a(4), 4, 'ro_datalen'), at(a(5), 2, 'ro_flags')];
    case 'sock_send':
      return [at(a(4), 4, 'so_datalen')];
    default:
      return [];
  }
}

/**
 * The guest ranges call `name` reads: path strings, iovec arrays (and the buffers of writes),
 * poll subscriptions. With {@link declaredOuts} these are every range a call is given: if all
 * of them lie inside memory, the call has no reason to answer EFAULT.
 */
export function declaredIns(name: string, args: readonly Arg[], mem: Uint8Array): Range[] {
  const a = (i: number): Arg => args[i] ?? 0;
  const str = (p: number, l: number, what: string): Range => at(a(p), Number(a(l)) >>> 0, what);
  const arr = (p: number, n: number): Range => at(a(p), 8 * (Number(a(n)) >>> 0), 'iovec array');
  switch (name) {
    case 'path_create_directory':
    case 'path_remove_directory':
    case 'path_unlink_file':
      return [str(1, 2, 'path')];
    case 'path_filestat_get':
    case 'path_filestat_set_times':
    case 'path_open':
      return [str(2, 3, 'path')];
    case 'path_readlink':
      return [str(1, 2, 'path')];
    case 'path_link':
      return [str(2, 3, 'old path'), str(5, 6, 'new path')];
    case 'path_rename':
      return [str(1, 2, 'old path'), str(4, 5, 'new path')];
    case 'path_symlink':
      return [str(0, 1, 'target'), str(3, 4, 'path')];
    case 'fd_read':
    case 'fd_pread':
    case 'sock_recv':
      return [arr(1, 2)];
    case 'fd_write':
    case 'fd_pwrite':
    case 'sock_send':
      return [arr(1, 2), ...iovecBuffers(mem, a(1), a(2), 'ciovs')];
    case 'poll_oneoff':
      return [at(a(0), 48 * (Number(a(2)) >>> 0), 'subscriptions')];
    default:
      return [];
  }
}
