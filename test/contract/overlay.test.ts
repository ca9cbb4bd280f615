// Runs the backend contract against OverlayBackend in four shapes: over an empty lower; over a lower
// that already holds the suite's fixture (so every case reads, copies up, whites out and merges real
// lower content); over a read-only view of a VirtualBackend; and over a host directory. After every
// case the lower layer must be exactly as before, and applying overlay.changes() to a copy of the
// lower must give the overlay's tree.
import { mkdtempSync, rmSync, symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { MemoryBackend } from '../../src/fs/memory/memory-backend.js';
import { OverlayBackend } from '../../src/fs/overlay/overlay-backend.js';
import { ReadOnlyBackend } from '../../src/fs/virtual/read-only.js';
import { VirtualBackend, callbackFile, type VirtualTree } from '../../src/fs/virtual/virtual-backend.js';
import { HostBackend } from '../../src/node/host-backend.js';
import type { Backend, FileIO } from '../../src/fs/types.js';
import { enc, readAllIO } from '../helpers.js';
import { applyChanges, dumpTree } from '../overlay/trees.js';
import { FIXTURE, backendContract, populate, type ContractSubject, type FixtureEntry } from './backend-contract.js';

/**
 * The suite builds its fixture through the backend's own methods. Over a lower that holds the
 * fixture already, this view turns that build into checks: while the suite populates (until its
 * second root() call or any other method), creating a name the overlay already shows returns the
 * existing node, and "writing" a file that exists verifies its bytes instead. Names the lower lacks
 * (symlinks over a VirtualBackend) are created for real, in the upper layer. Afterwards every call
 * goes straight to the overlay. (Every case starts with root(): its nodes all come from there.)
 */
function fixtureFromLower(o: OverlayBackend): Backend<any> {
  let populating = true;
  let roots = 0;
  const present = new Set<object>();
  let forwarded = 0;
  const stop = () => {
    // The premise of this shape: the fixture is in the lower layer, the upper holds only what was forwarded.
    if (populating && forwarded === 0) assert.equal(o.upper.stat(o.upper.root()).size, 0n, 'the upper layer starts empty');
    populating = false;
  };
  const forward = <T>(f: () => T): T => {
    if (populating) forwarded++;
    return f();
  };
  const existing = (dir: object, name: string, type: string): object | undefined => {
    if (!populating) return undefined;
    const n = o.lookup(dir as never, name);
    if (n === undefined) return undefined;
    assert.equal(o.stat(n).type, type, `the lower fixture has ${name} as a ${type}`);
    present.add(n);
    return n;
  };
  const checking = (node: object): FileIO => {
    const io = o.open(node as never, { read: true, write: false });
    const expected = readAllIO(io);
    io.close();
    let end = 0;
    return {
      read: () => 0,
      write: (data, offset) => {
        assert.deepEqual([...data], [...expected.subarray(Number(offset), Number(offset) + data.length)], 'the lower fixture has these bytes');
        end = Math.max(end, Number(offset) + data.length);
        return data.length;
      },
      size: () => BigInt(end),
      truncate: () => assert.fail('populate does not truncate'),
      sync: () => {},
      close: () => assert.equal(end, expected.length, 'the lower fixture file has no more bytes'),
    };
  };
  return {
    label: o.label,
    root: () => {
      if (++roots > 1) stop();
      return o.root();
    },
    stat: (n) => (stop(), o.stat(n)),
    lookup: (d, name) => (stop(), o.lookup(d, name)),
    readlink: (n) => (stop(), o.readlink(n)),
    readdir: (d) => (stop(), o.readdir(d)),
    nodeKey: (n) => o.nodeKey(n),
    open: (n, access) => (populating && access.write && present.has(n) ? checking(n) : o.open(n, access)),
    setTimes: (n, a, m) => (stop(), o.setTimes(n, a, m)),
    createFile: (d, name) => existing(d, name, 'regular-file') ?? forward(() => o.createFile(d, name)),
    mkdir: (d, name) => existing(d, name, 'directory') ?? forward(() => o.mkdir(d, name)),
    symlink: (d, name, target) => {
      const n = existing(d, name, 'symbolic-link');
      if (n !== undefined) assert.equal(o.readlink(n as never), target);
      else forward(() => o.symlink(d, name, target));
    },
    link: (d, name, n) => (stop(), o.link(d, name, n)),
    unlink: (d, name) => (stop(), o.unlink(d, name)),
    rmdir: (d, name) => (stop(), o.rmdir(d, name)),
    rename: (a, an, b, bn) => (stop(), o.rename(a, an, b, bn)),
  };
}

/**
 * A subject whose cleanup proves the overlay's promises for the case just run: the lower layer
 * is unchanged (everything but atimes), and `changes()` applied to a copy of the lower tree gives
 * the tree the overlay shows.
 */
function subject(o: OverlayBackend, lowerCopy: () => MemoryBackend, backend: Backend<any> = o, more?: () => void): ContractSubject {
  const before = dumpTree(o.lower, true);
  return {
    backend,
    cleanup: () => {
      try {
        assert.deepEqual(dumpTree(o.lower, true), before, 'the lower layer is unchanged');
        const target = lowerCopy();
        applyChanges(target, o.changes());
        assert.deepEqual(dumpTree(target, false), dumpTree(o, false), 'changes() applied to the lower gives the overlay');
      } finally {
        more?.();
      }
    },
  };
}

backendContract('OverlayBackend over an empty MemoryBackend', () => subject(new OverlayBackend(new MemoryBackend()), () => new MemoryBackend()));

function fixtureLower(): MemoryBackend {
  const lower = new MemoryBackend();
  populate(lower);
  return lower;
}

backendContract('OverlayBackend over a MemoryBackend holding the fixture', () => {
  const o = new OverlayBackend(fixtureLower());
  return subject(o, fixtureLower, fixtureFromLower(o));
});

/** FIXTURE as a virtual tree of read-only callback files (no symlinks: the suite adds those to the upper). */
function virtualTree(tree: { readonly [name: string]: FixtureEntry }): VirtualTree {
  const out: VirtualTree = {};
  for (const [name, entry] of Object.entries(tree)) {
    if ('file' in entry) {
      const bytes = enc(entry.file);
      out[name] = callbackFile({ read: (offset, length) => bytes.subarray(Number(offset), Number(offset) + length), size: () => BigInt(bytes.length) });
    } else if ('dir' in entry) {
      out[name] = virtualTree(entry.dir);
    }
  }
  return out;
}

backendContract(
  'OverlayBackend over a read-only VirtualBackend holding the fixture',
  () => {
    const o = new OverlayBackend(new ReadOnlyBackend(new VirtualBackend(virtualTree(FIXTURE))));
    return subject(o, () => {
      const copy = new MemoryBackend();
      populate(copy, FIXTURE, false);
      return copy;
    }, fixtureFromLower(o));
  },
  // The virtual tree reports nlink 1 for directories (it does not count subdirectories), so merged ones do too.
  { dirNlink: false },
);

/** Builds FIXTURE in a host directory with node:fs. */
function hostFixture(dir: string, tree: { readonly [name: string]: FixtureEntry } = FIXTURE): void {
  for (const [name, entry] of Object.entries(tree)) {
    const p = join(dir, name);
    if ('file' in entry) writeFileSync(p, entry.file);
    else if ('dir' in entry) {
      mkdirSync(p);
      hostFixture(p, entry.dir);
    } else symlinkSync(entry.symlink, p);
  }
}

backendContract(
  'OverlayBackend over a HostBackend holding the fixture',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-overlay-contract-'));
    hostFixture(dir);
    const host = new HostBackend(dir);
    const o = new OverlayBackend(host);
    return subject(o, fixtureLower, fixtureFromLower(o), () => {
      host.close();
      rmSync(dir, { recursive: true, force: true });
    });
  },
);
