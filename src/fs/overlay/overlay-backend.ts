// Owns: the copy-on-write overlay backend: reads from a lower backend, every change in an upper
// MemoryBackend (copy-up, whiteouts, opaque directories, merged listings), and its node identities.
// Must not: resolve paths (it hands single names to its layers), use platform APIs, or ever call a
// changing method of the lower layer (the lower is held behind a ReadOnlyBackend, so a slip throws).
import { fail } from '../../errors.js';
import type { MemoryDir, MemoryNode } from '../memory/memory-backend.js';
import { MemoryBackend } from '../memory/memory-backend.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../types.js';
import { ReadOnlyBackend } from '../virtual/read-only.js';
import { listChanges, type OverlayChange } from './changes.js';
import { inoOfLower, inoOfUpper, newMarkers, type OverlayMarkers } from './markers.js';

/** Options of an {@link OverlayBackend}. */
export interface OverlayOptions {
  /**
   * The layer that takes every change. Default: a new, empty {@link MemoryBackend}
   * whose root takes the lower root's times. A non-empty upper is read as Linux
   * overlayfs reads one: its directories merge with the lower directories at the
   * same paths, its other nodes hide the lower ones.
   */
  upper?: MemoryBackend;
}

/**
 * A node of an {@link OverlayBackend}. Opaque outside this module; there is one
 * node object per directory entry for as long as anything holds it, so a node
 * follows its file through a copy-up or a rename, and node identity is the
 * mount-point key.
 */
export class OverlayNode {
  /** @internal The node in the upper layer, once there is one. */
  upper: MemoryNode | undefined;
  /** @internal The lower node: of a node not copied up, or the lower half of a merged directory. */
  lower: object | undefined;
  /** @internal The directory this node was found in, and its name there (used to copy it up). */
  parent: OverlayNode | undefined;
  /** @internal */
  name: string;
  /** @internal Deleted while not copied up (or a directory removed): lookups inside it find nothing. */
  removed = false;
  /** @internal Nodes handed out for lower-only children, so a second lookup gives the same object. */
  children: Map<string, WeakRef<OverlayNode>> | undefined;
  /** @internal Merged directory: names of the lower subdirectories (null: the lower does not count them in nlink). */
  lowerSubdirs: Set<string> | null | undefined;
  /** @internal Merged directory: how many of `lowerSubdirs` were visible at change stamp `stamp`. */
  visibleSubdirs: { stamp: number; count: bigint } | undefined;
  /** @internal A deleted lower-only file whose times were set through an open descriptor. */
  detachedTimes: { atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint } | undefined;
  /** @internal Open files still reading the lower file: moved onto the copy the moment it is made. */
  lowerReaders: Set<{ adopt(u: MemoryNode): void }> | undefined;

  /** @internal */
  constructor(upper: MemoryNode | undefined, lower: object | undefined, parent: OverlayNode | undefined, name: string) {
    this.upper = upper;
    this.lower = lower;
    this.parent = parent;
    this.name = name;
  }
}

const COPY_CHUNK = 1 << 20;

