// Large responses against the server's memory: the server as an operator runs it (child process, default
// settings, the web root holding onnxruntime-web's 27 MB WebAssembly files), attacked by clients that ask for
// big files many times on one connection (HTTP/1.1 pipelining) or read them slowly. Files are streamed with
// backpressure and a connection has a bounded number of requests in progress, so what the server holds per
// client is a socket buffer, not a copy of a file per request. Figures: the server's RSS (from /proc), its
// open file descriptors, a health probe in its own process, and the server's own event-loop delay.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import { startChildServer, type ChildServer } from './child-server.ts';
import { assertStillServing, CaseLog, rawRequest, reliabilityCase, REPO_ROOT } from './harness.ts';
import { startHealthProbe } from './health-probe.ts';
import { pipelinedGets, RawClient } from './raw-client.ts';

/** The bounds of the "Done when": RSS growth under 100 MB, health within 100 ms throughout. */
const MAX_RSS_GROWTH_MB = 100;
const HEALTH_BOUND_MS = 100;
/** How long the attackers read nothing, then how long the pipelining ones read as fast as they can. */
const STALL_MS = 4000;
const DRAIN_MS = 4000;

const log = new CaseLog('memory', 'Large responses and memory', 11);
/** onnxruntime-web's files, as the built web demo serves them (read from node_modules, never copied). */
const WEB_ROOT = join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
let repo: string;
let server: ChildServer;
let largest: { name: string; size: number; sha256: string };
let model: { size: number; sha256: string };

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** Descriptors the server holds open on the files this suite asks for. */
const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).filter((fd) => {
  try {
    const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    return target.startsWith(WEB_ROOT) || target.startsWith(repo);
  } catch {
    return false; // closed between the listing and the readlink
  }
}).length;

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  const files = readdirSync(WEB_ROOT).map((name) => ({ name, size: statSync(join(WEB_ROOT, name)).size })).sort((a, b) => b.size - a.size);
  const top = files[0]!;
  largest = { ...top, sha256: createHash('sha256').update(readFileSync(join(WEB_ROOT, top.name))).digest('hex') };
  const modelBytes = readFileSync(join(repo, 'inception10', '1', 'model.onnx'));
  model = { size: modelBytes.length, sha256: createHash('sha256').update(modelBytes).digest('hex') };
  server = await startChildServer(repo, ['--web-root', WEB_ROOT]);
  log.facts['server'] = `node bin/onnx-edge.js serve (child process) with default settings, Inception10, --web-root holding onnxruntime-web's dist folder; its largest file is ${largest.name} (${mb(largest.size)} MB); model.onnx is ${mb(model.size)} MB`;
});

after(async () => {
  log.write();
  if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  if (repo) await rm(repo, { recursive: true, force: true });
});

