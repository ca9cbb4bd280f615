#!/usr/bin/env node
// Local-only headless-Chromium test harness: serves the repo root over http://127.0.0.1 with
// cross-origin isolation headers (COOP/COEP/CORP, so SharedArrayBuffer works), opens one page in
// headless Chromium and waits for the page to POST its outcome as JSON ({ ok: boolean, ... }) to /result.
// The page may also POST plain text to /log; it is printed at once, prefixed with "[page] ".
// Prints the result, exits 0 if result.ok === true, else 1 (also on timeout or if Chromium dies).
// No Chromium (env CHROME, else chromium / chromium-browser / google-chrome on PATH): prints one
// "skipped" line and exits 0, or exits 1 with --require. A set CHROME that is not an executable
// file counts as "no Chromium" (PATH is not searched then).
// Usage: node scripts/browser-test.mjs <page> [--require] [--timeout ms] [--query k=v&...]   (page relative to repo root)
// Owns: the static file server, Chromium process lifecycle, the /result and /log protocol.
// Must not: need any dependency, run in CI/npm test by default, serve files outside the repo root.
import { spawn } from 'node:child_process';
import { accessSync, constants, createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const usage = 'usage: node scripts/browser-test.mjs <page> [--require] [--timeout ms] [--query k=v&...]';

// ---- arguments
let page = null;
let require_ = false;
let timeoutMs = 60000;
let query = '';
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--require') require_ = true;
  else if (a === '--timeout') {
    timeoutMs = Number(args[++i]);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) fail(`--timeout needs a positive number of ms\n${usage}`);
  } else if (a === '--query') query = String(args[++i] ?? '');
  else if (a.startsWith('--')) fail(`unknown option ${a}\n${usage}`);
  else if (page === null) page = a;
  else fail(`only one page allowed\n${usage}`);
}
if (page === null) fail(usage);
const pageFile = resolve(root, page);
if (!inside(pageFile)) fail(`page ${page} is outside the repo root`);
if (!isFile(pageFile)) fail(`page not found: ${pageFile}`);

function fail(msg) {
  console.error(`browser-test: ${msg}`);
  process.exit(1);
}
function inside(p) {
  return p === root || p.startsWith(root + sep);
}
function isFile(p) {
  try { return statSync(p).isFile(); } catch { return false; }
}
function executable(p) {
  try { accessSync(p, constants.X_OK); return statSync(p).isFile(); } catch { return false; }
}

// ---- find Chromium
function findChrome() {
  const env = process.env.CHROME;
  if (env) return executable(env) ? env : null;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const d of dirs) if (executable(join(d, name))) return join(d, name);
  }
  return null;
}
const chrome = findChrome();
if (!chrome) {
  console.log('browser-test: no Chromium found (set CHROME=...); skipped');
  process.exit(require_ ? 1 : 0);
}

// ---- server
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
let onResult;
const resultP = new Promise((r) => { onResult = r; });

function reply(res, status, body = '', type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { ...isolation, 'Content-Type': type });
  res.end(body);
}
function readBody(req) {
  return new Promise((ok, err) => {
    const parts = [];
    req.on('data', (c) => parts.push(c)).on('end', () => ok(Buffer.concat(parts).toString('utf8'))).on('error', err);
  });
}
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'POST' && url.pathname === '/log') {
    const text = await readBody(req);
    for (const line of text.replace(/\n$/, '').split('\n')) console.log(`[page] ${line}`);
    return reply(res, 204);
  }
  if (req.method === 'POST' && url.pathname === '/result') {
    const text = await readBody(req);
    try { onResult({ value: JSON.parse(text) }); } catch (e) { onResult({ error: `bad JSON in POST /result: ${e.message}\n${text.slice(0, 500)}` }); }
    return reply(res, 204);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed');
  let file;
  try { file = resolve(root, '.' + decodeURIComponent(url.pathname)); } catch { return reply(res, 400, 'bad path'); }
  if (!inside(file) || file.includes('\0')) return reply(res, 403, 'outside the repo root');
  if (!isFile(file)) return reply(res, 404, 'not found');
  res.writeHead(200, { ...isolation, 'Content-Type': types[extname(file).toLowerCase()] ?? 'application/octet-stream' });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
});
await new Promise((ok, err) => server.once('error', err).listen(0, '127.0.0.1', ok));
const port = server.address().port;
const pageUrl = `http://127.0.0.1:${port}/${page.split(sep).join('/').replace(/^\.?\//, '')}${query === '' ? '' : `?${query}`}`;

// ---- Chromium
const profile = mkdtempSync(join(tmpdir(), 'warden-browser-test-'));
const noise = [];
const keep = (chunk) => {
  noise.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  if (noise.length > 400) noise.splice(0, noise.length - 40);
};
const proc = spawn(chrome, [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check',
  '--disable-extensions', '--mute-audio', pageUrl,
], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => { try { process.kill(-proc.pid, 'SIGKILL'); } catch {} rmSync(profile, { recursive: true, force: true }); process.exit(130); });
}
proc.stdout.on('data', keep);
proc.stderr.on('data', keep);
const exited = new Promise((r) => proc.once('exit', (code, signal) => r({ exited: `${code ?? signal}` })));
const spawnError = new Promise((r) => proc.once('error', (e) => r({ error: `cannot start ${chrome}: ${e.message}` })));

let timer;
const timedOut = new Promise((r) => { timer = setTimeout(() => r({ error: `timed out after ${timeoutMs} ms waiting for POST /result from ${pageUrl}` }), timeoutMs); });
const outcome = await Promise.race([
  resultP, timedOut, spawnError,
  exited.then((e) => ({ error: `Chromium exited (${e.exited}) before the page posted /result` })),
]);
clearTimeout(timer);

// ---- cleanup: kill Chromium's process group, wait for it, close the server, remove the profile
async function cleanup() {
  if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
    try { process.kill(-proc.pid, 'SIGTERM'); } catch {}
    const late = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch {} }, 3000);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    clearTimeout(late);
  }
  try { process.kill(-proc.pid, 'SIGKILL'); } catch {} // stray children left in the group
  server.closeAllConnections?.();
  await new Promise((r) => server.close(r));
  for (let i = 0; i < 5; i++) {
    try { rmSync(profile, { recursive: true, force: true }); break; } catch { await new Promise((r) => setTimeout(r, 200)); }
  }
}
await cleanup();

const showNoise = () => {
  if (noise.length) console.error(`--- Chromium output (last ${Math.min(40, noise.length)} lines) ---\n${noise.slice(-40).join('\n')}`);
};
if (outcome.error) {
  console.error(`browser-test: ${outcome.error}`);
  showNoise();
  process.exit(1);
}
const result = outcome.value;
console.log(JSON.stringify(result, null, 2));
if (result?.ok === true) {
  console.log(`browser-test: ok (${page})`);
  process.exit(0);
}
console.error(`browser-test: FAILED (${page}): result.ok is ${JSON.stringify(result?.ok)}`);
showNoise();
process.exit(1);