/**
 * A copy-on-write view of a lower backend: reads come from the lower layer, every
 * change goes to an upper in-memory layer, so a guest can "modify" a real tree
 * without touching it. Semantics follow Linux overlayfs:
 *
 * - A lookup checks the upper layer, then the lower one. A directory present in
 *   both is merged: its listing is the lower entries in the lower order (each
 *   replaced by the upper entry of the same name, if any), then the upper-only
 *   entries in creation order; deleted lower names are hidden by whiteouts.
 * - Deleting a lower entry records a whiteout in the upper copy of its directory.
 *   A directory the guest creates is opaque: the lower directory that may have
 *   been at its path (deleted before) never shows through.
 * - Copy-up: opening a lower file for writing, truncating it through a read-only
 *   open (O_TRUNC), setting its times, or hard-linking it first copies it (bytes,
 *   atime, mtime) into the upper layer, creating the upper copies of its parent
 *   directories as needed (those stay merged). The parent's times are restored
 *   after a copy-up, so a copy-up alone changes nothing visible but ctimes.
 *   A file opened for reading before its copy-up reads the copy from then on.
 * - Renaming a lower file copies it up, moves it in the upper layer and whites out
 *   the old name. Renaming a directory that has anything in the lower layer copies
 *   its WHOLE subtree up first (every file's bytes, held in memory), then moves it
 *   and marks it opaque: the cost is proportional to the subtree's size, and the
 *   moved directory then lists in the upper layer's order.
 * - Hard links: linking a lower file copies it up and links the copy, so nlink
 *   counts upper links. Lower hard links are not tracked: copying up one name of
 *   a lower file with several names leaves the others on the lower file (both
 *   keep the same inode number but no longer share bytes), and a lower-only
 *   file's nlink is the lower's count.
 * - Special files (devices, fifos, sockets) of the lower layer can be read through
 *   and deleted, not copied up: writing, renaming, linking or setting their times
 *   fails with `not-permitted`.
 * - Inode numbers: a lower node reports its own number when below 2^62, a node
 *   created in the upper layer reports 2^62 + its upper number, and a copied-up
 *   node keeps the number it had; see {@link UPPER_INO_BASE}. They are stable for
 *   the life of the overlay and distinct between layers.
 * - A merged directory's nlink is 2 + its subdirectories in the merged view when the
 *   lower layer counts subdirectories that way, else 1 (what overlayfs always reports
 *   for merged directories); other directories report their own layer's count.
 * - A lower file deleted while open stays readable through its descriptions; its
 *   times can still be set through them (kept on the node: it is in no tree to copy to).
 *
 * The lower layer must not change while the overlay uses it (as for overlayfs):
 * merging decisions assume it is fixed. The overlay itself never calls a changing
 * method of it: it is held as a {@link ReadOnlyBackend} (see {@link lower}).
 *
 * Errors are those a {@link MemoryBackend} gives in the same situation.
 *
 * @example
 * ```ts
 * const overlay = new OverlayBackend(new HostBackend('/srv/project'));
 * ns.mount('/project', overlay);
 * // ... run a guest ...
 * for (const c of overlay.changes()) console.log(c.kind, c.path);
 * ```
 */
export class OverlayBackend implements Backend<OverlayNode> {
  /** The lower layer, behind a read-only view: any attempt to change it throws `not-permitted`. */
  readonly lower: Backend<object>;
  /** The upper layer: every change lives here. */
  readonly upper: MemoryBackend;
  /** "overlay of " and the lower backend's label. */
  readonly label: string;
  readonly #markers: OverlayMarkers = newMarkers();
  readonly #root: OverlayNode;
  /** The node of each upper node, so that one upper node always gives the same overlay node. */
  readonly #byUpper = new WeakMap<MemoryNode, OverlayNode>();
  /** Counts changes to the tree's entries; cached merged-directory link counts are valid for one stamp. */
  #stamp = 0;

