// Owns: THE path-resolution authority. Every path operation walks here, one component at a
// time, following symlinks itself, handling `..` with a stack, crossing mounts, refusing escapes.
// Must not: let a backend see a path, edit paths as strings, or know about errnos or fds.
// This is the only module that calls the Backend methods that take a name.
import { FsError, fail } from '../errors.js';
import { DEFAULT_PATH_LIMITS, type PathLimits } from './limits.js';
import { nodeKey, type Location, type Mount } from './mount.js';
import type { FileIO, FileType, NodeStat, OpenAccess, Stat, TimeChange } from './types.js';

const utf8 = new TextEncoder();

function byteLength(s: string): number {
  // Fast path: a string of n UTF-16 units is at most 3n UTF-8 bytes.
  return s.length <= 85 ? s.length * 3 : utf8.encode(s).length;
}

/** Splits a path into components, dropping empty ones; notes a trailing slash. */
function split(path: string): { parts: string[]; trailingSlash: boolean } {
  if (!path.includes('/')) return { parts: [path], trailingSlash: false };
  const parts: string[] = [];
  for (const p of path.split('/')) if (p !== '') parts.push(p);
  return { parts, trailingSlash: path.endsWith('/') };
}

/** The context of one lookup: where it may not climb above, and its limits. */
export interface Walk {
  /** The directory the lookup starts from and may never leave upward. */
  readonly start: Location;
  readonly limits: PathLimits;
}

/** The result of resolving a path to its final node. */
export interface Resolved {
  readonly location: Location;
  readonly type: FileType;
  /** The directory the final node was found in (the start itself when the path was `.`). */
  readonly parent: Location | undefined;
}

/** The result of resolving all but the last component. */
export interface ResolvedParent {
  readonly dir: Location;
  /** The last component: never empty, `.` or `..`. */
  readonly name: string;
  readonly trailingSlash: boolean;
  /** @internal The directories walked (start first, `dir` last) and their types, to go on walking from `dir`. */
  readonly stack: Location[];
  /** @internal */
  readonly types: FileType[];
}

function statOf(loc: Location): NodeStat {
  return loc.mount.backend.stat(loc.node);
}

/** The type of a location's node: all the walk needs of each component. */
function typeOf(loc: Location): FileType {
  const b = loc.mount.backend;
  return b.typeOf === undefined ? b.stat(loc.node).type : b.typeOf(loc.node);
}

function checkPath(path: string, limits: PathLimits): void {
  if (path.length === 0) fail('no-entry', 'empty path');
  if (path.includes('\0')) fail('invalid', 'path contains a NUL byte');
  // Like PATH_MAX, the limit counts a terminating NUL: a path may have at most maxPathBytes - 1 bytes.
  if (byteLength(path) >= limits.maxPathBytes && utf8.encode(path).length >= limits.maxPathBytes) {
    fail('name-too-long', `path of ${limits.maxPathBytes} bytes or more`);
  }
}

function checkName(name: string, limits: PathLimits): void {
  if (byteLength(name) > limits.maxNameBytes && utf8.encode(name).length > limits.maxNameBytes) {
    fail('name-too-long', `path component longer than ${limits.maxNameBytes} bytes`);
  }
}

/** Looks `name` up in directory `dir`, crossing into a mount whose mount point it is. */
function child(dir: Location, name: string): Location | undefined {
  const mount = dir.mount;
  const node = mount.backend.lookup(dir.node, name);
  if (node === undefined) return undefined;
  if (mount.children.size > 0) {
    const sub: Mount | undefined = mount.children.get(nodeKey(mount, node));
    if (sub !== undefined) return { mount: sub, node: sub.backend.root() };
  }
  return { mount, node };
}

/**
 * Walks `parts` from the top of `stack`. Symbolic links met on the way are
 * followed (and the last one too when `followLast`); `..` pops the stack and
 * fails with `not-permitted` when it would leave the start directory. On return
 * the stack holds every directory walked, the final node on top.
 */
