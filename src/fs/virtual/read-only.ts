// Owns: a read-only view of any backend.
// Must not: resolve paths; it forwards single-name reads and refuses every change.
import { fail } from '../../errors.js';
import type { Backend, DirEntry, FileIO, FileType, NodeStat, OpenAccess, TimeChange } from '../types.js';

const refuse = (): never => fail('not-permitted', 'the mount is read-only');

/**
 * A read-only view of an open file: reads pass through, every change (write,
 * truncate, times) fails with `not-permitted`. `unwrapped` is the file beneath.
 */
export function readOnlyIO(io: FileIO): FileIO {
  const view: FileIO = {
    streaming: io.streaming ?? false,
    unwrapped: io,
    read: (into, offset) => io.read(into, offset),
    write: () => refuse(),
    size: () => io.size(),
    truncate: () => refuse(),
    setTimes: () => refuse(),
    sync: (dataOnly) => io.sync(dataOnly),
    close: () => io.close(),
  };
  if (io.stat !== undefined) view.stat = () => io.stat!();
  return view;
}

/**
 * Wraps a backend so that nothing can change through it. Changes fail with
 * `not-permitted` (EPERM), as wasmtime answers writes under a read-only
 * preopen; opening a file for writing fails the same way.
 */
export class ReadOnlyBackend<N extends object> implements Backend<N> {
  constructor(readonly inner: Backend<N>) {}
  get label(): string {
    return `read-only ${this.inner.label ?? 'backend'}`;
  }
  root(): N {
    return this.inner.root();
  }
  stat(node: N): NodeStat {
    return this.inner.stat(node);
  }
  typeOf(node: N): FileType {
    return this.inner.typeOf === undefined ? this.inner.stat(node).type : this.inner.typeOf(node);
  }
  lookup(dir: N, name: string): N | undefined {
    return this.inner.lookup(dir, name);
  }
  readlink(node: N): string {
    return this.inner.readlink(node);
  }
  readdir(dir: N): DirEntry[] {
    return this.inner.readdir(dir);
  }
  open(node: N, access: OpenAccess): FileIO {
    if (access.write) refuse();
    return readOnlyIO(this.inner.open(node, access));
  }
  pin(dir: N): () => void {
    return this.inner.pin === undefined ? () => {} : this.inner.pin(dir);
  }
  nodeKey(node: N): unknown {
    return this.inner.nodeKey === undefined ? node : this.inner.nodeKey(node);
  }
  setTimes(_node: N, _a: TimeChange, _m: TimeChange): void {
    refuse();
  }
  createFile(): N {
    return refuse();
  }
  mkdir(): N {
    return refuse();
  }
  symlink(): void {
    refuse();
  }
  link(): void {
    refuse();
  }
  unlink(): void {
    refuse();
  }
  rmdir(): void {
    refuse();
  }
  rename(): void {
    refuse();
  }
}
