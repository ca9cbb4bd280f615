// Owns: the command line of the differential filesystem fuzzer (run by scripts/fuzz.mjs after it
// compiles this directory): one seed, a replay of one seed with every op traced, a repro file, or
// random seeds for a number of seconds, with shrinking and JSON repros of what fails.
// Must not: hold fuzzing logic (runner.ts) or allow-list entries (rules.ts).
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Op } from './ops.js';
import { RULES } from './rules.js';
import { reproJson, runOps, runSeed, shrink, type Failure, type RunOptions } from './runner.js';
import { ALL_TARGETS, type TargetName } from './targets.js';

const USAGE = `usage: node scripts/fuzz.mjs [options]
  --seed S          run the sequence of seed S (default: a random seed)
  --ops K           ops per sequence (default 200)
  --replay          with --seed: print every op and each target's outcome
  --seconds N       run random seeds (from --seed on, if given) for N seconds; print iterations/s and ops
  --repro FILE|JSON run the "minimal" op list of a printed repro (a file or the JSON itself), traced
  --targets LIST    comma-separated subset of ${ALL_TARGETS.join(',')} (default all; the first is the oracle)
  --check-every K   compare whole trees every K ops (default 10)
  --no-shrink       print the failing sequence as is
  --shrink-seconds N  time limit of one shrink (default 60)
  --rules           print the allow-list and exit
  --show-allowed ID[:N]  print the first N (default 20) differences allow-list rule ID let through`;

interface Args {
  seed: number | undefined;
  ops: number;
  replay: boolean;
  seconds: number | undefined;
  repro: string | undefined;
  targets: TargetName[];
  checkEvery: number;
  shrink: boolean;
  shrinkSeconds: number;
  rules: boolean;
  showAllowed: { id: string; max: number } | undefined;
}

