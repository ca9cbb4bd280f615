#!/usr/bin/env node
// Finds a Node.js that has JSPI (WebAssembly.Suspending), for the JSPI tests and the benchmark:
// 1. this Node, if it has JSPI, or has it behind --experimental-wasm-jspi (Node 22-24);
// 2. else Node 24 LTS from the npm registry's `node-<os>-<arch>` package (a plain registry
//    package that holds the official binary), fetched once into node_modules/.cache/warden-jspi-node.
// Prints a JSON object { node, flags } (or { node: null, reason }) on stdout; exit code 0 either way.
// Usage: node scripts/jspi-node.mjs [--no-fetch]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '24.11.1';
const root = fileURLToPath(new URL('..', import.meta.url));
const probe = "process.stdout.write(String(typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function'))";

function hasJspi(node, flags) {
  const r = spawnSync(node, [...flags, '-e', probe], { encoding: 'utf8', timeout: 20000 });
  return r.status === 0 && r.stdout === 'true';
}

export function findJspiNode({ fetch = true } = {}) {
  for (const flags of [[], ['--experimental-wasm-jspi']]) {
    if (hasJspi(process.execPath, flags)) return { node: process.execPath, flags };
  }
  const dir = join(root, 'node_modules', '.cache', 'warden-jspi-node', `${process.platform}-${process.arch}-${VERSION}`);
  const bin = join(dir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    if (!fetch) return { node: null, reason: 'this Node has no JSPI and none is cached (run without --no-fetch)' };
    const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}@${VERSION}`;
    const tmp = mkdtempSync(join(tmpdir(), 'warden-jspi-'));
    try {
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const packed = spawnSync(npm, ['pack', pkg, '--silent'], { cwd: tmp, encoding: 'utf8', timeout: 300000 });
      const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
      if (packed.status !== 0 || tgz === undefined) return { node: null, reason: `could not fetch ${pkg} from the npm registry: ${(packed.stderr ?? '').trim().split('\n').pop()}` };
      const untar = spawnSync('tar', ['xzf', tgz], { cwd: tmp, encoding: 'utf8' });
      if (untar.status !== 0) return { node: null, reason: `could not unpack ${tgz}: ${untar.stderr}` };
      mkdirSync(join(dir, '..'), { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(join(tmp, 'package'), dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  for (const flags of [[], ['--experimental-wasm-jspi']]) {
    if (hasJspi(bin, flags)) return { node: bin, flags };
  }
  return { node: null, reason: `${bin} has no JSPI` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(findJspiNode({ fetch: !process.argv.includes('--no-fetch') })) + '\n');
}
