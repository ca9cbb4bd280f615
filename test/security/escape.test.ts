// Hostile guests against a host directory preopened through the real CLI (`warden run --dir
// <tmp>/w/box::/box`, `--ro-dir`), with canary files and directories beside and above the box.
// Each guest (test/security/c/*.c, wat/*.wat, built into bin/) prints one line per attempt:
//   attempt <kind> <op> <label>: errno <n> | OPENED | INSIDE | OUTSIDE | OTHER
// and this file decides, per kind, what is acceptable (KINDS). Around every run it asserts that
// the canaries were not read (their secrets never appear in stdout/stderr: atime is no oracle on
// noatime mounts) and not changed (content, mode, size, mtime, ctime, nlink of every entry
// outside the box, and the set of entries, identical before and after).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { repoPath } from '../paths.js';

// ---------------------------------------------------------------------------------------------
// What each kind of attempt may answer. Errnos are WASI's: 8 badf, 20 exist, 21 fault, 25 ilseq,
// 28 inval, 32 loop, 37 nametoolong, 44 noent, 54 notdir, 63 perm, 76 notcapable.
// `inside`: the guest proved the call acted inside the box (INSIDE). Anything else (OPENED,
// OUTSIDE, OTHER, another errno) fails. The guests' sources say, per case, why.

interface Kind {
  errnos: readonly number[];
  inside?: boolean;
}

const KINDS: Record<string, Kind> = {
  // ".." above a preopen or a directory fd, absolute paths, symlinks that are absolute or climb out
  escape: { errnos: [63, 76] },
  // a symlink loop, a chain longer than 40, or opening a symlink without SYMLINK_FOLLOW
  loop: { errnos: [32] },
  exist: { errnos: [20] },
  noent: { errnos: [44] },
  // a NUL byte in a path or a symlink target
  nul: { errnos: [28] },
  // not UTF-8 (including overlong "..")
  ilseq: { errnos: [25] },
  // a component over 255 bytes, a path over 4096 bytes
  toolong: { errnos: [37] },
  badf: { errnos: [8] },
  notdir: { errnos: [54] },
  // ".." from a directory fd whose directory was renamed after it was opened: perm, or noent
  // when the backend no longer reaches that directory under the name it was opened by
  held: { errnos: [44, 63, 76] },
  // the guests' own setup steps, and in-bounds calls with overlapping pointers
  ok: { errnos: [0] },
  // controls that must work (a 40-link chain, a 255-byte name, "sub/.." is the box)
  inside: { errnos: [], inside: true },
  // creating a symlink with an escaping target: may be refused or allowed (using it must fail)
  'symlink-ok': { errnos: [0, 63, 76] },
  // any change under --ro-dir
  ro: { errnos: [63] },
  // a change through an fd opened under --ro-dir: no FD_WRITE right (badf), no right to
  // set the size or allocate (notcapable), or the read-only mount refuses (perm)
  'ro-fd': { errnos: [8, 63, 76] },
  // wasi-libc finds no preopen for an absolute path and refuses by itself (chdir: noent)
  'libc-nopre': { errnos: [44, 76] },
  // a held directory fd after its directory was moved and a symlink out put at its name: the fd
  // keeps meaning its own directory (INSIDE) or stops working; it never leads outside
  toctou: { errnos: [32, 44, 54, 63, 76], inside: true },
  // raw pointers outside memory (never wrapped around 2^32)
  fault: { errnos: [21] },
  misalign: { errnos: [21, 28] },
  // a whole page of memory as a path
  'bad-string': { errnos: [25, 28, 37] },
  // the race guest: no iteration escaped
  race: { errnos: [], inside: true },
  'race-listing': { errnos: [], inside: true },
};

// ---------------------------------------------------------------------------------------------
// The temp tree:
//   T/canary-above.txt  T/outside-above/{secret.txt, secret-K.txt}
//   T/w/canary.txt  T/w/secret-K  T/w/victim.txt  T/w/outside/{secret.txt, target.txt, secret-K.txt, sub/}
//   T/w/box/  the preopen, with the planted symlinks the guests' sources list

