// The benchmark's workloads: which guest, with which arguments, how many repetitions, and how
// to tell that the guest really did its work. Shared by run.mjs (the orchestrator) and
// worker.mjs (the child process that measures one runtime on one workload).

const MiB = 1024 * 1024;
const count = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

/**
 * Each workload:
 *   id, title        name on the command line / in the table
 *   guest            bench/guests/<guest>.wasm
 *   params(quick)    { args, setup?, reps, files?, expect, runs? } for full or --quick runs
 *                    args:  argv after argv[0] for the timed run
 *                    setup: argv of an untimed run of the same guest on the same tree first
 *                    files: [path in the preopened dir, expected size] checked by the host afterwards
 *                    expect: regexp the guest's stdout must match
 *   startup          true: time new WASI + instantiate + run (per run) instead of the run only
 *   processes(quick) run the worker this many times (one child process each) and pool the times
 *   uses             'fs' (host-dir vs in-memory comparisons make sense) or 'none'
 *   timeoutSec       per runtime, when a runtime is known to be very slow (child is killed);
 *                    run.mjs then times one run at the --quick size, to show how slow
 *   slowReason       per runtime, printed with "n/a" when it timed out
 */
export const WORKLOADS = [
  {
    id: 'small_writes',
    title: '1M x 16 B fd_write',
    guest: 'small_writes',
    uses: 'fs',
    params(quick) {
      const n = quick ? 100_000 : 1_000_000;
      return {
        short: `${count(n)} x 16 B fd_write`,
        label: `${n.toLocaleString('en-US')} x 16 B fd_write to a new file`,
        args: [String(n)],
        reps: quick ? 3 : 5,
        files: [['small.bin', n * 16]],
        expect: new RegExp(`^ok small_writes count=${n} bytes=${n * 16} `),
      };
    },
    timeoutSec: { shim: 30 },
    quickTimeoutSec: { shim: 10 },
    slowReason: {
      shim: "browser_wasi_shim's OpenFile.fd_write allocates a new Uint8Array of the new size and copies the whole file on every write past the end (O(n^2) appends)",
    },
  },
  {
    id: 'big_io',
    title: '256 MiB write + read, 64 KiB chunks',
    guest: 'big_io',
    uses: 'fs',
    params(quick) {
      const mib = quick ? 32 : 256;
      return {
        short: `${mib} MiB write + read, 64 KiB`,
        label: `${mib} MiB written then read back, 64 KiB fd_write/fd_read`,
        args: [String(mib)],
        reps: quick ? 3 : 5,
        files: [['big.bin', mib * MiB]],
        expect: new RegExp(`^ok big_io bytes=${mib * MiB} read=${mib * MiB}\\b`),
      };
    },
    timeoutSec: { shim: 30 },
    quickTimeoutSec: { shim: 10 },
    slowReason: {
      shim: "browser_wasi_shim's OpenFile.fd_write reallocates and copies the whole file on every write past the end (O(n^2) appends)",
    },
  },
  {
    id: 'open_stat',
    title: '100k x (path_open + fd_filestat_get + fd_close)',
    guest: 'open_stat',
    uses: 'fs',
    params(quick) {
      const n = quick ? 10_000 : 100_000;
      return {
        short: `${count(n)} x open+fstat+close`,
        label: `${n.toLocaleString('en-US')} x (path_open, fd_filestat_get, fd_close) of one file`,
        args: [String(n)],
        reps: quick ? 3 : 5,
        files: [['target.txt', 100]],
        expect: new RegExp(`^ok open_stat count=${n} size=100\\b`),
      };
    },
  },
  {
    id: 'readdir',
    title: 'readdir of 10,000 entries',
    guest: 'readdir',
    uses: 'fs',
    params(quick) {
      const n = quick ? 1_000 : 10_000;
      const passes = 1;
      return {
        short: `readdir of ${count(n)} files`,
        label: `list a directory of ${n.toLocaleString('en-US')} files with fd_readdir (32 KiB buffer)`,
        setup: ['create', String(n)],
        args: ['list', String(n), String(passes)],
        reps: quick ? 3 : 5,
        expect: new RegExp(`^ok readdir-list n=${n} passes=${passes} entries=${n * passes} `),
        setupExpect: new RegExp(`^ok readdir-create n=${n}\\b`),
      };
    },
  },
  {
    id: 'clock_random',
    title: '1M x (clock_time_get + random_get 16 B)',
    guest: 'clock_random',
    uses: 'none',
    params(quick) {
      const n = quick ? 100_000 : 1_000_000;
      return {
        short: `${count(n)} x (clock + random 16 B)`,
        label: `${n.toLocaleString('en-US')} x (clock_time_get monotonic + random_get of 16 bytes)`,
        args: [String(n)],
        reps: quick ? 3 : 5,
        expect: new RegExp(`^ok clock_random count=${n} zero_blocks=0 `),
      };
    },
  },
  {
    id: 'startup',
    title: 'start-up: hello world',
    guest: 'hello',
    uses: 'none',
    startup: true,
    params(quick) {
      const runs = quick ? 10 : 50;
      return {
        short: `start-up hello, per run (${runs} runs)`,
        label: 'new WASI object + instantiate (module compiled beforehand) + _start of a libc hello world, per run, back to back in one process',
        args: [],
        reps: runs,
        expect: /^hello world\n$/,
      };
    },
  },
  {
    id: 'startup_cold',
    title: 'start-up: hello world, first run in a fresh process',
    guest: 'hello',
    uses: 'none',
    startup: true,
    // One run per child process, in this many processes: the runtime's JS is not yet compiled.
    processes: (quick) => (quick ? 3 : 7),
    params(quick) {
      const procs = this.processes(quick);
      return {
        short: `start-up hello, cold (${procs} processes)`,
        label: 'the same, but only the first run in a fresh process (runtime code not yet JIT-compiled)',
        args: [],
        reps: 1,
        expect: /^hello world\n$/,
      };
    },
  },
];

/** The runtimes, in table order. */
export const RUNTIMES = [
  { id: 'warden-host', name: 'Warden (host dir)', detail: 'createNodeWasi + HostBackend on a fresh temp dir (Node clocks)' },
  { id: 'node-wasi', name: 'node:wasi', detail: "Node's built-in WASI (uvwasi) on a fresh temp dir" },
  { id: 'warden-mem', name: 'Warden (in-memory)', detail: 'core Wasi with the default in-memory Namespace (platform-neutral clocks)' },
  { id: 'shim', name: 'browser_wasi_shim', detail: '@bjorn3/browser_wasi_shim PreopenDirectory of in-memory Files' },
];

/**
 * The comparisons printed with ratios: [warden runtime, other runtime, what it shows, primary?].
 * Primary pairs are like against like; the others are shown for reference.
 */
export const PAIRS = [
  ['warden-host', 'node-wasi', 'host dir vs host dir', true],
  ['warden-mem', 'shim', 'in-memory vs in-memory', true],
  ['warden-mem', 'node-wasi', 'Warden in-memory vs node:wasi host dir (reference only)', false],
];
