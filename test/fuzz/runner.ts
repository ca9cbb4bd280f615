// Owns: running one op sequence on every target, comparing each op's outcome with the oracle's and
// the whole trees every few ops, and shrinking a failing sequence to a minimal one.
// Must not: know op semantics (targets.ts) or decide what is allowed (rules.ts).
import { OpGenerator, READ_ONLY_OPS, type LiveHandles, type Op } from './ops.js';
import { Rng } from '../prng.js';
import { allowed, type Rule } from './rules.js';
import { ALL_TARGETS, makeTargets, type Outcome, type Target, type TargetName } from './targets.js';

export interface RunOptions {
  readonly targets: readonly TargetName[];
  /** Compare whole trees after every this many ops (and after the last). */
  readonly checkEvery: number;
  /** Called with a line per op (and its outcomes) when set. */
  readonly trace?: (line: string) => void;
  /** The allow-list (default: RULES of rules.ts). */
  readonly rules?: readonly Rule[];
  /** Called for each difference an allow-list rule let through. */
  readonly onAllowed?: (rule: string, op: Op, outcomes: Partial<Record<TargetName, Outcome>>) => void;
}

export const DEFAULT_OPTIONS: RunOptions = { targets: ALL_TARGETS, checkEvery: 10 };

export interface Failure {
  /** Index in the sequence of the op after which it was seen (-1: the starting trees). */
  readonly index: number;
  readonly kind: 'crash' | 'mismatch' | 'tree';
  readonly target: TargetName;
  readonly oracle: TargetName;
  readonly op: Op | undefined;
  readonly outcomes: Partial<Record<TargetName, Outcome>>;
  readonly detail: string;
  /** What must stay the same while shrinking: kind, op name, targets and the shapes of their outcomes. */
  readonly signature: string;
}

export interface RunResult {
  readonly ops: Op[];
  readonly failure: Failure | undefined;
  /** How many times each allow-list rule let a difference through. */
  readonly tolerated: Map<string, number>;
  /** Targets left out after an allowed difference that may have changed their tree. */
  readonly retired: TargetName[];
}

const show = (o: Outcome | undefined): string => (o === undefined ? '-' : JSON.stringify(o));
const shape = (o: Outcome): string => ('ok' in o ? 'ok' : 'err' in o ? `err:${o.err}` : 'skip' in o ? `skip:${o.skip}` : 'crash');
/** Linux did not run the op (an escape, a NUL): there is nothing to compare with on the kernel side. */
const isNotRun = (o: Outcome): boolean => 'skip' in o && o.skip !== 'no-handle';

interface Verdict {
  failure?: Omit<Failure, 'index'>;
  tolerated: string[];
  retire: TargetName[];
}

const KERNEL: TargetName = 'linux';
const WARDEN: readonly TargetName[] = ['host', 'memory', 'overlay', 'ohost'];

/**
 * Compares one op's outcomes at two levels. Kernel level: each Warden target against linux
 * (when linux ran the op): this judges the resolver and the backends against POSIX. Backend
 * level: the other Warden targets against the first active of host, memory... (strictly, whatever the
 * kernel level allowed): the backends share one resolver, so they must agree exactly.
 */
