// What a web page can make a browser send to a server on localhost. DNS rebinding: a page on
// attacker.example re-points its name at 127.0.0.1 and reads the server's answers as its own origin, but the
// browser still sends `Host: attacker.example` — so a loopback server answers only loopback names, IP
// addresses and the names --allowed-hosts lists (421 otherwise). A cross-origin form or a fetch() without
// preflight can POST text/plain, forms or multipart: v2 inference takes JSON only (415 otherwise). And the
// requests Node and @hono/node-server used to refuse with a bare, bodiless 400 (no Host on HTTP/1.1, a Host
// that is no host name, raw backslashes in the path) are answered in the server's JSON error shape.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import * as corpus from './corpus.ts';
import { asResponse, assertErrorAnswer, CaseLog, observe, rawRequest, REPO_ROOT, reliabilityCase, socketExchange, type RawRequest } from './harness.ts';

const log = new CaseLog('hosts', 'Host names and cross-origin requests', 14);
const ATTACKER = 'rebind.attacker.example';
let repo: string;
let webRoot: string;
/** Default settings (loopback bind). */
let server: RunningServer;
/** --allowed-hosts app.example,.corp.example */
let allowing: RunningServer;
let serverPaths: string[];
let port: string;

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  webRoot = await mkdtemp(join(tmpdir(), 'onnx-edge-hosts-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>demo</title>');
  server = await startServer({ repo, port: 0, logLevel: 'silent', webRoot });
  allowing = await startServer({ repo, port: 0, logLevel: 'silent', webRoot, allowedHosts: ['app.example', '.corp.example'] });
  port = String(server.port);
  serverPaths = [repo, webRoot, REPO_ROOT.replace(/\/$/, '')];
  log.facts['servers'] = 'startServer with default settings (127.0.0.1, port 0), and one with allowedHosts [app.example, .corp.example]';
});

after(async () => {
  log.write();
  await server?.close();
  await allowing?.close();
  if (repo) await rm(repo, { recursive: true, force: true });
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

async function assertStillServing(): Promise<void> {
  const res = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: await corpus.png() });
  assert.equal(res.status, 200, `a good request afterwards is answered 200: ${res.text.slice(0, 200)}`);
}

/** A request with its own Host header (node:http sends the header as given). */
const withHost = (host: string, req: RawRequest): RawRequest => ({ ...req, headers: { ...req.headers, host } });

// --- DNS rebinding --------------------------------------------------------------------------------------------

const REBIND_TARGETS: [string, RawRequest][] = [
  ['GET /', { path: '/' }],
  ['GET /models', { path: '/models' }],
  ['GET /metrics', { path: '/metrics' }],
  ['GET /models/inception10/model.onnx', { path: '/models/inception10/model.onnx' }],
  ['GET /v2/models/inception10', { path: '/v2/models/inception10' }],
];
for (const [what, req] of REBIND_TARGETS) {
  reliabilityCase(log, `rebinding: ${what} with Host ${ATTACKER}`, async (draft) => {
    draft.sent = `${what}, Host: ${ATTACKER}:${port}`;
    draft.expected = '421 JSON naming the host and --allowed-hosts; nothing of the page, model list, metrics or model bytes';
    const res = await rawRequest(server.url, withHost(`${ATTACKER}:${port}`, req));
    observe(draft, res);
    assertErrorAnswer(res, { status: 421, v2: req.path.startsWith('/v2/'), serverPaths });
    assert.match(res.text, /does not answer for host 'rebind\.attacker\.example'.*--allowed-hosts/);
    assert.doesNotMatch(res.text, /inception10|onnx_edge_|<title>/);
    await assertStillServing();
  });
}
reliabilityCase(log, `rebinding: POST /classify with Host ${ATTACKER}`, async (draft) => {
  draft.sent = `POST /classify with a PNG, Host: ${ATTACKER}`;
  draft.expected = '421 JSON before the body is read or anything is classified';
  const res = await rawRequest(server.url, withHost(ATTACKER, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: await corpus.png() }));
  observe(draft, res);
  assertErrorAnswer(res, { status: 421, serverPaths });
  assert.doesNotMatch(res.text, /predictions/);
});

const HOST_VARIANTS: [string, number][] = [
  ['localhost.attacker.example', 421],
  ['127.0.0.1.nip.io', 421],
  ['attacker.example.', 421],
  ['LOCALHOST', 200],
  ['localhost.', 200],
  ['app.localhost:1234', 200],
  ["127.0.0.1:8080", 200],
  ['127.7.7.7', 200],
  ['[::1]', 200],
  ['10.1.2.3', 200],
];
for (const [host, status] of HOST_VARIANTS) {
  reliabilityCase(log, `Host ${host} on a loopback server: ${status}`, async (draft) => {
    draft.sent = `GET /v2/health/live, Host: ${host}`;
    draft.expected = status === 200 ? '200: a loopback name or an IP address (which no one can rebind)' : '421 JSON: a name the page controls';
    const res = await rawRequest(server.url, withHost(host, { path: '/v2/health/live' }));
    observe(draft, res);
    if (status === 200) assert.equal(res.status, 200, res.text);
    else assertErrorAnswer(res, { status, v2: true, serverPaths });
  });
}
reliabilityCase(log, 'absolute-form request target naming another host', async (draft) => {
  draft.sent = `raw TCP: "GET http://${ATTACKER}/models HTTP/1.1" with Host: localhost`;
  draft.expected = '421 JSON: the target names the host (it overrides Host), and it is not answered';
  const x = await socketExchange(server.url, [`GET http://${ATTACKER}/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`], 2000);
  observe(draft, asResponse(x));
  assertErrorAnswer(asResponse(x), { status: 421, serverPaths });
});

