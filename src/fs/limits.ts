// Owns: the limits the resolver enforces on paths, with their defaults.
// Must not: hold state.

/** Limits on path resolution. */
export interface PathLimits {
  /** Symbolic links followed in one lookup before it fails with `loop` (ELOOP). Default 40, as Linux. */
  maxSymlinkHops: number;
  /**
   * Like PATH_MAX: a path (or symlink target) of this many bytes or more fails
   * with `name-too-long` (ENAMETOOLONG), since the limit counts a terminating NUL. Default 4096.
   */
  maxPathBytes: number;
  /** Bytes in one component before it fails with `name-too-long`. Default 255. */
  maxNameBytes: number;
}

/** The default {@link PathLimits}. */
export const DEFAULT_PATH_LIMITS: Readonly<PathLimits> = Object.freeze({
  maxSymlinkHops: 40,
  maxPathBytes: 4096,
  maxNameBytes: 255,
});
