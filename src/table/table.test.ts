// Unit tests of the capability table (src/table/table.ts) and the Resource it holds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FsError } from '../errors.js';
import { DEFAULT_TABLE_CAPACITY, HandleBudget, Table } from './table.js';
import { Resource } from './resource.js';

/** A resource that counts how often dispose ran. */
class Thing extends Resource {
  readonly kind: string;
  disposals = 0;
  constructor(kind = 'thing') {
    super();
    this.kind = kind;
  }
  protected override dispose(): void {
    this.disposals++;
  }
}
class Other extends Resource {
  readonly kind = 'other';
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof FsError) return e.errorCode;
    throw e;
  }
  return 'ok';
}

describe('Resource', () => {
  test('retain/release count references and dispose exactly once at zero', () => {
    const r = new Thing();
    assert.equal(r.refCount, 0);
    r.retain().retain();
    assert.equal(r.refCount, 2);
    r.release();
    assert.equal(r.disposed, false);
    assert.equal(r.disposals, 0);
    r.release();
    assert.equal(r.refCount, 0);
    assert.equal(r.disposed, true);
    assert.equal(r.disposals, 1);
  });

  test('releasing more often than retained throws and does not dispose again', () => {
    const r = new Thing();
    assert.throws(() => r.release(), /released more often/);
    r.retain();
    r.release();
    assert.throws(() => r.release(), /released more often/);
    assert.equal(r.disposals, 1);
  });

  test('a disposed resource cannot be retained again', () => {
    const r = new Thing();
    r.retain();
    r.release();
    assert.throws(() => r.retain(), /disposed/);
    assert.equal(r.refCount, 0);
  });
});

describe('Table: numbering', () => {
  test('insert hands out 0, 1, 2... and size counts occupied slots', () => {
    const t = new Table();
    assert.equal(t.insert(new Thing(), undefined), 0);
    assert.equal(t.insert(new Thing(), undefined), 1);
    assert.equal(t.insert(new Thing(), undefined), 2);
    assert.equal(t.size, 3);
  });

  test('the lowest free number is reused first (as POSIX fds)', () => {
    const t = new Table();
    for (let i = 0; i < 6; i++) t.insert(new Thing(), undefined);
    t.remove(4);
    t.remove(1);
    t.remove(3);
    assert.equal(t.insert(new Thing(), undefined), 1);
    assert.equal(t.insert(new Thing(), undefined), 3);
    assert.equal(t.insert(new Thing(), undefined), 4);
    assert.equal(t.insert(new Thing(), undefined), 6);
  });

  test('removing the highest slots shrinks the table so numbers are reused from the top', () => {
    const t = new Table();
    for (let i = 0; i < 4; i++) t.insert(new Thing(), undefined);
    t.remove(3);
    t.remove(2);
    assert.equal(t.insert(new Thing(), undefined), 2);
    assert.equal(t.insert(new Thing(), undefined), 3);
    assert.equal(t.size, 4);
  });

  test('insert with min skips lower free numbers but keeps them for later', () => {
    const t = new Table();
    for (let i = 0; i < 3; i++) t.insert(new Thing(), undefined);
    t.remove(0);
    assert.equal(t.insert(new Thing(), undefined, { min: 1 }), 3);
    assert.equal(t.insert(new Thing(), undefined, { min: 10 }), 10);
    assert.equal(t.insert(new Thing(), undefined), 0, 'the skipped number 0 is still free');
    assert.equal(t.insert(new Thing(), undefined), 4, 'holes below min are free too');
  });

  test('insertAt places at an exact number; the holes it leaves are handed out lowest first', () => {
    const t = new Table();
    const r = new Thing();
    t.insertAt(5, r, undefined);
    assert.equal(t.get(5), r);
    assert.equal(t.size, 1);
    assert.deepEqual([0, 1, 2, 3, 4, 6].map(() => t.insert(new Thing(), undefined)), [0, 1, 2, 3, 4, 6]);
  });

  test('insertAt on an occupied number is busy and changes nothing', () => {
    const t = new Table();
    const a = new Thing();
    const b = new Thing();
    t.insertAt(2, a, undefined);
    assert.equal(code(() => t.insertAt(2, b, undefined)), 'busy');
    assert.equal(t.get(2), a);
    assert.equal(b.refCount, 0);
    assert.equal(t.size, 1);
  });

  test('insertAt rejects negative and non-integer numbers with RangeError', () => {
    const t = new Table();
    assert.throws(() => t.insertAt(-1, new Thing(), undefined), RangeError);
    assert.throws(() => t.insertAt(1.5, new Thing(), undefined), RangeError);
    assert.throws(() => t.insertAt(Number.NaN, new Thing(), undefined), RangeError);
    assert.equal(t.size, 0);
  });

  test('entries() lists occupied numbers in ascending order with their meta', () => {
    const t = new Table<string>();
    t.insertAt(7, new Thing(), 'seven');
    t.insert(new Thing(), 'zero');
    t.insertAt(3, new Thing(), 'three');
    assert.deepEqual([...t.entries()].map(([n, s]) => [n, s.meta]), [[0, 'zero'], [3, 'three'], [7, 'seven']]);
  });
});

