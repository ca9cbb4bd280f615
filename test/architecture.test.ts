// The layering rules of docs/architecture.md, checked on the source text:
// - only src/fs/resolver.ts calls the Backend methods that take a name;
// - the core (everything but src/node/ and src/cli/) imports no Node API, so it runs in a browser;
// - src/p1/ imports only the table, fs descriptors and types, io, errors (and its own files).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoPath } from './paths.js';

const src = repoPath('src');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = sources(src).map((p) => ({ path: relative(src, p).replaceAll('\\', '/'), text: readFileSync(p, 'utf8') }));

test('there are sources to check', () => {
  assert.ok(files.length > 20);
});

// Backends that wrap other backends (read-only, overlay) forward single names: they are backends too.
test('only the resolver calls the Backend methods that take a name', () => {
  const nameOps = /\.(lookup|createFile|mkdir|symlink|link|unlink|rmdir|rename)\(\s*[^)]*\bname\b|backend\.(lookup|createFile|mkdir|symlink|link|unlink|rmdir|rename)\(/;
  const offenders = files
    .filter((f) => f.path !== 'fs/resolver.ts' && !f.path.startsWith('wit/') && !f.path.startsWith('fs/memory/') && !f.path.startsWith('fs/virtual/') && !f.path.startsWith('fs/overlay/') && !f.path.startsWith('node/host-backend'))
    .filter((f) => nameOps.test(f.text))
    .map((f) => f.path);
  assert.deepEqual(offenders, []);
});

test('the core imports no Node API', () => {
  const offenders = files
    .filter((f) => !f.path.startsWith('node/') && !f.path.startsWith('cli/'))
    .filter((f) => /from\s+'node:|require\(|from\s+'(fs|path|os|child_process|worker_threads)'/.test(f.text) || /\bprocess\.|\bBuffer\b/.test(f.text.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '')))
    .map((f) => f.path);
  assert.deepEqual(offenders, []);
});

test('src/p1/ imports only the table, fs descriptors and types, io and errors', () => {
  const allowed = /^(\.\/|\.\.\/(table\/|fs\/descriptor|fs\/types|io\/|errors)|\.\.\/\.\.\/(table\/|fs\/descriptor|fs\/types|io\/|errors)|\.\.\/(context|errno|layout|memory)|\.\.\/syscalls\/)/;
  const bad: string[] = [];
  for (const f of files.filter((x) => x.path.startsWith('p1/'))) {
    for (const m of f.text.matchAll(/from\s+'([^']+)'/g)) {
      if (!allowed.test(m[1]!)) bad.push(`${f.path}: ${m[1]}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('every module starts with a comment saying what it owns', () => {
  const missing = files.filter((f) => !/^\/\/ Owns: /.test(f.text)).map((f) => f.path);
  assert.deepEqual(missing, []);
});
