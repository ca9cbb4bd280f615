// Owns: the capability table: numbers -> resources, free-slot reuse, capacity limits, parent links.
// Must not: know what a file is, or what an errno is.
import { FsError, type ErrorCode } from '../errors.js';
import { Resource } from './resource.js';

/**
 * A limit shared by several tables, like the system-wide open-file table of an
 * OS: when it is used up, inserting into any table sharing it fails with
 * `file-table-overflow` (ENFILE).
 */
export class HandleBudget {
  #used = 0;
  /** @param limit how many slots all tables sharing this budget may hold together. */
  constructor(readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('HandleBudget limit must be a non-negative integer');
  }
  /** Slots in use across all tables sharing the budget. */
  get used(): number {
    return this.#used;
  }
  /** @internal Throws `file-table-overflow` if no slot is left. */
  check(): void {
    if (this.#used >= this.limit) throw new FsError('file-table-overflow', `all ${this.limit} handles of the shared budget are in use`);
  }
  /** @internal */
  acquire(): void {
    if (this.#used >= this.limit) throw new FsError('file-table-overflow', `all ${this.limit} handles of the shared budget are in use`);
    this.#used++;
  }
  /** @internal */
  free(): void {
    this.#used--;
  }
}

/** Options of a {@link Table}. */
export interface TableOptions {
  /** Most slots this table may hold; more fails with `too-many-open-files` (EMFILE). Default 1024. */
  capacity?: number;
  /** A budget shared with other tables; exhausting it fails with `file-table-overflow` (ENFILE). */
  budget?: HandleBudget;
}

/** One occupied slot: the resource, the per-slot data, and the parent it keeps alive. */
export interface Slot<M> {
  readonly resource: Resource;
  /** Per-slot data that is not part of the shared resource (for preview1: the rights). */
  meta: M;
  /** The resource this one was opened from; it is kept alive while this slot exists. */
  readonly parent: Resource | undefined;
}

type Ctor<T> = abstract new (...args: never[]) => T;

/** Default capacity of a table. */
export const DEFAULT_TABLE_CAPACITY = 1024;

/**
 * A capability table. Keys are small non-negative integers; the lowest free one
 * is reused first (as POSIX does for fds). A slot may name a parent resource:
 * the parent is retained for as long as the child slot exists, so a directory
 * description never vanishes under what was opened from it even if its own
 * number is closed meanwhile.
 */
export class Table<M = undefined> {
  readonly capacity: number;
  readonly budget: HandleBudget | undefined;
  #slots: (Slot<M> | undefined)[] = [];
  #count = 0;
  /** Min-heap of candidate free numbers below #slots.length (may hold stale entries). */
  #free: number[] = [];

  constructor(options: TableOptions = {}) {
    const capacity = options.capacity ?? DEFAULT_TABLE_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError('Table capacity must be a non-negative integer');
    this.capacity = capacity;
    this.budget = options.budget;
  }

  /** Number of occupied slots. */
  get size(): number {
    return this.#count;
  }

  /** Puts `resource` at the lowest free number (at least `min`) and returns the number. */
  insert(resource: Resource, meta: M, options: { parent?: Resource; min?: number } = {}): number {
    const min = options.min ?? 0;
    this.#admit(resource, options.parent);
    let n = -1;
    // Pop stale or too-small candidates; keep the too-small valid ones aside.
    const aside: number[] = [];
    while (this.#free.length > 0) {
      const candidate = heapPop(this.#free);
      if (this.#slots[candidate] !== undefined || candidate >= this.#slots.length) continue;
      if (candidate < min) {
        aside.push(candidate);
        continue;
      }
      n = candidate;
      break;
    }
    for (const a of aside) heapPush(this.#free, a);
    if (n < 0) n = Math.max(min, this.#slots.length);
    this.#occupy(n, resource, meta, options.parent);
    return n;
  }

  /** Puts `resource` at number `n`, which must be free. */
  insertAt(n: number, resource: Resource, meta: M, options: { parent?: Resource } = {}): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`table slot ${n} is not a non-negative integer`);
    if (this.#slots[n] !== undefined) throw new FsError('busy', `table slot ${n} is in use`);
    this.#occupy(n, resource, meta, options.parent);
  }

  /** Throws, changing nothing, unless one more slot holding `resource` (and `parent`) can be admitted. */
  #admit(resource: Resource, parent: Resource | undefined): void {
    if (resource.disposed) throw new RangeError(`cannot insert a disposed ${resource.kind} resource`);
    if (parent?.disposed === true) throw new RangeError(`the parent ${parent.kind} resource is disposed`);
    if (this.#count >= this.capacity) throw new FsError('too-many-open-files', `the table is full (${this.capacity} handles)`);
    this.budget?.check();
  }

  /** Fills free slot `n`. Everything that can fail is checked first, so a failure changes nothing. */
  #occupy(n: number, resource: Resource, meta: M, parent: Resource | undefined): void {
    this.#admit(resource, parent);
    this.budget?.acquire();
    for (let i = this.#slots.length; i < n; i++) heapPush(this.#free, i);
    resource.retain();
    parent?.retain();
    this.#slots[n] = { resource, meta, parent };
    this.#count++;
  }

  /** The slot at `n`, or undefined. */
  slot(n: number): Slot<M> | undefined {
    return this.#slots[n];
  }

  /** The resource at `n`; throws `bad-descriptor` if the slot is empty. */
  get(n: number): Resource {
    const slot = this.#slots[n];
    if (slot === undefined) throw new FsError('bad-descriptor', `no handle ${n}`);
    return slot.resource;
  }

  /**
   * The resource at `n` if it is a `type`. A handle of one kind can never be
   * used as another: a mismatch throws `code` (default `bad-descriptor`).
   */
  getAs<T extends Resource>(n: number, type: Ctor<T>, code: ErrorCode = 'bad-descriptor'): T {
    const resource = this.get(n);
    if (!(resource instanceof type)) throw new FsError(code, `handle ${n} is a ${resource.kind}`);
    return resource;
  }

  /** Empties slot `n` and releases its resource (and its parent link). Throws `bad-descriptor` if empty. */
  remove(n: number): void {
    const slot = this.take(n);
    slot.resource.release();
    slot.parent?.release();
  }

  /**
   * Empties slot `n` without releasing anything: the caller now owns the
   * slot's reference to the resource and to its parent (used to move a handle
   * to another table or number; insert it there, then release both).
   */
  take(n: number): Slot<M> {
    const slot = this.#slots[n];
    if (slot === undefined) throw new FsError('bad-descriptor', `no handle ${n}`);
    this.#slots[n] = undefined;
    this.#count--;
    this.budget?.free();
    heapPush(this.#free, n);
    while (this.#slots.length > 0 && this.#slots[this.#slots.length - 1] === undefined) this.#slots.length--;
    return slot;
  }

  /** Moves the slot at `from` to `to`, closing what was at `to` (preview1's fd_renumber). */
  renumber(from: number, to: number): void {
    if (this.#slots[from] === undefined) throw new FsError('bad-descriptor', `no handle ${from}`);
    if (this.#slots[to] === undefined) throw new FsError('bad-descriptor', `no handle ${to}`);
    if (from === to) return;
    this.remove(to);
    const { resource, meta, parent } = this.take(from);
    this.#occupy(to, resource, meta, parent);
    resource.release();
    parent?.release();
  }

  /** Occupied numbers in ascending order, with their slots. */
  *entries(): IterableIterator<[number, Slot<M>]> {
    for (let i = 0; i < this.#slots.length; i++) {
      const s = this.#slots[i];
      if (s !== undefined) yield [i, s];
    }
  }

  /** Empties every slot (when an instance ends). */
  clear(): void {
    for (const [n] of [...this.entries()]) this.remove(n);
  }
}

function heapPush(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= value) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && heap[r]! < heap[l]! ? r : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
