// Owns: applying an overlay's changes to a host directory, atomically per file, through Warden's
// own confined resolver (so a symlink in the target tree can never redirect a write outside it).
// Must not: join host paths as strings or follow symlinks in the target tree.
import { FsError } from '../errors.js';
import { DirDescription, FileDescription } from '../fs/descriptor.js';
import { Namespace } from '../fs/namespace.js';
import type { OverlayChange } from '../fs/overlay/changes.js';
import type { OverlayBackend } from '../fs/overlay/overlay-backend.js';
import { HostBackend } from './host-backend.js';

/** What {@link applyOverlay} did. */
export interface ApplyResult {
  /** Paths written (files created or replaced, links, directories made). */
  readonly written: string[];
  /** Paths removed. */
  readonly removed: string[];
}

const openFlags = { follow: false, create: true, exclusive: true, truncate: false, directory: false, read: false, write: true };

function check(path: string): void {
  if (path === '.') return;
  for (const part of path.split('/')) {
    if (part === '' || part === '.' || part === '..') throw new FsError('invalid', `change path "${path}" is not a plain relative path`);
  }
}

function parentAndName(path: string): [string, string] {
  const i = path.lastIndexOf('/');
  return i < 0 ? ['.', path] : [path.slice(0, i), path.slice(i + 1)];
}

let tmpCounter = 0;
function tmpName(name: string): string {
  tmpCounter = (tmpCounter + 1) % 1_000_000;
  return `.${name}.warden-${process.pid}-${tmpCounter}`;
}

/** Removes whatever is at `path` (a directory with all it holds), without following symlinks. */
function removeTree(root: DirDescription, path: string): void {
  let type: string;
  try {
    type = root.statAt(path, false).type;
  } catch (e) {
    if (e instanceof FsError && e.errorCode === 'no-entry') return;
    throw e;
  }
  if (type !== 'directory') {
    root.unlink(path);
    return;
  }
  const dir = root.open(path, { follow: false, create: false, exclusive: false, truncate: false, directory: true, read: true, write: false });
  dir.retain();
  try {
    for (const e of (dir as DirDescription).list(0n)) {
      if (e.name === '.' || e.name === '..') continue;
      removeTree(root, `${path}/${e.name}`);
    }
  } finally {
    dir.release();
  }
  root.rmdir(path);
}

/** Writes `data` to `path` atomically: into a temporary name beside it, then renamed over it. */
function writeAtomically(root: DirDescription, path: string, data: Uint8Array): void {
  const [parent, name] = parentAndName(path);
  const tmp = parent === '.' ? tmpName(name) : `${parent}/${tmpName(name)}`;
  const f = root.open(tmp, openFlags) as FileDescription;
  f.retain();
  try {
    let done = 0;
    while (done < data.length) done += f.write(data.subarray(done));
    f.sync(false);
  } catch (e) {
    f.release();
    root.unlink(tmp);
    throw e;
  }
  f.release();
  root.rename(tmp, root, path);
}

/**
 * Applies the changes of `overlay` (whose lower layer was `hostDir`, or a copy
 * of it) to the host directory `hostDir`. Each file is written under a
 * temporary name and renamed into place, so a reader sees the old or the new
 * content, never a mix; deletions remove whole subtrees. Every path goes
 * through Warden's resolver over a {@link HostBackend}, so symlinks in the
 * target tree are never followed out of it.
 *
 * @returns what was written and removed. Errors are thrown as {@link FsError}
 * at the first change that fails; the changes before it stay applied.
 */
export function applyOverlay(overlay: OverlayBackend, hostDir: string): ApplyResult {
  return applyChanges(overlay.changes(), hostDir);
}

/** Like {@link applyOverlay}, for a list of changes obtained earlier with `overlay.changes()`. */
export function applyChanges(changes: readonly OverlayChange[], hostDir: string): ApplyResult {
  const backend = new HostBackend(hostDir);
  const ns = new Namespace();
  ns.mount('/target', backend);
  const root = ns.openDir('/target');
  root.retain();
  const written: string[] = [];
  const removed: string[] = [];
  const dirTimes: [string, bigint][] = [];
  const firstPathOfIno = new Map<bigint, string>();
  try {
    for (const c of changes) {
      check(c.path);
      if (c.kind === 'deleted') {
        removeTree(root, c.path);
        removed.push(c.path);
        continue;
      }
      if (c.kind === 'replaced' && c.path !== '.') {
        // A file replaced by a file is renamed over atomically below; anything else goes first.
        if (!(c.type === 'regular-file' && c.lowerType === 'regular-file')) {
          removeTree(root, c.path);
          removed.push(c.path);
        }
      }
      const set = { kind: 'set', ns: c.mtimeNs } as const;
      switch (c.type) {
        case 'directory':
          if (c.kind !== 'modified' && c.path !== '.') {
            root.mkdir(c.path);
            written.push(c.path);
          }
          dirTimes.push([c.path, c.mtimeNs]);
          break;
        case 'symbolic-link': {
          if (c.kind === 'modified') break; // only times changed; symlink times are not kept
          const [parent, name] = parentAndName(c.path);
          const tmp = parent === '.' ? tmpName(name) : `${parent}/${tmpName(name)}`;
          root.symlink(c.target, tmp);
          root.rename(tmp, root, c.path);
          written.push(c.path);
          break;
        }
        case 'regular-file': {
          const first = firstPathOfIno.get(c.ino);
          if (first !== undefined && c.kind !== 'modified') {
            // Another name of a file already written: a hard link, as in the overlay.
            removeTree(root, c.path);
            root.link(first, false, root, c.path);
            written.push(c.path);
            break;
          }
          firstPathOfIno.set(c.ino, c.path);
          if (c.kind !== 'modified' || c.contentChanged) {
            writeAtomically(root, c.path, c.read());
            written.push(c.path);
          }
          root.setTimesAt(c.path, false, { kind: 'keep' }, set);
          break;
        }
      }
    }
    // Directory times last, deepest first, since filling a directory changes its mtime.
    for (const [path, mtimeNs] of dirTimes.reverse()) root.setTimesAt(path, false, { kind: 'keep' }, { kind: 'set', ns: mtimeNs });
  } finally {
    root.release();
    backend.close();
  }
  return { written, removed };
}
