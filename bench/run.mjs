#!/usr/bin/env node
// `npm run bench`: Warden side by side with node:wasi and @bjorn3/browser_wasi_shim.
//
//   node bench/run.mjs [options] [workload ...]
//     workload ...        only these workloads (ids below; default: all)
//     --quick             smaller counts and fewer repetitions (a check that everything runs)
//     --runtime a,b       only these runtimes (warden-host, node-wasi, warden-mem, shim)
//     --reps N            repetitions per measurement (default: per workload, at least 3)
//     --no-build          do not run `npm run build` first (use dist/ as it is)
//     --json FILE         also write every measurement and the machine info as JSON
//     --markdown FILE     also write the two tables as Markdown (for docs/performance.md)
//
// Every (runtime, workload) measurement runs in its own child process, started as
//   node --no-turbo-fast-api-calls --expose-gc bench/worker.mjs <runtime> <workload>
// with the same flags for every runtime: node:wasi in Node 20 crashes now and then on
// syscall-heavy guests with V8's fast API calls on (nodejs/node#46777, #53087), and one process
// per measurement keeps one runtime's JIT and heap state from affecting another's.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, arch, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PAIRS, RUNTIMES, WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const NODE_FLAGS = ['--no-turbo-fast-api-calls', '--expose-gc'];
const DEFAULT_TIMEOUT_SEC = 300;

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const opts = { quick: false, build: true, runtimes: null, reps: null, json: null, markdown: null, only: [] };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--quick') opts.quick = true;
  else if (a === '--no-build') opts.build = false;
  else if (a === '--runtime' || a === '--runtimes') opts.runtimes = value().split(',');
  else if (a === '--reps') opts.reps = Number(value());
  else if (a === '--json') opts.json = value();
  else if (a === '--markdown') opts.markdown = value();
  else if (a === '--only') opts.only.push(...value().split(','));
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else opts.only.push(...a.split(','));
}

