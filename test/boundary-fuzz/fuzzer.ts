// Owns: the syscall fuzzer's run loop: plans calls (calls.ts), sets up guest memory, calls the
// imports of a world (world.ts) as an engine would, checks the per-call invariants (result, memory
// writes) and, every N calls and at the end, the consistency checks (consistency.ts). Findings carry
// the seed and call index that replay them.
// Must not: be nondeterministic: one seed gives one sequence of calls and results (guest memory is
// restored after every call, clocks and random sources are fake and seeded).
import { DirDescription, FileDescription, ProcExit, Trap, WardenError, type Resource } from '../../src/index.js';
import { declaredIns, declaredOuts, fdInfos, plan, weightedNames, type Arg, type GenWorld, type Planned, type Range } from './calls.js';
import { checkAllClosed, checkDescriptions, checkMemoryTrees, checkOverlay, checkTable, snapshotTree } from './consistency.js';
import { Rng } from '../prng.js';
import { buildWorld, shapeFor, type World, type WorldShape } from './world.js';

/** What kind of invariant a finding breaks. */
export type FindingKind =
  | 'exception' // a non-Warden exception (or a WardenError other than Trap/ProcExit) escaped an import
  | 'host-error' // a Trap "host error in ...": an unknown host exception inside a syscall
  | 'bad-return' // the import returned something other than an integer errno in [0, 76]
  | 'proc-exit' // ProcExit from anything but proc_exit, or proc_exit returning / with the wrong code
  | 'memory' // a call wrote guest memory outside its declared out-params
  | 'consistency' // a consistency check failed
  | 'table' // a call changed the fd table in a way it may not (see tableEffect)
  | 'fault' // EFAULT although every range the call was given lies inside memory
  | 'partial' // (note) a call that returned an errno moved a file position
  | 'slow'; // (note) one call took more than a second

/** Kinds that are reported but do not fail a run. */
export const NOTE_KINDS: ReadonlySet<FindingKind> = new Set(['partial', 'slow']);

export interface Finding {
  kind: FindingKind;
  seed: number;
  /** Index of the call (0-based) after which the finding was made. */
  index: number;
  /** The call, formatted (empty for a consistency check at the end). */
  call: string;
  message: string;
  /** The exception's stack, when there is one. */
  stack?: string;
}

export interface RunOptions {
  seed: number;
  /** Calls to make. */
  calls: number;
  /** Consistency checks every this many calls (and always at the end). Default 100. */
  checkEvery?: number;
  /** The world's shape (default from the seed). */
  shape?: WorldShape;
  /** Prints each call and its result (from call index `from` on). */
  trace?: { from: number; print: (line: string) => void };
  /** Stop at the first finding that is not a note. */
  stopOnFinding?: boolean;
  /** Called with each planned call before it is made. */
  onPlan?: (index: number, call: Planned) => void;
}

export interface RunResult {
  seed: number;
  shape: WorldShape;
  calls: number;
  findings: Finding[];
  /** Per syscall: how many calls, and how many of them returned 0. */
  perCall: Map<string, { calls: number; ok: number; traps: number }>;
}

/** A call as text: `name(arg, ...)` with i64s marked `n`. */
export function formatCall(p: Planned): string {
  return `${p.name}(${p.args.map((a) => (typeof a === 'bigint' ? `${a}n` : String(a))).join(', ')})`;
}

/** The memory writes of a call as text, one per line. */
export function formatWrites(p: Planned): string {
  return p.writes
    .map((w) => {
      const hex = Buffer.from(w.bytes.subarray(0, 64)).toString('hex');
      let text = '';
      try {
        text = ` ${JSON.stringify(new TextDecoder('utf-8', { fatal: true }).decode(w.bytes.subarray(0, 64)))}`;
      } catch {
        text = '';
      }
      return `  mem[${w.ptr}..${w.ptr + w.bytes.length}) ${w.what}: ${hex}${w.bytes.length > 64 ? '…' : ''}${text}`;
    })
    .join('\n');
}

function inRanges(pos: number, ranges: readonly Range[]): boolean {
  for (const r of ranges) if (pos >= r.start && pos < r.end) return true;
  return false;
}

