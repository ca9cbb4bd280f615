// Resources crossing in both directions (test/plugin/wit/res.wit, guest guests/res.wat): a
// resource the guest defines and exports (`counter`: GuestResource objects on the host side, the
// guest's destructor), borrows and owns of a host resource (`blob`) going into the guest through
// exports, and owns moved from the guest to the host.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BorrowedHandle, GuestResource, definePlugin, instantiateSync, type GuestInstance } from '../../src/plugin/index.js';
import { Wasi } from '../../src/wasi.js';
import { expectTrap, expectTypeError, guestModule, peekBytes, peekU32, poke, raw, witText } from './util.js';

const wit = witText('res.wit');
const HOST = 'test:res/host@0.1.0';
const API = 'test:res/api@0.1.0';

interface Blob {
  data: Uint8Array;
  name: string;
}

function blobPlugin(log: string[], hooks: { onSize?: () => void; absorbed?: Blob[] } = {}) {
  return definePlugin({
    wit,
    world: 'res-guest',
    implement: () => ({
      [HOST]: {
        makeBlob: (s: string): Blob => ({ data: new TextEncoder().encode(s), name: s }),
        Blob: {
          new: (data: Uint8Array): Blob => ({ data, name: `new(${data.length})` }),
          read: (self: Blob) => self.data,
          size: (self: Blob) => {
            hooks.onSize?.();
            return self.data.length;
          },
          merge: (a: Blob, b: Blob): Blob => ({ data: new Uint8Array([...a.data, ...b.data]), name: `${a.name}+${b.name}` }),
          absorb: (self: Blob, other: Blob) => {
            hooks.absorbed?.push(other);
            self.data = new Uint8Array([...self.data, ...other.data]);
            return self.data.length;
          },
          drop: (self: Blob) => {
            log.push(`drop ${self.name}`);
          },
        },
      },
    }),
  });
}

function setup(log: string[] = [], hooks = {}, plugin = blobPlugin(log, hooks)): { g: GuestInstance; api: Record<string, any> } {
  const g = instantiateSync(guestModule('res.wasm'), { wasi: new Wasi(), plugins: [plugin] });
  return { g, api: g.exports[API] };
}

describe('a resource the guest exports', () => {
  test('constructor, methods, static function: the host holds GuestResource objects; drop runs the destructor', () => {
    const { g, api } = setup();
    const c = api.Counter.new(5);
    assert.ok(c instanceof GuestResource);
    assert.equal(c.resource.name, 'counter');
    assert.equal(api.Counter.get(c), 5);
    api.Counter.inc(c);
    assert.equal(api.Counter.get(c), 6);
    const twin = api.Counter.twin(c);
    assert.notEqual(twin.rep(), c.rep());
    assert.equal(api.Counter.get(twin), 6);
    assert.equal(api['valueOf'](c), 6, 'a borrow of the guest\'s own resource is passed as its rep');
    assert.equal(api.dtorCalls(), 0);
    c.drop();
    assert.equal(api.dtorCalls(), 1);
    c.drop();
    assert.equal(api.dtorCalls(), 1, 'a second drop does nothing');
    expectTypeError(() => api.Counter.get(c), `${API}#[method]counter.get: argument self`, 'dropped');
    assert.equal(g.handles.size, 3, 'no handle left in the table (only stdio)');
    g.close();
  });

  test('an own argument moves the resource back into the guest, which drops it (destructor); the host can no longer use it', () => {
    const plugin = blobPlugin([]);
    const { g, api } = setup([], {}, plugin);
    const c = api.Counter.new(41);
    api.Counter.inc(c);
    assert.equal(api.consume(c), 42);
    assert.equal(api.dtorCalls(), 1);
    assert.equal(c.alive, false);
    expectTypeError(() => api['valueOf'](c), `${API}#value-of: argument c`, 'dropped or moved');
    const { g: other, api: otherApi } = setup([], {}, plugin);
    const foreign = otherApi.Counter.new(1);
    expectTypeError(() => api['valueOf'](foreign), 'belongs to another guest instance');
    const { g: third, api: thirdApi } = setup();
    expectTypeError(() => api['valueOf'](thirdApi.Counter.new(2)), 'belongs to another guest instance'); // same type although its WIT was parsed apart
    third.close();
    other.close();
    g.close();
  });

  test('[resource-rep] and [resource-drop] check the handle\'s type; a counter is not a blob', () => {
    const { g } = setup();
    const hc = raw(g, 't:counter-new')(1234) as number;
    assert.equal(raw(g, 't:counter-rep')(hc), 1234);
    expectTrap(() => raw(g, 't:blob-size')(hc), `${HOST}#[method]blob.size: argument self: handle ${hc} is a counter (${API}), not a blob (${HOST})`);
    const n = poke(g, 3000, 'xyz');
    const hb = raw(g, 't:make-blob')(3000, n) as number;
    expectTrap(() => raw(g, 't:counter-rep')(hb), `[export]${API}#[resource-rep]counter: argument handle: handle ${hb} is a blob (${HOST}), not a counter (${API})`);
    expectTrap(() => raw(g, 't:counter-drop')(hb), `[export]${API}#[resource-drop]counter: argument handle`);
    expectTrap(() => raw(g, 't:blob-drop')(hc), `${HOST}#[resource-drop]blob: argument handle: handle ${hc} is a counter`);
    raw(g, 't:counter-drop')(hc);
    expectTrap(() => raw(g, 't:counter-rep')(hc), `handle ${hc} does not exist`);
    g.close();
  });
});