function walkParts(
  walk: Walk,
  stack: Location[],
  types: FileType[],
  queue: string[],
  followLast: boolean,
  state: { hops: number; trailingSlash: boolean },
): void {
  while (queue.length > 0) {
    const comp = queue.shift()!;
    const top = stack[stack.length - 1]!;
    if (types[types.length - 1] !== 'directory') fail('not-directory');
    if (comp === '.') continue;
    if (comp === '..') {
      if (stack.length === 1) fail('not-permitted', 'path climbs above its base directory');
      stack.pop();
      types.pop();
      continue;
    }
    checkName(comp, walk.limits);
    const next = child(top, comp) ?? fail('no-entry');
    const type = typeOf(next);
    const last = queue.length === 0;
    if (type === 'symbolic-link' && (!last || followLast || state.trailingSlash)) {
      if (++state.hops > walk.limits.maxSymlinkHops) fail('loop', 'too many levels of symbolic links');
      const target = next.mount.backend.readlink(next.node);
      if (target.length === 0) fail('no-entry', 'empty symbolic link');
      if (target.startsWith('/')) fail('not-permitted', 'absolute symbolic link leaves the base directory');
      const t = split(target);
      if (last && t.trailingSlash) state.trailingSlash = true;
      queue.unshift(...t.parts);
      continue;
    }
    stack.push(next);
    types.push(type);
  }
}

function begin(walk: Walk, path: string): { stack: Location[]; types: FileType[]; parts: string[]; trailingSlash: boolean } {
  checkPath(path, walk.limits);
  if (path.startsWith('/')) fail('not-permitted', 'absolute path leaves the base directory');
  const { parts, trailingSlash } = split(path);
  // The start of a walk is a directory by construction: no need to ask the backend.
  return { stack: [walk.start], types: ['directory'], parts, trailingSlash };
}

/**
 * Resolves `path` relative to `walk.start` to a node. The final symlink is
 * followed when `follow` is set (or the path ends in `/`). A trailing slash
 * requires the result to be a directory.
 */
export function resolve(walk: Walk, path: string, follow: boolean): Resolved {
  const { stack, types, parts, trailingSlash } = begin(walk, path);
  const state = { hops: 0, trailingSlash };
  walkParts(walk, stack, types, parts, follow, state);
  const type = types[types.length - 1]!;
  if (state.trailingSlash && type !== 'directory') fail('not-directory');
  return { location: stack[stack.length - 1]!, type, parent: stack.length > 1 ? stack[stack.length - 2] : undefined };
}

/**
 * Resolves every component but the last, which is returned as a name for an
 * operation on one entry ("open the parent, then act on one name"). A last
 * component of `.` or `..` has no name to act on: such a path is resolved in
 * full (so escapes still fail as escapes) and then fails with `dotCode`.
 */
export function resolveParent(walk: Walk, path: string, dotCode: FsError['errorCode'], dotDotCode: FsError['errorCode'] = dotCode, checkLast = true): ResolvedParent {
  const { stack, types, parts, trailingSlash } = begin(walk, path);
  const name = parts.pop();
  if (name === undefined || name === '.' || name === '..') {
    if (name !== undefined) parts.push(name);
    walkParts(walk, stack, types, parts, true, { hops: 0, trailingSlash });
    fail(name === '..' ? dotDotCode : dotCode);
  }
  const state = { hops: 0, trailingSlash: false };
  walkParts(walk, stack, types, parts, true, state);
  if (types[types.length - 1] !== 'directory') fail('not-directory');
  if (checkLast) checkName(name, walk.limits);
  return { dir: stack[stack.length - 1]!, name, trailingSlash, stack, types };
}

/** Metadata of a location, with the device number of its mount. */
export function statLocation(loc: Location): Stat {
  const st = statOf(loc) as Stat; // backends return a fresh object per call
  st.dev = loc.mount.dev;
  return st;
}

