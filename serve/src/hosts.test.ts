import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { HttpError } from './errors.ts';
import { checkHost, hostPolicy } from './hosts.ts';

test('a loopback bind answers loopback names and IP addresses only, plus the names given', () => {
  for (const bind of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) assert.ok(hostPolicy(bind, []), `${bind} is checked`);
  assert.equal(hostPolicy('0.0.0.0', []), undefined, 'another bind answers any name when none is given');
  assert.equal(hostPolicy('192.168.1.5', []), undefined);
  assert.ok(hostPolicy('0.0.0.0', ['app.example']), 'names given make any bind check');
  assert.equal(hostPolicy('127.0.0.1', ['*']), undefined, "'*' answers any name");
  assert.throws(() => hostPolicy('127.0.0.1', ['good.example', 'bad_name!']), /--allowed-hosts: 'bad_name!' is not a host name/);
});

test('checkHost answers the policy: 421 for other names', async () => {
  const app = new Hono();
  app.use(checkHost(hostPolicy('0.0.0.0', ['app.example', '.corp.example'])));
  app.get('/', (c) => c.text('ok'));
  app.onError((err, c) => c.text(err.message, err instanceof HttpError ? (err.status as 421) : 500));
  const status = async (host: string) => (await app.request(`http://${host}/`)).status;
  assert.deepEqual(
    await Promise.all(['app.example', 'x.corp.example', 'corp.example', 'localhost', 'a.localhost', '10.0.0.1', '[::1]', 'other.example', 'xcorp.example', 'app.example.evil'].map(status)),
    [200, 200, 200, 200, 200, 200, 200, 421, 421, 421],
  );
});
