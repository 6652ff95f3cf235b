// Faults: processes killed in the middle of their work, as operators and machines do it.
// - SIGTERM to a serving process under load: every request it accepted is answered, new connections are
//   refused, and it exits 0.
// - SIGKILL to training while its checkpoint is being written: the next run resumes from an intact
//   checkpoint, and a half-written checkpoint folder (the killed one's, and one planted here) is never loaded.
// - SIGKILL to an export while it writes the .onnx: no partial file at the output path (the previous file,
//   if any, is left whole).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before } from 'node:test';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import { cleanEnv, runCli, startCli, type CliRun } from '../pipeline/cli-process.ts';
import { startChildServer } from './child-server.ts';
import * as corpus from './corpus.ts';
import { CaseLog, rawRequest, reliabilityCase, type RawResponse } from './harness.ts';

const log = new CaseLog('faults', 'Faults: killed processes', 6);
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'onnx-edge-faults-'));
});

after(async () => {
  log.write();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

/**
 * Runs `start`, then SIGKILLs the process the moment a directory entry matching `pattern` appears in `dir`
 * (inotify through fs.watch, so the kill lands while that file or folder is being written), or when
 * `fallback` shows in the output first. Resolves with what triggered the kill.
 */
async function killWhenCreated(run: CliRun, dir: string, pattern: RegExp, fallback: RegExp, timeoutMs: number): Promise<string> {
  const trigger = await new Promise<string>((resolve, reject) => {
    const watcher = watch(dir, (_event, name) => {
      // A deletion fires the same event: only a file that is there counts (a writer removes a dead one's temp).
      if (name && pattern.test(name) && existsSync(join(dir, name))) done(`${name} appeared`);
    });
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const poll = setInterval(() => {
      if (fallback.test(run.output())) done(`output showed ${fallback}`);
    }, 5);
    void run.exited.then((code) => done(undefined, `the process exited (${code}) before it could be killed:\n${run.output()}`));
    function done(what: string | undefined, failure?: string) {
      watcher.close();
      clearTimeout(timer);
      clearInterval(poll);
      if (what) {
        run.child.kill('SIGKILL');
        resolve(what);
      } else reject(new Error(failure ?? `nothing matching ${pattern} appeared in ${dir} within ${timeoutMs} ms`));
    }
  });
  await run.exited;
  return trigger;
}

// --- SIGTERM while serving --------------------------------------------------------------------------------------

reliabilityCase(log, 'SIGTERM under load: accepted requests answered, new connections refused, exit 0', async (draft) => {
  const { repo } = await exportSeedNetwork('inception10');
  const server = await startChildServer(repo, ['--log-level', 'info']);
  const png = await corpus.png();
  const url = server.url;
  draft.sent = '16 clients sending POST /classify back to back (a new connection each) and one upload held half-sent; SIGTERM after 1.5 s; a new connection 300 ms later; then the held upload finished';
  draft.expected = 'every request the server took in (its access log counts them) answered, 200 or 503 while draining; connections it had not read a request from refused or reset; a new connection during the drain refused; the held upload answered 200; exit code 0';
  try {
    // An upload the server has accepted but cannot answer yet: it keeps the server draining.
    const head = `POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\nConnection: close\r\n\r\n`;
    const held = startHeldUpload(url, head, png);
    await held.accepted;
    const outcomes: { response: RawResponse; sentAfterTerm: boolean }[] = [];
    let termAt = Infinity;
    let stop = false;
    const load = Promise.all(Array.from({ length: 16 }, async () => {
      while (!stop) {
        const sentAt = performance.now();
        const response = await rawRequest(url, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: png, timeoutMs: 20_000 });
        outcomes.push({ response, sentAfterTerm: sentAt >= termAt });
        if (response.status === null && /ECONNREFUSED/.test(response.error ?? '')) stop = true;
      }
    }));
    await new Promise((r) => setTimeout(r, 1500));
    termAt = performance.now();
    server.run.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const late = await rawRequest(url, { path: '/v2/health/live', timeoutMs: 2000 });
    assert.equal(server.run.child.exitCode, null, 'still draining while the held upload is in flight');
    stop = true;
    await load;
    const heldAnswer = await held.finish();
    const code = await server.run.exited;

    const before = outcomes.filter((o) => !o.sentAfterTerm);
    const afterTerm = outcomes.filter((o) => o.sentAfterTerm);
    const kinds = (list: typeof outcomes) => {
      const m = new Map<string, number>();
      for (const o of list) {
        const k = o.response.status !== null ? String(o.response.status) : /ECONNREFUSED/.test(o.response.error ?? '') ? 'refused' : `error ${o.response.error}`;
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return [...m].map(([k, n]) => `${n} × ${k}`).join(', ');
    };
    // The server's own access log: every request it took in is a line with its status.
    const logged = server.run.output().split('\n').filter((l) => l.includes('"msg":"request"') && l.includes('/classify')).length;
    const answered = outcomes.filter((o) => o.response.status !== null).length + (heldAnswer.status !== null ? 1 : 0);
    draft.status = heldAnswer.status;
    draft.body = `before SIGTERM: ${kinds(before)}; after: ${kinds(afterTerm) || 'none'}; new connection after 300 ms: ${late.error ?? late.status}; held upload: ${heldAnswer.status}; server logged ${logged} /classify requests, clients got ${answered} answers; exit ${code}`;
    log.facts['SIGTERM'] = draft.body;

    // A connection the server had not yet read a request from when it stopped listening is reset (in the
    // kernel's accept queue, or accepted but idle): the server never took that request in, and the client
    // sees a reset, not a lost answer. The server's log proves it: it counts every request it took in.
    const other = outcomes.filter((o) => o.response.status === null ? !/ECONNREFUSED|ECONNRESET/.test(o.response.error ?? '') : o.response.status !== 200 && o.response.status !== 503);
    assert.deepEqual(other.map((o) => o.response.status ?? o.response.error), [], `only 200, 503, refused or reset before being taken in: ${kinds(outcomes)}`);
    assert.ok(before.filter((o) => o.response.status === 200).length > 0, 'requests before SIGTERM were answered');
    assert.match(late.error ?? `answered ${late.status}`, /ECONNREFUSED/, 'a new connection during the drain is refused');
    assert.equal(heldAnswer.status, 200, 'the request in flight at SIGTERM is answered');
    assert.equal(answered, logged, 'every request the server took in reached its client');
    assert.equal(code, 0, 'exit code 0');
  } finally {
    if (server.run.child.exitCode === null) server.run.child.kill('SIGKILL');
    await rm(repo, { recursive: true, force: true });
  }
}, { timeout: 120_000 });

/** A request whose headers and first half of body are sent now and the rest on finish(). */
function startHeldUpload(url: string, head: string, body: Buffer) {
  let finish!: () => void;
  const rest = new Promise<void>((resolve) => (finish = resolve));
  const parts = [Buffer.from(head), body.subarray(0, body.length >> 1)];
  const exchange = socketExchangeHeld(url, parts, rest.then(() => body.subarray(body.length >> 1)));
  return {
    // Node dispatches a request once its headers are in; a short wait lets the server take it in.
    accepted: new Promise((r) => setTimeout(r, 300)),
    finish: async () => {
      finish();
      const x = await exchange;
      return { status: x.status, text: x.text };
    },
  };
}

/** A raw TCP request whose last chunk is sent when `last` resolves; resolves with the answer once closed. */
function socketExchangeHeld(url: string, first: Buffer[], last: Promise<Buffer>) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number | null; text: string }>((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      for (const c of first) socket.write(c);
      void last.then((c) => socket.write(c));
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1];
      resolve({ status: status ? Number(status) : null, text: raw.slice(raw.indexOf('\r\n\r\n') + 4) });
    });
    socket.on('error', () => undefined);
  });
}

