// Owns: the command line of the syscall fuzzer (run by scripts/fuzz-syscalls.mjs).
//   --seed S          first world's seed (default: from the clock, printed)
//   --calls N         calls per world (default 3000)
//   --worlds K        worlds to run (seeds S, S+1, ...; default 1, or unlimited with --seconds)
//   --seconds T       run worlds until T seconds have passed; prints calls/sec
//   --replay          with --seed: rerun that one world, stop at its first finding and print the
//                     calls before it and the failing call with its memory setup
//   --index I         with --seed: print the call at index I with its memory setup, and stop
//   --trace           print every call and its result
//   --check-every N   consistency checks every N calls (default 100; a replay must use the run's)
//   --stats           print, per syscall, how many calls were made and how many returned 0
// Exit code: 0 without findings (notes do not count), 1 with findings, 2 on a usage error.
// Must not: hold fuzzing logic (fuzzer.ts does).
import { NOTE_KINDS, formatCall, formatWrites, planAt, runWorld, type Finding } from './fuzzer.js';
import { shapeFor } from './world.js';

interface Cli {
  seed: number;
  seedGiven: boolean;
  calls: number;
  worlds: number | undefined;
  seconds: number | undefined;
  replay: boolean;
  index: number | undefined;
  trace: boolean;
  checkEvery: number;
  stats: boolean;
}

function usage(msg: string): never {
  console.error(`fuzz-syscalls: ${msg}`);
  console.error('usage: npm run fuzz:syscalls -- [--seed S] [--calls N] [--worlds K | --seconds T] [--replay] [--index I] [--trace] [--check-every N] [--stats]');
  process.exit(2);
}

function parse(argv: string[]): Cli {
  const cli: Cli = { seed: Date.now() % 0x1_0000_0000, seedGiven: false, calls: 3000, worlds: undefined, seconds: undefined, replay: false, index: undefined, trace: false, checkEvery: 100, stats: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = argv[++i];
      const n = Number(v);
      if (v === undefined || !Number.isSafeInteger(n) || n < 0) usage(`${a} needs a non-negative integer`);
      return n;
    };
    switch (a) {
      case '--seed':
        cli.seed = num() >>> 0;
        cli.seedGiven = true;
        break;
      case '--calls':
        cli.calls = num();
        break;
      case '--worlds':
        cli.worlds = num();
        break;
      case '--seconds':
        cli.seconds = num();
        break;
      case '--replay':
        cli.replay = true;
        break;
      case '--index':
        cli.index = num();
        break;
      case '--trace':
        cli.trace = true;
        break;
      case '--stats':
        cli.stats = true;
        break;
      case '--check-every':
        cli.checkEvery = Math.max(1, num());
        break;
      default:
        usage(`unknown option ${a}`);
    }
  }
  if ((cli.replay || cli.index !== undefined) && !cli.seedGiven) usage('--replay and --index need --seed');
  return cli;
}

function describe(f: Finding): string {
  return `[${f.kind}] seed=${f.seed} index=${f.index} ${f.call}\n    ${f.message}`;
}