export function compare(op: Op, outcomes: Partial<Record<TargetName, Outcome>>, order: readonly TargetName[], rules?: readonly Rule[]): Verdict {
  const v: Verdict = { tolerated: [], retire: [] };
  for (const t of order) {
    const o = outcomes[t]!;
    if ('crash' in o) {
      v.failure = { kind: 'crash', target: t, oracle: t, op, outcomes, detail: `${t} threw a non-FsError: ${o.crash}`, signature: `crash:${op.op}:${t}:${o.crash.split('\n')[0]}` };
      return v;
    }
  }
  const wardens = WARDEN.filter((t) => order.includes(t));
  const kernel = outcomes[KERNEL];
  const check = (t: TargetName, oracle: TargetName): boolean => {
    const got = outcomes[t]!;
    const want = outcomes[oracle]!;
    if (JSON.stringify(got) === JSON.stringify(want)) return true;
    const rule = allowed({ op, target: t, got, oracle, want }, rules);
    if (rule === undefined) {
      v.failure = {
        kind: 'mismatch', target: t, oracle, op, outcomes,
        detail: `${t} ${show(got)} but ${oracle} ${show(want)}`,
        signature: `mismatch:${op.op}:${t}/${oracle}:${shape(got)}/${shape(want)}`,
      };
      return false;
    }
    v.tolerated.push(rule.id);
    v.retire.push(...rule.retire({ op, target: t, got, oracle, want }));
    return true;
  };
  if (kernel !== undefined && isNotRun(kernel)) {
    const first = wardens[0];
    if ('skip' in kernel && kernel.skip !== 'escape' && first !== undefined && 'ok' in outcomes[first]! && !READ_ONLY_OPS.has(op.op)) {
      // A change the kernel could not be asked to make (a NUL, a path made too long by its base): its tree now differs.
      v.retire.push(KERNEL);
    }
    if ('skip' in kernel && kernel.skip === 'escape' && first !== undefined && 'ok' in outcomes[first]!) {
      // The kernel's resolution of this path leaves the directory (so it was not run there), yet Warden did it.
      v.failure = {
        kind: 'mismatch', target: first, oracle: KERNEL, op, outcomes,
        detail: `the path escapes its base directory on Linux (not run there), but ${first} succeeded: ${show(outcomes[first])}`,
        signature: `mismatch:${op.op}:${first}/linux:ok/skip:escape`,
      };
      return v;
    }
  } else if (kernel !== undefined) {
    for (const t of wardens) if (!check(t, KERNEL)) return v;
  }
  const ref = wardens[0];
  if (ref !== undefined) for (const t of wardens.slice(1)) if (!check(t, ref)) return v;
  return v;
}

function diffLines(a: string[], b: string[]): string {
  const sa = new Set(a);
  const sb = new Set(b);
  const onlyA = a.filter((l) => !sb.has(l)).slice(0, 6);
  const onlyB = b.filter((l) => !sa.has(l)).slice(0, 6);
  return [...onlyA.map((l) => `  - ${l}`), ...onlyB.map((l) => `  + ${l}`)].join('\n');
}

function checkTrees(index: number, order: readonly TargetName[], byName: Map<TargetName, Target>): Failure | undefined {
  const dumps = new Map<TargetName, string[]>();
  for (const t of order) {
    try {
      dumps.set(t, byName.get(t)!.dump());
    } catch (e) {
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return { index, kind: 'crash', target: t, oracle: t, op: undefined, outcomes: {}, detail: `dumping ${t}'s tree threw ${msg}`, signature: `crash:dump:${t}:${msg}` };
    }
  }
  for (const t of order) {
    const broken = byName.get(t)!.check?.();
    if (broken !== undefined) return { index, kind: 'tree', target: t, oracle: t, op: undefined, outcomes: {}, detail: broken, signature: `invariant:${t}` };
  }
  const oracle = order[0]!;
  const ref = dumps.get(oracle)!;
  for (const t of order.slice(1)) {
    const d = dumps.get(t)!;
    if (JSON.stringify(d) !== JSON.stringify(ref)) {
      return {
        index, kind: 'tree', target: t, oracle, op: undefined, outcomes: {},
        detail: `trees differ (- ${oracle} only, + ${t} only):\n${diffLines(ref, d)}`,
        signature: `tree:${t}/${oracle}`,
      };
    }
  }
  return undefined;
}

/**
 * Runs ops from `next` (called with the op index and the oracle's open handles; undefined ends
 * the sequence) on fresh targets until the first failure.
 */