// --- SIGKILL during training ------------------------------------------------------------------------------------

const TRAIN_ARGS = (out: string) => ['train', '--model', 'inception10', '--data', 'synthetic', '--limit', '64', '--batch-size', '32', '--epochs', '3', '--workers', '1', '--seed', '3', '--backend', 'wasm', '--out', out];

reliabilityCase(log, 'SIGKILL while the training checkpoint is written: the next run resumes from an intact one', async (draft) => {
  const out = join(scratch, 'run');
  await mkdir(out, { recursive: true });
  draft.sent = `onnx-edge ${TRAIN_ARGS('<tmp>').join(' ')}; SIGKILL the moment a checkpoint temp folder appears after epoch 1 (or after epoch 2's line); plant checkpoint.tmp-999999-0badf00d with a half-written state.json; run the same command again`;
  draft.expected = 'the second run says it resumes from the checkpoint, trains the remaining epochs, exits 0, history has epochs 1..3; the half-written folders are never loaded';
  const first = startCli(TRAIN_ARGS(out), cleanEnv({}));
  // The first epoch's checkpoint must be complete before the kill, so that there is one to resume from.
  await first.waitFor(/epoch 1\/3:.*\n/, 120_000);
  const trigger = await killWhenCreated(first, out, /^checkpoint\.tmp-/, /epoch 2\/3:.*\n/, 120_000);
  const left = (await readdir(out)).sort();
  // A half-written checkpoint of a process that died: valid-looking name, truncated state.
  const planted = join(out, 'checkpoint.tmp-999999-0badf00d');
  await mkdir(join(planted, 'model'), { recursive: true });
  await writeFile(join(planted, 'state.json'), '{"version":1,"recipe":{"model":"incep');
  await writeFile(join(planted, 'model', 'model.json'), '{"modelTopology":');
  const state = JSON.parse(await readFile(join(existsSync(join(out, 'checkpoint')) ? join(out, 'checkpoint') : join(out, left.find((n) => n.startsWith('checkpoint.old-'))!), 'state.json'), 'utf8')) as { epochsCompleted: number };

  const second = await runCli(TRAIN_ARGS(out), cleanEnv({}));
  const history = JSON.parse(await readFile(join(out, 'history.json'), 'utf8')) as { epochs?: { epoch: number }[] } | { epoch: number }[];
  const epochs = (Array.isArray(history) ? history : history.epochs ?? []).map((e) => e.epoch);
  const resumeLine = /resume: .*/.exec(second.output)?.[0] ?? '(no resume line)';
  draft.status = second.code;
  draft.body = `killed when ${trigger}; run folder then held ${left.join(', ')}; checkpoint had ${state.epochsCompleted} epoch(s); second run: "${resumeLine.replaceAll(out, '<run>')}", exit ${second.code}, history epochs [${epochs.join(', ')}]`;
  log.facts['SIGKILL during training'] = draft.body;
  assert.equal(second.code, 0, second.output);
  assert.match(second.output, new RegExp(`resume: .* holds ${state.epochsCompleted} epoch`), 'resumed from the intact checkpoint');
  assert.deepEqual(epochs, [1, 2, 3]);
  for (let e = state.epochsCompleted + 1; e <= 3; e++) assert.match(second.output, new RegExp(`epoch ${e}/3:`), `epoch ${e} trained by the second run`);
  assert.doesNotMatch(second.output, new RegExp(`epoch ${state.epochsCompleted}/3:`), 'the completed epochs are not trained again');
}, { timeout: 300_000 });

