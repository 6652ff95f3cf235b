import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { runLoad } from './measure.ts';

const request = new TextEncoder().encode('POST /classify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nabc');

/** With a Content-Length, as the real server answers (the load generator reads no chunked bodies). */
function answer(response: ServerResponse, status: number, json: object): void {
  const body = JSON.stringify(json);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

test('a server that is not there is counted as failures; the load still ends on time', async () => {
  const gone = createServer();
  const url = await listen(gone);
  await new Promise((resolve) => gone.close(resolve));
  const result = await runLoad({ url, requests: [request], timed: true, concurrency: 2, seconds: 0.3 });
  assert.equal(result.latenciesMs.length, 0);
  assert.ok(result.failures >= 2, `failures: ${result.failures}`);
  assert.ok(result.elapsedSeconds >= 0.3 && result.elapsedSeconds < 5, `elapsed: ${result.elapsedSeconds}`);
});

test('dropped connections and error answers are failures; the requests after them are measured', async () => {
  let requests = 0;
  const flaky = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const n = requests++;
      if (n % 3 === 1) return void request.socket.destroy();
      if (n % 3 === 2) return answer(response, 503, { error: 'busy' });
      answer(response, 200, { predictions: [], batch_size: 2, timing_ms: { decode: 0.1, queue: 0.2, inference: 0.3, total: 0.6 } });
    });
  });
  const url = await listen(flaky);
  try {
    const result = await runLoad({ url, requests: [request], timed: true, concurrency: 1, seconds: 0.3 });
    assert.ok(result.latenciesMs.length >= 2, `answered: ${result.latenciesMs.length}`);
    assert.ok(result.failures >= 2, `failures: ${result.failures}`);
    assert.equal(result.batchSizeSum, 2 * result.latenciesMs.length);
    assert.ok(Math.abs(result.serverMs.total - 0.6 * result.latenciesMs.length) < 1e-9);
  } finally {
    flaky.closeAllConnections();
    await new Promise((resolve) => flaky.close(resolve));
  }
});
