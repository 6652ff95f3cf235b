// Shared pieces of the reliability suite: raw HTTP requests (node:http, so URLs reach the server exactly as
// written, unnormalised), the case log every test writes into (test-artifacts/reliability/<suite>.json,
// from which docs/RELIABILITY.md is generated), and the checks every error answer must pass.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import * as corpus from './corpus.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'reliability');

export interface RawResponse {
  /** null when the connection ended without an HTTP response. */
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
  /** Why no response came (socket error), if none did. */
  error?: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
  /** Give up (and report no response) after this long. */
  timeoutMs?: number;
}

/** One HTTP request on a fresh connection; the path is sent byte for byte as given. */
export function rawRequest(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (r: Omit<RawResponse, 'ms'>) => resolve({ ...r, ms: performance.now() - started });
    const outgoing = request({ host: hostname, port, method: req.method ?? 'GET', path: req.path, headers: req.headers, agent: false, timeout: req.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? null, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => done({ status: res.statusCode ?? null, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), error: err.message }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('client timeout')));
    outgoing.on('error', (err) => done({ status: null, headers: {}, text: '', error: err.message }));
    outgoing.end(req.body);
  });
}

/** What one case sent and got back, as docs/RELIABILITY.md shows it. */
export interface CaseRecord {
  name: string;
  sent: string;
  expected: string;
  status: number | null;
  body: string;
  ms: number;
  pass: boolean;
  failure?: string;
}

/** The cases of one test file, written to test-artifacts/reliability/<suite>.json after its tests. */
export class CaseLog {
  readonly cases: CaseRecord[] = [];
  readonly facts: Record<string, string | number> = {};
  constructor(readonly suite: string, readonly title: string, readonly order: number) {}

  write(): void {
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = join(ARTIFACTS_DIR, `${this.suite}.json`);
    writeFileSync(file, `${JSON.stringify({ suite: this.suite, title: this.title, order: this.order, date: new Date().toISOString(), facts: this.facts, cases: this.cases }, null, 1)}\n`);
  }
}

/** The fields a case fills in while it runs; `pass`/`failure` are set from its assertions. */
export type CaseDraft = Omit<CaseRecord, 'pass' | 'failure' | 'name'>;

/** A test that records itself: `run` fills the draft (sent, status, body…) and asserts. */
export function reliabilityCase(log: CaseLog, name: string, run: (draft: CaseDraft) => Promise<void>, options: { timeout?: number } = {}): void {
  test(name, { timeout: options.timeout ?? 60_000 }, async () => {
    const draft: CaseDraft = { sent: '', expected: '', status: null, body: '', ms: 0 };
    try {
      await run(draft);
      log.cases.push({ name, ...draft, pass: true });
    } catch (err) {
      log.cases.push({ name, ...draft, pass: false, failure: (err as Error).message.split('\n')[0]!.slice(0, 300) });
      throw err;
    }
  });
}

/** Fills the draft from a response (body shortened for the report). */
export function observe(draft: CaseDraft, res: RawResponse): void {
  draft.status = res.status;
  draft.ms = Math.round(res.ms * 10) / 10;
  draft.body = res.error && res.status === null ? `(no response: ${res.error})` : res.text.length > 240 ? `${res.text.slice(0, 240)}… (${res.text.length} bytes)` : res.text;
}

/** Text a response must never contain: stack frames, source locations, the server's own folders. */
export function assertNoLeak(text: string, serverPaths: string[]): void {
  assert.doesNotMatch(text, /\n\s+at \S/, 'no stack trace in the body');
  assert.doesNotMatch(text, /\.(ts|js|mjs|cjs):\d+/, 'no source location in the body');
  assert.doesNotMatch(text, /node_modules/, 'no module path in the body');
  for (const path of serverPaths) assert.ok(!text.includes(path), `the body does not reveal the server path ${path}`);
}

export interface ErrorExpectation {
  status: number | number[];
  /** /v2 routes answer {"error": "message"}; the others {"error":{"code","message"}}. */
  v2?: boolean;
  maxMs?: number;
  serverPaths: string[];
}

/** The documented error answer: status, JSON content type and shape, bounded time, nothing leaked. */
export function assertErrorAnswer(res: RawResponse, expect: ErrorExpectation): void {
  const statuses = Array.isArray(expect.status) ? expect.status : [expect.status];
  assert.ok(res.status !== null, `an HTTP answer came back (got ${res.error})`);
  assert.ok(statuses.includes(res.status), `status ${res.status} is one of ${statuses.join('/')}: ${res.text.slice(0, 300)}`);
  assert.ok(res.ms < (expect.maxMs ?? 2000), `answered in ${res.ms.toFixed(0)} ms < ${expect.maxMs ?? 2000} ms`);
  assert.match(String(res.headers['content-type']), /^application\/json/, 'JSON content type');
  const body = JSON.parse(res.text) as { error?: unknown };
  if (expect.v2) {
    assert.equal(typeof body.error, 'string', `v2 error shape {"error": "..."}: ${res.text.slice(0, 200)}`);
    assert.ok((body.error as string).length > 0);
  } else {
    const error = body.error as { code?: unknown; message?: unknown } | undefined;
    assert.equal(typeof error?.code, 'string', `error shape {"error":{"code","message"}}: ${res.text.slice(0, 200)}`);
    assert.equal(typeof error?.message, 'string');
  }
  assertNoLeak(res.text, expect.serverPaths);
}

/** Human-readable byte counts for the report. */
export function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export interface SocketExchange {
  /** Everything the server sent before closing or before the wait ended. */
  raw: string;
  status: number | null;
  /** The response body (after the blank line), if a response came. */
  text: string;
  headers: Record<string, string>;
  closedByServer: boolean;
  ms: number;
}

/**
 * Writes `data` on a plain TCP connection (node:net) and then keeps the connection open without sending
 * anything more, until the server answers and closes it or `waitMs` passes. For requests node:http cannot
 * send: malformed ones, and clients that stall.
 */
export function socketExchange(baseUrl: string, data: (string | Buffer)[], waitMs: number): Promise<SocketExchange> {
  const { hostname, port } = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('utf8');
      const split = raw.indexOf('\r\n\r\n');
      const head = split >= 0 ? raw.slice(0, split) : raw;
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let text = split >= 0 ? raw.slice(split + 4) : '';
      if (headers['transfer-encoding'] === 'chunked') text = dechunk(text);
      resolve({ raw, status: status ? Number(status) : null, text, headers, closedByServer, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('connect', () => {
      for (const d of data) socket.write(d);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** A socket exchange seen as a response, for assertErrorAnswer. */
export function asResponse(x: SocketExchange): RawResponse {
  return { status: x.status, headers: x.headers, text: x.text, ms: x.ms, ...(x.status === null ? { error: x.closedByServer ? 'closed without an answer' : 'no answer yet' } : {}) };
}

/** A good classification request answered 200 with five predictions: the server is alive and well. */
export async function assertStillServing(baseUrl: string): Promise<void> {
  const res = await rawRequest(baseUrl, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: await corpus.png() });
  assert.equal(res.status, 200, `a good request afterwards is answered 200: ${res.text.slice(0, 200)}`);
  assert.equal((JSON.parse(res.text) as { predictions: unknown[] }).predictions.length, 5);
}
