#!/usr/bin/env node
// Profiles one runtime on one workload with V8's sampling profiler and prints the functions
// with the most self time and the most total time, mapped from dist/*.js back to src/*.ts
// through the source maps.
//
//   node bench/profile.mjs <runtime> <workload> [--quick] [--reps N] [--top N]
//   e.g. node bench/profile.mjs warden-mem open_stat
//
// The worker runs as in the benchmark (node --no-turbo-fast-api-calls --expose-gc) plus
// --cpu-prof; the .cpuprofile is left in .tmp/bench-prof/ (open it in Chrome DevTools).
// The profile covers the whole child process (setup and instantiation too), not only _start.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const [runtime, workload, ...rest] = args;
if (!runtime || !workload) {
  console.error('usage: node bench/profile.mjs <runtime> <workload> [--quick] [--reps N] [--top N]');
  process.exit(2);
}

const dir = join(root, '.tmp/bench-prof');
mkdirSync(dir, { recursive: true });
const name = `${runtime}-${workload}-${Date.now()}.cpuprofile`;
const r = spawnSync(process.execPath, ['--no-turbo-fast-api-calls', '--expose-gc', '--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}`, '--cpu-prof-interval=100', join(here, 'worker.mjs'), runtime, workload, ...rest], { cwd: root, encoding: 'utf8' });
process.stdout.write(r.stdout);
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const file = join(dir, name);
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node from the samples.
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const maps = new Map();
function sourceMap(url) {
  if (!url.startsWith('file://')) return null;
  if (!maps.has(url)) {
    let m = null;
    try {
      m = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      /* no map: shown as the JS location */
    }
    maps.set(url, m);
  }
  return maps.get(url);
}

function where(cf) {
  if (!cf.url) return `(${cf.functionName || 'native'})`;
  const m = sourceMap(cf.url);
  if (m) {
    const e = m.findEntry(cf.lineNumber, cf.columnNumber);
    if (e && e.originalSource) {
      const src = e.originalSource.startsWith('file://') ? fileURLToPath(e.originalSource) : join(dirname(fileURLToPath(cf.url)), e.originalSource);
      return `${relative(root, src)}:${e.originalLine + 1}`;
    }
  }
  const path = cf.url.startsWith('file://') ? relative(root, fileURLToPath(cf.url)) : cf.url;
  return `${path}:${cf.lineNumber + 1}`;
}

const key = (n) => `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame)}`;
const selfBy = new Map();
const totalBy = new Map();
for (const n of profile.nodes) {
  const t = self.get(n.id) ?? 0;
  if (t === 0) continue;
  selfBy.set(key(n), (selfBy.get(key(n)) ?? 0) + t);
  // Total: add this node's self time to each distinct function on its stack.
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    totalBy.set(k, (totalBy.get(k) ?? 0) + t);
  }
}
const all = [...self.values()].reduce((a, b) => a + b, 0);
const show = (title, m) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled):`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${(t / 1000).toFixed(1).padStart(8)} ms  ${((100 * t) / all).toFixed(1).padStart(5)}%  ${k}`);
};
show('Self time', selfBy);
show('Total time (self + callees)', totalBy);
console.log(`\nprofile: ${relative(root, file)} (${(statSync(file).size / 1024).toFixed(0)} KiB)`);