/** Byte runs [start, end) where `a` and `b` differ (same length). */
function differences(a: Uint8Array, b: Uint8Array): [number, number][] {
  const runs: [number, number][] = [];
  const A = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const B = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const CHUNK = 4096;
  for (let c = 0; c < a.length; c += CHUNK) {
    const end = Math.min(a.length, c + CHUNK);
    if (A.compare(B, c, end, c, end) === 0) continue;
    for (let i = c; i < end; i++) {
      if (a[i] === b[i]) continue;
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === i) last[1] = i + 1;
      else runs.push([i, i + 1]);
    }
  }
  return runs;
}

/** The consistency checks of a world; returns violations. */
export function checkWorld(world: World, lowerBefore: string, readOnlyBefore: string): string[] {
  const tables = [world.wasi.fds, world.peer.fds];
  const out = [
    ...checkTable(world.wasi.fds, [world.peer.fds]),
    ...checkTable(world.peer.fds, [world.wasi.fds], { probe: false }),
    ...checkDescriptions(world.wasi.fds),
    ...checkMemoryTrees(worldBackends(world), tables),
    ...checkOverlay(world.overlay, world.backends.lower, lowerBefore),
  ];
  const ro = snapshotTree(world.backends.readOnlyInner);
  if (ro !== readOnlyBefore) out.push('read-only mount: the tree behind it changed');
  return out;
}

function worldBackends(world: World) {
  const b = world.backends;
  return [
    { backend: b.root, label: 'root memory', allOpensVisible: true },
    { backend: b.other, label: 'other memory', allOpensVisible: true },
    { backend: b.readOnlyInner, label: 'read-only inner memory', allOpensVisible: true },
    { backend: b.lower, label: 'overlay lower', allOpensVisible: true },
    { backend: b.upper, label: 'overlay upper', allOpensVisible: true },
  ];
}

/** The file description an fd-taking call acts on, for the partial-effect note. */
function positionAt(world: World, fd: Arg | undefined): [FileDescription, bigint] | undefined {
  if (typeof fd !== 'number') return undefined;
  const r = world.wasi.fds.slot(fd)?.resource;
  return r instanceof FileDescription ? [r, r.position] : undefined;
}

/** One fd as it was: number, resource, rights. */
type FdState = [number, Resource, number, number];

function tableState(world: World): FdState[] {
  return [...world.wasi.fds.entries()].map(([n, s]) => [n, s.resource, s.meta.base, s.meta.inheriting]);
}

/**
 * What a call may do to the fd table: path_open adds one fresh description at the lowest free
 * number (and stores that number at its out-param), fd_close removes its fd, fd_renumber moves
 * `from` onto `to`, fd_fdstat_set_rights narrows one fd's rights; any other call, and any of these
 * returning an errno, leaves every number with the same resource and rights.
 */
