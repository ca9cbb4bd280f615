// Owns: reusable consistency checks of Warden's state, for the syscall fuzzer and any other test:
// the fd table (slots, refcounts, lowest-free numbering, rights), MemoryBackend trees (links, parent
// pointers, sizes, zeroed spare capacity, byte accounting), open descriptions, and an overlay as its
// public API shows it (changes(), a lower layer that never changes, a self-consistent merged view).
// Must not: change what it checks, beyond a probe insert that it removes again (and the atimes a
// readdir moves); each check returns a list of violations (empty when all holds) instead of throwing.
import {
  DirDescription,
  FileDescription,
  FsError,
  MemoryBackend,
  OverlayBackend,
  OverlayNode,
  Resource,
  type Backend,
  type FdMeta,
  type Table,
} from '../../src/index.js';
import type { MemoryDir, MemoryFile, MemoryNode } from '../../src/fs/memory/memory-backend.js';

/** Every right preview1 defines: bits 0–29. */
export const ALL_RIGHTS = (1 << 30) - 1;
const I64_MAX = (1n << 63n) - 1n;

/** A resource that stands for nothing: inserted to see which number a fresh insert gets. */
class Probe extends Resource {
  readonly kind = 'probe';
}

function isMeta(m: unknown): m is FdMeta {
  return typeof m === 'object' && m !== null && typeof (m as FdMeta).base === 'number' && typeof (m as FdMeta).inheriting === 'number';
}

/**
 * Checks a table of preview1 fds:
 * - every slot's resource (and parent link) is not disposed;
 * - each resource's refCount ≥ the slots (in `table` and `peers`) holding it or naming it as parent;
 * - `size` equals the number of occupied slots;
 * - a fresh insert (a probe, removed again) gets the lowest free number, or fails with
 *   `too-many-open-files` exactly when the table is full, or `file-table-overflow` when a shared
 *   budget is used up;
 * - rights (base and inheriting) are integers in [0, 2^30): no bit beyond the 30 rights.
 */
export function checkTable(table: Table<FdMeta>, peers: readonly Table<FdMeta>[] = [], options: { probe?: boolean } = {}): string[] {
  const out: string[] = [];
  const holders = new Map<Resource, number>();
  const count = (r: Resource) => holders.set(r, (holders.get(r) ?? 0) + 1);
  let occupied = 0;
  const used = new Set<number>();
  for (const t of [table, ...peers]) {
    for (const [, slot] of t.entries()) {
      count(slot.resource);
      if (slot.parent !== undefined) count(slot.parent);
    }
  }
  for (const [n, slot] of table.entries()) {
    occupied++;
    used.add(n);
    const r = slot.resource;
    if (!Number.isSafeInteger(n) || n < 0) out.push(`table: slot number ${n} is not a non-negative integer`);
    if (r.disposed) out.push(`table: fd ${n} holds a disposed ${r.kind} resource`);
    if (slot.parent?.disposed === true) out.push(`table: fd ${n} has a disposed parent`);
    const held = holders.get(r) ?? 0;
    if (r.refCount < held) out.push(`table: fd ${n}: ${r.kind} refCount ${r.refCount} < ${held} slots holding it`);
    if (!isMeta(slot.meta)) {
      out.push(`table: fd ${n} has no rights metadata`);
      continue;
    }
    for (const [what, v] of [['base', slot.meta.base], ['inheriting', slot.meta.inheriting]] as const) {
      if (!Number.isInteger(v) || v < 0 || (v & ~ALL_RIGHTS) !== 0 || v > ALL_RIGHTS) out.push(`table: fd ${n} ${what} rights ${v} has bits beyond the 30 rights`);
    }
  }
  if (table.size !== occupied) out.push(`table: size ${table.size} but ${occupied} occupied slots`);
  if (options.probe !== false) {
    let lowest = 0;
    while (used.has(lowest)) lowest++;
    const probe = new Probe();
    let got: number | undefined;
    try {
      got = table.insert(probe, { base: 0, inheriting: 0 });
    } catch (e) {
      const full = table.size >= table.capacity;
      const budgetOut = table.budget !== undefined && table.budget.used >= table.budget.limit;
      if (!(e instanceof FsError)) out.push(`table: a probe insert threw ${String(e)}`);
      else if (e.errorCode === 'too-many-open-files' && !full) out.push(`table: insert failed with too-many-open-files at size ${table.size} of ${table.capacity}`);
      else if (e.errorCode === 'file-table-overflow' && !budgetOut) out.push('table: insert failed with file-table-overflow with budget left');
      else if (e.errorCode !== 'too-many-open-files' && e.errorCode !== 'file-table-overflow') out.push(`table: a probe insert failed with ${e.errorCode}`);
    }
    if (got !== undefined) {
      if (got !== lowest) out.push(`table: a fresh insert got fd ${got}, the lowest free number is ${lowest}`);
      table.remove(got);
      if (!probe.disposed) out.push('table: the removed probe was not disposed');
    } else if (table.size < table.capacity && (table.budget === undefined || table.budget.used < table.budget.limit)) {
      out.push(`table: insert failed with room left (size ${table.size} of ${table.capacity})`);
    }
  }
  return out;
}