describe('host resources going into the guest', () => {
  test('a borrow argument: the guest gets a borrow handle for the call and drops it; the rep is not dropped', () => {
    const log: string[] = [];
    const { g, api } = setup(log);
    const blob: Blob = { data: new Uint8Array(7), name: 'lent' };
    assert.equal(api.peek(blob), 7);
    assert.deepEqual(log, []);
    assert.equal(g.handles.size, 3, 'the borrow handle is gone');
    g.close();
    assert.deepEqual(log, [], 'a borrowed rep is never dropped by Warden');
  });

  test('a guest that keeps a borrow past the call traps (borrows must be dropped before returning)', () => {
    const { g, api } = setup();
    expectTrap(() => api.peekLeak({ data: new Uint8Array(3), name: 'x' }), `${API}#peek-leak: the guest returned without dropping the borrowed handle 3`);
    assert.equal(g.handles.size, 3, 'the leftover borrow was removed');
    expectTrap(() => api.dtorCalls(), 'trapped earlier');
    g.close();
  });

  test('a borrow handle given where an own is needed traps', () => {
    let g: GuestInstance | undefined;
    let owner = 0;
    const hooks = {
      onSize: () => {
        // While the guest runs `peek`, it holds a borrow handle: try to move it as an own.
        const borrowed = [...g!.handles.entries()].find(([, s]) => s.resource instanceof BorrowedHandle)![0];
        raw(g!, 't:blob-absorb')(owner, borrowed);
      },
    };
    const s = setup([], hooks);
    g = s.g;
    const n = poke(g, 3000, 'own');
    owner = raw(g, 't:make-blob')(3000, n) as number;
    // The Trap of the inner call passes through the implementation and the outer call unchanged.
    expectTrap(() => s.api.peek({ data: new Uint8Array(1), name: 'b' }), `${HOST}#[method]blob.absorb: argument other: handle 4 is a borrowed blob; an owned one (own<blob>) is needed`);
    g.close();
  });

  test('an own argument puts a handle in the guest\'s table; giving it back hands the rep to the host without a drop', () => {
    const log: string[] = [];
    const { g, api } = setup(log);
    const blob: Blob = { data: new Uint8Array(2), name: 'kept' };
    api.keep(blob);
    assert.equal(g.handles.size, 4);
    assert.equal(api.give(), blob, 'the same rep comes back');
    assert.equal(g.handles.size, 3);
    assert.deepEqual(log, [], 'ownership moved to the host: no drop');
    api.keep({ data: new Uint8Array(1), name: 'left' });
    g.close();
    assert.deepEqual(log, ['drop left'], 'what the guest still owned is dropped at close');
  });
});

describe('owns and borrows from the guest to the host', () => {
  test('an own argument removes the guest\'s handle (the host owns the rep); using it afterwards traps', () => {
    const log: string[] = [];
    const absorbed: Blob[] = [];
    const { g } = setup(log, { absorbed });
    const a = raw(g, 't:make-blob')(3000, poke(g, 3000, 'aa')) as number;
    const b = raw(g, 't:make-blob')(3000, poke(g, 3000, 'bbb')) as number;
    assert.equal(raw(g, 't:blob-absorb')(a, b), 5);
    assert.equal(absorbed[0]!.name, 'bbb');
    expectTrap(() => raw(g, 't:blob-size')(b), `${HOST}#[method]blob.size: argument self: handle ${b} does not exist`);
    expectTrap(() => raw(g, 't:blob-absorb')(a, b), `${HOST}#[method]blob.absorb: argument other: handle ${b} does not exist`);
    assert.deepEqual(log, [], 'a moved rep is not dropped');
    // The same handle lent twice to one call.
    const m = raw(g, 't:blob-merge')(a, a) as number;
    raw(g, 't:blob-read')(m, 3100);
    assert.deepEqual([...peekBytes(g, peekU32(g, 3100), peekU32(g, 3104))], [...new TextEncoder().encode('aabbbaabbb')]);
    raw(g, 't:blob-drop')(a);
    assert.deepEqual(log, ['drop aa']);
    g.close();
    assert.deepEqual(log, ['drop aa', 'drop aa+aa']);
  });
});