// ---------------------------------------------------------------------------
// Operations on one name, each "resolve the parent, then act on the name".

/** What {@link openAt} should do. */
export interface OpenRequest {
  follow: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  directory: boolean;
  read: boolean;
  write: boolean;
}

/** An opened node: a directory (no I/O object) or a file with its backend I/O. */
export type Opened =
  | { kind: 'directory'; location: Location; parent: Location | undefined }
  | { kind: 'file'; location: Location; io: FileIO };

/** Opens an existing file at the backend, emptying it for O_TRUNC (closing it again if that fails). */
function openExisting(location: Location, access: OpenAccess, truncate: boolean): FileIO {
  const io = location.mount.backend.open(location.node, access);
  if (truncate) {
    try {
      io.truncate(0n);
    } catch (e) {
      io.close();
      throw e;
    }
  }
  return io;
}

/** Creates the file a dangling symlink (chain) names, walking its target from the link's directory. */
function createThroughLinks(walk: Walk, p: ResolvedParent, link: Location, req: OpenRequest, access: OpenAccess): Opened {
  let stack = p.stack;
  let types = p.types;
  let current = link;
  for (let hops = 1; ; hops++) {
    if (hops > walk.limits.maxSymlinkHops) fail('loop', 'too many levels of symbolic links');
    const target = current.mount.backend.readlink(current.node);
    if (target.length === 0) fail('no-entry', 'empty symbolic link');
    if (target.startsWith('/')) fail('not-permitted', 'absolute symbolic link leaves the base directory');
    const t = split(target);
    const name = t.parts.pop();
    stack = stack.slice();
    types = types.slice();
    if (name === undefined || name === '.' || name === '..') {
      if (name !== undefined) t.parts.push(name);
      walkParts(walk, stack, types, t.parts, true, { hops, trailingSlash: false });
      fail('is-directory');
    }
    // The target's directories are walked first (ENOENT, ENOTDIR come from there, as on Linux).
    walkParts(walk, stack, types, t.parts, true, { hops, trailingSlash: false });
    if (types[types.length - 1] !== 'directory') fail('not-directory');
    checkName(name, walk.limits);
    const dir = stack[stack.length - 1]!;
    const existing = child(dir, name);
    // Linux: a target ending in '/' is EISDIR once its directories were walked, whatever it names.
    if (t.trailingSlash) fail('is-directory', 'cannot create a regular file with a trailing slash');
    if (existing === undefined) {
      if (req.directory) fail('is-directory', 'O_CREAT with O_DIRECTORY');
      const node = dir.mount.backend.createFile(dir.node, name);
      const location = { mount: dir.mount, node };
      return { kind: 'file', location, io: location.mount.backend.open(node, access) };
    }
    if (typeOf(existing) !== 'symbolic-link') {
      if (typeOf(existing) === 'directory') fail('is-directory');
      if (req.directory) fail('not-directory');
      return { kind: 'file', location: existing, io: openExisting(existing, access, req.truncate) };
    }
    current = existing;
  }
}

