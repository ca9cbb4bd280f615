// Measures ONE runtime on ONE workload and prints one line "RESULT <json>".
// Started by run.mjs as: node --no-turbo-fast-api-calls --expose-gc bench/worker.mjs <runtime> <workload> [--quick] [--reps N]
//
// For each repetition: a fresh filesystem, the untimed setup run if the workload has one, a new
// WASI object and instance (not timed), gc(), then the timed `start()`; then the exit code,
// stdout and the files the guest left are checked. For the start-up workload the timed part
// is new WASI object + instantiate (of the already compiled module) + start(), run after run in
// one process without gc() in between (the first, cold run is reported separately).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, repoRoot } from './runtimes.mjs';
import { WORKLOADS } from './workloads.mjs';

const [runtimeId, workloadId, ...rest] = process.argv.slice(2);
const quick = rest.includes('--quick');
const repsFlag = rest.indexOf('--reps');
const workload = WORKLOADS.find((w) => w.id === workloadId);
if (!workload || !ADAPTERS[runtimeId]) {
  console.error(`usage: worker.mjs <${Object.keys(ADAPTERS).join('|')}> <${WORKLOADS.map((w) => w.id).join('|')}> [--quick] [--reps N]`);
  process.exit(2);
}
const p = workload.params(quick);
const reps = repsFlag >= 0 ? Number(rest[repsFlag + 1]) : p.reps;
const gc = globalThis.gc ?? (() => {});

function emit(result) {
  process.stdout.write(`RESULT ${JSON.stringify({ runtime: runtimeId, workload: workloadId, quick, ...result })}\n`);
}

function verify(adapter, env, run, code, expect) {
  if (code !== 0) return `exit code ${code}; stderr: ${run.stderr().trim().slice(0, 300)}`;
  const out = run.stdout();
  if (!expect.test(out)) return `unexpected output ${JSON.stringify(out.slice(0, 200))}; stderr: ${run.stderr().trim().slice(0, 300)}`;
  return null;
}

async function main() {
  const adapter = await ADAPTERS[runtimeId]();
  const module = await WebAssembly.compile(readFileSync(join(repoRoot, 'bench/guests', `${workload.guest}.wasm`)));
  const argv = [`${workload.guest}.wasm`, ...p.args];
  const times = [];
  let evidence = '';

  if (workload.startup) {
    const env = await adapter.env();
    try {
      for (let i = 0; i < reps; i++) {
        const io = adapter.stdio?.(env);
        const t0 = performance.now();
        const run = await adapter.prepare(env, module, argv, io);
        const code = run.start();
        const t1 = performance.now();
        const bad = verify(adapter, env, run, code, p.expect);
        run.close();
        if (bad) return emit({ error: bad });
        times.push(t1 - t0);
      }
      evidence = `stdout "hello world"; first (cold) run ${times[0].toFixed(2)} ms`;
    } finally {
      adapter.dispose(env);
    }
    return emit({ times, evidence });
  }

  for (let i = 0; i < reps; i++) {
    const env = await adapter.env();
    try {
      if (p.setup) {
        const s = await adapter.prepare(env, module, [`${workload.guest}.wasm`, ...p.setup], adapter.stdio?.(env));
        const bad = verify(adapter, env, s, s.start(), p.setupExpect);
        s.close();
        if (bad) return emit({ error: `setup run: ${bad}` });
      }
      const run = await adapter.prepare(env, module, argv, adapter.stdio?.(env));
      gc();
      const t0 = performance.now();
      const code = run.start();
      const t1 = performance.now();
      const bad = verify(adapter, env, run, code, p.expect);
      if (bad) return emit({ error: bad });
      evidence = run.stdout().trim();
      run.close();
      for (const [rel, size] of p.files ?? []) {
        const got = adapter.fileSize(env, rel);
        if (got !== size) return emit({ error: `${rel} is ${got} bytes, expected ${size}` });
        evidence += `; ${rel} ${got} B`;
      }
      times.push(t1 - t0);
    } finally {
      adapter.dispose(env);
    }
  }
  emit({ times, evidence });
}

main().catch((e) => {
  emit({ error: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`.slice(0, 500) });
  process.exitCode = 1;
});