export function tableEffect(name: string, args: readonly Arg[], before: FdState[], after: FdState[], errno: number, openedFd: number | undefined): string | undefined {
  const b = new Map(before.map((e) => [e[0], e]));
  const a = new Map(after.map((e) => [e[0], e]));
  const show = (m: Map<number, FdState>) => [...m.keys()].join(',');
  const same = (x: FdState | undefined, y: FdState | undefined) => x !== undefined && y !== undefined && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
  const unchangedExcept = (skip: ReadonlySet<number>): string | undefined => {
    for (const [n, e] of b) if (!skip.has(n) && !same(e, a.get(n))) return `fd ${n} changed (${a.has(n) ? 'resource or rights' : 'gone'})`;
    for (const n of a.keys()) if (!skip.has(n) && !b.has(n)) return `fd ${n} appeared`;
    return undefined;
  };
  const fd0 = Number(args[0]);
  if (errno !== 0) {
    const d = unchangedExcept(new Set());
    return d === undefined ? undefined : `returned errno ${errno} but the fd table changed: ${d} (before ${show(b)}, after ${show(a)})`;
  }
  switch (name) {
    case 'path_open': {
      let lowest = 0;
      while (b.has(lowest)) lowest++;
      const added = [...a.keys()].filter((n) => !b.has(n));
      if (added.length !== 1 || added[0] !== lowest) return `path_open succeeded and added fds [${added.join(',')}]; the lowest free number was ${lowest}`;
      if (openedFd !== lowest) return `path_open stored fd ${String(openedFd)} at its out-param, but opened ${lowest}`;
      if (before.some((e) => e[1] === a.get(lowest)![1])) return `path_open put an already open description at fd ${lowest}`;
      return unchangedExcept(new Set([lowest]));
    }
    case 'fd_close':
      if (!b.has(fd0) || a.has(fd0)) return `fd_close(${fd0}) succeeded but fd ${fd0} was ${b.has(fd0) ? 'not removed' : 'not open'}`;
      return unchangedExcept(new Set([fd0]));
    case 'fd_renumber': {
      const to = Number(args[1]);
      if (!b.has(fd0) || !b.has(to)) return `fd_renumber(${fd0}, ${to}) succeeded without both fds open`;
      if (fd0 === to) return unchangedExcept(new Set());
      if (a.has(fd0)) return `fd_renumber(${fd0}, ${to}) left fd ${fd0} open`;
      const moved = a.get(to);
      const from = b.get(fd0)!;
      if (moved === undefined || moved[1] !== from[1] || moved[2] !== from[2] || moved[3] !== from[3]) return `fd_renumber(${fd0}, ${to}): fd ${to} does not hold what fd ${fd0} held`;
      return unchangedExcept(new Set([fd0, to]));
    }
    case 'fd_fdstat_set_rights': {
      const x = b.get(fd0);
      const y = a.get(fd0);
      if (x === undefined || y === undefined || x[1] !== y[1]) return `fd_fdstat_set_rights(${fd0}) succeeded but the fd's resource changed`;
      if ((y[2] & ~x[2]) !== 0 || (y[3] & ~x[3]) !== 0) return `fd_fdstat_set_rights(${fd0}) widened rights`;
      return unchangedExcept(new Set([fd0]));
    }
    default:
      return unchangedExcept(new Set());
  }
}

function countDirs(world: World): number {
  let n = 0;
  for (const [, slot] of world.wasi.fds.entries()) if (slot.resource instanceof DirDescription) n++;
  return n;
}

const POSITION_CALLS = new Set(['fd_read', 'fd_write', 'fd_seek', 'fd_pwrite']);

