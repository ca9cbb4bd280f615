// Owns: the differential fuzzer's operations (plain JSON data, so a failing sequence can be printed
// and replayed), the starting tree every target is given, and the seeded generator of operations.
// Must not: execute anything (targets.ts does) or know which target is right (rules.ts does).
import type { Rng } from '../prng.js';

/** Where a path operation starts: `null` is the mount's root directory, a number the id of a held directory. */
export type Base = number | null;
export type Access = 'r' | 'w' | 'rw';
/** A time to set: whole seconds since the epoch, `'now'`, or `null` to keep the current value. */
export type Time = number | 'now' | null;
export type Whence = 'set' | 'current' | 'end';

/** Open flags, as preview1's path_open (and Linux open(2)) have them. */
export interface OpenFlags {
  access: Access;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  directory: boolean;
  follow: boolean;
  append: boolean;
}

/**
 * One operation. `id` of an open is the handle it creates (the op's index in the
 * generated sequence, so that dropping other ops while shrinking keeps references
 * valid); `h` names a handle. An op whose handle does not exist (never opened,
 * closed, or dropped by the shrinker) is skipped on every target alike.
 */
export type Op =
  | ({ op: 'open'; id: number; base: Base; path: string } & OpenFlags)
  | { op: 'close'; h: number }
  | { op: 'read'; h: number; n: number }
  | { op: 'write'; h: number; data: string }
  | { op: 'pread'; h: number; n: number; off: number }
  | { op: 'pwrite'; h: number; data: string; off: number }
  | { op: 'seek'; h: number; off: number; whence: Whence }
  | { op: 'tell'; h: number }
  | { op: 'setSize'; h: number; size: number }
  | { op: 'fstat'; h: number }
  | { op: 'fsetTimes'; h: number; atime: Time; mtime: Time }
  | { op: 'readdir'; base: Base }
  | { op: 'readdirAt'; base: Base; path: string }
  | { op: 'readFile'; base: Base; path: string }
  | { op: 'mkdir'; base: Base; path: string }
  | { op: 'rmdir'; base: Base; path: string }
  | { op: 'unlink'; base: Base; path: string }
  | { op: 'symlink'; base: Base; target: string; path: string }
  | { op: 'readlink'; base: Base; path: string }
  | { op: 'stat'; base: Base; path: string; follow: boolean }
  | { op: 'setTimes'; base: Base; path: string; follow: boolean; atime: Time; mtime: Time }
  | { op: 'link'; base: Base; from: string; follow: boolean; toBase: Base; to: string }
  | { op: 'rename'; base: Base; from: string; toBase: Base; to: string };

export type OpName = Op['op'];
export type HandleKind = 'file' | 'dir';

/** Ops that never change the tree (used by the rules and the shrinker's reports). */
export const READ_ONLY_OPS: ReadonlySet<OpName> = new Set<OpName>(['read', 'pread', 'seek', 'tell', 'fstat', 'readdir', 'readdirAt', 'readFile', 'readlink', 'stat']);

/** An absolute symlink target that names nothing on any host (its parent does not exist either). */
export const ABSOLUTE_TARGET = '/nonexistent-warden-fuzz/x';
/** 255 and 256 bytes: the longest name Linux (and Warden) accept, and one byte more. */
export const LONG255 = 'L'.repeat(255);
export const LONG256 = 'L'.repeat(256);
/** 255 bytes of two-byte characters plus one: a name whose length in UTF-16 units is under 255 but bytes over. */
export const LONG_UNICODE = 'é'.repeat(127) + 'xy';

/** The tree every target starts with, in creation order: [type, path, content or symlink target]. */
export const INITIAL_TREE: readonly (readonly ['dir' | 'file' | 'symlink', string, string])[] = [
  ['dir', 'd', ''],
  ['file', 'd/f', 'in d'],
  ['dir', 'd/e', ''],
  ['symlink', 'd/u', '../f'], // a legitimate `..` target
  ['symlink', 'd/l', 'e'],
  ['file', 'f', '0123456789'],
  ['file', 'g', ''],
  ['symlink', 's', 'f'],
  ['symlink', 'sd', 'd'],
  ['symlink', 'sd2', 'd/'], // a target with a trailing slash
  ['symlink', 'dang', 'nope'], // dangling
  ['symlink', 'loop', 'loop'], // a loop
  ['symlink', 'up', '../d'], // climbs above the root: an escape
  ['symlink', 'ds', 'd/../f'], // `..` in the middle of a target
  ['symlink', 'abs', ABSOLUTE_TARGET],
  ['file', 'é', 'unicode'],
];