describe('Table: lookup', () => {
  test('get on an empty or never-used number is bad-descriptor', () => {
    const t = new Table();
    t.insert(new Thing(), undefined);
    assert.equal(code(() => t.get(1)), 'bad-descriptor');
    assert.equal(code(() => t.get(-1)), 'bad-descriptor');
    assert.equal(code(() => t.get(1000)), 'bad-descriptor');
    t.remove(0);
    assert.equal(code(() => t.get(0)), 'bad-descriptor');
    assert.equal(t.slot(0), undefined);
  });

  test('getAs returns the resource typed, and a kind mismatch is bad-descriptor (or the code given)', () => {
    const t = new Table();
    const thing = new Thing();
    const n = t.insert(thing, undefined);
    const got: Thing = t.getAs(n, Thing);
    assert.equal(got, thing);
    assert.equal(t.getAs(n, Resource), thing);
    assert.equal(code(() => t.getAs(n, Other)), 'bad-descriptor');
    assert.equal(code(() => t.getAs(n, Other, 'not-directory')), 'not-directory');
    assert.equal(code(() => t.getAs(n + 1, Thing, 'not-directory')), 'bad-descriptor', 'an empty slot is always bad-descriptor');
  });

  test('slot() exposes the meta, which can be changed in place', () => {
    const t = new Table<{ rights: number }>();
    const n = t.insert(new Thing(), { rights: 3 });
    const s = t.slot(n);
    assert.ok(s !== undefined);
    s.meta = { rights: 1 };
    assert.deepEqual(t.slot(n)?.meta, { rights: 1 });
  });
});

describe('Table: reference counting', () => {
  test('a slot holds one reference; remove releases it and disposes the last one', () => {
    const t = new Table();
    const r = new Thing();
    const n = t.insert(r, undefined);
    assert.equal(r.refCount, 1);
    t.remove(n);
    assert.equal(r.disposed, true);
    assert.equal(r.disposals, 1);
    assert.equal(t.size, 0);
  });

  test('remove of an empty slot is bad-descriptor and releases nothing', () => {
    const t = new Table();
    const r = new Thing();
    t.insert(r, undefined);
    assert.equal(code(() => t.remove(1)), 'bad-descriptor');
    assert.equal(r.refCount, 1);
    t.remove(0);
    assert.equal(code(() => t.remove(0)), 'bad-descriptor');
    assert.equal(r.disposals, 1);
  });

  test('one resource in two slots (dup) or two tables lives until the last slot goes', () => {
    const t1 = new Table();
    const t2 = new Table();
    const r = new Thing();
    const a = t1.insert(r, undefined);
    const b = t1.insert(r, undefined);
    const c = t2.insert(r, undefined);
    assert.equal(r.refCount, 3);
    t1.remove(a);
    t2.remove(c);
    assert.equal(r.disposed, false);
    assert.equal(t1.get(b), r);
    t1.remove(b);
    assert.equal(r.disposed, true);
    assert.equal(r.disposals, 1);
  });

  test('a parent stays alive while a child slot opened from it exists, even after its own slot is closed', () => {
    const t = new Table();
    const dir = new Thing('directory');
    const file = new Thing('file');
    const d = t.insert(dir, undefined);
    const f = t.insert(file, undefined, { parent: dir });
    assert.equal(t.slot(f)?.parent, dir);
    assert.equal(dir.refCount, 2);
    t.remove(d);
    assert.equal(dir.disposed, false, 'the child slot keeps its parent');
    t.remove(f);
    assert.equal(file.disposed, true);
    assert.equal(dir.disposed, true, 'the last child let go of the parent');
  });

  test('insertAt with a parent retains it too', () => {
    const t = new Table();
    const dir = new Thing();
    t.insertAt(4, new Thing(), undefined, { parent: dir });
    assert.equal(dir.refCount, 1);
    t.remove(4);
    assert.equal(dir.disposed, true);
  });

  test('take empties the slot and hands its references (resource and parent) to the caller', () => {
    const t = new Table<string>();
    const dir = new Thing('directory');
    const r = new Thing();
    const n = t.insert(r, 'meta', { parent: dir });
    const slot = t.take(n);
    assert.equal(slot.resource, r);
    assert.equal(slot.meta, 'meta');
    assert.equal(slot.parent, dir);
    assert.equal(t.size, 0);
    assert.equal(code(() => t.get(n)), 'bad-descriptor');
    assert.equal(r.refCount, 1, 'the caller now owns the resource reference');
    assert.equal(dir.refCount, 1, 'and the parent reference');
    assert.equal(code(() => t.take(n)), 'bad-descriptor');
    r.release();
    dir.release();
    assert.equal(r.disposed, true);
    assert.equal(dir.disposed, true);
  });

  test('take + insert + release moves a child slot to another table without losing its parent', () => {
    const t1 = new Table();
    const t2 = new Table();
    const dir = new Thing('directory');
    const file = new Thing('file');
    const d = t1.insert(dir, undefined);
    const f = t1.insert(file, undefined, { parent: dir });
    t1.remove(d); // only the child slot keeps dir alive now
    const slot = t1.take(f);
    assert.equal(dir.disposed, false, 'the parent survives the move');
    const n = t2.insert(slot.resource, slot.meta, slot.parent === undefined ? {} : { parent: slot.parent });
    slot.resource.release();
    slot.parent?.release();
    assert.equal(t2.slot(n)?.parent, dir);
    assert.equal(file.refCount, 1);
    assert.equal(dir.refCount, 1);
    assert.equal(file.disposals + dir.disposals, 0);
    t2.remove(n);
    assert.equal(file.disposed, true);
    assert.equal(dir.disposed, true);
  });

  test('clear removes every slot and releases every resource and parent', () => {
    const t = new Table();
    const dir = new Thing();
    const rs = [new Thing(), new Thing(), new Thing()];
    t.insert(dir, undefined);
    for (const r of rs) t.insert(r, undefined, { parent: dir });
    t.clear();
    assert.equal(t.size, 0);
    assert.deepEqual([...t.entries()], []);
    assert.ok(rs.every((r) => r.disposed));
    assert.equal(dir.disposed, true);
    assert.equal(t.insert(new Thing(), undefined), 0, 'numbers start over');
  });
});