/** Opens (and maybe creates) the node at `path`. */
export function openAt(walk: Walk, path: string, req: OpenRequest): Opened {
  // A file opened to be truncated is opened for writing at the backend (O_RDONLY|O_TRUNC truncates on Linux).
  const access = { read: req.read, write: req.write || req.truncate };
  let resolved: Resolved | undefined;
  if (req.create) {
    const dotCode = req.exclusive ? 'exist' : 'is-directory';
    const p = resolveParent(walk, path, dotCode, dotCode, false);
    // Linux open(2): O_CREAT on a path ending in '/' is EISDIR, whatever is there (even before the name's length).
    if (p.trailingSlash) fail('is-directory', 'cannot create a regular file with a trailing slash');
    checkName(p.name, walk.limits);
    const existing = child(p.dir, p.name);
    if (existing === undefined) {
      if (req.directory) fail('is-directory', 'O_CREAT with O_DIRECTORY');
      const node = p.dir.mount.backend.createFile(p.dir.node, p.name);
      const location = { mount: p.dir.mount, node };
      return { kind: 'file', location, io: location.mount.backend.open(node, access) };
    }
    if (req.exclusive) fail('exist');
    if (req.follow && typeOf(existing) === 'symbolic-link') {
      // O_CREAT through a symlink creates its target if missing, as Linux does. The target is
      // walked on from the link's directory with the same stack, so `..` and the sandbox work as
      // for any path, and each further dangling link counts as a hop.
      return createThroughLinks(walk, p, existing, req, access);
    } else {
      // The name exists: resolve it in full (following a final symlink if asked).
      resolved = resolve(walk, path, req.follow);
    }
  } else {
    resolved = resolve(walk, path, req.follow);
  }
  const { location, type } = resolved;
  if (type === 'symbolic-link') fail(req.directory ? 'not-directory' : 'loop', 'O_NOFOLLOW on a symbolic link');
  if (type === 'directory') {
    // Linux: open(dir, O_CREAT) is EISDIR, like opening a directory for writing.
    if (req.write || req.truncate || req.create) fail('is-directory');
    return { kind: 'directory', location, parent: resolved.parent };
  }
  if (req.directory) fail('not-directory');
  return { kind: 'file', location, io: openExisting(location, access, req.truncate) };
}

/** Creates a directory at `path`. */
export function mkdirAt(walk: Walk, path: string): void {
  const p = resolveParent(walk, path, 'exist');
  if (child(p.dir, p.name) !== undefined) fail('exist');
  p.dir.mount.backend.mkdir(p.dir.node, p.name);
}

/** Removes the empty directory at `path`. */
export function rmdirAt(walk: Walk, path: string): void {
  // Linux rmdir(2): a last component '.' is EINVAL, '..' is ENOTEMPTY.
  const p = resolveParent(walk, path, 'invalid', 'not-empty');
  const target = child(p.dir, p.name) ?? fail('no-entry');
  if (target.mount !== p.dir.mount) fail('busy', 'a mount point cannot be removed');
  p.dir.mount.backend.rmdir(p.dir.node, p.name);
}

/** Removes the non-directory entry at `path` (a symlink itself, not its target). */
export function unlinkAt(walk: Walk, path: string): void {
  const p = resolveParent(walk, path, 'is-directory');
  const target = child(p.dir, p.name) ?? fail('no-entry');
  if (typeOf(target) === 'directory') fail('is-directory');
  if (p.trailingSlash) fail('not-directory');
  p.dir.mount.backend.unlink(p.dir.node, p.name);
}

/** Creates a symbolic link at `path` whose content is `target` (not resolved). */
export function symlinkAt(walk: Walk, target: string, path: string): void {
  if (target.includes('\0')) fail('invalid', 'symlink target contains a NUL byte');
  if (target === '') fail('no-entry', 'empty symbolic link target'); // Linux symlink(2)
  if (utf8.encode(target).length >= walk.limits.maxPathBytes) fail('name-too-long');
  const p = resolveParent(walk, path, 'exist');
  const existing = child(p.dir, p.name);
  if (existing !== undefined) {
    // Linux: "file/" names a non-directory with a trailing slash, so ENOTDIR (wasi-testsuite path_symlink_trailing_slashes).
    if (p.trailingSlash && typeOf(existing) !== 'directory') fail('not-directory');
    fail('exist');
  }
  if (p.trailingSlash) fail('no-entry', 'a symbolic link name cannot end in a slash');
  p.dir.mount.backend.symlink(p.dir.node, p.name, target);
}

/** Reads the target of the symbolic link at `path`. */
export function readlinkAt(walk: Walk, path: string): string {
  const r = resolve(walk, path, false);
  if (r.type !== 'symbolic-link') fail('invalid', 'not a symbolic link');
  return r.location.mount.backend.readlink(r.location.node);
}

