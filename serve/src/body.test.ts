import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { request, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { readBody } from './body.ts';
import { HttpError } from './errors.ts';

const LIMIT = 1000;
const seen: string[] = [];

function echoApp(): Hono {
  const app = new Hono();
  app.post('/echo', async (c) => {
    try {
      const bytes = await readBody(c, LIMIT);
      return c.json({ length: bytes.length, sum: bytes.reduce((a, b) => a + b, 0) });
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      seen.push(`${err.status} ${err.message}`);
      return c.json({ error: err.code }, err.status as ContentfulStatusCode);
    }
  });
  return app;
}

let server: Server;
let port: number;
before(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: echoApp().fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
  });
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs the parts one write each; with chunked=true no Content-Length is sent (Transfer-Encoding: chunked). */
function post(parts: Uint8Array[], chunked: boolean): Promise<{ status: number; body: string }> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/echo', method: 'POST', agent: false, headers: chunked ? {} : { 'content-length': total } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

test('a real server reads the body from Node directly: declared, chunked, and in several parts', async () => {
  const bytes = Uint8Array.from({ length: 900 }, (_, i) => i % 251);
  const sum = bytes.reduce((a, b) => a + b, 0);
  for (const chunked of [false, true]) {
    const res = await post([bytes.subarray(0, 300), bytes.subarray(300)], chunked);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { length: 900, sum });
  }
  assert.deepEqual(JSON.parse((await post([], false)).body), { length: 0, sum: 0 });
});

test('over the limit: 413 from Content-Length before reading, and from a chunked body while it streams', async () => {
  seen.length = 0;
  const big = new Uint8Array(LIMIT + 1);
  assert.equal((await post([big], false)).status, 413);
  assert.equal((await post([big.subarray(0, 600), big.subarray(600)], true)).status, 413);
  assert.equal(seen.length, 2);
  assert.ok(seen.every((s) => s === `413 the request body exceeds ${LIMIT} bytes`));
});

test('a client that goes away mid-body gets its request refused as 400 inside, and the server lives on', async () => {
  seen.length = 0;
  await new Promise<void>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/echo', method: 'POST', agent: false, headers: { 'content-length': 800 } });
    req.on('error', () => resolve());
    req.write(new Uint8Array(100), () => setTimeout(() => req.destroy(), 50));
    req.on('close', () => resolve());
  });
  for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.match(seen[0] ?? '', /^400 the request body could not be read/);
  assert.equal((await post([new Uint8Array(10)], false)).status, 200);
});

test('outside Node (app.request) the WHATWG body is read, with the same limit', async () => {
  const app = echoApp();
  const ok = await app.request('/echo', { method: 'POST', body: new Uint8Array(5).fill(2) });
  assert.deepEqual(await ok.json(), { length: 5, sum: 10 });
  const stream = new ReadableStream({ start(controller) { controller.enqueue(new Uint8Array(LIMIT + 5)); controller.close(); } });
  const tooBig = await app.request('/echo', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
  assert.equal(tooBig.status, 413);
});
