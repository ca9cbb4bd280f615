// Owns: helpers of the overlay tests: a backend's tree as plain data (to prove a layer unchanged or two
// trees alike), and a reference application of OverlayBackend.changes() to a MemoryBackend.
// Must not: hold test cases, or reach into a backend's internals (public Backend methods only).
import type { OverlayChange } from '../../src/fs/overlay/overlay-backend.js';
import type { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import type { Backend } from '../../src/fs/types.js';
import { dec, readAllIO } from '../helpers.js';

/** One node as {@link dumpTree} describes it. */
export interface Dumped {
  type: string;
  content?: string;
  target?: string;
  entries?: [string, Dumped][];
  meta?: { ino: bigint; nlink: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint };
}

/**
 * The tree below `node` (default: the root) through public Backend methods. With
 * `meta`, every node's ino, nlink, size, mtime and ctime and the listing order are
 * kept (everything but atimes, which reads move); without, entries are sorted by name.
 */
export function dumpTree(b: Backend<any>, meta: boolean, node: object = b.root()): Dumped {
  const st = b.stat(node);
  const out: Dumped = { type: st.type };
  if (meta) out.meta = { ino: st.ino, nlink: st.nlink, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  if (st.type === 'regular-file') {
    const io = b.open(node, { read: true, write: false });
    try {
      out.content = dec(readAllIO(io, 4096));
    } finally {
      io.close();
    }
  } else if (st.type === 'symbolic-link') {
    out.target = b.readlink(node);
  } else if (st.type === 'directory') {
    const names = b.readdir(node).map((e) => e.name);
    if (!meta) names.sort();
    out.entries = names.map((n) => [n, dumpTree(b, meta, b.lookup(node, n))]);
  }
  return out;
}

function walk(b: MemoryBackend, parts: string[]): object {
  let node: object = b.root();
  for (const p of parts) node = b.lookup(node as never, p) ?? assertNever(`missing ${parts.join('/')}`);
  return node;
}

function assertNever(what: string): never {
  throw new Error(what);
}

function removeTree(b: MemoryBackend, dir: object, name: string): void {
  const node = b.lookup(dir as never, name);
  if (node === undefined) throw new Error(`nothing to remove at ${name}`);
  if (node.type !== 'directory') {
    b.unlink(dir as never, name);
    return;
  }
  for (const e of b.readdir(node)) removeTree(b, node, e.name);
  b.rmdir(dir as never, name);
}

function create(b: MemoryBackend, dir: object, name: string, c: Exclude<OverlayChange, { kind: 'deleted' }>): void {
  switch (c.type) {
    case 'directory':
      b.mkdir(dir as never, name);
      break;
    case 'symbolic-link':
      b.symlink(dir as never, name, c.target);
      break;
    case 'regular-file': {
      const io = b.open(b.createFile(dir as never, name), { read: false, write: true });
      try {
        io.write(c.read(), 0n);
      } finally {
        io.close();
      }
      break;
    }
  }
}

/**
 * Applies `changes` (in their order) to `target`, a copy of the overlay's lower tree:
 * what the later "apply to the host" issue will do, minus atomicity and times.
 */
export function applyChanges(target: MemoryBackend, changes: readonly OverlayChange[]): void {
  for (const c of changes) {
    if (c.path === '.') continue; // the root's times only
    const parts = c.path.split('/');
    const name = parts.pop()!;
    const dir = walk(target, parts);
    if (c.kind === 'deleted' || c.kind === 'replaced') removeTree(target, dir, name);
    if (c.kind === 'deleted') continue;
    if (c.kind === 'modified') {
      if (c.type === 'regular-file' && c.contentChanged) {
        const io = target.open(walk(target, [...parts, name]) as never, { read: false, write: true });
        try {
          io.truncate(0n);
          io.write(c.read(), 0n);
        } finally {
          io.close();
        }
      }
      continue;
    }
    create(target, dir, name, c);
  }
}

/** `changes` without the `read` functions, with each file's bytes as text instead (for deepEqual). */
export function plainChanges(changes: readonly OverlayChange[]): object[] {
  return changes.map((c) => {
    if (c.kind === 'deleted' || c.type !== 'regular-file') return { ...c };
    const { read, ...rest } = c;
    return { ...rest, text: dec(read()) };
  });
}
