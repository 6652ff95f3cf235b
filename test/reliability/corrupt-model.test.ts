// A model repository with damaged model.onnx files beside a good one: the server refuses each damaged model
// at load with an error that names it and says why, and serves the good one. A repository with nothing but
// damaged models does not start, and says why.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import * as corpus from './corpus.ts';
import { assertErrorAnswer, CaseLog, observe, rawRequest, REPO_ROOT, reliabilityCase } from './harness.ts';

const log = new CaseLog('corrupt-model', 'Damaged models in the repository', 4);
let repo: string;
let goodBytes: Buffer;
let server: RunningServer;
const logLines: { level: number; msg: string; model?: string; reason?: string }[] = [];

/** The damaged copies of the good model.onnx, by model name. */
const DAMAGE: Record<string, { what: string; make: (good: Buffer) => Buffer }> = {
  truncated: { what: 'the exported model.onnx cut to 40% of its bytes', make: (good) => good.subarray(0, Math.floor(good.length * 0.4)) },
  'header-flipped': { what: 'the exported model.onnx with its first 16 bytes inverted', make: (good) => corpus.flipped(good, 0, 16) },
  empty: { what: 'an empty (0-byte) model.onnx', make: () => Buffer.alloc(0) },
  garbage: { what: '4 KiB of text in place of model.onnx', make: () => Buffer.from('not a model '.repeat(342)) },
};

async function plantModel(repoDir: string, name: string, bytes: Buffer): Promise<void> {
  await mkdir(join(repoDir, name, '1'), { recursive: true });
  await writeFile(join(repoDir, name, '1', 'model.onnx'), bytes);
  await copyFile(join(repo, 'inception10', 'labels.txt'), join(repoDir, name, 'labels.txt'));
}

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  goodBytes = await readFile(join(repo, 'inception10', '1', 'model.onnx'));
  for (const [name, damage] of Object.entries(DAMAGE)) await plantModel(repo, name, damage.make(goodBytes));
  server = await startServer({
    repo,
    port: 0,
    logLevel: 'info',
    logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
  });
  log.facts['repository'] = `inception10 (good) and ${Object.entries(DAMAGE).map(([n, d]) => `${n} (${d.what})`).join(', ')}`;
});

after(async () => {
  log.write();
  await server?.close();
  if (repo) await rm(repo, { recursive: true, force: true });
});

for (const [name, damage] of Object.entries(DAMAGE)) {
  reliabilityCase(log, `damaged model '${name}' is refused at load, the others served`, async (draft) => {
    draft.sent = `repository model '${name}': ${damage.what}`;
    draft.expected = `an error log line naming '${name}' and why; GET /v2/models/${name} 404; inception10 still classifies`;
    const refusal = logLines.find((l) => l.level >= 50 && l.model === name);
    assert.ok(refusal, `an error line names '${name}': ${JSON.stringify(logLines.filter((l) => l.level >= 50))}`);
    assert.match(refusal.reason ?? '', /not an ONNX model|cannot load/, 'the reason says what is wrong');
    const res = await rawRequest(server.url, { path: `/v2/models/${name}` });
    observe(draft, res);
    draft.body = `log: ${refusal.msg} — ${(refusal.reason ?? '').replaceAll(repo, '<repo>').slice(0, 200)}; GET /v2/models/${name} → ${res.status} ${res.text.slice(0, 120)}`;
    assertErrorAnswer(res, { status: 404, v2: true, serverPaths: [repo, REPO_ROOT.replace(/\/$/, '')] });
    const good = await rawRequest(server.url, { method: 'POST', path: '/classify?model=inception10', headers: { 'content-type': 'image/png' }, body: await corpus.png() });
    assert.equal(good.status, 200);
  });
}

reliabilityCase(log, 'the model list holds only the models that loaded', async (draft) => {
  draft.sent = 'GET /models';
  draft.expected = '["inception10"]';
  const res = await rawRequest(server.url, { path: '/models' });
  observe(draft, res);
  assert.deepEqual((JSON.parse(res.text) as { name: string }[]).map((m) => m.name), ['inception10']);
});

reliabilityCase(log, 'a repository of damaged models only does not start, and says why', async (draft) => {
  const onlyBroken = join(repo, '..', `${repo.split('/').at(-1)}-broken`);
  try {
    for (const name of ['truncated', 'empty']) await plantModel(onlyBroken, name, DAMAGE[name]!.make(goodBytes));
    draft.sent = "startServer on a repository holding only 'truncated' and 'empty'";
    draft.expected = 'startServer rejects with an error naming both models';
    await assert.rejects(startServer({ repo: onlyBroken, port: 0, logLevel: 'silent' }), (err: Error) => {
      draft.body = err.message.replaceAll(onlyBroken, '<repo>').slice(0, 300);
      return /empty/.test(err.message) && /truncated/.test(err.message);
    });
  } finally {
    await rm(onlyBroken, { recursive: true, force: true });
  }
});