  constructor(lower: Backend<any>, options: OverlayOptions = {}) {
    this.lower = lower instanceof ReadOnlyBackend ? (lower as Backend<object>) : new ReadOnlyBackend<object>(lower);
    this.upper = options.upper ?? new MemoryBackend();
    this.label = `overlay of ${lower.label ?? 'a backend'}`;
    const ur = this.upper.root();
    const lr = this.lower.root();
    const lst = this.lower.stat(lr);
    if (options.upper === undefined) this.upper.setTimes(ur, { kind: 'set', ns: lst.atimeNs }, { kind: 'set', ns: lst.mtimeNs });
    if (!this.#markers.origin.has(ur.ino)) this.#markers.origin.set(ur.ino, inoOfLower(this.#markers, lst.ino));
    this.#root = new OverlayNode(ur, this.#markers.opaque.has(ur.ino) ? undefined : lr, undefined, '');
    this.#byUpper.set(ur, this.#root);
  }

  /**
   * What differs from the lower layer, as plain data sorted by path, with what is
   * needed to apply it (file bytes through `read()`, symlink targets, times).
   * See {@link OverlayChange}.
   */
  changes(): OverlayChange[] {
    return listChanges({ upper: this.upper, lower: this.lower, markers: this.#markers });
  }

  // ------------------------------------------------------------------ reads

  root(): OverlayNode {
    return this.#root;
  }

  /** Node identity: there is one node object per entry (see {@link OverlayNode}). */
  nodeKey(node: OverlayNode): unknown {
    return node;
  }

  stat(node: OverlayNode): NodeStat {
    const m = this.#markers;
    const u = node.upper;
    if (u !== undefined) {
      const st = this.upper.stat(u);
      st.ino = inoOfUpper(m, u.ino);
      if (u.type === 'directory' && node.lower !== undefined && !node.removed) st.nlink = this.#mergedNlink(node, u, st.nlink);
      return st;
    }
    const st = { ...this.lower.stat(node.lower!) };
    st.ino = inoOfLower(m, st.ino);
    if (node.removed) {
      st.nlink = st.type === 'directory' || st.nlink === 0n ? 0n : st.nlink - 1n;
      if (node.detachedTimes !== undefined) Object.assign(st, node.detachedTimes);
    }
    return st;
  }

  /** The type of a node without a full stat (what the resolver asks of every component it walks). */
  typeOf(node: OverlayNode): FileType {
    return this.#typeOf(node);
  }

  lookup(dir: OverlayNode, name: string): OverlayNode | undefined {
    const u = dir.upper;
    if (u !== undefined) {
      const found = this.upper.lookup(u, name);
      if (found !== undefined) return this.#fromUpper(found, dir, name);
      if (dir.lower === undefined || dir.removed || this.#markers.whiteouts.get(u.ino)?.has(name) === true) return undefined;
    }
    const l = this.lower.lookup(dir.lower!, name);
    if (l === undefined || dir.removed) return undefined;
    return this.#fromLower(dir, name, l);
  }

  readlink(node: OverlayNode): string {
    return node.upper !== undefined ? this.upper.readlink(node.upper) : this.lower.readlink(node.lower!);
  }

  readdir(dir: OverlayNode): DirEntry[] {
    const ups = dir.upper !== undefined ? this.upper.readdir(dir.upper) : [];
    const lows = dir.lower !== undefined ? this.lower.readdir(dir.lower) : [];
    if (dir.removed) return [];
    return this.#merge(dir, ups, lows);
  }

  open(node: OverlayNode, access: OpenAccess): FileIO {
    if (node.upper !== undefined) return new OverlayFileIO(this.#ioHost, node, access, this.upper.open(node.upper, access), true);
    if (!access.write) return new OverlayFileIO(this.#ioHost, node, access, this.lower.open(node.lower!, access), false);
    const type = this.#typeOf(node);
    if (type === 'directory') fail('is-directory');
    if (type === 'symbolic-link') fail('invalid', 'cannot open a symbolic link for I/O');
    const u = this.#copyUp(node);
    return new OverlayFileIO(this.#ioHost, node, access, this.upper.open(u, access), true);
  }

  setTimes(node: OverlayNode, atime: TimeChange, mtime: TimeChange): void {
    if (node.upper === undefined && node.removed) {
      // A deleted lower file, through a descriptor still open on it: nothing to copy it into.
      const st = this.lower.stat(node.lower!);
      const now = this.upper.now();
      const t = node.detachedTimes ?? { atimeNs: st.atimeNs, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
      if (atime.kind !== 'keep') t.atimeNs = atime.kind === 'now' ? now : atime.ns;
      if (mtime.kind !== 'keep') t.mtimeNs = mtime.kind === 'now' ? now : mtime.ns;
      t.ctimeNs = now;
      node.detachedTimes = t;
      return;
    }
    const u = this.#copyUp(node);
    this.upper.setTimes(u, atime, mtime);
    this.#markers.timesChanged.add(u.ino);
  }

  // ------------------------------------------------------------------ changes

  createFile(dir: OverlayNode, name: string): OverlayNode {
    const pu = this.#prepareCreate(dir, name);
    const u = this.upper.createFile(pu, name);
    this.#stamp++;
    this.#unwhiteout(pu, name);
    return this.#fromUpper(u, dir, name);
  }

  mkdir(dir: OverlayNode, name: string): OverlayNode {
    const pu = this.#prepareCreate(dir, name);
    const u = this.upper.mkdir(pu, name);
    this.#stamp++;
    this.#markers.opaque.add(u.ino);
    this.#unwhiteout(pu, name);
    return this.#fromUpper(u, dir, name);
  }

  symlink(dir: OverlayNode, name: string, target: string): void {
    const pu = this.#prepareCreate(dir, name);
    this.upper.symlink(pu, name, target);
    this.#stamp++;
    this.#unwhiteout(pu, name);
  }

  link(dir: OverlayNode, name: string, node: OverlayNode): void {
    if (this.#typeOf(node) === 'directory') fail('not-permitted', 'hard links to directories are not allowed');
    const pu = this.#prepareCreate(dir, name);
    const src = this.#copyUp(node);
    this.upper.link(pu, name, src);
    this.#stamp++;
    this.#unwhiteout(pu, name);
  }

  unlink(dir: OverlayNode, name: string): void {
    this.#requireDir(dir);
    const node = this.lookup(dir, name) ?? fail('no-entry');
    if (this.#typeOf(node) === 'directory') fail('is-directory');
    const hidesLower = this.#lowerHas(dir, name);
    if (node.upper !== undefined) {
      this.upper.unlink(dir.upper!, name);
      this.#stamp++;
    } else {
      this.#touch(this.#copyUp(dir));
      node.removed = true;
    }
    if (hidesLower) this.#whiteout(dir.upper!, name);
  }

  rmdir(dir: OverlayNode, name: string): void {
    this.#requireDir(dir);
    const node = this.lookup(dir, name) ?? fail('no-entry');
    if (this.#typeOf(node) !== 'directory') fail('not-directory');
    if (!this.#isEmpty(node)) fail('not-empty');
    const hidesLower = this.#lowerHas(dir, name);
    if (node.upper !== undefined) {
      this.upper.rmdir(dir.upper!, name);
      this.#stamp++;
      this.#forgetDir(node);
    } else {
      this.#touch(this.#copyUp(dir));
    }
    node.removed = true;
    node.children = undefined;
    if (hidesLower) this.#whiteout(dir.upper!, name);
  }

  rename(fromDir: OverlayNode, fromName: string, toDir: OverlayNode, toName: string): void {
    this.#requireDir(fromDir);
    this.#requireDir(toDir);
    const node = this.lookup(fromDir, fromName) ?? fail('no-entry');
    if (this.#isRemovedDir(toDir)) fail('no-entry', 'the target directory was removed');
    const existing = this.lookup(toDir, toName);
    if (existing !== undefined && this.#same(existing, node)) return; // POSIX: renaming a link onto another link of the same file does nothing
    const type = this.#typeOf(node);
    if (type === 'directory') {
      if (this.#isWithin(toDir, node)) fail('invalid', 'cannot move a directory into itself');
      if (existing !== undefined) {
        if (this.#typeOf(existing) !== 'directory') fail('not-directory');
        if (!this.#isEmpty(existing)) fail('not-empty');
      }
    } else if (existing !== undefined && this.#typeOf(existing) === 'directory') {
      fail('is-directory');
    }
    // Every check passed: now change things.
    const hidesLower = this.#lowerHas(fromDir, fromName);
    if (type === 'directory') this.#copyUpTree(node);
    else this.#copyUp(node);
    const fromU = fromDir.upper as MemoryDir;
    const toU = this.#copyUp(toDir) as MemoryDir;
    if (existing !== undefined && (existing.upper === undefined || existing.upper.type === 'directory')) {
      // (An upper file replaced here may live on under another hard link: the upper layer counts that.)
      existing.removed = true;
      existing.children = undefined;
      if (existing.upper !== undefined) this.#forgetDir(existing);
    }
    this.upper.rename(fromU, fromName, toU, toName);
    this.#stamp++;
    // A directory moved to another path must not merge with whatever the lower layer has there.
    if (type === 'directory') this.#markers.opaque.add(node.upper!.ino);
    this.#unwhiteout(toU, toName);
    if (hidesLower) this.#whiteout(fromU, fromName);
    if (fromDir.children?.get(fromName)?.deref() === node) fromDir.children.delete(fromName);
    node.parent = toDir;
    node.name = toName;
  }

  // ------------------------------------------------------------------ internals

  /** What the FileIOs of this overlay need from it. */
  readonly #ioHost: IoHost = {
    upper: () => this.upper,
    copyUp: (node) => this.#copyUp(node),
    written: (u) => this.#markers.dataChanged.add(u.ino),
  };

  /** The overlay node of upper node `u`, found as `name` in `parent`. */
  #fromUpper(u: MemoryNode, parent: OverlayNode, name: string): OverlayNode {
    const known = this.#byUpper.get(u);
    if (known !== undefined) return known;
    let lower: object | undefined;
    if (u.type === 'directory' && !this.#markers.opaque.has(u.ino) && parent.lower !== undefined && !parent.removed) {
      // An upper directory that is not opaque merges with the lower directory at its path.
      const l = this.lower.lookup(parent.lower, name);
      if (l !== undefined && this.lower.stat(l).type === 'directory') lower = l;
    }
    const node = new OverlayNode(u, lower, parent, name);
    this.#byUpper.set(u, node);
    return node;
  }

  /** The overlay node of the lower-only entry `name` (lower node `l`) of `parent`: the same object as last time if it is still held. */
  #fromLower(parent: OverlayNode, name: string, l: object): OverlayNode {
    const cache = (parent.children ??= new Map());
    const known = cache.get(name)?.deref();
    if (known !== undefined && known.upper === undefined && !known.removed) {
      known.lower = l; // a fresh lower node may carry a fresh stat (HostBackend)
      return known;
    }
    const node = new OverlayNode(undefined, l, parent, name);
    cache.set(name, new WeakRef(node));
    return node;
  }

  #typeOf(node: OverlayNode): FileType {
    if (node.upper !== undefined) return node.upper.type;
    const lower = this.lower as Backend<object> & { typeOf?(n: object): FileType };
    return lower.typeOf === undefined ? lower.stat(node.lower!).type : lower.typeOf(node.lower!);
  }

  #requireDir(node: OverlayNode): void {
    if (this.#typeOf(node) !== 'directory') fail('not-directory');
  }

  #isRemovedDir(node: OverlayNode): boolean {
    return node.removed || (node.upper !== undefined && node.upper.nlink === 0);
  }

  /** The checks of a create (in MemoryBackend's order), then the upper copy of `dir` to create in. */
  #prepareCreate(dir: OverlayNode, name: string): MemoryDir {
    this.#requireDir(dir);
    if (this.#isRemovedDir(dir)) fail('no-entry', 'the directory was removed');
    if (this.lookup(dir, name) !== undefined) fail('exist');
    return this.#copyUp(dir) as MemoryDir;
  }

  /** True if the lower half of `dir` has an entry `name` (hidden or not). */
  #lowerHas(dir: OverlayNode, name: string): boolean {
    return dir.lower !== undefined && !dir.removed && this.lower.lookup(dir.lower, name) !== undefined;
  }

  #same(a: OverlayNode, b: OverlayNode): boolean {
    if (a === b) return true;
    if (a.upper !== undefined || b.upper !== undefined) return a.upper === b.upper;
    const key = (n: object): unknown => (this.lower.nodeKey === undefined ? n : this.lower.nodeKey(n));
    return key(a.lower!) === key(b.lower!);
  }

  /** True if directory `dir` is `ancestor` or lies below it. */
  #isWithin(dir: OverlayNode, ancestor: OverlayNode): boolean {
    // Nodes not copied up never move, so their parent links are exact; a node copied up has
    // its ancestors copied up too, and from there the upper tree's parent links are exact.
    let n: OverlayNode | undefined = dir;
    while (n !== undefined && n.upper === undefined) {
      if (n === ancestor) return true;
      n = n.parent;
    }
    if (n === undefined || ancestor.upper === undefined) return false;
    for (let p = n.upper as MemoryDir; ; p = p.parent) {
      if (p === ancestor.upper) return true;
      if (p.parent === p) return false;
    }
  }

  /** True if the directory lists nothing in the merged view. */
  #isEmpty(node: OverlayNode): boolean {
    if (node.removed) return true;
    if (node.upper !== undefined && (node.upper as MemoryDir).entries.size > 0) return false;
    if (node.lower === undefined) return true;
    const wo = node.upper === undefined ? undefined : this.#markers.whiteouts.get(node.upper.ino);
    return this.lower.readdir(node.lower).every((e) => wo?.has(e.name) === true);
  }

  /** Merges a directory's upper and lower listings (see the class comment for the order). */
  #merge(dir: OverlayNode, ups: DirEntry[], lows: DirEntry[]): DirEntry[] {
    const m = this.#markers;
    const mapUpper = (e: DirEntry): DirEntry => ({ name: e.name, type: e.type, ino: inoOfUpper(m, Number(e.ino)) });
    if (lows.length === 0) return ups.map(mapUpper);
    const wo = dir.upper === undefined ? undefined : m.whiteouts.get(dir.upper.ino);
    const upper = new Map(ups.map((e) => [e.name, e]));
    const out: DirEntry[] = [];
    for (const e of lows) {
      const u = upper.get(e.name);
      if (u !== undefined) {
        out.push(mapUpper(u));
        upper.delete(e.name);
      } else if (wo?.has(e.name) !== true) {
        out.push({ name: e.name, type: e.type, ino: inoOfLower(m, e.ino) });
      }
    }
    for (const u of upper.values()) out.push(mapUpper(u));
    return out;
  }

  /** nlink of a merged directory: the upper count plus the lower subdirectories still visible. */
  #mergedNlink(node: OverlayNode, u: MemoryNode, upperNlink: bigint): bigint {
    if (node.lowerSubdirs === undefined) {
      const l = node.lower!;
      node.lowerSubdirs = this.lower.stat(l).nlink < 2n ? null : new Set(this.lower.readdir(l).filter((e) => e.type === 'directory').map((e) => e.name));
    }
    if (node.lowerSubdirs === null) return 1n;
    if (node.visibleSubdirs?.stamp !== this.#stamp) {
      const wo = this.#markers.whiteouts.get(u.ino);
      let count = 0n;
      for (const name of node.lowerSubdirs) if (wo?.has(name) !== true && this.upper.lookup(u, name) === undefined) count++;
      node.visibleSubdirs = { stamp: this.#stamp, count };
    }
    return upperNlink + node.visibleSubdirs.count;
  }

  /**
   * Copies `node` (and, first, its parent directories) into the upper layer unless it
   * is there already; returns its upper node. A directory copied up stays merged.
   */
  #copyUp(node: OverlayNode): MemoryNode {
    if (node.upper !== undefined) return node.upper;
    if (node.removed || node.parent === undefined) fail('no-entry', 'the file was removed');
    const parent = node.parent;
    const pu = this.#copyUp(parent) as MemoryDir;
    const l = node.lower!;
    const st = this.lower.stat(l);
    const saved = this.upper.stat(pu);
    const name = node.name;
    let u: MemoryNode;
    switch (st.type) {
      case 'directory':
        u = this.upper.mkdir(pu, name);
        break;
      case 'symbolic-link':
        this.upper.symlink(pu, name, this.lower.readlink(l));
        u = this.upper.lookup(pu, name)!;
        break;
      case 'regular-file':
        u = this.upper.createFile(pu, name);
        try {
          this.#copyBytes(l, u, st.size);
        } catch (e) {
          this.upper.unlink(pu, name);
          this.upper.setTimes(pu, { kind: 'set', ns: saved.atimeNs }, { kind: 'set', ns: saved.mtimeNs });
          throw e;
        }
        break;
      default:
        fail('not-permitted', `a ${st.type} of the lower layer cannot be copied up`);
    }
    this.#stamp++;
    this.upper.setTimes(u, { kind: 'set', ns: st.atimeNs }, { kind: 'set', ns: st.mtimeNs });
    // As overlayfs: the copy-up leaves the parent's times as they were.
    this.upper.setTimes(pu, { kind: 'set', ns: saved.atimeNs }, { kind: 'set', ns: saved.mtimeNs });
    this.#markers.origin.set(u.ino, inoOfLower(this.#markers, st.ino));
    node.upper = u;
    if (st.type !== 'directory') node.lower = undefined;
    this.#byUpper.set(u, node);
    // Files open on the lower file switch to the copy now, so the copy counts them as open (an
    // unlink of it must not free the bytes they will read).
    const readers = node.lowerReaders;
    node.lowerReaders = undefined;
    for (const r of readers ?? []) r.adopt(u);
    if (parent.children?.get(name)?.deref() === node) parent.children.delete(name);
    return u;
  }

  #copyBytes(l: object, u: MemoryNode, size: bigint): void {
    const src = this.lower.open(l, { read: true, write: false });
    try {
      const dst = this.upper.open(u, { read: false, write: true });
      try {
        const buf = new Uint8Array(Math.min(COPY_CHUNK, Math.max(4096, Number(size))));
        let offset = 0n;
        for (;;) {
          const n = src.read(buf, offset);
          if (n === 0) break;
          dst.write(buf.subarray(0, n), offset);
          offset += BigInt(n);
        }
      } finally {
        dst.close();
      }
    } finally {
      src.close();
    }
  }

  /**
   * Copies `node` and everything below it into the upper layer, then makes each
   * directory opaque: the subtree no longer depends on its lower path (for a rename).
   */
  #copyUpTree(node: OverlayNode): void {
    const u = this.#copyUp(node);
    if (u.type !== 'directory' || node.lower === undefined) return; // nothing below comes from the lower layer
    for (const e of this.#merge(node, this.#upperEntries(u), this.lower.readdir(node.lower))) {
      this.#copyUpTree(this.lookup(node, e.name)!);
    }
    this.#markers.opaque.add(u.ino);
    this.#markers.whiteouts.delete(u.ino);
    node.lower = undefined;
    node.lowerSubdirs = undefined;
    node.visibleSubdirs = undefined;
    node.children = undefined;
  }

  /** An upper directory's entries, read without touching its atime. */
  #upperEntries(u: MemoryNode): DirEntry[] {
    if (u.type !== 'directory') return [];
    return [...u.entries].map(([name, n]) => ({ name, type: n.type, ino: BigInt(n.ino) }));
  }

  #whiteout(pu: MemoryNode, name: string): void {
    this.#stamp++;
    const w = this.#markers.whiteouts;
    let set = w.get(pu.ino);
    if (set === undefined) w.set(pu.ino, (set = new Set()));
    set.add(name);
  }

  #unwhiteout(pu: MemoryNode, name: string): void {
    this.#stamp++;
    const set = this.#markers.whiteouts.get(pu.ino);
    if (set?.delete(name) === true && set.size === 0) this.#markers.whiteouts.delete(pu.ino);
  }

  /** Drops the markers of a directory that is gone from the upper tree. */
  #forgetDir(node: OverlayNode): void {
    const u = node.upper!;
    this.#markers.whiteouts.delete(u.ino);
    node.lowerSubdirs = undefined;
    node.visibleSubdirs = undefined;
  }