interface Tree {
  root: string;
  box: string;
  /** A random token in every canary's content and in some canary names. */
  secret: string;
}

const OLD = new Date('2001-02-03T04:05:06Z'); // canary times: any touch moves them

function makeTree(): Tree {
  const root = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), 'warden-sec-')));
  const secret = `SECRET${randomBytes(12).toString('hex')}`;
  const w = join(root, 'w');
  const box = join(w, 'box');
  const file = (path: string, content: string, mode = 0o644): void => {
    fs.writeFileSync(path, content);
    fs.chmodSync(path, mode);
  };
  fs.mkdirSync(join(root, 'outside-above'));
  fs.mkdirSync(join(w, 'outside', 'sub'), { recursive: true });
  file(join(root, 'canary-above.txt'), `above ${secret}\n`, 0o600);
  file(join(root, 'outside-above', 'secret.txt'), `outside-above ${secret}\n`);
  file(join(root, 'outside-above', `secret-${secret}.txt`), `${secret}\n`);
  file(join(w, 'canary.txt'), `beside ${secret}\n`, 0o640);
  file(join(w, `secret-${secret}`), `${secret}\n`);
  file(join(w, 'victim.txt'), `victim ${secret}\n`, 0o666);
  file(join(w, 'outside', 'secret.txt'), `outside ${secret}\n`);
  file(join(w, 'outside', 'target.txt'), `outside-target ${secret}\n`);
  file(join(w, 'outside', `secret-${secret}.txt`), `${secret}\n`);
  file(join(w, 'outside', 'sub', 'deep.txt'), `deep ${secret}\n`);

  fs.mkdirSync(join(box, 'sub', 'deep'), { recursive: true });
  fs.mkdirSync(join(box, 'a'));
  fs.mkdirSync(join(box, 'emptydir'));
  fs.writeFileSync(join(box, 'inside.txt'), 'inside\n');
  fs.writeFileSync(join(box, 'victim-in.txt'), 'victim-in\n');
  fs.writeFileSync(join(box, 'sub', 'inner.txt'), 'inner\n');
  const links: [string, string][] = [
    ['up', '..'],
    ['up2', '../..'],
    ['upfile', '../canary.txt'],
    ['abs', join(w, 'canary.txt')],
    ['absdir', join(w, 'outside')],
    ['root', '/'],
    ['outlink', '../outside'],
    ['sub/updir', '../..'],
    ['tosub', 'sub'],
    ['doubledot', '../box/inside.txt'],
    // a chain that climbs one level per hop
    ['sub/deep/hop1', '../hop2'],
    ['sub/hop2', '../hop3'],
    ['hop3', '../outside'],
    // each link stays inside, their composition does not
    ['sub/l1', '..'],
    ['l2', 'sub/l1/sub/l1/../canary.txt'],
    // O_CREAT / O_TRUNC targets outside, existing and dangling
    ['trunc-link', '../victim.txt'],
    ['dangle-link', '../created-outside.txt'],
    ['abs-trunc', join(w, 'victim.txt')],
    ['abs-dangle', join(w, 'created-abs.txt')],
    // loops
    ['self', 'self'],
    ['la', 'lb'],
    ['lb', 'la'],
    ['dl', 'dl/x'],
  ];
  for (let i = 0; i < 40; i++) links.push([`c${i}`, `c${i + 1}`]);
  links.push(['c40', 'inside.txt']); // c0 is 41 hops from inside.txt, c1 40
  for (const [name, target] of links) fs.symlinkSync(target, join(box, name));

  for (const p of [join(root, 'canary-above.txt'), join(w, 'canary.txt'), join(w, 'victim.txt'), join(w, 'outside', 'secret.txt'),
    join(w, 'outside', 'sub'), join(w, 'outside'), join(root, 'outside-above'), w, root]) {
    fs.utimesSync(p, OLD, OLD);
  }
  return { root, box, secret };
}

