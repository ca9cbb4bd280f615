// Owns: the overlay's own state besides the upper tree: whiteouts, opaque directories, the origin
// (kept inode number) of copied-up nodes, what changed after a copy-up, and the inode-number scheme.
// Must not: hold node objects or functions: everything here is plain data keyed by upper inode numbers.

/**
 * What an {@link OverlayBackend} records beside its upper {@link MemoryBackend}, as
 * plain data keyed by the upper layer's inode numbers (which a MemoryBackend never
 * reuses), so that it can be serialized together with the upper tree.
 *
 * - `whiteouts`: upper directory ino → names of lower entries deleted in it.
 * - `opaque`: upper directories that hide the lower directory at their path
 *   (every directory the guest creates, and every directory moved by a rename).
 *   An upper directory that is not opaque is merged with the lower directory at
 *   the same path, as in Linux overlayfs.
 * - `origin`: upper node ino → the inode number the overlay reports for it, for
 *   nodes copied up from the lower layer (so a file keeps its number).
 * - `dataChanged`: upper files written or truncated through the overlay.
 * - `timesChanged`: upper nodes whose times were set explicitly (setTimes).
 * - `bigLowerInos`: lower inode numbers too large for the direct range (see
 *   {@link inoOfLower}) → the number reported for them.
 */
export interface OverlayMarkers {
  readonly whiteouts: Map<number, Set<string>>;
  readonly opaque: Set<number>;
  readonly origin: Map<number, bigint>;
  readonly dataChanged: Set<number>;
  readonly timesChanged: Set<number>;
  readonly bigLowerInos: Map<bigint, bigint>;
}

/** Empty markers: a fresh overlay. */
export function newMarkers(): OverlayMarkers {
  return {
    whiteouts: new Map(),
    opaque: new Set(),
    origin: new Map(),
    dataChanged: new Set(),
    timesChanged: new Set(),
    bigLowerInos: new Map(),
  };
}

/**
 * Inode numbers, three disjoint ranges:
 * - `[0, 2^62)`: lower nodes keep their own number (what real trees use);
 * - `[2^62, 2^63)`: nodes created in the upper layer, `2^62 + upper ino`;
 * - `[2^63, 2^64)`: lower numbers of 2^62 and above, numbered in order of first sight.
 * A node copied up keeps the number it had (see `origin`).
 */
export const UPPER_INO_BASE = 1n << 62n;
/** Start of the range for lower inode numbers that do not fit the direct range. */
export const BIG_INO_BASE = 1n << 63n;

/** The inode number the overlay reports for a lower node whose own number is `ino`. */
export function inoOfLower(m: OverlayMarkers, ino: bigint): bigint {
  if (ino < UPPER_INO_BASE) return ino;
  let mapped = m.bigLowerInos.get(ino);
  if (mapped === undefined) {
    mapped = BIG_INO_BASE + BigInt(m.bigLowerInos.size);
    m.bigLowerInos.set(ino, mapped);
  }
  return mapped;
}

/** The inode number the overlay reports for the upper node numbered `ino`. */
export function inoOfUpper(m: OverlayMarkers, ino: number): bigint {
  return m.origin.get(ino) ?? UPPER_INO_BASE + BigInt(ino);
}