/** Names the generator builds paths from: mostly names the tree has, so operations meet each other. */
const NAMES = ['d', 'e', 'f', 'g', 's', 'sd', 'sd2', 'dang', 'loop', 'ds', 'u', 'l', 'x', 'y', 'z', 'x', 'y', 'd', 'f'];
/** Names whose use leaves the root (refused by design): rarer, or most paths would test nothing else. */
const ESCAPING_NAMES = ['up', 'abs'];
const ODD_NAMES = [LONG255, LONG256, LONG_UNICODE, 'é', 'e\u0301', '日本', ' ', 'a b', '-', '\u{1F600}'];

function component(rng: Rng, first: boolean): string {
  const r = rng.u32() / 0x1_0000_0000;
  // `..` first in a path from the root is an escape: keep those few.
  if (r < (first ? 0.015 : 0.06)) return '..';
  if (r < 0.1) return '.';
  if (r < 0.13) return rng.pick(ODD_NAMES);
  if (r < 0.145) return rng.pick(ESCAPING_NAMES);
  return rng.pick(NAMES);
}

/**
 * A path with the edge cases the brief lists: `.`/`..`, doubled and trailing slashes, long and
 * unicode names. Often one of `known` (paths created earlier in the sequence), possibly extended.
 */
export function genPath(rng: Rng, known: readonly string[] = []): string {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.008) return '';
  if (r < 0.011) return 'a\0b';
  if (r < 0.016) return longPath(rng, known);
  const parts: string[] = [];
  if (known.length > 0 && rng.chance(0.6)) {
    parts.push(rng.pick(known));
    if (rng.chance(0.2)) parts.push(component(rng, false));
  } else {
    const n = rng.pick([1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4]);
    for (let i = 0; i < n; i++) parts.push(component(rng, i === 0));
  }
  let p = parts[0]!;
  for (let i = 1; i < parts.length; i++) p += (rng.chance(0.06) ? '//' : '/') + parts[i]!;
  if (rng.chance(0.04)) p = `./${p}`;
  if (rng.chance(0.015)) p = `/${p}`; // absolute: refused by design
  const t = rng.u32() / 0x1_0000_0000;
  if (t < 0.07) p += '/';
  else if (t < 0.085) p += '/.';
  else if (t < 0.09) p += '//';
  return p;
}

const utf8 = new TextEncoder();

/** A path of 4095, 4096 or 4097 bytes (PATH_MAX is 4096 with the NUL): `./` repeated, then a name. */
function longPath(rng: Rng, known: readonly string[]): string {
  const name = known.length > 0 ? rng.pick(known) : 'f';
  const pad = rng.pick([4095, 4096, 4097]) - utf8.encode(name).length;
  if (pad < 3) return name;
  const half = Math.floor(pad / 2);
  return (pad % 2 === 0 ? './'.repeat(half) : `${'./'.repeat(half - 1)}.//`) + name;
}

function genTarget(rng: Rng, known: readonly string[]): string {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.01) return '';
  if (r < 0.03) return ABSOLUTE_TARGET;
  if (r < 0.1) return rng.pick(['.', '..', '../..', '../x', 'd/..', 'x/', '../d/f', '../f', 'x/../f']);
  return genPath(rng, known).replace(/\0/g, '').replace(/^\/+/, '') || 'x';
}

function genData(rng: Rng): string {
  const r = rng.u32() / 0x1_0000_0000;
  const len = r < 0.02 ? 0 : r < 0.9 ? rng.range(1, 12) : rng.range(60, 300);
  let s = '';
  const first = rng.int(26);
  for (let i = 0; i < len; i++) s += String.fromCharCode(97 + ((first + i) % 26));
  return s;
}

function genOffset(rng: Rng): number {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.75) return rng.range(0, 20);
  if (r < 0.9) return rng.range(60, 70);
  if (r < 0.98) return rng.range(4090, 4100);
  return 100_000;
}

function genTime(rng: Rng): Time {
  const r = rng.u32() / 0x1_0000_0000;
  if (r < 0.25) return null;
  if (r < 0.33) return 'now';
  if (r < 0.36) return rng.range(0, 10);
  return 1_000_000_000 + rng.int(1_000_000);
}

const OP_WEIGHTS: Readonly<Record<OpName, number>> = {
  open: 16,
  close: 5,
  read: 6,
  write: 8,
  pread: 3,
  pwrite: 4,
  seek: 4,
  tell: 1,
  setSize: 3,
  fstat: 4,
  fsetTimes: 2,
  readdir: 2,
  readdirAt: 2,
  readFile: 3,
  mkdir: 6,
  rmdir: 4,
  unlink: 6,
  symlink: 5,
  readlink: 2,
  stat: 6,
  setTimes: 2,
  link: 4,
  rename: 8,
};

/** Handles alive on the oracle target after the previous op, by id. */
export type LiveHandles = ReadonlyMap<number, HandleKind>;

const MAX_LIVE = 24;