/**
 * Every entry under `root` (symlinks not followed), minus `exclude` and everything under it:
 * type, mode, size, nlink, mtime, ctime, and the content of files or target of symlinks.
 */
function snapshot(root: string, exclude?: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (p === exclude) continue;
      const st = fs.lstatSync(p, { bigint: true });
      let what = `mode=${st.mode.toString(8)} size=${st.size} nlink=${st.nlink} mtime=${st.mtimeNs} ctime=${st.ctimeNs}`;
      if (st.isSymbolicLink()) what += ` -> ${fs.readlinkSync(p)}`;
      else if (st.isFile()) what += ` content=${JSON.stringify(fs.readFileSync(p, 'utf8'))}`;
      out.set(p.slice(root.length), what);
      if (st.isDirectory()) walk(p);
    }
  };
  const st = fs.lstatSync(root, { bigint: true });
  out.set('.', `mode=${st.mode.toString(8)} mtime=${st.mtimeNs} ctime=${st.ctimeNs}`);
  walk(root);
  return out;
}

function assertSameTree(before: Map<string, string>, after: Map<string, string>, what: string): void {
  const changes: string[] = [];
  for (const [p, v] of before) if (after.get(p) !== v) changes.push(`${p}: ${v}\n   now: ${after.get(p) ?? '(gone)'}`);
  for (const [p, v] of after) if (!before.has(p)) changes.push(`${p}: created (${v})`);
  assert.deepEqual(changes, [], `${what} changed:\n${changes.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Running guests through the compiled CLI (build/src/cli/main.js), as test/cli/cli.test.ts does.

function warden(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [repoPath('test/cli/run-cli.mjs'), ...args], {
    encoding: 'utf8',
    cwd: repoPath(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const guest = (name: string): string => repoPath('test/security/bin', `${name}.wasm`);

interface Attempt {
  kind: string;
  op: string;
  label: string;
  result: string;
  line: string;
}

function parseAttempts(out: string): Attempt[] {
  const attempts: Attempt[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('attempt ')) continue;
    const m = /^attempt (\S+) (\S+) (\S+): (.+)$/.exec(line);
    assert.ok(m, `malformed attempt line: ${line}`);
    attempts.push({ kind: m[1]!, op: m[2]!, label: m[3]!, result: m[4]!, line });
  }
  return attempts;
}

/** The attempts whose result their kind does not allow. */
function badAttempts(attempts: readonly Attempt[]): string[] {
  const bad: string[] = [];
  for (const a of attempts) {
    const kind = KINDS[a.kind];
    if (kind === undefined) {
      bad.push(`${a.line}   <- unknown kind`);
      continue;
    }
    const m = /^errno (\d+)$/.exec(a.result);
    const ok = m ? kind.errnos.includes(Number(m[1])) : a.result === 'INSIDE' && kind.inside === true;
    if (!ok) bad.push(`${a.line}   <- ${kind.inside ? 'INSIDE or ' : ''}errno ${kind.errnos.join('/')} expected`);
  }
  return bad;
}

interface Run {
  out: string;
  err: string;
  attempts: Attempt[];
}

interface GuestOptions {
  /** At least this many attempts must run. */
  min: number;
  /** Preopen the box with --ro-dir (as /ro) instead of --dir (as /box); the box must then be unchanged too. */
  ro?: boolean;
  extra?: string[];
  /** Called on the fresh tree before the "before" snapshot. */
  prepare?: (t: Tree) => void;
  /** Called as soon as the CLI exits, before anything is asserted. */
  afterRun?: () => void;
}

/** The lines of `text` that contain `secret`, each with the line before it (the attempt that leaked). */
function leaks(text: string, secret: string): string {
  const lines = text.split('\n');
  return lines.flatMap((l, i) => (l.includes(secret) ? [lines[i - 1] ?? '', l] : [])).join('\n');
}

/**
 * Builds a tree, runs guest `name` with argv [T, ...extra] through the CLI, checks what every run
 * must satisfy (no canary secret in stdout or stderr, exit 0, the "done" line with the attempt
 * count, at least `min` attempts, nothing outside the box changed), removes the tree and gives
 * back the output and attempts.
 */
function runGuest(name: string, opts: GuestOptions): Run {
  const tree = makeTree();
  try {
    opts.prepare?.(tree);
    const exclude = opts.ro === true ? undefined : tree.box;
    const before = snapshot(tree.root, exclude);
    const flag = opts.ro === true ? ['--ro-dir', `${tree.box}::/ro`] : ['--dir', `${tree.box}::/box`];
    let r: ReturnType<typeof warden>;
    try {
      r = warden(['run', ...flag, guest(name), tree.root, ...(opts.extra ?? [])]);
    } finally {
      opts.afterRun?.();
    }
    const attempts = parseAttempts(r.out);
    const run: Run = { out: r.out, err: r.err, attempts };
    assert.ok(!r.out.includes(tree.secret) && !r.err.includes(tree.secret), `a canary's secret reached the guest:\n${leaks(r.out + r.err, tree.secret)}`);
    assert.equal(r.code, 0, `exit code ${r.code}\nstderr: ${r.err}\nstdout tail: ${r.out.slice(-2000)}`);
    assert.match(r.out, new RegExp(`\\ndone ${name} ${attempts.length}\\n$`), `the guest did not finish: ${r.out.slice(-500)}`);
    assert.ok(attempts.length >= opts.min, `only ${attempts.length} attempts ran (at least ${opts.min} expected)`);
    assertSameTree(before, snapshot(tree.root, exclude), opts.ro === true ? 'the temp dir (box included)' : 'the temp dir outside the box');
    return run;
  } finally {
    fs.rmSync(tree.root, { recursive: true, force: true });
  }
}