export function runSequence(next: (index: number, live: LiveHandles) => Op | undefined, opts: RunOptions): RunResult {
  const targets = makeTargets(opts.targets);
  const byName = new Map(targets.map((t) => [t.name, t] as const));
  const active = new Set(byName.keys());
  const ops: Op[] = [];
  const tolerated = new Map<string, number>();
  const retired: TargetName[] = [];
  let failure: Failure | undefined;
  const order = (): TargetName[] => ALL_TARGETS.filter((t) => active.has(t));
  try {
    failure = checkTrees(-1, order(), byName);
    for (let i = 0; failure === undefined; i++) {
      const names = order();
      if (names.length < 2) break;
      const op = next(i, byName.get(names[0]!)!.live());
      if (op === undefined) {
        if (i % opts.checkEvery !== 0) failure = checkTrees(i - 1, names, byName);
        break;
      }
      ops.push(op);
      const outcomes: Partial<Record<TargetName, Outcome>> = {};
      for (const t of names) outcomes[t] = byName.get(t)!.run(op);
      opts.trace?.(`#${i} ${JSON.stringify(op)}\n    ${names.map((t) => `${t}: ${show(outcomes[t])}`).join('\n    ')}`);
      const v = compare(op, outcomes, names, opts.rules);
      if (v.failure !== undefined) {
        failure = { ...v.failure, index: i };
        break;
      }
      for (const id of v.tolerated) {
        tolerated.set(id, (tolerated.get(id) ?? 0) + 1);
        opts.onAllowed?.(id, op, outcomes);
        opts.trace?.(`    (a difference allowed by ${id})`);
      }
      for (const t of v.retire) {
        if (active.delete(t)) {
          retired.push(t);
          opts.trace?.(`    (${t} retired: its tree may now differ by an allowed difference)`);
        }
      }
      // Ops that change nothing cannot make the trees differ: no need to compare them after one.
      if ((i + 1) % opts.checkEvery === 0 && (opts.checkEvery > 1 || !READ_ONLY_OPS.has(op.op))) failure = checkTrees(i, order(), byName);
    }
  } finally {
    for (const t of targets) t.dispose();
  }
  return { ops, failure, tolerated, retired };
}

/** Runs a fixed op list. */
export function runOps(ops: readonly Op[], opts: RunOptions): RunResult {
  return runSequence((i) => ops[i], opts);
}

/** Generates `count` ops from `seed` and runs them (generation depends on the oracle's open handles). */
export function runSeed(seed: number, count: number, opts: RunOptions): RunResult {
  const gen = new OpGenerator(new Rng(seed));
  return runSequence((i, live) => (i < count ? gen.next(i, live) : undefined), opts);
}

export interface Shrunk {
  readonly ops: Op[];
  readonly failure: Failure;
  readonly runs: number;
}

/**
 * Shrinks a failing sequence: re-runs it comparing trees after every op (to find the
 * first op where things go wrong), then drops chunks of ops (halves, quarters, ...
 * single ops) as long as the same failure (same signature) remains.
 */
export function shrink(ops: readonly Op[], failure: Failure, opts: RunOptions, budget: { maxRuns: number; deadline: number }): Shrunk {
  const strict: RunOptions = { targets: opts.targets, checkEvery: 1, ...(opts.rules === undefined ? {} : { rules: opts.rules }) };
  let runs = 1;
  const first = runOps(ops.slice(0, failure.index + 1), strict);
  // Comparing trees after every op may catch the problem earlier (with another signature): that is the one to keep.
  let best: Shrunk = first.failure === undefined ? { ops: ops.slice(0, failure.index + 1), failure, runs } : { ops: first.ops, failure: first.failure, runs };
  const sig = best.failure.signature;
  const attempt = (cand: Op[]): boolean => {
    if (runs >= budget.maxRuns || Date.now() > budget.deadline) return false;
    runs++;
    const r = runOps(cand, strict);
    if (r.failure?.signature !== sig) return false;
    best = { ops: r.ops, failure: r.failure, runs };
    return true;
  };
  const out = (): boolean => runs >= budget.maxRuns || Date.now() > budget.deadline;
  let chunk = Math.max(1, Math.floor(best.ops.length / 2));
  while (!out()) {
    let changed = false;
    // Never drop the failing op itself (the last one); go from the end backwards.
    for (let start = best.ops.length - 1 - chunk; start >= 0 && !out(); ) {
      const cur = best.ops;
      if (attempt([...cur.slice(0, start), ...cur.slice(start + chunk)])) changed = true;
      start = Math.min(start - chunk, best.ops.length - 1 - chunk);
    }
    if (chunk === 1) {
      if (!changed) break;
    } else {
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
  return { ...best, runs };
}

/** A failure as JSON: the seed, where it failed, and the minimal op list that still fails. */
export function reproJson(seed: number | undefined, count: number | undefined, original: Failure, shrunk: Shrunk): string {
  const f = shrunk.failure;
  const head = JSON.stringify({ seed, ops: count, failingIndex: original.index, signature: f.signature, detail: f.detail, outcomes: f.outcomes });
  return `${head.slice(0, -1)},\n "minimal": [\n  ${shrunk.ops.map((o) => JSON.stringify(o)).join(',\n  ')}\n ]}`;
}