function parse(argv: string[]): Args {
  const a: Args = { seed: undefined, ops: 200, replay: false, seconds: undefined, repro: undefined, targets: [...ALL_TARGETS], checkEvery: 10, shrink: true, shrinkSeconds: 60, rules: false, showAllowed: undefined };
  const num = (i: number): number => {
    const v = Number(argv[i]);
    if (argv[i] === undefined || !Number.isFinite(v)) throw new Error(`${argv[i - 1]} needs a number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--seed': a.seed = num(++i) >>> 0; break;
      case '--ops': a.ops = num(++i); break;
      case '--replay': a.replay = true; break;
      case '--seconds': a.seconds = num(++i); break;
      case '--repro': a.repro = argv[++i]; break;
      case '--targets': {
        const list = (argv[++i] ?? '').split(',').filter((t) => t !== '');
        for (const t of list) if (!(ALL_TARGETS as readonly string[]).includes(t)) throw new Error(`unknown target ${t}`);
        a.targets = list as TargetName[];
        break;
      }
      case '--check-every': a.checkEvery = Math.max(1, num(++i)); break;
      case '--no-shrink': a.shrink = false; break;
      case '--shrink-seconds': a.shrinkSeconds = num(++i); break;
      case '--rules': a.rules = true; break;
      case '--show-allowed': {
        const [id, max] = (argv[++i] ?? '').split(':');
        a.showAllowed = { id: id ?? '', max: max === undefined ? 20 : Number(max) };
        break;
      }
      case '--help': case '-h': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (a.targets.length < 2) throw new Error('--targets needs at least two targets to compare');
  return a;
}

function report(seed: number | undefined, count: number | undefined, ops: Op[], failure: Failure, args: Args, opts: RunOptions): void {
  console.log(`\nFAIL seed=${seed ?? '-'} at op #${failure.index}${failure.op === undefined ? ' (tree comparison)' : `: ${JSON.stringify(failure.op)}`}`);
  console.log(failure.detail);
  if (!args.shrink) {
    console.log(`repro: ${JSON.stringify({ seed, ops: count, failingIndex: failure.index, signature: failure.signature, minimal: ops.slice(0, failure.index + 1) })}`);
    return;
  }
  const started = Date.now();
  const s = shrink(ops, failure, opts, { maxRuns: 5000, deadline: started + args.shrinkSeconds * 1000 });
  console.log(`shrunk ${failure.index + 1} ops to ${s.ops.length} in ${s.runs} runs, ${((Date.now() - started) / 1000).toFixed(1)} s; minimal failure at op #${s.failure.index}: ${s.failure.detail}`);
  console.log(`repro: ${reproJson(seed, count, failure, s)}`);
  if (seed !== undefined) console.log(`re-run: node scripts/fuzz.mjs --seed ${seed} --ops ${count} --replay`);
}

export async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (args.rules) {
    for (const r of RULES) console.log(`${r.id} [${r.kind}]\n  ${r.why}`);
    return 0;
  }
  const trace = (line: string): void => console.log(line);
  let shown = 0;
  const show = args.showAllowed;
  const opts: RunOptions = {
    targets: args.targets,
    checkEvery: args.checkEvery,
    ...(show === undefined
      ? {}
      : {
          onAllowed: (id: string, op: Op, outcomes: object) => {
            if (id === show.id && shown++ < show.max) console.log(`allowed ${id}: ${JSON.stringify(op)}\n    ${JSON.stringify(outcomes)}`);
          },
        }),
  };

  if (args.repro !== undefined) {
    const text = args.repro.trimStart().startsWith('{') || args.repro.trimStart().startsWith('[') ? args.repro : readFileSync(args.repro, 'utf8');
    const parsed = JSON.parse(text) as { minimal?: Op[] } | Op[];
    const ops = Array.isArray(parsed) ? parsed : parsed.minimal ?? [];
    const r = runOps(ops, { ...opts, checkEvery: argv.includes('--check-every') ? opts.checkEvery : 1, trace });
    if (r.failure === undefined) {
      console.log(`\nok: ${r.ops.length} ops, no difference${r.retired.length > 0 ? ` (retired: ${r.retired.join(', ')})` : ''}`);
      return 0;
    }
    console.log(`\nFAIL at op #${r.failure.index}: ${r.failure.detail}`);
    return 1;
  }

  if (args.seconds === undefined) {
    const seed = args.seed ?? randomInt(0x1_0000_0000 - 1);
    const r = runSeed(seed, args.ops, args.replay ? { ...opts, trace } : opts);
    if (r.failure === undefined) {
      console.log(`ok: seed=${seed}, ${r.ops.length} ops${r.retired.length > 0 ? `, retired: ${r.retired.join(', ')}` : ''}${r.tolerated.size > 0 ? `, allowed: ${[...r.tolerated].map(([k, v]) => `${k}×${v}`).join(' ')}` : ''}`);
      return 0;
    }
    report(seed, args.ops, r.ops, r.failure, args, opts);
    return 1;
  }

  // --seconds: random seeds until the time is up; each distinct failure is shrunk and printed once.
  const started = Date.now();
  const deadline = started + args.seconds * 1000;
  let seed = args.seed ?? randomInt(0x1_0000_0000 - 1);
  let iterations = 0;
  let opsTotal = 0;
  let fuzzMs = 0;
  const tolerated = new Map<string, number>();
  const retired = new Map<string, number>();
  const seen = new Map<string, number>();
  let lastPrint = started;
  while (Date.now() < deadline) {
    // End the job between sequences: WeakRef targets (OverlayBackend's node cache) are only released
    // then (ECMAScript ClearKeptObjects), so one long synchronous loop would keep every overlay alive.
    await new Promise((resolve) => setImmediate(resolve));
    const t0 = Date.now();
    const r = runSeed(seed, args.ops, opts);
    fuzzMs += Date.now() - t0;
    iterations++;
    opsTotal += r.ops.length;
    for (const [k, v] of r.tolerated) tolerated.set(k, (tolerated.get(k) ?? 0) + v);
    for (const t of r.retired) retired.set(t, (retired.get(t) ?? 0) + 1);
    if (r.failure !== undefined) {
      const n = seen.get(r.failure.signature) ?? 0;
      seen.set(r.failure.signature, n + 1);
      if (n === 0) report(seed, args.ops, r.ops, r.failure, args, opts);
    }
    seed = (seed + 1) >>> 0;
    if (Date.now() - lastPrint > 60_000) {
      lastPrint = Date.now();
      console.log(`... ${((lastPrint - started) / 1000).toFixed(0)} s: ${iterations} sequences, ${opsTotal} ops, ${seen.size} distinct failures`);
    }
  }
  const secs = fuzzMs / 1000;
  console.log(`\n${iterations} sequences, ${opsTotal} ops in ${secs.toFixed(1)} s of fuzzing (${(iterations / secs).toFixed(1)} sequences/s, ${(opsTotal / secs).toFixed(0)} ops/s; wall ${((Date.now() - started) / 1000).toFixed(1)} s with shrinking)`);
  console.log(`targets: ${args.targets.join(', ')} (oracle: ${args.targets[0]}); last seed ${(seed - 1) >>> 0}`);
  if (tolerated.size > 0) console.log(`allowed differences: ${[...tolerated].map(([k, v]) => `${k}×${v}`).join(', ')}`);
  if (retired.size > 0) console.log(`targets retired after an allowed difference: ${[...retired].map(([k, v]) => `${k} in ${v} sequences`).join(', ')}`);
  if (seen.size === 0) {
    console.log('no failures');
    return 0;
  }
  console.log(`${seen.size} distinct failures:`);
  for (const [sig, n] of seen) console.log(`  ${n}× ${sig}`);
  return 1;
}