function assertAttempts(attempts: readonly Attempt[]): void {
  const bad = badAttempts(attempts);
  assert.deepEqual(bad, [], `${bad.length} of ${attempts.length} attempts escaped or answered unexpectedly:\n${bad.join('\n')}`);
}

function has(attempts: readonly Attempt[], kind: string, op: string, label: string): void {
  assert.ok(attempts.some((a) => a.kind === kind && a.op === op && a.label === label), `attempt "${kind} ${op} ${label}" did not run`);
}

// ---------------------------------------------------------------------------------------------

test('paths: "..", absolute paths and planted symlinks through every path_* call', () => {
  const { attempts } = runGuest('paths', { min: 1400 });
  assertAttempts(attempts);
  has(attempts, 'escape', 'open', '../canary.txt');
  has(attempts, 'escape', 'open', '$T/w/canary.txt');
  has(attempts, 'escape', 'creat-trunc', 'trunc-link');
  has(attempts, 'escape', 'rename-to', '../box/inside.txt');
  has(attempts, 'loop', 'creat-nofollow', 'dangle-link');
});

test('names: NUL, invalid UTF-8, 4 KiB+ names, 64 KiB paths, empty and slash-only paths, loops, guest-made symlinks', () => {
  const { attempts } = runGuest('names', { min: 900 });
  assertAttempts(attempts);
  for (const kind of ['nul', 'ilseq', 'toolong', 'noent', 'loop', 'escape', 'inside']) {
    assert.ok(attempts.some((a) => a.kind === kind), `no "${kind}" attempt ran`);
  }
  has(attempts, 'inside', 'read-40-hops', 'c1');
  has(attempts, 'loop', 'open', 'c0');
});