  /** A directory changed by a whiteout alone: its mtime and ctime move, as for any removal. */
  #touch(u: MemoryNode): void {
    this.upper.setTimes(u, { kind: 'keep' }, { kind: 'now' });
  }
}

/** What an {@link OverlayFileIO} asks of its overlay. */
interface IoHost {
  upper(): MemoryBackend;
  copyUp(node: OverlayNode): MemoryNode;
  written(u: MemoryNode): void;
}

/**
 * An open file of the overlay. Opened on a lower file it reads the lower bytes
 * until the file is copied up (by this or another open, or a setTimes), then reads
 * the copy; a write or truncate through it copies the file up first.
 */
class OverlayFileIO implements FileIO {
  readonly streaming: boolean;
  #io: FileIO;
  #onUpper: boolean;

  constructor(
    readonly host: IoHost,
    readonly node: OverlayNode,
    readonly access: OpenAccess,
    io: FileIO,
    onUpper: boolean,
  ) {
    this.#io = io;
    this.#onUpper = onUpper;
    this.streaming = io.streaming ?? false;
    if (!onUpper) (node.lowerReaders ??= new Set()).add(this);
  }

  /** @internal Called by the overlay when the file is copied up: read the copy from now on. */
  adopt(u: MemoryNode): void {
    if (!this.#onUpper) this.#switch(u);
  }

  /** The FileIO to use now: the upper one once the file has been copied up. */
  #current(): FileIO {
    if (!this.#onUpper && this.node.upper !== undefined) this.#switch(this.node.upper);
    return this.#io;
  }

  #switch(u: MemoryNode): void {
    const next = this.host.upper().open(u, this.access);
    this.#io.close();
    this.#io = next;
    this.#onUpper = true;
  }

  #forWrite(): FileIO {
    if (!this.#onUpper) this.#switch(this.host.copyUp(this.node));
    return this.#io;
  }

  read(into: Uint8Array, offset: bigint): number {
    return this.#current().read(into, offset);
  }

  write(data: Uint8Array, offset: bigint): number {
    const n = this.#forWrite().write(data, offset);
    if (n > 0) this.host.written(this.node.upper!);
    return n;
  }

  size(): bigint {
    return this.#current().size();
  }

  truncate(size: bigint): void {
    this.#forWrite().truncate(size);
    this.host.written(this.node.upper!);
  }

  sync(dataOnly: boolean): void {
    // Nothing of the overlay lives in the lower file: only the upper one has anything to flush.
    const io = this.#current();
    if (this.#onUpper) io.sync(dataOnly);
  }

  close(): void {
    this.node.lowerReaders?.delete(this);
    this.#io.close();
  }
}

export { UPPER_INO_BASE } from './markers.js';
export type { OverlayChange, OverlayChangeKind, DeletedChange, FileChange, DirectoryChange, SymlinkChange, PresentChangeBase } from './changes.js';