/** Adds a hard link at `to` (from `toWalk`) for the node at `from` (from `fromWalk`). */
export function linkAt(fromWalk: Walk, from: string, follow: boolean, toWalk: Walk, to: string): void {
  // Both paths are resolved before the last components are checked, in Linux's order.
  const src = resolve(fromWalk, from, follow);
  const p = resolveParent(toWalk, to, 'exist');
  if (child(p.dir, p.name) !== undefined) fail('exist');
  if (p.trailingSlash) fail('no-entry'); // Linux: a new name "x/" is ENOENT, before EPERM for a directory source
  if (src.type === 'directory') fail('not-permitted', 'hard links to directories are not allowed');
  if (p.dir.mount !== src.location.mount) fail('cross-device');
  p.dir.mount.backend.link(p.dir.node, p.name, src.location.node);
}

/** Renames `from` (in `fromWalk`) to `to` (in `toWalk`) with POSIX semantics. */
export function renameAt(fromWalk: Walk, from: string, toWalk: Walk, to: string): void {
  // Linux resolves both parents before looking at the last components, so an error in the
  // second path wins over a '.' or '..' at the end of the first.
  let s: ResolvedParent | undefined;
  let dotError: unknown;
  try {
    s = resolveParent(fromWalk, from, 'busy');
  } catch (e) {
    if (!(e instanceof FsError && e.errorCode === 'busy')) throw e;
    dotError = e;
  }
  const d = resolveParent(toWalk, to, 'busy', 'busy', false);
  if (s === undefined) throw dotError;
  const src = child(s.dir, s.name) ?? fail('no-entry');
  // The new name's length is looked at only once the source is known to exist, as Linux does.
  checkName(d.name, toWalk.limits);
  if (src.mount !== s.dir.mount) fail('busy', 'a mount point cannot be renamed');
  const srcType = typeOf(src);
  const dst = child(d.dir, d.name);
  if (dst !== undefined && dst.mount !== d.dir.mount) fail('busy', 'a mount point cannot be replaced');
  if (s.dir.mount !== d.dir.mount) fail('cross-device');
  // Linux: a target that is a directory above the source is ENOTEMPTY (it holds the source);
  // a source directory above the target is EINVAL (a directory cannot move into itself).
  if (srcType !== 'directory' && (s.trailingSlash || d.trailingSlash)) fail('not-directory');
  const same = (a: Location, b: Location): boolean => a.mount === b.mount && nodeKey(a.mount, a.node) === nodeKey(b.mount, b.node);
  if (dst !== undefined && s.stack.some((l) => same(l, dst))) fail('not-empty', 'the target is a directory above the source');
  if (srcType === 'directory' && d.stack.some((l) => same(l, src))) fail('invalid', 'cannot move a directory into itself');
  const dstType = dst === undefined ? undefined : typeOf(dst);
  if (srcType !== 'directory') {
    if (dstType === 'directory') fail('is-directory');
  } else if (dstType !== undefined && dstType !== 'directory') {
    fail('not-directory');
  }
  s.dir.mount.backend.rename(s.dir.node, s.name, d.dir.node, d.name);
}

/** Stats the node at `path`. */
export function statAt(walk: Walk, path: string, follow: boolean): Stat {
  return statLocation(resolve(walk, path, follow).location);
}

/** Sets the times of the node at `path`. */
export function setTimesAt(walk: Walk, path: string, follow: boolean, atime: TimeChange, mtime: TimeChange): void {
  const r = resolve(walk, path, follow);
  r.location.mount.backend.setTimes(r.location.node, atime, mtime);
}

/** Lists the directory at a location (no '.' or '..'). */
export function listDir(loc: Location) {
  return loc.mount.backend.readdir(loc.node);
}

export { DEFAULT_PATH_LIMITS };
export type { FsError };