/** Runs one world: `calls` calls from `seed`. */
export function runWorld(options: RunOptions): RunResult {
  const { seed } = options;
  const shape = options.shape ?? shapeFor(seed);
  const checkEvery = options.checkEvery ?? 100;
  const world = buildWorld(seed, shape);
  const rng = new Rng(seed);
  const names = Object.keys(world.wasi.wasiImport).sort();
  const weighted = weightedNames(names);
  const findings: Finding[] = [];
  const perCall = new Map<string, { calls: number; ok: number; traps: number }>();
  const enc = new TextEncoder();
  const argBytes = world.args.map((a) => enc.encode(a));
  const envBytes = world.env.map((e) => enc.encode(e));
  const lowerBefore = snapshotTree(world.backends.lower);
  const readOnlyBefore = snapshotTree(world.backends.readOnlyInner);
  const seen = new Set<Resource>();
  let shadow = new Uint8Array(0);
  let stop = false;

  const report = (f: Omit<Finding, 'seed'>) => {
    findings.push({ seed, ...f });
    if (options.stopOnFinding === true && !NOTE_KINDS.has(f.kind)) stop = true;
  };
  const consistency = (index: number, call: string) => {
    for (const v of checkWorld(world, lowerBefore, readOnlyBefore)) report({ kind: 'consistency', index, call, message: v });
  };

  let i = 0;
  for (; i < options.calls && !stop; i++) {
    if (shape.grow && rng.chance(0.005) && world.grow() && options.trace !== undefined && i >= options.trace.from) {
      options.trace.print(`-- memory grown to ${world.memory.buffer.byteLength / 65536} pages`);
    }
    // The host keeps the guest supplied with directories (it may insert fds while a guest runs):
    // without a directory fd every path call would stop at EBADF.
    const dirs = countDirs(world);
    if (dirs === 0 || (dirs < 3 && rng.chance(0.02))) {
      const fd = world.reopen(rng.int(3));
      if (options.trace !== undefined && i >= options.trace.from) options.trace.print(`-- host put a preopen back at fd ${fd ?? '(table full)'}`);
    }
    const memSize = world.memory.buffer.byteLength;
    const gw: GenWorld = { memSize, fds: fdInfos(world.wasi.fds), maxOpenFiles: shape.maxOpenFiles, args: argBytes, env: envBytes };
    const name = rng.weighted(weighted);
    const hostility = rng.weighted([[55, 0.02], [30, 0.3], [15, 0.8]] as const);
    const p = plan(rng, gw, name, hostility);
    options.onPlan?.(i, p);
    let u8 = world.u8();
    for (const w of p.writes) u8.set(w.bytes, w.ptr);
    if (shadow.length !== u8.length) shadow = new Uint8Array(u8.length);
    shadow.set(u8);
    const outs = declaredOuts(name, p.args, shadow, gw);
    const allInside = [...outs, ...declaredIns(name, p.args, shadow)].every((r) => r.end <= shadow.length);
    const pos = POSITION_CALLS.has(name) ? positionAt(world, p.args[0]) : undefined;
    const stats = perCall.get(name) ?? { calls: 0, ok: 0, traps: 0 };
    perCall.set(name, stats);
    stats.calls++;

    const fdsBefore = tableState(world);
    const flagsTarget = name === 'fd_fdstat_set_flags' && typeof p.args[0] === 'number' ? world.wasi.fds.slot(p.args[0])?.resource : undefined;
    const flagsBefore = flagsTarget instanceof FileDescription || flagsTarget instanceof DirDescription ? JSON.stringify(flagsTarget.flags) : undefined;
    // Only for writable descriptions: on an overlay, size() of a read-only one may switch it to the
    // upper copy, and the fuzzer must not change what it observes.
    const sizeBefore = pos !== undefined && pos[0].writable && (name === 'fd_write' || name === 'fd_pwrite') ? pos[0].io.size() : undefined;
    const fn = world.call[name]!;
    let errno: number | undefined;
    let result = '';
    const t0 = performance.now();
    try {
      const r = fn(...p.args) as unknown;
      result = `-> ${String(r)}`;
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 76) {
        report({ kind: 'bad-return', index: i, call: formatCall(p), message: `returned ${String(r)}` });
      } else {
        if (r === 0) stats.ok++;
        if (name === 'proc_exit') report({ kind: 'proc-exit', index: i, call: formatCall(p), message: `proc_exit returned ${r} instead of unwinding` });
        errno = r;
        if (r === 21 && allInside) report({ kind: 'fault', index: i, call: formatCall(p), message: 'returned EFAULT, but every range it was given lies inside memory' });
        if (r !== 0 && pos !== undefined && pos[0].position !== pos[1]) {
          report({ kind: 'partial', index: i, call: formatCall(p), message: `returned errno ${r} but moved the file position ${pos[1]} -> ${pos[0].position}` });
        } else if (r !== 0 && flagsBefore !== undefined && JSON.stringify((flagsTarget as FileDescription | DirDescription).flags) !== flagsBefore) {
          report({ kind: 'partial', index: i, call: formatCall(p), message: `returned errno ${r} but changed the description's flags ${flagsBefore} -> ${JSON.stringify((flagsTarget as FileDescription).flags)}` });
        } else if (r !== 0 && sizeBefore !== undefined && !pos![0].disposed && pos![0].io.size() !== sizeBefore) {
          report({ kind: 'partial', index: i, call: formatCall(p), message: `returned errno ${r} but changed the file size ${sizeBefore} -> ${pos![0].io.size()} (data written before the error)` });
        }
      }
    } catch (e) {
      stats.traps++;
      const stack = e instanceof Error ? (e.cause instanceof Error ? (e.cause.stack ?? '') : (e.stack ?? '')) : '';
      if (e instanceof ProcExit) {
        result = `-> ProcExit(${e.exitCode})`;
        if (name !== 'proc_exit') report({ kind: 'proc-exit', index: i, call: formatCall(p), message: `${name} threw ProcExit(${e.exitCode})` });
        else if (e.exitCode !== Number(p.args[0]) >>> 0) report({ kind: 'proc-exit', index: i, call: formatCall(p), message: `exit code ${e.exitCode}, expected ${Number(p.args[0]) >>> 0}` });
      } else if (e instanceof Trap) {
        result = `-> Trap(${e.message})`;
        if (e.message.startsWith('host error in')) report({ kind: 'host-error', index: i, call: formatCall(p), message: e.message, stack });
      } else {
        result = `-> threw ${String(e)}`;
        const what = e instanceof WardenError ? `a ${e.name} (not Trap/ProcExit)` : 'a non-Warden exception';
        report({ kind: 'exception', index: i, call: formatCall(p), message: `${what} escaped: ${String(e)}`, stack });
      }
    }
    const took = performance.now() - t0;
    if (took > 1000) report({ kind: 'slow', index: i, call: formatCall(p), message: `took ${took.toFixed(0)} ms` });

    // The fd table: only the changes the call may make.
    u8 = world.u8();
    if (errno !== undefined) {
      const outPtr = name === 'path_open' ? Number(p.args[8]) >>> 0 : -1;
      const openedFd = outPtr >= 0 && outPtr + 4 <= u8.length && outPtr % 4 === 0 ? new DataView(u8.buffer, u8.byteOffset).getUint32(outPtr, true) : undefined;
      const bad = tableEffect(name, p.args, fdsBefore, tableState(world), errno, openedFd);
      if (bad !== undefined) report({ kind: 'table', index: i, call: formatCall(p), message: bad });
    }

    // Guest memory: only declared out-params may have changed; then put it back as it was.
    if (u8.length !== shadow.length) {
      report({ kind: 'memory', index: i, call: formatCall(p), message: `memory size changed during the call (${shadow.length} -> ${u8.length})` });
      shadow = new Uint8Array(u8.length);
      shadow.set(u8);
    } else {
      const runs = differences(u8, shadow);
      if (runs.length > 0) {
        const bad: string[] = [];
        for (const [s, e] of runs) {
          for (let k = s; k < e; k++) {
            if (!inRanges(k, outs)) {
              let end = k;
              while (end < e && !inRanges(end, outs)) end++;
              bad.push(`[${k}, ${end})`);
              k = end;
            }
          }
        }
        if (bad.length > 0) {
          report({
            kind: 'memory',
            index: i,
            call: formatCall(p),
            message: `wrote guest memory outside its out-params: ${bad.slice(0, 4).join(' ')}${bad.length > 4 ? ' …' : ''} (declared: ${outs.map((o) => `${o.what}[${o.start}, ${o.end})`).join(' ') || 'none'}; result ${result})`,
          });
        }
        u8.set(shadow);
      }
    }
    if (options.trace !== undefined && i >= options.trace.from) {
      const strings = p.writes.filter((w) => w.what.startsWith('path')).map((w) => JSON.stringify(Buffer.from(w.bytes).toString('latin1')));
      options.trace.print(`#${i} ${formatCall(p)} ${result}${strings.length > 0 ? `  ${strings.join(' ')}` : ''}`);
    }
    for (const [, slot] of world.wasi.fds.entries()) seen.add(slot.resource);
    if ((i + 1) % checkEvery === 0) consistency(i, formatCall(p));
  }
  consistency(i - 1, '(end of run)');
  // Close both instances: every description must go, every unlinked file's bytes come back.
  world.wasi.close();
  world.peer.close();
  for (const v of checkAllClosed([world.wasi.fds, world.peer.fds], worldBackends(world), [...seen])) {
    report({ kind: 'consistency', index: i - 1, call: '(after closing every fd)', message: v });
  }
  return { seed, shape, calls: i, findings, perCall };
}

/** Replays a world's calls up to `index` and returns the planned call there (for printing a repro). */
export function planAt(seed: number, index: number, options: { shape?: WorldShape; checkEvery?: number } = {}): Planned | undefined {
  let found: Planned | undefined;
  // Plans depend on the world's state (its fds), so the run itself is replayed up to `index`.
  runWorld({ seed, calls: index + 1, ...options, onPlan: (i, p) => { if (i === index) found = p; } });
  return found;
}
