// Guests as TCP servers: a C echo server and a tiny HTTP server compiled for wasm32-wasi, run in a
// worker with a listening socket at fd 3, talked to by real clients on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { get } from 'node:http';
import { TcpListener } from '../../src/node/net.js';
import { runInWorker } from '../../src/node/worker-runner.js';
import { repoPath } from '../paths.js';

function echoOnce(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => {
      s.write(payload);
      s.end();
    });
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.on('error', reject);
  });
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

test('a C echo server in a worker echoes 3 clients byte for byte, 1 MiB each', async () => {
  const listener = await TcpListener.listen('127.0.0.1', 0);
  const port = listener.address().port;
  const run = runInWorker({ module: repoPath('test/net/echo.wasm'), args: ['echo', '3'], fds: { 3: listener }, stdout: 'capture', stderr: 'capture' });
  try {
    for (let i = 0; i < 3; i++) {
      const payload = Buffer.alloc(1 << 20, i + 1);
      payload.write(`client ${i}`);
      const back = await echoOnce(port, payload);
      assert.equal(back.length, payload.length, `client ${i}: length`);
      assert.ok(back.equals(payload), `client ${i}: content`);
    }
    const r = await run;
    assert.equal(r.exitCode, 0, new TextDecoder().decode(r.stderr));
    assert.equal(new TextDecoder().decode(r.stdout), 'served 3\n');
  } finally {
    await listener.close();
  }
});

test('a tiny HTTP server compiled for wasm32-wasi answers real HTTP clients', async () => {
  const listener = await TcpListener.listen('127.0.0.1', 0);
  const port = listener.address().port;
  const run = runInWorker({ module: repoPath('test/net/http.wasm'), args: ['http', '2'], fds: { 3: listener }, stdout: 'capture', stderr: 'capture' });
  try {
    const a = await httpGet(port, '/hello');
    assert.equal(a.status, 200);
    assert.equal(a.body, 'hello from wasm, you asked for /hello\n');
    const b = await httpGet(port, '/second?x=1');
    assert.equal(b.body, 'hello from wasm, you asked for /second?x=1\n');
    const r = await run;
    assert.equal(r.exitCode, 0);
    assert.equal(new TextDecoder().decode(r.stdout), 'answered 2\n');
  } finally {
    await listener.close();
  }
});