describe('Table: renumber', () => {
  test('moves the slot (resource, meta and parent) and closes what was at the target', () => {
    const t = new Table<string>();
    const dir = new Thing();
    const a = new Thing();
    const b = new Thing();
    t.insert(dir, 'dir');
    const from = t.insert(a, 'a-meta', { parent: dir });
    const to = t.insert(b, 'b-meta');
    t.renumber(from, to);
    assert.equal(t.get(to), a);
    assert.equal(t.slot(to)?.meta, 'a-meta');
    assert.equal(t.slot(to)?.parent, dir);
    assert.equal(code(() => t.get(from)), 'bad-descriptor');
    assert.equal(b.disposed, true, 'the replaced resource was closed');
    assert.equal(a.disposed, false, 'the moved resource survived the move');
    assert.equal(a.disposals, 0);
    assert.equal(a.refCount, 1);
    assert.equal(dir.refCount, 2);
    assert.equal(t.size, 2);
  });

  test('renumbering onto itself does nothing', () => {
    const t = new Table();
    const a = new Thing();
    const n = t.insert(a, undefined);
    t.renumber(n, n);
    assert.equal(t.get(n), a);
    assert.equal(a.refCount, 1);
    assert.equal(a.disposals, 0);
  });

  test('renumbering a dup onto its twin keeps the resource alive', () => {
    const t = new Table();
    const a = new Thing();
    const x = t.insert(a, undefined);
    const y = t.insert(a, undefined);
    t.renumber(x, y);
    assert.equal(t.get(y), a);
    assert.equal(a.refCount, 1);
    assert.equal(a.disposed, false);
    assert.equal(t.size, 1);
  });

  test('both numbers must be open: bad-descriptor otherwise, and nothing changes', () => {
    const t = new Table();
    const a = new Thing();
    t.insert(a, undefined);
    assert.equal(code(() => t.renumber(0, 5)), 'bad-descriptor');
    assert.equal(code(() => t.renumber(5, 0)), 'bad-descriptor');
    assert.equal(t.get(0), a);
    assert.equal(a.refCount, 1);
  });

  test('the number freed by the move is reused next', () => {
    const t = new Table();
    for (let i = 0; i < 4; i++) t.insert(new Thing(), undefined);
    t.renumber(1, 3);
    assert.equal(t.insert(new Thing(), undefined), 1);
    t.renumber(3, 0); // the top slot becomes free, the table shrinks
    assert.equal(t.insert(new Thing(), undefined), 3);
  });
});

