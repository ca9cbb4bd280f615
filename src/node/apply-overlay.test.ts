// Applying an overlay's changes to the host tree: the result equals the overlay's view, files are
// replaced atomically, and a symlink planted in the target cannot redirect a write outside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Namespace } from '../fs/namespace.js';
import { OverlayBackend } from '../fs/overlay/overlay-backend.js';
import { FsError } from '../errors.js';
import { applyChanges, applyOverlay } from './apply-overlay.js';
import { HostBackend } from './host-backend.js';

/** A recursive listing of a host dir: path -> 'dir' | 'link:<target>' | file content. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const key = prefix + name;
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out[key] = `link:${readlinkSync(p)}`;
    else if (st.isDirectory()) {
      out[key] = 'dir';
      Object.assign(out, snapshot(p, `${key}/`));
    } else out[key] = readFileSync(p, 'utf8');
  }
  return out;
}

function setup() {
  const root = mkdtempSync(join(tmpdir(), 'warden-apply-'));
  const project = join(root, 'project');
  mkdirSync(join(project, 'src', 'old'), { recursive: true });
  writeFileSync(join(project, 'README'), 'readme v1\n');
  writeFileSync(join(project, 'src', 'main.c'), 'int main;\n');
  writeFileSync(join(project, 'src', 'old', 'gone.c'), 'old\n');
  writeFileSync(join(project, 'drop.txt'), 'drop me\n');
  mkdirSync(join(root, 'outside'));
  return { root, project, done: () => rmSync(root, { recursive: true, force: true }) };
}

function guestEdits(overlay: OverlayBackend): void {
  const ns = new Namespace();
  ns.mount('/p', overlay);
  const d = ns.openDir('/p');
  const write = (path: string, text: string) => {
    const f = d.open(path, { follow: false, create: true, exclusive: false, truncate: true, directory: false, read: false, write: true });
    f.retain();
    (f as { write(b: Uint8Array): number }).write(new TextEncoder().encode(text));
    f.release();
  };
  write('README', 'readme v2\n');
  write('src/new.c', 'new\n');
  d.unlink('drop.txt');
  d.unlink('src/old/gone.c');
  d.rmdir('src/old');
  d.mkdir('build');
  write('build/out.o', 'obj');
  d.symlink('src/main.c', 'main-link');
  d.link('src/new.c', false, d, 'src/new-hardlink.c');
  d.rename('src/main.c', d, 'src/main2.c');
}

test('applying the changes makes the host tree equal to the overlay view', () => {
  const t = setup();
  try {
    const host = new HostBackend(t.project);
    const overlay = new OverlayBackend(host);
    guestEdits(overlay);
    const before = snapshot(t.project);
    assert.equal(before['README'], 'readme v1\n', 'nothing reached the host before applying');
    const result = applyOverlay(overlay, t.project);
    host.close();
    assert.deepEqual(snapshot(t.project), {
      README: 'readme v2\n',
      build: 'dir',
      'build/out.o': 'obj',
      'main-link': 'link:src/main.c',
      src: 'dir',
      'src/main2.c': 'int main;\n',
      'src/new-hardlink.c': 'new\n',
      'src/new.c': 'new\n',
    });
    assert.equal(lstatSync(join(t.project, 'src/new.c')).ino, lstatSync(join(t.project, 'src/new-hardlink.c')).ino, 'hard links stay linked');
    assert.ok(result.removed.includes('drop.txt') && result.removed.includes('src/old'));
    assert.deepEqual(readdirSync(join(t.project, 'src')).filter((n) => n.includes('warden-')), [], 'no temporary files left');
  } finally {
    t.done();
  }
});

test('a symlink planted in the target after listing cannot redirect a write outside it', () => {
  const t = setup();
  try {
    const host = new HostBackend(t.project);
    const overlay = new OverlayBackend(host);
    const ns = new Namespace();
    ns.mount('/p', overlay);
    const d = ns.openDir('/p');
    d.mkdir('gen');
    const f = d.open('gen/secret.txt', { follow: false, create: true, exclusive: true, truncate: false, directory: false, read: false, write: true });
    f.retain();
    (f as { write(b: Uint8Array): number }).write(new TextEncoder().encode('x'));
    f.release();
    const changes = overlay.changes();
    assert.deepEqual(changes.map((c) => `${c.kind} ${c.path}`), ['added gen', 'added gen/secret.txt']);
    // A host process plants gen -> ../outside before the changes are applied.
    symlinkSync(join(t.root, 'outside'), join(t.project, 'gen'));
    assert.throws(() => applyChanges(changes, t.project), (e: unknown) => e instanceof FsError && e.errorCode === 'exist');
    host.close();
    assert.deepEqual(readdirSync(join(t.root, 'outside')), [], 'nothing was written outside');
    assert.equal(existsSync(join(t.root, 'outside', 'secret.txt')), false);
  } finally {
    t.done();
  }
});