const ALLOWED: [string, number][] = [['app.example', 200], ['app.example:8443', 200], ['corp.example', 200], ['eu.corp.example', 200], ['other.example', 421], ['app.example.attacker.example', 421], ['localhost', 200]];
for (const [host, status] of ALLOWED) {
  reliabilityCase(log, `--allowed-hosts app.example,.corp.example: Host ${host} → ${status}`, async (draft) => {
    draft.sent = `GET /models, Host: ${host}, to the server started with allowedHosts [app.example, .corp.example]`;
    draft.expected = status === 200 ? '200 with the model list' : '421 JSON naming the allowed names';
    const res = await rawRequest(allowing.url, withHost(host, { path: '/models' }));
    observe(draft, res);
    if (status === 200) assert.equal(res.status, 200, res.text);
    else {
      assertErrorAnswer(res, { status, serverPaths });
      assert.match(res.text, /app\.example, \.corp\.example/);
    }
  });
}
reliabilityCase(log, 'a server refuses to start with an allowed host that is not a host name', async (draft) => {
  draft.sent = "startServer with allowedHosts ['app.example', 'bad host/']";
  draft.expected = 'rejected before any model is loaded, naming --allowed-hosts and the entry';
  await assert.rejects(startServer({ repo, port: 0, logLevel: 'silent', allowedHosts: ['app.example', 'bad host/'] }), (err: Error) => {
    draft.body = err.message;
    return /--allowed-hosts: 'bad host\/' is not a host name/.test(err.message);
  });
});

// --- requests answered with a bare 400 before ------------------------------------------------------------------

function bareCase(name: string, sent: string, data: string, status: number, v2 = false): void {
  reliabilityCase(log, name, async (draft) => {
    draft.sent = sent;
    draft.expected = `${status} with a JSON body (not Node's bare status line), the connection closed or kept as HTTP says`;
    const x = await socketExchange(server.url, [data], 2000);
    observe(draft, asResponse(x));
    if (status >= 400) assertErrorAnswer(asResponse(x), { status, v2, serverPaths });
    else assert.equal(x.status, status, x.raw.slice(0, 300));
    await assertStillServing();
  });
}
bareCase('HTTP/1.1 without Host', 'raw TCP: "GET /v2/health/live HTTP/1.1" with no Host header', 'GET /v2/health/live HTTP/1.1\r\nConnection: close\r\n\r\n', 400, true);
bareCase('HTTP/1.1 POST /classify without Host', 'raw TCP: POST /classify, HTTP/1.1, a PNG, no Host header', `POST /classify HTTP/1.1\r\nContent-Type: image/png\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd`, 400);
bareCase('HTTP/1.0 without Host is still answered', 'raw TCP: "GET /v2/health/live HTTP/1.0" with no Host header (a load balancer\'s health check)', 'GET /v2/health/live HTTP/1.0\r\n\r\n', 200);
bareCase('Host with a space', 'raw TCP: GET /models with "Host: exa mple.com"', 'GET /models HTTP/1.1\r\nHost: exa mple.com\r\nConnection: close\r\n\r\n', 400);
bareCase('Host with userinfo', 'raw TCP: GET /models with "Host: localhost@attacker.example"', 'GET /models HTTP/1.1\r\nHost: localhost@attacker.example\r\nConnection: close\r\n\r\n', 400);
bareCase('Host with an unclosed IPv6 bracket', 'raw TCP: GET /models with "Host: [::1"', 'GET /models HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n', 400);
bareCase('raw backslashes in the path', 'raw TCP: "GET /\\..\\..\\secret.txt HTTP/1.1"', 'GET /\\..\\..\\secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 400);
bareCase('an Expect header other than 100-continue', 'raw TCP: GET /v2/health/live with "Expect: 200-ok"', 'GET /v2/health/live HTTP/1.1\r\nHost: localhost\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n', 417);
bareCase('a raw backslash in a v2 path', 'raw TCP: "GET /v2/models/..\\inception10 HTTP/1.1"', 'GET /v2/models/..\\inception10 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n', 400);

// --- cross-origin POSTs without preflight ------------------------------------------------------------------------

const V2_BODY = JSON.stringify(corpus.v2Body());
const TYPES: [string, string | undefined, number][] = [
  ['text/plain (what a fetch() of a string sends, no preflight)', 'text/plain;charset=UTF-8', 415],
  ['no Content-Type (a fetch() of an untyped Blob, no preflight)', undefined, 415],
  ['application/x-www-form-urlencoded (an HTML form)', 'application/x-www-form-urlencoded', 415],
  ['multipart/form-data (an HTML form)', 'multipart/form-data; boundary=x', 415],
  ['application/json; charset=utf-8', 'application/json; charset=utf-8', 200],
  ['application/vnd.kserve+json', 'application/vnd.kserve+json', 200],
];
for (const [what, type, status] of TYPES) {
  reliabilityCase(log, `v2 infer sent as ${what}: ${status}`, async (draft) => {
    draft.sent = `POST /v2/models/inception10/infer, a valid JSON body, Content-Type: ${type ?? '(none)'}`;
    draft.expected = status === 415 ? '415 {"error": "…"} naming application/json; nothing inferred' : '200 with the outputs';
    const res = await rawRequest(server.url, { method: 'POST', path: '/v2/models/inception10/infer', headers: type ? { 'content-type': type } : {}, body: V2_BODY });
    observe(draft, res);
    if (status === 415) {
      assertErrorAnswer(res, { status, v2: true, serverPaths });
      assert.match(res.text, /application\/json/);
    } else {
      assert.equal(res.status, 200, res.text.slice(0, 200));
    }
  });
}