function key(f: Finding): string {
  const name = f.call.replace(/\(.*$/s, '');
  return `${f.kind} ${name} ${f.message.replace(/\d+/g, '#').slice(0, 160)}`;
}

function main(): void {
  const cli = parse(process.argv.slice(2));

  if (cli.index !== undefined) {
    const p = planAt(cli.seed, cli.index, { checkEvery: cli.checkEvery });
    if (p === undefined) usage(`world ${cli.seed} has no call ${cli.index}`);
    console.log(`seed ${cli.seed} call #${cli.index} (shape ${JSON.stringify(shapeFor(cli.seed))}):`);
    console.log(`  ${formatCall(p)}  [hostility ${p.hostility}]`);
    console.log(formatWrites(p));
    return;
  }

  if (cli.replay) {
    const recent: string[] = [];
    const r = runWorld({
      seed: cli.seed,
      calls: cli.calls,
      checkEvery: cli.checkEvery,
      stopOnFinding: true,
      trace: { from: 0, print: (line) => { if (cli.trace) console.log(line); recent.push(line); if (recent.length > 30) recent.shift(); } },
    });
    const real = r.findings.filter((f) => !NOTE_KINDS.has(f.kind));
    console.log(`replayed seed ${cli.seed} (shape ${JSON.stringify(r.shape)}): ${r.calls} calls`);
    for (const f of r.findings.filter((x) => NOTE_KINDS.has(x.kind))) console.log(`note ${describe(f)}`);
    if (real.length === 0) {
      console.log('no finding');
      return;
    }
    const f = real[0]!;
    if (!cli.trace) console.log(`last calls:\n${recent.join('\n')}`);
    console.log(`\nFINDING ${describe(f)}`);
    if (f.stack !== undefined && f.stack !== '') console.log(f.stack);
    if (f.call.startsWith('(')) {
      process.exitCode = 1;
      return;
    }
    if (f.kind === 'consistency') {
      const from = Math.max(0, f.index + 1 - cli.checkEvery);
      console.log(`found by the consistency check after call #${f.index}: the cause lies in calls #${from}..#${f.index} (the previous check passed); --trace lists them`);
      process.exitCode = 1;
      return;
    }
    const p = planAt(cli.seed, f.index, { checkEvery: cli.checkEvery });
    if (p !== undefined) console.log(`the call, with its memory setup:\n  ${formatCall(p)}\n${formatWrites(p)}`);
    process.exitCode = 1;
    return;
  }

  const started = performance.now();
  const deadline = cli.seconds === undefined ? Infinity : started + cli.seconds * 1000;
  const maxWorlds = cli.worlds ?? (cli.seconds === undefined ? 1 : Infinity);
  console.log(`fuzzing from seed ${cli.seed}, ${cli.calls} calls per world${cli.seconds !== undefined ? `, for ${cli.seconds} s` : ''}`);
  const byKey = new Map<string, { first: Finding; count: number }>();
  let calls = 0;
  let worlds = 0;
  let lastReport = started;
  const perCall = new Map<string, { calls: number; ok: number; traps: number }>();
  for (let w = 0; w < maxWorlds && performance.now() < deadline; w++) {
    const seed = (cli.seed + w) >>> 0;
    const r = runWorld({
      seed,
      calls: cli.calls,
      checkEvery: cli.checkEvery,
      ...(cli.trace ? { trace: { from: 0, print: (line: string) => console.log(line) } } : {}),
    });
    calls += r.calls;
    worlds++;
    for (const [name, s] of r.perCall) {
      const t = perCall.get(name) ?? { calls: 0, ok: 0, traps: 0 };
      t.calls += s.calls;
      t.ok += s.ok;
      t.traps += s.traps;
      perCall.set(name, t);
    }
    for (const f of r.findings) {
      const k = key(f);
      const e = byKey.get(k);
      if (e !== undefined) {
        e.count++;
        continue;
      }
      byKey.set(k, { first: f, count: 1 });
      console.log(`${NOTE_KINDS.has(f.kind) ? 'note' : 'FINDING'} ${describe(f)}`);
      if (!NOTE_KINDS.has(f.kind)) console.log(`    replay: npm run fuzz:syscalls -- --seed ${f.seed} --replay --check-every ${cli.checkEvery}`);
    }
    const now = performance.now();
    if (now - lastReport > 30_000) {
      lastReport = now;
      const secs = (now - started) / 1000;
      console.log(`... ${worlds} worlds, ${calls} calls in ${secs.toFixed(0)} s (${Math.round(calls / secs)} calls/s), ${byKey.size} distinct findings`);
    }
  }
  const secs = (performance.now() - started) / 1000;
  const real = [...byKey.values()].filter((e) => !NOTE_KINDS.has(e.first.kind));
  const notes = [...byKey.values()].filter((e) => NOTE_KINDS.has(e.first.kind));
  console.log(`\n${worlds} worlds (seeds ${cli.seed}..${(cli.seed + worlds - 1) >>> 0}), ${calls} calls in ${secs.toFixed(1)} s: ${Math.round(calls / Math.max(secs, 1e-9))} calls/s`);
  if (cli.stats) {
    console.log('per syscall: calls, returned 0, threw');
    for (const [name, t] of [...perCall].sort()) console.log(`  ${name.padEnd(24)} ${String(t.calls).padStart(8)} ${String(t.ok).padStart(8)} ${String(t.traps).padStart(6)}`);
  }
  console.log(`${real.length} distinct findings, ${notes.length} distinct notes`);
  for (const e of [...real, ...notes]) console.log(`  ${e.count}x ${describe(e.first).split('\n')[0]}\n      ${e.first.message.slice(0, 300)}`);
  if (real.length > 0) process.exitCode = 1;
}

main();