function usage(err) {
  const text = `usage: node bench/run.mjs [--quick] [--runtime ${RUNTIMES.map((r) => r.id).join(',')}] [--reps N] [--no-build] [--json FILE] [--markdown FILE] [workload ...]
workloads: ${WORKLOADS.map((w) => w.id).join(', ')}\n`;
  if (err) {
    process.stderr.write(`bench: ${err}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

for (const id of opts.only) if (!WORKLOADS.some((w) => w.id === id)) usage(`unknown workload "${id}"`);
for (const id of opts.runtimes ?? []) if (!RUNTIMES.some((r) => r.id === id)) usage(`unknown runtime "${id}"`);
if (opts.reps !== null && !(Number.isInteger(opts.reps) && opts.reps >= 1)) usage('--reps needs a positive integer');
const legend = () =>
  workloads.map((w) => {
    const p = w.params(opts.quick);
    const count = w.processes ? `${w.processes(opts.quick)} processes` : `${opts.reps ?? p.reps} ${w.startup ? 'runs' : 'repetitions'}`;
    return `  ${p.short}: ${p.label}; median of ${count}`;
  });
const workloads = WORKLOADS.filter((w) => opts.only.length === 0 || opts.only.includes(w.id));
const runtimes = RUNTIMES.filter((r) => opts.runtimes === null || opts.runtimes.includes(r.id));

// ---------------------------------------------------------------- build
function build() {
  const dist = join(root, 'dist/node/index.js');
  if (opts.build) {
    process.stderr.write('bench: npm run build (Warden is measured from the compiled dist/) ...\n');
    const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) {
      if (!existsSync(dist)) {
        process.stderr.write('bench: the build failed and there is no dist/; fix the build or run `npm run build`.\n');
        process.exit(1);
      }
      process.stderr.write('bench: WARNING: the build failed; measuring the dist/ already there, which may be stale.\n');
      return 'dist/ (build failed: possibly stale)';
    }
    return 'dist/ (just built)';
  }
  if (!existsSync(dist)) {
    process.stderr.write('bench: dist/ is missing: run `npm run build` (or drop --no-build).\n');
    process.exit(1);
  }
  return 'dist/ (as found, --no-build)';
}

// ---------------------------------------------------------------- measuring
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
}

/** Half the min-max range, or for 5 samples or more half the interquartile range (outliers aside). */
function spread(xs) {
  return xs.length >= 5 ? (quantile(xs, 0.75) - quantile(xs, 0.25)) / 2 : (Math.max(...xs) - Math.min(...xs)) / 2;
}

function measure(rt, w, { quick = opts.quick, reps = opts.reps, timeoutSec = (opts.quick ? w.quickTimeoutSec : w.timeoutSec)?.[rt.id] ?? DEFAULT_TIMEOUT_SEC } = {}) {
  const args = [...NODE_FLAGS, join(here, 'worker.mjs'), rt.id, w.id];
  if (quick) args.push('--quick');
  if (reps !== null) args.push('--reps', String(reps));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', timeout: timeoutSec * 1000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - t0) / 1000;
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (r.error?.code === 'ETIMEDOUT' || (r.signal === 'SIGKILL' && !line)) {
    return { runtime: rt.id, workload: w.id, na: `did not finish within ${timeoutSec} s (child killed)`, reason: w.slowReason?.[rt.id], wall };
  }
  if (!line) {
    const why = r.signal ? `child died with ${r.signal}` : `child exited ${r.status} without a result`;
    return { runtime: rt.id, workload: w.id, error: `${why}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`, wall };
  }
  const res = JSON.parse(line.slice('RESULT '.length));
  if (res.error) return { runtime: rt.id, workload: w.id, error: res.error, wall };
  const times = res.times;
  return {
    runtime: rt.id,
    workload: w.id,
    times,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    first: times[0],
    evidence: res.evidence,
    wall,
  };
}

// ---------------------------------------------------------------- formatting
function fmtMs(ms) {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

function cell(res) {
  if (!res) return '-';
  if (res.na) return 'n/a';
  if (res.error) return 'ERROR';
  return fmtMs(res.median);
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(header), widths.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table; `left` = how many leading columns are text (left-aligned), the rest numbers. */
function mdTable(header, rows, left = 1) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map((_, i) => (i < left ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

const runtimeName = (id) => RUNTIMES.find((r) => r.id === id).name;

// ---------------------------------------------------------------- main
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  os: `${platform()} ${release()} ${arch()}`,
  date: new Date().toISOString(),
};
const distNote = build();
machine.warden = gitDescribe();

/** The commit Warden was built from, and whether src/ had changes not committed. */
function gitDescribe() {
  const git = (...a) => spawnSync('git', a, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'not a git checkout';
  const dirty = git('status', '--porcelain', '--', 'src').stdout.trim() !== '';
  return `commit ${head.stdout.trim()}${dirty ? ' + uncommitted changes in src/' : ''}`;
}

const header = [
  `Warden benchmark (${opts.quick ? 'QUICK: smaller counts, not for comparison with full runs' : 'full run'})`,
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB; ${machine.os}; Node ${machine.node}; ${machine.date}`,
  `Warden: ${machine.warden}, measured from ${distNote}; browser_wasi_shim ${shimVersion()}`,
  `method: one child process per (runtime, workload): node ${NODE_FLAGS.join(' ')} (node:wasi needs --no-turbo-fast-api-calls in Node 20:`,
  `        nodejs/node#46777, #53087; every runtime gets the same flags); time = wall time of _start only (instance ready,`,
  `        gc() before each repetition), fresh temp dir / in-memory tree per repetition; median of the repetitions.`,
  `        start-up: new WASI object + instantiate (compiled module) + _start, per run, median of the runs.`,
];
process.stdout.write(`${header.join('\n')}\n\n`);

function shimVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules/@bjorn3/browser_wasi_shim/package.json'), 'utf8')).version;
  } catch {
    return '(not installed: run npm install)';
  }
}

const results = [];
const total = workloads.length * runtimes.length;
let k = 0;
const started = performance.now();
for (const w of workloads) {
  for (const rt of runtimes) {
    k++;
    process.stderr.write(`[${k}/${total}] ${w.id} on ${rt.id} ... `);
    let res = measure(rt, w);
    for (let n = w.processes?.(opts.quick) ?? 1; n > 1 && res.times; n--) {
      const more = measure(rt, w);
      if (!more.times) {
        res = more;
        break;
      }
      res.times.push(...more.times);
      res.wall += more.wall;
      Object.assign(res, { median: median(res.times), min: Math.min(...res.times), max: Math.max(...res.times) });
    }
    if (res.na && !opts.quick) {
      // Show how slow it is: one run at the --quick size.
      const small = measure(rt, w, { quick: true, reps: 1, timeoutSec: 120 });
      res.na += small.median !== undefined ? `; one run at the --quick size (${w.params(true).short}) took ${fmtMs(small.median)}` : '; it did not finish at the --quick size either';
    }
    results.push(res);
    process.stderr.write(`${res.na ? `n/a: ${res.na}` : res.error ? `ERROR: ${res.error}` : `${fmtMs(res.median)} (median of ${res.times.length})`} [${res.wall.toFixed(1)} s]\n`);
  }
}
const find = (rt, w) => results.find((r) => r.runtime === rt && r.workload === w);

