// Owns: the list of what an overlay changed compared with its lower layer (OverlayChange), computed
// from the upper tree and the markers, in a shape meant for applying it to the lower tree later.
// Must not: change either layer (listing reads the upper's plain data, so not even an upper atime moves).
import type { MemoryBackend, MemoryDir, MemoryNode } from '../memory/memory-backend.js';
import type { Backend, FileType } from '../types.js';
import { inoOfLower, inoOfUpper, type OverlayMarkers } from './markers.js';

/**
 * How a path differs from the lower layer:
 * - `added`: the lower layer has nothing there;
 * - `modified`: the same node as in the lower layer (copied up), with new content
 *   or times. Directories are listed only when their times were set explicitly:
 *   one that was copied up because something inside it changed is not;
 * - `replaced`: the lower layer has a different node there (deleted and
 *   recreated, renamed over, or of another type): remove it first, then create;
 * - `deleted`: the lower node is gone. For a directory, its whole lower subtree
 *   is gone and nothing below it is listed.
 */
export type OverlayChangeKind = 'added' | 'modified' | 'replaced' | 'deleted';

/** A path whose lower node is gone (`kind: 'deleted'`). */
export interface DeletedChange {
  /** Relative to the overlay root, '/'-separated, no leading '/'. */
  readonly path: string;
  readonly kind: 'deleted';
  /** The type the lower node had. */
  readonly type: FileType;
}

/** What every change that leaves something at its path has. */
export interface PresentChangeBase {
  /** Relative to the overlay root, '/'-separated, no leading '/'; '.' is the root itself. */
  readonly path: string;
  readonly kind: 'added' | 'modified' | 'replaced';
  /** The overlay's inode number: two added paths with the same number are hard links of one file. */
  readonly ino: bigint;
  /** Modification time to give the node when applying (directories: after filling them). */
  readonly mtimeNs: bigint;
  /** `replaced` only: what the lower node was (a directory means its whole subtree goes). */
  readonly lowerType?: FileType;
}

/** A regular file that is new or changed. */
export interface FileChange extends PresentChangeBase {
  readonly type: 'regular-file';
  readonly size: bigint;
  /**
   * False for a `modified` file whose bytes were never written or truncated since
   * it was copied up (only its times changed); true otherwise.
   */
  readonly contentChanged: boolean;
  /** Reads the file's current bytes from the upper layer (a fresh copy, at call time). */
  read(): Uint8Array;
}

/** A directory that is new, or whose times were set. Its contents are listed after it. */
export interface DirectoryChange extends PresentChangeBase {
  readonly type: 'directory';
}

/** A symbolic link that is new (links cannot be modified, only replaced), or whose times were set. */
export interface SymlinkChange extends PresentChangeBase {
  readonly type: 'symbolic-link';
  /** The link's target, as stored. */
  readonly target: string;
}

/**
 * One difference between an overlay and its lower layer. A rename shows as the
 * old path `deleted` and the new one `added` (or `replaced`). Hard links are
 * listed once per path (see `ino`).
 */
export type OverlayChange = DeletedChange | FileChange | DirectoryChange | SymlinkChange;

/** What {@link listChanges} reads. */
export interface LayerView {
  readonly upper: MemoryBackend;
  readonly lower: Backend<object>;
  readonly markers: OverlayMarkers;
}

type Present = FileChange | DirectoryChange | SymlinkChange;
type Collected = { parts: string[]; change: OverlayChange };

/**
 * Lists what differs between the overlay (upper over lower) and the lower layer,
 * sorted by path component by component (a directory comes right before its contents).
 * Applying the list in order, each `deleted`/`replaced` removing the lower node
 * first and directory times set last, turns the lower tree into the overlay's.
 */
export function listChanges(view: LayerView): OverlayChange[] {
  const out: Collected[] = [];
  const root = view.upper.root() as MemoryDir;
  const m = view.markers;
  const lowerRoot = m.opaque.has(root.ino) ? undefined : view.lower.root();
  if (m.timesChanged.has(root.ino)) out.push({ parts: [], change: present(view, '.', 'modified', root, false, undefined) });
  diffDir(view, root, lowerRoot, [], out);
  out.sort((a, b) => comparePaths(a.parts, b.parts));
  return out.map((c) => c.change);
}

function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Compares upper directory `u` with `l`, the lower directory at the same path when
 * `u` stands for it (merged, or the same node moved back), else undefined.
 */
function diffDir(view: LayerView, u: MemoryDir, l: object | undefined, prefix: string[], out: Collected[]): void {
  const m = view.markers;
  for (const [name, child] of u.entries) {
    const parts = [...prefix, name];
    const path = parts.join('/');
    const lc = l === undefined ? undefined : view.lower.lookup(l, name);
    if (lc === undefined) {
      addTree(view, child, parts, 'added', undefined, out);
      continue;
    }
    const lst = view.lower.stat(lc);
    const sameOrigin = m.origin.get(child.ino) === inoOfLower(m, lst.ino);
    // A directory that is not opaque is merged with the lower one at its path, whatever its origin.
    const same = lst.type === child.type && (sameOrigin || (child.type === 'directory' && !m.opaque.has(child.ino)));
    if (!same) {
      addTree(view, child, parts, 'replaced', lst.type, out);
      continue;
    }
    const data = child.type === 'regular-file' && m.dataChanged.has(child.ino);
    if (data || m.timesChanged.has(child.ino)) out.push({ parts, change: present(view, path, 'modified', child, data, undefined) });
    if (child.type === 'directory') diffDir(view, child, lc, parts, out);
  }
  if (l === undefined) return;
  const gone = m.opaque.has(u.ino) ? view.lower.readdir(l).map((e) => e.name) : [...(m.whiteouts.get(u.ino) ?? [])];
  for (const name of gone) {
    if (u.entries.has(name)) continue;
    const lc = view.lower.lookup(l, name);
    if (lc === undefined) continue;
    const parts = [...prefix, name];
    out.push({ parts, change: { path: parts.join('/'), kind: 'deleted', type: view.lower.stat(lc).type } });
  }
}

/** Lists `node` as `kind` and, for a directory, everything below it as added. */
function addTree(view: LayerView, node: MemoryNode, parts: string[], kind: 'added' | 'replaced', lowerType: FileType | undefined, out: Collected[]): void {
  out.push({ parts, change: present(view, parts.join('/'), kind, node, true, lowerType) });
  if (node.type !== 'directory') return;
  for (const [name, child] of node.entries) addTree(view, child, [...parts, name], 'added', undefined, out);
}

function present(view: LayerView, path: string, kind: Present['kind'], node: MemoryNode, contentChanged: boolean, lowerType: FileType | undefined): Present {
  const base = {
    path,
    kind,
    ino: inoOfUpper(view.markers, node.ino),
    mtimeNs: node.mtimeNs,
    ...(lowerType === undefined ? {} : { lowerType }),
  };
  switch (node.type) {
    case 'regular-file':
      return { ...base, type: 'regular-file', size: BigInt(node.size), contentChanged, read: () => readUpper(view.upper, node) };
    case 'directory':
      return { ...base, type: 'directory' };
    case 'symbolic-link':
      return { ...base, type: 'symbolic-link', target: node.target };
  }
}

function readUpper(upper: MemoryBackend, node: MemoryNode): Uint8Array {
  const io = upper.open(node, { read: true, write: false });
  try {
    const out = new Uint8Array(Number(io.size()));
    let done = 0;
    while (done < out.length) {
      const n = io.read(out.subarray(done), BigInt(done));
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  } finally {
    io.close();
  }
}