describe('Table: limits', () => {
  test('the default capacity is 1024', () => {
    const t = new Table();
    assert.equal(t.capacity, DEFAULT_TABLE_CAPACITY);
    assert.equal(DEFAULT_TABLE_CAPACITY, 1024);
  });

  test('a full table fails with too-many-open-files and does not retain the resource', () => {
    const t = new Table({ capacity: 2 });
    t.insert(new Thing(), undefined);
    t.insert(new Thing(), undefined);
    const r = new Thing();
    const parent = new Thing();
    assert.equal(code(() => t.insert(r, undefined, { parent })), 'too-many-open-files');
    assert.equal(code(() => t.insertAt(9, r, undefined)), 'too-many-open-files');
    assert.equal(r.refCount, 0);
    assert.equal(parent.refCount, 0);
    assert.equal(t.size, 2);
    t.remove(0);
    assert.equal(t.insert(r, undefined), 0, 'room again after a close');
  });

  test('capacity 0 refuses everything; invalid capacities are RangeErrors', () => {
    assert.equal(code(() => new Table({ capacity: 0 }).insert(new Thing(), undefined)), 'too-many-open-files');
    assert.throws(() => new Table({ capacity: -1 }), RangeError);
    assert.throws(() => new Table({ capacity: 1.5 }), RangeError);
    assert.throws(() => new HandleBudget(-1), RangeError);
    assert.throws(() => new HandleBudget(Number.POSITIVE_INFINITY), RangeError);
  });

  test(
    'a failed insert into a full table does not lose a free number: the lowest is still reused',
    () => {
      const t = new Table({ capacity: 4 });
      t.insertAt(5, new Thing(), undefined); // 0..4 become free candidates
      t.insert(new Thing(), undefined); // 0
      t.insert(new Thing(), undefined); // 1
      t.insertAt(4, new Thing(), undefined); // table full: 0, 1, 4, 5
      assert.equal(code(() => t.insert(new Thing(), undefined)), 'too-many-open-files');
      t.remove(4);
      assert.equal(t.insert(new Thing(), undefined), 2, 'the lowest free number is 2');
    },
  );

  test(
    'a failed insert on an exhausted budget does not lose a free number either',
    () => {
      const budget = new HandleBudget(4);
      const t = new Table({ budget });
      t.insertAt(5, new Thing(), undefined);
      t.insert(new Thing(), undefined); // 0
      t.insert(new Thing(), undefined); // 1
      t.insertAt(4, new Thing(), undefined); // budget used up: 0, 1, 4, 5
      assert.equal(code(() => t.insert(new Thing(), undefined)), 'file-table-overflow');
      assert.equal(budget.used, 4);
      t.remove(4);
      assert.equal(t.insert(new Thing(), undefined), 2, 'the lowest free number is 2');
    },
  );

  test('a shared budget limits all its tables together (file-table-overflow) and is given back on remove', () => {
    const budget = new HandleBudget(3);
    const t1 = new Table({ budget });
    const t2 = new Table({ budget });
    t1.insert(new Thing(), undefined);
    t2.insert(new Thing(), undefined);
    t2.insert(new Thing(), undefined);
    assert.equal(budget.used, 3);
    const r = new Thing();
    assert.equal(code(() => t1.insert(r, undefined)), 'file-table-overflow');
    assert.equal(r.refCount, 0);
    assert.equal(t1.size, 1);
    assert.equal(budget.used, 3);
    t2.remove(0);
    assert.equal(budget.used, 2);
    assert.equal(t1.insert(r, undefined), 1);
    assert.equal(budget.used, 3);
  });

  test('take, renumber and clear keep the budget count exact', () => {
    const budget = new HandleBudget(10);
    const t = new Table({ budget });
    for (let i = 0; i < 4; i++) t.insert(new Thing(), undefined);
    assert.equal(budget.used, 4);
    t.take(0).resource.release();
    assert.equal(budget.used, 3);
    t.renumber(1, 3);
    assert.equal(budget.used, 2);
    t.clear();
    assert.equal(budget.used, 0);
  });

  test('the table capacity is checked before the budget is charged', () => {
    const budget = new HandleBudget(5);
    const t = new Table({ capacity: 1, budget });
    t.insert(new Thing(), undefined);
    assert.equal(code(() => t.insert(new Thing(), undefined)), 'too-many-open-files');
    assert.equal(budget.used, 1);
  });

  test(
    'inserting a disposed resource throws and leaves the table and its budget unchanged',
    () => {
      const budget = new HandleBudget(5);
      const t = new Table({ budget });
      const dead = new Thing();
      dead.retain();
      dead.release();
      assert.throws(() => t.insert(dead, undefined), /disposed/);
      assert.equal(t.size, 0);
      assert.equal(budget.used, 0, 'budget not leaked');
      const live = new Thing();
      assert.throws(() => t.insert(live, undefined, { parent: dead }), /disposed/);
      assert.equal(live.refCount, 0, 'no reference leaked on the resource');
      assert.equal(budget.used, 0, 'budget not leaked');
    },
  );
});