/**
 * Generates the ops of one sequence. It remembers the paths it created (whether or not
 * that worked) so later ops often meet them; it picks handles among those open now.
 */
export class OpGenerator {
  readonly #rng: Rng;
  readonly #known: string[] = INITIAL_TREE.map(([, p]) => p);

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  /** Op number `index` of the sequence, given the handles alive now. */
  next(index: number, live: LiveHandles): Op {
    const op = genOp(this.#rng, index, live, this.#known);
    const made = op.op === 'mkdir' || op.op === 'symlink' || (op.op === 'open' && op.create) ? op.path : op.op === 'rename' || op.op === 'link' ? op.to : undefined;
    if (made !== undefined && made !== '' && !made.startsWith('/') && !made.includes('\0') && !this.#known.includes(made)) {
      this.#known.push(made);
      if (this.#known.length > 48) this.#known.splice(INITIAL_TREE.length, 1);
    }
    return op;
  }
}

function genOp(rng: Rng, index: number, live: LiveHandles, known: readonly string[]): Op {
  const files: number[] = [];
  const dirs: number[] = [];
  for (const [id, kind] of live) (kind === 'file' ? files : dirs).push(id);
  const base = (): Base => (dirs.length > 0 && rng.chance(0.3) ? rng.pick(dirs) : null);
  for (;;) {
    const name = live.size >= MAX_LIVE && rng.chance(0.5) ? 'close' : rng.weightedKey(OP_WEIGHTS);
    const anyHandle = [...files, ...dirs];
    switch (name) {
      case 'open': {
        const access = rng.weightedKey({ r: 40, w: 25, rw: 35 } as const);
        return {
          op: 'open',
          id: index,
          base: base(),
          path: genPath(rng, known),
          access,
          create: rng.chance(0.4),
          exclusive: rng.chance(0.15),
          truncate: rng.chance(0.12),
          directory: rng.chance(0.15),
          follow: rng.chance(0.85),
          append: rng.chance(0.15),
        };
      }
      case 'close':
        if (anyHandle.length === 0) continue;
        return { op: 'close', h: rng.pick(anyHandle) };
      case 'fstat':
        if (anyHandle.length === 0) continue;
        return { op: 'fstat', h: rng.pick(anyHandle) };
      case 'fsetTimes':
        if (anyHandle.length === 0) continue;
        return { op: 'fsetTimes', h: rng.pick(anyHandle), atime: genTime(rng), mtime: genTime(rng) };
      case 'read':
      case 'pread':
      case 'write':
      case 'pwrite':
      case 'seek':
      case 'tell':
      case 'setSize': {
        if (files.length === 0) continue;
        const h = rng.pick(files);
        switch (name) {
          case 'read':
            return { op: 'read', h, n: rng.range(0, 16) };
          case 'pread':
            return { op: 'pread', h, n: rng.range(0, 16), off: genOffset(rng) };
          case 'write':
            return { op: 'write', h, data: genData(rng) };
          case 'pwrite':
            return { op: 'pwrite', h, data: genData(rng), off: genOffset(rng) };
          case 'seek':
            return { op: 'seek', h, off: rng.range(-5, 25), whence: rng.pick(['set', 'current', 'end'] as const) };
          case 'tell':
            return { op: 'tell', h };
          default:
            return { op: 'setSize', h, size: rng.chance(0.8) ? rng.range(0, 20) : rng.pick([64, 65, 200, 5000]) };
        }
      }
      case 'readdir':
        return { op: 'readdir', base: base() };
      case 'readdirAt':
        return { op: 'readdirAt', base: base(), path: genPath(rng, known) };
      case 'readFile':
        return { op: 'readFile', base: base(), path: genPath(rng, known) };
      case 'mkdir':
        return { op: 'mkdir', base: base(), path: genPath(rng, known) };
      case 'rmdir':
        return { op: 'rmdir', base: base(), path: genPath(rng, known) };
      case 'unlink':
        return { op: 'unlink', base: base(), path: genPath(rng, known) };
      case 'symlink':
        return { op: 'symlink', base: base(), target: genTarget(rng, known), path: genPath(rng, known) };
      case 'readlink':
        return { op: 'readlink', base: base(), path: genPath(rng, known) };
      case 'stat':
        return { op: 'stat', base: base(), path: genPath(rng, known), follow: rng.chance(0.6) };
      case 'setTimes':
        return { op: 'setTimes', base: base(), path: genPath(rng, known), follow: rng.chance(0.6), atime: genTime(rng), mtime: genTime(rng) };
      case 'link':
        return { op: 'link', base: base(), from: genPath(rng, known), follow: rng.chance(0.3), toBase: base(), to: genPath(rng, known) };
      case 'rename':
        return { op: 'rename', base: base(), from: genPath(rng, known), toBase: base(), to: genPath(rng, known) };
    }
  }
}