/**
 * Checks the open descriptions of a table: a file position is in [0, 2^63), flags are booleans,
 * a directory description designates a directory.
 */
export function checkDescriptions(table: Table<FdMeta>): string[] {
  const out: string[] = [];
  for (const [n, slot] of table.entries()) {
    const r = slot.resource;
    if (r instanceof FileDescription) {
      if (typeof r.position !== 'bigint' || r.position < 0n || r.position > I64_MAX) out.push(`fd ${n}: position ${String(r.position)} out of [0, 2^63)`);
      for (const [k, v] of Object.entries(r.flags)) if (typeof v !== 'boolean') out.push(`fd ${n}: flag ${k} is ${String(v)}`);
    } else if (r instanceof DirDescription) {
      try {
        const t = r.location.mount.backend.stat(r.location.node).type;
        if (t !== 'directory') out.push(`fd ${n}: a directory description on a ${t}`);
      } catch (e) {
        if (!(e instanceof FsError)) out.push(`fd ${n}: stat of its directory threw ${String(e)}`);
      }
    }
  }
  return out;
}

const OPENS_DESCRIPTION = 'warden.opens';

/** How many FileIOs the backend counts as open on `file` (its private per-file counter, 0 if never opened). */
export function opensOf(file: MemoryFile): number {
  const sym = Object.getOwnPropertySymbols(file).find((s) => s.description === OPENS_DESCRIPTION);
  if (sym === undefined) return 0;
  return (file as unknown as Record<symbol, number>)[sym] ?? 0;
}

/**
 * Memory files the tables' open descriptions may hold, per backend: a memory FileIO's own file,
 * and an overlay FileIO's upper file (held only once the file was copied up; the counter says).
 * FileIOs wrapped by a ReadOnlyBackend are not visible (those trees never lose links).
 */
export function filesHeldOpen(tables: readonly Table<FdMeta>[]): Map<MemoryBackend, Set<MemoryFile>> {
  const out = new Map<MemoryBackend, Set<MemoryFile>>();
  const add = (b: MemoryBackend, f: MemoryNode) => {
    if (f.type !== 'regular-file') return;
    let s = out.get(b);
    if (s === undefined) out.set(b, (s = new Set()));
    s.add(f);
  };
  for (const t of tables) {
    for (const [, slot] of t.entries()) {
      const r = slot.resource;
      if (!(r instanceof FileDescription) || r.disposed) continue;
      const io = r.io as unknown as { backend?: unknown; file?: MemoryNode; node?: unknown; host?: { upper?: () => MemoryBackend } };
      if (io.backend instanceof MemoryBackend && io.file !== undefined) add(io.backend, io.file);
      if (io.node instanceof OverlayNode && io.host?.upper !== undefined && io.node.upper !== undefined) add(io.host.upper(), io.node.upper);
    }
  }
  return out;
}

/** Directories the tables' directory descriptions designate, per memory backend. */
function dirsHeldOpen(tables: readonly Table<FdMeta>[]): Map<MemoryBackend, Set<MemoryDir>> {
  const out = new Map<MemoryBackend, Set<MemoryDir>>();
  for (const t of tables) {
    for (const [, slot] of t.entries()) {
      const r = slot.resource;
      if (!(r instanceof DirDescription)) continue;
      const b = r.location.mount.backend;
      const n = r.location.node as MemoryNode;
      if (b instanceof MemoryBackend && n.type === 'directory') {
        let s = out.get(b);
        if (s === undefined) out.set(b, (s = new Set()));
        s.add(n);
      }
    }
  }
  return out;
}

function validName(name: string): string | undefined {
  if (name === '' || name === '.' || name === '..') return `invalid entry name "${name}"`;
  if (name.includes('/') || name.includes('\0')) return `entry name ${JSON.stringify(name)} contains '/' or NUL`;
  if (new TextEncoder().encode(name).length > 255) return `entry name of more than 255 bytes`;
  return undefined;
}