/** Samples the server's RSS every 100 ms until stopped; resolves with the highest reading. */
function sampleRss(): { stop(): number } {
  let highest = server.rssBytes();
  const timer = setInterval(() => (highest = Math.max(highest, server.rssBytes())), 100);
  return { stop: () => (clearInterval(timer), Math.max(highest, server.rssBytes())) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

reliabilityCase(log, 'pipelined floods of large files and 50 slow readers, all at once', async (draft) => {
  draft.sent = `at once: one connection with 60 pipelined GET /${largest.name} (${mb(largest.size)} MB each); one connection with 6,000 pipelined GET /models/inception10/model.onnx; 50 connections each reading GET /${largest.name} at ~160 KB/s. Nothing read by the two pipelining connections for ${STALL_MS / 1000} s, then read as fast as the client can for ${DRAIN_MS / 1000} s; then every client leaves`;
  draft.expected = `server RSS growth under ${MAX_RSS_GROWTH_MB} MB over its reading after warm-up; every health check (a probe in its own process, every 25 ms) answered within ${HEALTH_BOUND_MS} ms; every answer 200 with the file's exact length, the first of each kind byte-identical to the file; file descriptors back to their count before the attack once the clients leave; a good request answered afterwards`;
  // Warm-up: one of each answer, so that lazily built state (buffers, pools) exists before the baseline.
  for (const path of [`/${largest.name}`, '/models/inception10/model.onnx']) assert.equal((await rawRequest(server.url, { path })).status, 200);
  await assertStillServing(server.url);
  // The machine's own noise first: the probe and the server's event-loop delay with nobody attacking.
  await server.eventLoopDelayMs();
  const idleProbe = await startHealthProbe(server.url, server.pid, 25, HEALTH_BOUND_MS);
  await sleep(2000);
  const idle = await idleProbe.stop();
  const idleLoopDelayMs = await server.eventLoopDelayMs();
  const rssBefore = server.rssBytes();
  const fdsBefore = openFiles(server.pid);
  await server.eventLoopDelayMs(); // resets the server's event-loop delay histogram
  const rss = sampleRss();
  const probe = await startHealthProbe(server.url, server.pid, 25, HEALTH_BOUND_MS);
  const scheduleBefore = server.mainThreadSchedule();
  // The attackers run here, on the server's machine, where a real attacker's CPU is elsewhere: they yield
  // the CPU to the server and to the probe (this process's main thread only, from now on).
  setPriority(19);

  const wasmFlood = await RawClient.open(server.url, pipelinedGets(server.url, `/${largest.name}`, 60), 'none', { expectedLength: largest.size });
  const modelFlood = await RawClient.open(server.url, pipelinedGets(server.url, '/models/inception10/model.onnx', 6000), 'none', { expectedLength: model.size });
  const slowReaders = await Promise.all(Array.from({ length: 50 }, () => RawClient.open(server.url, pipelinedGets(server.url, `/${largest.name}`, 1), 'slow', { expectedLength: largest.size })));
  await sleep(STALL_MS);
  const rssStalled = server.rssBytes();
  wasmFlood.pace('full');
  modelFlood.pace('full');
  await sleep(DRAIN_MS);
  for (const client of [wasmFlood, modelFlood, ...slowReaders]) client.close();
  const health = await probe.stop();
  const scheduleAfter = server.mainThreadSchedule();
  const rssHighest = rss.stop();
  const loopDelayMs = await server.eventLoopDelayMs();
  // The server lets go of the files of the clients that left: within 5 s, as the 52 closes and the aborted
  // streams' last reads are handled (on a busy 2-core host one descriptor was still open after 2 s).
  let fdsAfter = openFiles(server.pid);
  for (let i = 0; i < 50 && fdsAfter > fdsBefore; i++) {
    await sleep(100);
    fdsAfter = openFiles(server.pid);
  }
  const rssAfter = server.rssBytes();
  await assertStillServing(server.url);

  const growthMb = mb(rssHighest - rssBefore);
  const slowBytes = slowReaders.reduce((n, c) => n + c.count.bodyBytes, 0);
  const summary = `RSS ${mb(rssBefore)} MB before, ${mb(rssStalled)} MB while nobody read, highest ${mb(rssHighest)} MB (growth ${growthMb} MB), ${mb(rssAfter)} MB after the clients left; ` +
    `wasm flood: ${wasmFlood.count.completed} of 60 answers read (${mb(wasmFlood.count.bodyBytes)} MB); model flood: ${modelFlood.count.completed} of 6,000 read (${mb(modelFlood.count.bodyBytes)} MB); slow readers: ${mb(slowBytes)} MB read in all; ` +
    `health: ${health.count} probes, p50 ${health.p50Ms} ms, p99 ${health.p99Ms} ms, max ${health.maxMs} ms (the server's main thread meanwhile ${health.slowest.serverCpuMs} ms on a CPU, ${health.slowest.serverWaitMs} ms waiting for one), ${health.over} over ${HEALTH_BOUND_MS} ms, ${health.failures} failed; server event-loop delay max ${loopDelayMs} ms; ` +
    `server main thread ${Math.round(scheduleAfter.cpuMs - scheduleBefore.cpuMs)} ms on a CPU and ${Math.round(scheduleAfter.waitMs - scheduleBefore.waitMs)} ms waiting for one; ` +
    `before the attack, idle: health max ${idle.maxMs} ms (p99 ${idle.p99Ms} ms), event-loop delay max ${idleLoopDelayMs} ms; ` +
    `open files ${fdsBefore} before, ${fdsAfter} after`;
  draft.status = 200;
  draft.body = summary;
  log.facts['pipelined floods and slow readers'] = summary;

  for (const [name, client, sha] of [['wasm flood', wasmFlood, largest.sha256], ['model flood', modelFlood, model.sha256]] as const) {
    assert.equal(client.count.malformed, undefined, `${name}: every answer well-formed`);
    assert.deepEqual(Object.keys(client.count.statuses), ['200'], `${name}: only 200 answers (${JSON.stringify(client.count.statuses)})`);
    assert.ok(client.count.completed > 0, `${name}: answers arrived once the client read`);
    assert.equal(client.count.firstBodySha256, sha, `${name}: the first answer is the file, byte for byte`);
    assert.deepEqual(client.count.wrongLengths, [], `${name}: every answer has the file's length`);
  }
  assert.ok(slowReaders.every((c) => c.count.bodyBytes > 0 && c.count.malformed === undefined), 'every slow reader received data');
  assert.ok(growthMb < MAX_RSS_GROWTH_MB, `RSS growth ${growthMb} MB < ${MAX_RSS_GROWTH_MB} MB: ${summary}`);
  assert.equal(health.failures, 0, `every health check answered 200: ${summary}`);
  assert.ok(health.maxMs < HEALTH_BOUND_MS, `every health check within ${HEALTH_BOUND_MS} ms: ${summary}`);
  assert.ok(fdsAfter <= fdsBefore, `the files of the clients that left are closed: ${summary}`);
}, { timeout: 120_000 });

reliabilityCase(log, 'HEAD of the largest file opens nothing and sends no body', async (draft) => {
  draft.sent = `200 × HEAD /${largest.name}, one after another`;
  draft.expected = `200 with Content-Length ${largest.size} and no body each time; the server's open file descriptors unchanged`;
  const fdsBefore = openFiles(server.pid);
  let last;
  for (let i = 0; i < 200; i++) last = await rawRequest(server.url, { method: 'HEAD', path: `/${largest.name}` });
  await sleep(200);
  const fdsAfter = openFiles(server.pid);
  draft.status = last!.status;
  draft.ms = Math.round(last!.ms * 10) / 10;
  draft.body = `Content-Length ${last!.headers['content-length']}, ${last!.text.length} body bytes; open files ${fdsBefore} before, ${fdsAfter} after`;
  assert.equal(last!.status, 200);
  assert.equal(Number(last!.headers['content-length']), largest.size);
  assert.equal(last!.text.length, 0);
  assert.ok(fdsAfter <= fdsBefore, draft.body);
});

reliabilityCase(log, 'pipelined requests of different kinds are answered in order', async (draft) => {
  const paths = ['/v2/health/live', '/models/inception10/labels.json', '/v2/models/inception10', '/v2/health/ready', '/models'];
  const sequence = Array.from({ length: 40 }, (_, i) => paths[i % paths.length]!);
  draft.sent = `one connection, 40 pipelined GETs cycling through ${paths.join(', ')}`;
  draft.expected = '40 answers in request order, each the same as the answer to that request sent alone';
  const alone = new Map<string, string>();
  for (const path of paths) alone.set(path, (await rawRequest(server.url, { path })).text);
  const client = await RawClient.open(server.url, Buffer.concat(sequence.map((p) => pipelinedGets(server.url, p, 1))), 'full', { keepBodies: true });
  const bodies = await client.answers(sequence.length, 10_000);
  client.close();
  draft.status = 200;
  draft.body = `${bodies.length} answers; statuses ${[...new Set(bodies.map((b) => b.status))].join(', ')}`;
  assert.equal(bodies.length, sequence.length);
  bodies.forEach((b, i) => {
    assert.equal(b.status, 200);
    assert.equal(b.body, alone.get(sequence[i]!), `answer ${i} is the answer to ${sequence[i]}`);
  });
});
