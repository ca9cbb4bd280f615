// Owns: the shape of a mount and of a location (a node inside a mount).
// Must not: walk paths (the resolver does) or call backend methods that take names.
import type { AnyBackend } from './types.js';

/** A backend mounted into a namespace. */
export interface Mount {
  /** Unique per namespace; reported as the device number of the mount's nodes. */
  readonly id: number;
  /** `id` as the device number stats report. */
  readonly dev: bigint;
  readonly backend: AnyBackend;
  /** Mounts whose mount points are directories of this mount, by the mount point's node key. */
  readonly children: Map<unknown, Mount>;
}

/** A node in a particular mount: what a directory descriptor or a resolved path designates. */
export interface Location {
  readonly mount: Mount;
  readonly node: object;
}

/** The key the mount table uses for a node. */
export function nodeKey(mount: Mount, node: object): unknown {
  const backend = mount.backend;
  return backend.nodeKey === undefined ? node : backend.nodeKey(node);
}