/** What {@link checkMemoryTree} may know beyond the tree. */
export interface MemoryTreeContext {
  /** Files held open (see {@link filesHeldOpen}); they may be unlinked (nlink 0). */
  openFiles?: ReadonlySet<MemoryFile>;
  /** Directories held open; they may be removed (nlink 0, empty). */
  openDirs?: ReadonlySet<MemoryDir>;
  /**
   * True when every open FileIO of this backend is among `openFiles` (or none is open): then
   * `bytesUsed` must equal the capacity of reachable files plus open unlinked ones exactly.
   * Otherwise only `bytesUsed ≥ reachable capacity` is checked.
   */
  allOpensVisible?: boolean;
  /** A name for messages. */
  label?: string;
}

/**
 * Checks a MemoryBackend's tree, walking from `root()`:
 * - the directories form a tree: each reachable directory is reached once, its `parent` is the
 *   directory containing it (the root's is itself), its nlink is 2 + its subdirectories;
 * - every non-directory's nlink equals the number of entries naming it; a file reached only
 *   through an open description has nlink 0; a removed directory held open has nlink 0 and no entries;
 * - entry names are valid single names (not empty, `.`, `..`, no `/` or NUL, ≤ 255 bytes);
 * - inode numbers are unique; the per-file open counter is never negative;
 * - a file's size is an integer in [0, data capacity], ≤ maxFileSize, and the bytes beyond it are zero;
 * - `bytesUsed` ≤ `maxBytes`; it equals the capacities of reachable files plus open unlinked ones
 *   (`allOpensVisible`), or is at least the reachable capacity.
 */
export function checkMemoryTree(backend: MemoryBackend, ctx: MemoryTreeContext = {}): string[] {
  const label = ctx.label ?? backend.label;
  const out: string[] = [];
  const err = (m: string) => out.push(`${label}: ${m}`);
  const root = backend.root() as MemoryDir;
  if (root.type !== 'directory') return [`${label}: the root is a ${root.type}`];
  if (root.parent !== root) err('the root directory\'s parent is not itself');
  const seenDirs = new Set<MemoryDir>();
  const linkCount = new Map<MemoryNode, number>();
  const inos = new Map<number, MemoryNode>();
  const paths = new Map<MemoryNode, string>();
  const files = new Set<MemoryFile>();
  const stack: [MemoryDir, string][] = [[root, '']];
  seenDirs.add(root);
  paths.set(root, '/');
  const noteIno = (n: MemoryNode, p: string) => {
    const other = inos.get(n.ino);
    if (other !== undefined && other !== n) err(`ino ${n.ino} is used by two nodes (${paths.get(other) ?? '?'} and ${p})`);
    inos.set(n.ino, n);
  };
  noteIno(root, '/');
  while (stack.length > 0) {
    const [dir, path] = stack.pop()!;
    let subdirs = 0;
    for (const [name, child] of dir.entries) {
      const p = `${path}/${name}`;
      const bad = validName(name);
      if (bad !== undefined) err(`${p}: ${bad}`);
      if (child.type === 'directory') {
        subdirs++;
        if (seenDirs.has(child)) {
          err(`${p}: directory reached twice (also at ${paths.get(child) ?? '?'}): not a tree`);
          continue;
        }
        seenDirs.add(child);
        paths.set(child, p);
        noteIno(child, p);
        if (child.parent !== dir) err(`${p}: parent pointer is ${paths.get(child.parent) ?? 'a directory not in the tree'}, not the directory containing it`);
        stack.push([child, p]);
      } else {
        if (!linkCount.has(child)) {
          paths.set(child, p);
          noteIno(child, p);
        }
        linkCount.set(child, (linkCount.get(child) ?? 0) + 1);
        if (child.type === 'regular-file') files.add(child);
      }
    }
    const want = 2 + subdirs;
    if (dir.nlink !== want) err(`${path || '/'}: directory nlink ${dir.nlink}, expected 2 + ${subdirs} subdirectories`);
  }
  for (const [node, links] of linkCount) {
    if (node.nlink !== links) err(`${paths.get(node)}: nlink ${node.nlink} but ${links} entries name it`);
  }
  const checkFile = (f: MemoryFile, where: string) => {
    if (!Number.isSafeInteger(f.size) || f.size < 0) err(`${where}: size ${f.size} is not a non-negative integer`);
    if (f.size > f.data.length) err(`${where}: size ${f.size} > capacity ${f.data.length}`);
    if (f.size > backend.maxFileSize) err(`${where}: size ${f.size} > maxFileSize ${backend.maxFileSize}`);
    for (let i = Math.max(0, f.size); i < f.data.length; i++) {
      if (f.data[i] !== 0) {
        err(`${where}: byte ${i} beyond size ${f.size} is ${f.data[i]}, not zero`);
        break;
      }
    }
    if (opensOf(f) < 0) err(`${where}: open count ${opensOf(f)} is negative`);
  };
  let reachableBytes = 0;
  for (const f of files) {
    checkFile(f, paths.get(f) ?? '?');
    reachableBytes += f.data.length;
  }
  let unlinkedOpenBytes = 0;
  for (const f of ctx.openFiles ?? []) {
    if (files.has(f)) continue;
    const where = `open unlinked file ino ${f.ino}`;
    if (f.nlink !== 0) err(`${where}: not reachable but nlink ${f.nlink}`);
    checkFile(f, where);
    if (opensOf(f) > 0) unlinkedOpenBytes += f.data.length;
  }
  for (const d of ctx.openDirs ?? []) {
    if (seenDirs.has(d)) continue;
    if (d.nlink !== 0) err(`open directory ino ${d.ino}: not reachable but nlink ${d.nlink}`);
    if (d.entries.size !== 0) err(`removed directory ino ${d.ino} still has ${d.entries.size} entries`);
  }
  const used = backend.bytesUsed;
  if (used > backend.maxBytes) err(`bytesUsed ${used} > maxBytes ${backend.maxBytes}`);
  if (ctx.allOpensVisible === true) {
    const want = reachableBytes + unlinkedOpenBytes;
    if (used !== want) err(`bytesUsed ${used}, but reachable files hold ${reachableBytes} and open unlinked ones ${unlinkedOpenBytes} (a leaked FileIO keeps an unlinked file's bytes)`);
  } else if (used < reachableBytes) {
    err(`bytesUsed ${used} < ${reachableBytes} held by reachable files`);
  }
  return out;
}