// --- SIGKILL during export --------------------------------------------------------------------------------------

reliabilityCase(log, 'SIGKILL while export writes the .onnx: no partial file at the output path', async (draft) => {
  const runDir = join(scratch, 'run');
  assert.ok(existsSync(join(runDir, 'tfjs', 'model.json')), 'the training case left a run folder to export');
  const outDir = join(scratch, 'export');
  await mkdir(outDir, { recursive: true });
  const output = join(outDir, 'model.onnx');
  draft.sent = 'onnx-edge export <run> -o model.onnx: once to completion (the reference bytes), then SIGKILLed the moment its temp file appears, with no model.onnx there and over an existing model.onnx (each repeated, up to 8 times, until the kill lands while the temp file is still there)';
  draft.expected = 'after each kill the output path holds no partial file: nothing (or the previous file) — or, if the rename won the race with the kill, the complete reference bytes; the next export removes the killed writers\' temp files';
  const exportOnce = () => startCli(['export', runDir, '-o', output], cleanEnv({}));

  const complete = exportOnce();
  assert.equal(await complete.exited, 0, complete.output());
  const reference = sha(await readFile(output));
  await rm(output);
  const previous = Buffer.from('a previous, complete model file');
  const describe = (state: string) => (state === 'absent' ? 'absent' : state === reference ? 'the complete export (the rename beat the kill)' : state === sha(previous) ? 'the previous file, unchanged' : 'PARTIAL OR CHANGED');

  // On a fast disk the writer can write, sync and rename before the watcher's check sees its temp file; such
  // an attempt proves nothing about a kill mid-write (its output must still be whole), so it is repeated.
  const killMidWrite = async (setUp: () => Promise<void>) => {
    const attempts: { trigger: string; state: string }[] = [];
    do {
      await setUp();
      const trigger = await killWhenCreated(exportOnce(), outDir, /^model\.onnx\.tmp-/, /^wrote /m, 120_000);
      attempts.push({ trigger, state: existsSync(output) ? sha(await readFile(output)) : 'absent' });
    } while (!/appeared/.test(attempts.at(-1)!.trigger) && attempts.length < 8);
    return attempts;
  };
  const intoNothing = await killMidWrite(() => rm(output, { force: true }));
  const overPrevious = await killMidWrite(() => writeFile(output, previous));
  const leftovers = (await readdir(outDir)).filter((n) => n !== 'model.onnx');
  // The next export to the same path removes the temps of the killed writers.
  const again = exportOnce();
  assert.equal(await again.exited, 0, again.output());
  const leftAfterNext = (await readdir(outDir)).filter((n) => n !== 'model.onnx');
  const report = (attempts: { trigger: string; state: string }[]) => attempts.map((a) => `killed when ${a.trigger}: model.onnx ${describe(a.state)}`).join('; ');
  draft.status = null;
  draft.body = `no model.onnx before: ${report(intoNothing)} — over a previous model.onnx: ${report(overPrevious)} — temp files left beside it: ${leftovers.length}, after the next export: ${leftAfterNext.length}`;
  log.facts['SIGKILL during export'] = draft.body;
  assert.match(intoNothing.at(-1)!.trigger, /appeared/, 'a kill was sent while the file was being written (no previous file)');
  assert.match(overPrevious.at(-1)!.trigger, /appeared/, 'a kill was sent while the file was being written (over a previous file)');
  for (const { state } of intoNothing) assert.ok(state === 'absent' || state === reference, `no partial model.onnx after a kill: ${describe(state)}`);
  for (const { state } of overPrevious) assert.ok(state === sha(previous) || state === reference, `the previous model.onnx or the complete new one after a kill: ${describe(state)}`);
  assert.deepEqual(leftAfterNext, [], 'no temp file left once the next export has run');
}, { timeout: 180_000 });
