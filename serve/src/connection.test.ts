import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { clientSignal, limitPipelining } from './connection.ts';

/** A server whose handler answers each request when the test says so; it records how many run at once. */
async function heldServer(maxActive: number) {
  const held: { path: string; response: ServerResponse; signal?: AbortSignal }[] = [];
  let active = 0;
  let mostActive = 0;
  const arrived: (() => void)[] = [];
  const server = createServer(limitPipelining((request: IncomingMessage, response: ServerResponse) => {
    active++;
    mostActive = Math.max(mostActive, active);
    response.prependOnceListener('close', () => active--);
    held.push({ path: request.url!, response, ...(clientSignal(request) ? { signal: clientSignal(request)! } : {}) });
    arrived.splice(0).forEach((resolve) => resolve());
  }, maxActive));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const untilHeld = async (count: number) => {
    while (held.length < count) await new Promise<void>((resolve) => arrived.push(resolve));
  };
  return { server, port, held, untilHeld, mostActive: () => mostActive };
}

function pipeline(port: number, paths: string[]) {
  const socket = connect({ host: '127.0.0.1', port });
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
  return { socket, received: () => received };
}

test('at most maxActive requests of one connection run at once; the others start in order as answers finish', async (t) => {
  const { server, port, held, untilHeld, mostActive } = await heldServer(2);
  t.after(() => server.close());
  const paths = ['/a', '/b', '/c', '/d', '/e'];
  const client = pipeline(port, paths);
  t.after(() => client.socket.destroy());
  await untilHeld(2);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(held.map((h) => h.path), ['/a', '/b'], 'only two started');
  for (let i = 0; i < paths.length; i++) {
    await untilHeld(i + 1);
    held[i]!.response.end(`answer ${held[i]!.path}`);
  }
  await new Promise<void>((resolve) => {
    const check = () => ((client.received().match(/answer/g) ?? []).length === paths.length ? resolve() : setTimeout(check, 10));
    check();
  });
  assert.deepEqual(client.received().match(/answer \/\w/g), paths.map((p) => `answer ${p}`), 'answers in request order');
  assert.equal(mostActive(), 2);
});

test("a request's signal aborts when its client leaves, whether its answer is being sent or queued", async (t) => {
  const { server, port, held, untilHeld } = await heldServer(4);
  t.after(() => server.close());
  const client = pipeline(port, ['/first', '/second']);
  await untilHeld(2);
  assert.ok(held.every((h) => h.signal && !h.signal.aborted));
  client.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(held.map((h) => h.signal!.aborted), [true, true], 'both aborted: the one attached to the socket and the one queued behind it');
});

test('a signal does not abort when the answer was sent', async (t) => {
  const { server, port, held, untilHeld } = await heldServer(4);
  t.after(() => server.close());
  const client = pipeline(port, ['/only']);
  await untilHeld(1);
  held[0]!.response.end('done');
  await new Promise((r) => setTimeout(r, 50));
  client.socket.destroy();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(held[0]!.signal!.aborted, false);
});