/** Checks every MemoryBackend reachable from the tables' descriptions plus `backends`, with what the tables hold open. */
export function checkMemoryTrees(backends: readonly { backend: MemoryBackend; label: string; allOpensVisible: boolean }[], tables: readonly Table<FdMeta>[]): string[] {
  const files = filesHeldOpen(tables);
  const dirs = dirsHeldOpen(tables);
  const out: string[] = [];
  for (const { backend, label, allOpensVisible } of backends) {
    const ctx: MemoryTreeContext = { label, allOpensVisible };
    const f = files.get(backend);
    if (f !== undefined) ctx.openFiles = f;
    const d = dirs.get(backend);
    if (d !== undefined) ctx.openDirs = d;
    out.push(...checkMemoryTree(backend, ctx));
  }
  return out;
}

/**
 * A MemoryBackend's tree as a string: every node's type, ino, nlink, size, bytes (or target),
 * mtime and ctime, in listing order, read from the plain nodes (so nothing moves, not even atimes).
 * Atimes are left out: reads move them legitimately.
 */
export function snapshotTree(backend: MemoryBackend): string {
  const parts: string[] = [];
  const walk = (n: MemoryNode, path: string) => {
    const head = `${path} ${n.type} ino=${n.ino} nlink=${n.nlink} m=${n.mtimeNs} c=${n.ctimeNs}`;
    if (n.type === 'regular-file') parts.push(`${head} size=${n.size} data=${Buffer.from(n.data.subarray(0, n.size)).toString('base64')}`);
    else if (n.type === 'symbolic-link') parts.push(`${head} -> ${n.target}`);
    else {
      parts.push(head);
      for (const [name, c] of n.entries) walk(c, `${path}/${name}`);
    }
  };
  walk(backend.root(), '');
  return parts.join('\n');
}

/** The first line where two snapshots differ, for a message. */
export function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `before: ${x[i] ?? '(nothing)'} | now: ${y[i] ?? '(nothing)'}`;
  }
  return '(no difference)';
}

/**
 * Checks a backend as its public API shows it, walking from the root (up to `limit` nodes):
 * readdir names are unique valid names; each listed name looks up to a node whose stat has the
 * listed type and inode number; no call throws anything but FsError.
 */