// Table 1: every measurement.
const notes = [];
const noteFor = (text) => {
  let i = notes.indexOf(text);
  if (i < 0) i = notes.push(text) - 1;
  return `[${i + 1}]`;
};
const t1Header = ['workload', ...runtimes.map((r) => r.name)];
const t1Rows = workloads.map((w) => [
  w.params(opts.quick).short,
  ...runtimes.map((rt) => {
    const r = find(rt.id, w.id);
    if (!r) return '-';
    if (r.na) return `n/a ${noteFor(`${w.id} on ${rt.name}: ${r.na}${r.reason ? `; ${r.reason}` : ''}`)}`;
    if (r.error) return `ERROR ${noteFor(`${w.id} on ${rt.name}: ${r.error}`)}`;
    return `${fmtMs(r.median)} ±${Math.round((100 * spread(r.times)) / r.median)}%`;
  }),
]);

// Table 2: ratios.
const t2Header = ['workload', 'comparison', 'Warden', 'other', 'Warden/other', 'faster, by'];
const t2Rows = [];
for (const w of workloads) {
  for (const [a, b, what, primary] of PAIRS) {
    if (!runtimes.some((r) => r.id === a) || !runtimes.some((r) => r.id === b)) continue;
    const ra = find(a, w.id);
    const rb = find(b, w.id);
    const label = w.uses === 'none' ? `${runtimeName(a)} vs ${runtimeName(b)}` : what;
    let ratio = 'n/a';
    let faster = ra?.na || rb?.na ? 'n/a (see notes)' : 'n/a (error)';
    if (ra?.median !== undefined && rb?.median !== undefined) {
      const q = ra.median / rb.median;
      ratio = `${q >= 0.1 ? q.toFixed(2) : q.toPrecision(2)}x`;
      const by = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
      faster = q < 0.95 ? `Warden, ${by(1 / q)}x` : q > 1.05 ? `${runtimeName(b)}, ${by(q)}x` : 'about equal (within 5%)';
    } else if (ra?.median !== undefined && rb?.na) {
      faster = `Warden (${runtimeName(b)} did not finish)`;
    }
    t2Rows.push([w.params(opts.quick).short, `${label}${primary || w.uses === 'none' ? '' : ' *'}`, cell(ra), cell(rb), ratio, faster]);
  }
}

const out = [
  'Workloads:',
  ...legend(),
  '',
  'Median time per measurement (± half the min-max range in % of the median; from 5 samples on, half the interquartile range):',
  table(t1Header, t1Rows),
  '',
  'Ratios: Warden time / other time (below 1: Warden is faster). * = reference only, not like for like.',
  table(t2Header, t2Rows),
  '',
  ...(notes.length ? ['Notes:', ...notes.map((n, i) => `  [${i + 1}] ${n}`), ''] : []),
  'What each guest proved (last repetition):',
  ...results.filter((r) => r.evidence).map((r) => `  ${r.workload} / ${r.runtime}: ${r.evidence}`),
  '',
  `Total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
];
process.stdout.write(`${out.join('\n')}\n`);

if (opts.json) {
  writeFileSync(opts.json, JSON.stringify({ machine, quick: opts.quick, dist: distNote, nodeFlags: NODE_FLAGS, results }, null, 2));
  process.stderr.write(`bench: wrote ${opts.json}\n`);
}
if (opts.markdown) {
  const md = [mdTable(t1Header, t1Rows), '', mdTable(t2Header, t2Rows, 2), '', ...notes.map((n, i) => `[${i + 1}] ${n}`)].join('\n');
  writeFileSync(opts.markdown, `${md}\n`);
  process.stderr.write(`bench: wrote ${opts.markdown}\n`);
}
if (results.some((r) => r.error)) process.exitCode = 1;