test('fds: guessed fd numbers, "." then "..", fd_renumber over the preopen, renamed dirs held open', () => {
  const { attempts } = runGuest('fds', { min: 450 });
  assertAttempts(attempts);
  has(attempts, 'escape', 'dot-open-dir', '..');
  has(attempts, 'escape', 'moved-preopen-open-dir', '..');
  has(attempts, 'badf', 'fd64-open-dir', '..');
});

test('libc: the same escapes through wasi-libc (open, fopen, opendir, chdir + relative paths...)', () => {
  const { attempts } = runGuest('libc', { min: 700 });
  assertAttempts(attempts);
  has(attempts, 'escape', 'open', '../../../canary.txt');
  has(attempts, 'libc-nopre', 'open', '/etc/passwd');
});

test('--ro-dir: no write, create, unlink, rename, link, symlink or set-times; the host dir unchanged', () => {
  const { attempts } = runGuest('ro', { min: 40, ro: true });
  assertAttempts(attempts);
  has(attempts, 'ro', 'trunc', 'inside.txt');
  has(attempts, 'inside', 'read', 'inside.txt');
});

test('hostile raw pointers (end of memory, wrap-around, overlaps, after memory.grow): errnos, no trap', () => {
  const { attempts } = runGuest('hostile', { min: 40 });
  assertAttempts(attempts);
  has(attempts, 'fault', 'open-ptr-len-wrap', '-');
  has(attempts, 'escape', 'open-escape-at-grown-end', '-');
});

// ---------------------------------------------------------------------------------------------
// Time of check, time of use: the guest alone (renaming directories it holds fds on).

// A held directory fd must be reached through the directory's own verified descriptor, not as
// `<parent fd>/<name>`: after the directory was moved and a symlink put at its old name, the
// latter makes fd_readdir list the symlink's target (any host directory, absolute targets too;
// the names being filtered through the real directory, the guest learns which of its own names
// exist out there) and fd_filestat_get / fd_filestat_set_times act on the symlink. HostBackend as
// first hardened (fb19050) did that in readdir(), stat() and setTimes(); these attempts pin it.
const HELD_DIR_LISTING = new Set(['s4-readdir', 's4-fstat', 's4-set-times', 's8-readdir-relative-link', 's8-readdir-absolute-link']);

let toctou: Run | undefined;
const toctouRun = (): Run => (toctou ??= runGuest('toctou', { min: 100 }));

test('toctou (guest alone): held directory fds after their directory was moved and replaced by a symlink out', () => {
  const { attempts } = toctouRun();
  assertAttempts(attempts.filter((a) => !HELD_DIR_LISTING.has(a.op)));
  has(attempts, 'toctou', 's1-open-secret', 'secret.txt');
  has(attempts, 'toctou', 's7-ping-pong-50', 'secret.txt');
});

test('toctou (guest alone): listing, stat and set-times of such a held directory fd', () => {
  const { attempts } = toctouRun();
  const listing = attempts.filter((a) => HELD_DIR_LISTING.has(a.op));
  assert.equal(listing.length, HELD_DIR_LISTING.size);
  assertAttempts(listing);
});

// ---------------------------------------------------------------------------------------------
// The host-side race: the test swaps box/sub/dir between a real directory and a symlink to the
// outside canary directory (rename-based) while the guest keeps using paths through it.

