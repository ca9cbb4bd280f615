// `warden run --listen HOST:PORT`: the CLI gives the program a listening socket at fd 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { get } from 'node:http';
import { repoPath } from '../paths.js';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function getWithRetry(port: number, path: string, deadline: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve(body));
      }).on('error', (e) => (Date.now() < deadline ? setTimeout(attempt, 50) : reject(e)));
    };
    attempt();
  });
}

test('warden run --listen serves HTTP from a wasm32-wasi program; its exit code is the process\'s', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [repoPath('test/cli/run-cli.mjs'), 'run', '--listen', `127.0.0.1:${port}`, repoPath('test/net/http.wasm'), '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const body = await getWithRetry(port, '/from-the-cli', Date.now() + 10_000);
    assert.equal(body, 'hello from wasm, you asked for /from-the-cli\n');
    assert.equal(await exited, 0, err);
    assert.equal(out, 'answered 1\n');
  } finally {
    child.kill();
  }
});

test('--listen rejects a malformed address and --trace with it, with exit code 2', async () => {
  for (const args of [['--listen', 'nope'], ['--listen', '127.0.0.1:80', '--trace']]) {
    const child = spawn(process.execPath, [repoPath('test/cli/run-cli.mjs'), 'run', ...args, repoPath('test/net/http.wasm')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2, err);
    assert.match(err, /--listen|--trace/);
  }
});