export function checkBackendView(b: Backend<any>, label: string, limit = 2000): string[] {
  const out: string[] = [];
  let visited = 0;
  const walk = (dir: object, path: string, depth: number) => {
    if (++visited > limit || depth > 32) return;
    let entries;
    try {
      entries = b.readdir(dir);
    } catch (e) {
      out.push(`${label}${path}: readdir threw ${e instanceof FsError ? e.errorCode : String(e)}`);
      return;
    }
    const names = new Set<string>();
    for (const e of entries) {
      const p = `${path}/${e.name}`;
      const bad = validName(e.name);
      if (bad !== undefined) out.push(`${label}${p}: ${bad}`);
      if (names.has(e.name)) out.push(`${label}${p}: listed twice`);
      names.add(e.name);
      try {
        const n = b.lookup(dir, e.name);
        if (n === undefined) {
          out.push(`${label}${p}: listed but lookup finds nothing`);
          continue;
        }
        const st = b.stat(n);
        if (st.type !== e.type) out.push(`${label}${p}: listed as ${e.type}, stat says ${st.type}`);
        if (st.ino !== e.ino) out.push(`${label}${p}: listed with ino ${e.ino}, stat says ${st.ino}`);
        if (st.type === 'directory') walk(n, p, depth + 1);
      } catch (err) {
        out.push(`${label}${p}: ${err instanceof FsError ? `FsError ${err.errorCode}` : `threw ${String(err)}`}`);
      }
    }
  };
  try {
    walk(b.root(), '', 0);
  } catch (e) {
    out.push(`${label}: walking threw ${String(e)}`);
  }
  return out;
}

/**
 * Checks an overlay through its public API: changes() does not throw, lists each path once, in
 * order, and a `modified`, `replaced` or `deleted` path exists in the lower layer (`modified` with
 * the same type); the lower layer is unchanged since `lowerBefore` (see {@link snapshotTree}); the
 * merged view is self-consistent ({@link checkBackendView}).
 */
export function checkOverlay(overlay: OverlayBackend, lower: MemoryBackend, lowerBefore: string, label = 'overlay'): string[] {
  const out: string[] = [];
  let changes;
  try {
    changes = overlay.changes();
  } catch (e) {
    return [`${label}: changes() threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`];
  }
  const seen = new Set<string>();
  let prev: string[] | undefined;
  const lookupLower = (path: string): MemoryNode | undefined => {
    let n: MemoryNode | undefined = lower.root();
    if (path === '.') return n;
    for (const part of path.split('/')) {
      if (n === undefined || n.type !== 'directory') return undefined;
      n = n.entries.get(part);
    }
    return n;
  };
  for (const c of changes) {
    if (seen.has(c.path)) out.push(`${label}: changes() lists ${c.path} twice`);
    seen.add(c.path);
    const parts = c.path === '.' ? [] : c.path.split('/');
    if (prev !== undefined && compareParts(prev, parts) >= 0) out.push(`${label}: changes() out of order at ${c.path}`);
    prev = parts;
    if (c.kind === 'added') continue;
    const l = lookupLower(c.path);
    if (l === undefined) out.push(`${label}: ${c.kind} ${c.path} but the lower layer has nothing there`);
    else if (c.kind === 'modified' && l.type !== c.type) out.push(`${label}: modified ${c.path} is a ${c.type}, the lower one a ${l.type}`);
    else if (c.kind === 'deleted' && l.type !== c.type) out.push(`${label}: deleted ${c.path} says ${c.type}, the lower one is a ${l.type}`);
  }
  const now = snapshotTree(lower);
  if (now !== lowerBefore) out.push(`${label}: the lower layer changed: ${firstDifference(lowerBefore, now)}`);
  out.push(...checkBackendView(overlay, label));
  return out;
}

function compareParts(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/**
 * After every table holding them is closed: every description is disposed, and each memory
 * backend gives back what unlinked files held (open counters all 0, bytesUsed = reachable capacity).
 */
export function checkAllClosed(tables: readonly Table<FdMeta>[], backends: readonly { backend: MemoryBackend; label: string }[], formerlyOpen: readonly Resource[]): string[] {
  const out: string[] = [];
  for (const t of tables) if (t.size !== 0) out.push(`closed table still has ${t.size} slots`);
  for (const r of formerlyOpen) if (!r.disposed) out.push(`a ${r.kind} description is not disposed after every table closed (refCount ${r.refCount})`);
  for (const { backend, label } of backends) {
    out.push(...checkMemoryTree(backend, { label, allOpensVisible: true }));
    const stack: MemoryNode[] = [backend.root()];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === 'directory') stack.push(...n.entries.values());
      else if (n.type === 'regular-file' && opensOf(n) !== 0) out.push(`${label}: file ino ${n.ino} still counts ${opensOf(n)} open FileIOs after every table closed`);
    }
  }
  return out;
}