const SWAPPER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { sub, ms, shared, port } = workerData;
const state = new Int32Array(shared); // [0] started, [1] stop, [2] done, [3] swaps
Atomics.store(state, 0, 1);
Atomics.notify(state, 0);
const end = Date.now() + ms;
let swaps = 0, error = '';
while (Date.now() < end && Atomics.load(state, 1) === 0) {
  const link = swaps % 2 === 0 ? 'dir-link-rel' : 'dir-link-abs';
  try {
    fs.renameSync(sub + '/dir', sub + '/dir-real');
    fs.renameSync(sub + '/' + link, sub + '/dir');
    fs.renameSync(sub + '/dir', sub + '/' + link);
    fs.renameSync(sub + '/dir-real', sub + '/dir');
    swaps++;
  } catch (e) {
    error = String(e);
    break;
  }
}
port.postMessage(error);
Atomics.store(state, 3, swaps);
Atomics.store(state, 2, 1);
Atomics.notify(state, 2);
`;

interface Swapper {
  stop(): { swaps: number; error: string };
}

/** Starts the swapper thread on `sub` (bounded to `ms`) and waits until it runs. */
function startSwapper(sub: string, ms: number): Swapper {
  const shared = new SharedArrayBuffer(16);
  const state = new Int32Array(shared);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(SWAPPER, { eval: true, workerData: { sub, ms, shared, port: port2 }, transferList: [port2] });
  if (Atomics.wait(state, 0, 0, 10_000) === 'timed-out') throw new Error('the swapper thread did not start');
  return {
    stop() {
      Atomics.store(state, 1, 1);
      if (Atomics.wait(state, 2, 0, 10_000) === 'timed-out') throw new Error('the swapper thread did not stop');
      const error = receiveMessageOnPort(port1)?.message as string | undefined;
      port1.close();
      void worker.terminate();
      return { swaps: Atomics.load(state, 3), error: error ?? '' };
    },
  };
}

function raceCounts(out: string): Map<string, { inside: number; refused: number; outside: number }> {
  const counts = new Map<string, { inside: number; refused: number; outside: number }>();
  for (const m of out.matchAll(/^ {2}race (\S+): inside (\d+) refused (\d+) outside (\d+)$/gm)) {
    counts.set(m[1]!, { inside: Number(m[2]), refused: Number(m[3]), outside: Number(m[4]) });
  }
  return counts;
}

interface RaceResult {
  run: Run;
  swaps: number;
  error: string;
}

let race: RaceResult | undefined;

/** Runs the race guest for 1.5 s against a swapper bounded to 2.5 s (once; both tests share it). */
function raceRun(): RaceResult {
  if (race !== undefined) return race;
  let swapper: Swapper | undefined;
  let stopped = { swaps: 0, error: 'the swapper never ran' };
  const run = runGuest('race', {
    min: 6,
    extra: ['1500'],
    prepare: (t) => {
      const sub = join(t.box, 'sub');
      fs.mkdirSync(join(sub, 'dir'));
      fs.writeFileSync(join(sub, 'dir', 'target.txt'), 'inside-target\n');
      fs.writeFileSync(join(sub, 'dir', 'marker.txt'), 'marker\n');
      fs.symlinkSync('../../outside', join(sub, 'dir-link-rel'));
      fs.symlinkSync(join(t.root, 'w', 'outside'), join(sub, 'dir-link-abs'));
      swapper = startSwapper(sub, 2500);
    },
    afterRun: () => {
      if (swapper !== undefined) stopped = swapper.stop();
    },
  });
  race = { run, ...stopped };
  return race;
}

test('host race: box/sub/dir swapped with a symlink to the outside canary dir while the guest uses it', () => {
  const { run, swaps, error } = raceRun();
  assert.equal(error, '', 'the swapper failed');
  assertAttempts(run.attempts.filter((a) => a.kind === 'race'));
  const counts = raceCounts(run.out);
  const open = counts.get('open-target');
  assert.ok(open !== undefined, run.out);
  // Both states were seen: the race was really run (thousands of swaps, hundreds of opens each way).
  assert.ok(swaps > 100, `only ${swaps} swaps`);
  assert.ok(open.inside > 0 && open.refused > 0, `the guest never saw both states: ${JSON.stringify(open)}`);
  for (const [op, c] of counts) if (op !== 'readdir') assert.equal(c.outside, 0, `race ${op}: ${JSON.stringify(c)}`);
});

test('host race: listing a directory fd while its name is swapped for a symlink', () => {
  const { run } = raceRun();
  assertAttempts(run.attempts.filter((a) => a.kind === 'race-listing'));
});
