// A model repository is input too: files that are not regular files (FIFOs, devices), links leading out of
// the repository, files far larger than they should be, configs out of bounds or at odds with their ONNX
// file, labels that do not fit the classes, a newest version that is damaged. One repository holds a good
// model beside one folder per case; the server starts at once, refuses each bad model alone with a log
// line naming the file or the field, serves the good ones, falls back to an older version where a newer one
// is damaged, and reads nothing outside the repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before } from 'node:test';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import { cleanEnv, runCli } from '../pipeline/cli-process.ts';
import * as corpus from './corpus.ts';
import { assertErrorAnswer, CaseLog, observe, rawRequest, REPO_ROOT, reliabilityCase } from './harness.ts';

const log = new CaseLog('repository-input', 'Repository input', 13);
/** Labels planted outside the repository: they must never be served. */
const SECRET_LABELS = Array.from({ length: 10 }, (_, i) => `outside-secret-${i}`);
let source: string; // the exported model, outside the test repository
let repo: string;
let outside: string;
let server: RunningServer;
let startMs: number;
const logLines: { level: number; msg: string; model?: string; reason?: string; refused?: string[] }[] = [];

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);
const goodConfig = () => readFile(join(source, 'inception10', 'config.pbtxt'), 'utf8');

/** A model folder holding the good model.onnx (version 1), labels.txt and config.pbtxt, then `change` applied. */
async function plant(name: string, change: (dir: string) => Promise<void>): Promise<void> {
  const dir = join(repo, name);
  await mkdir(join(dir, '1'), { recursive: true });
  await copyFile(join(source, 'inception10', '1', 'model.onnx'), join(dir, '1', 'model.onnx'));
  await copyFile(join(source, 'inception10', 'labels.txt'), join(dir, 'labels.txt'));
  await writeFile(join(dir, 'config.pbtxt'), (await goodConfig()).replace('name: "inception10"', `name: "${name}"`));
  await change(dir);
}

const editConfig = (from: string | RegExp, to: string) => async (dir: string) => {
  const path = join(dir, 'config.pbtxt');
  const text = await readFile(path, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `the config holds ${from}`);
  await writeFile(path, changed);
};

interface RefusalCase {
  what: string;
  change: (dir: string) => Promise<void>;
  reason: RegExp;
}

/** Bad model folders: each must be refused with a reason matching its pattern. */
const REFUSED: Record<string, RefusalCase> = {
  'labels-fifo': { what: 'labels.txt is a FIFO', change: async (dir) => { await rm(join(dir, 'labels.txt')); mkfifo(join(dir, 'labels.txt')); }, reason: /labels\.txt.* is a FIFO, not a regular file/ },
  'model-fifo': { what: '1/model.onnx is a FIFO (the only version)', change: async (dir) => { await rm(join(dir, '1', 'model.onnx')); mkfifo(join(dir, '1', 'model.onnx')); }, reason: /version 1: .*model\.onnx.* is a FIFO/ },
  'config-fifo': { what: 'config.pbtxt is a FIFO', change: async (dir) => { await rm(join(dir, 'config.pbtxt')); mkfifo(join(dir, 'config.pbtxt')); }, reason: /config\.pbtxt.* is a FIFO/ },
  'labels-dev-zero': { what: 'labels.txt is a link to /dev/zero', change: async (dir) => { await rm(join(dir, 'labels.txt')); await symlink('/dev/zero', join(dir, 'labels.txt')); }, reason: /labels\.txt leads outside .* \(to \/dev\/zero\)/ },
  'config-dev-zero': { what: 'config.pbtxt is a link to /dev/zero', change: async (dir) => { await rm(join(dir, 'config.pbtxt')); await symlink('/dev/zero', join(dir, 'config.pbtxt')); }, reason: /config\.pbtxt leads outside/ },
  'labels-outside': { what: 'labels.txt is a link to a labels file outside the repository', change: async (dir) => { await rm(join(dir, 'labels.txt')); await symlink(join(outside, 'labels.txt'), join(dir, 'labels.txt')); }, reason: /labels\.txt leads outside/ },
  'model-outside': { what: '1/model.onnx is a link to the good model outside the repository', change: async (dir) => { await rm(join(dir, '1', 'model.onnx')); await symlink(join(source, 'inception10', '1', 'model.onnx'), join(dir, '1', 'model.onnx')); }, reason: /model\.onnx leads outside/ },
  'labels-huge': { what: 'labels.txt of 5 MiB', change: (dir) => writeFile(join(dir, 'labels.txt'), 'label\n'.repeat(5 * 1024 * 1024 / 6)), reason: /labels\.txt.* is [\d,]+ bytes; at most 4,194,304 are read/ },
  'labels-short': { what: 'labels.txt with 5 labels for 10 classes', change: (dir) => writeFile(join(dir, 'labels.txt'), 'a\nb\nc\nd\ne\n'), reason: /labels\.txt has 5 labels; output 'probabilities' has 10 classes/ },
  'labels-long': { what: 'labels.txt with 11 labels for 10 classes', change: (dir) => writeFile(join(dir, 'labels.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n'), reason: /has 11 labels; output 'probabilities' has 10 classes/ },
  'label-filename-path': { what: "config.pbtxt's label_filename is '../../outside/labels.txt'", change: editConfig('label_filename: "labels.txt"', 'label_filename: "../../outside/labels.txt"'), reason: /label_filename '\.\.\/\.\.\/outside\/labels\.txt' must be a file name in the model's folder/ },
  'instances-100': { what: 'instance_group count 100', change: editConfig(/count: \d+/, 'count: 100'), reason: /instance_group\[0\]\.count is 100; it must be an integer from 1 to 64/ },
  'instances-negative': { what: 'instance_group count -3', change: editConfig(/count: \d+/, 'count: -3'), reason: /instance_group\[0\]\.count is -3/ },
  'max-batch-huge': { what: 'max_batch_size 100000', change: editConfig(/max_batch_size: \d+/, 'max_batch_size: 100000'), reason: /max_batch_size is 100000; it must be an integer from 0 to 4096/ },
  'queue-delay-negative': { what: 'max_queue_delay_microseconds -5', change: editConfig(/max_queue_delay_microseconds: \d+/, 'max_queue_delay_microseconds: -5'), reason: /dynamic_batching\.max_queue_delay_microseconds is -5/ },
  'dims-rank': { what: 'config input dims [3,32,32,1] (the model takes [N,3,32,32])', change: editConfig(/dims: \[ 3, 32, 32 \]/, 'dims: [ 3, 32, 32, 1 ]'), reason: /config\.pbtxt input\[0\]\.dims \[3,32,32,1\] do not match model\.onnx's input 'input' \[\?,3,32,32\]/ },
  'dims-size': { what: 'config input dims [3,28,28]', change: editConfig(/dims: \[ 3, 32, 32 \]/, 'dims: [ 3, 28, 28 ]'), reason: /input\[0\]\.dims \[3,28,28\] do not match/ },
  'input-name': { what: "config input name 'images' (the model's is 'input')", change: editConfig('name: "input"', 'name: "images"'), reason: /input\[0\]\.name 'images' is not an input of model\.onnx \(input\)/ },
  'input-type': { what: 'config input data_type TYPE_UINT8', change: editConfig(/data_type: TYPE_FP32/, 'data_type: TYPE_UINT8'), reason: /input\[0\]\.data_type is TYPE_UINT8; model\.onnx's input 'input' is TYPE_FP32/ },
  'output-name': { what: "config output name 'features'", change: editConfig('name: "probabilities"', 'name: "features"'), reason: /output\[0\]\.name 'features' is not an output of model\.onnx \(probabilities\)/ },
  'output-dims': { what: 'config output dims [1000]', change: editConfig(/dims: \[ 10 \]/, 'dims: [ 1000 ]'), reason: /output\[0\]\.dims \[1000\] do not match model\.onnx's output 'probabilities'/ },
  'all-versions-damaged': {
    what: 'versions 1 and 2, both damaged (truncated, and a FIFO)',
    change: async (dir) => {
      const good = await readFile(join(dir, '1', 'model.onnx'));
      await writeFile(join(dir, '1', 'model.onnx'), good.subarray(0, good.length >> 2));
      await mkdir(join(dir, '2'));
      mkfifo(join(dir, '2', 'model.onnx'));
    },
    reason: /version 2: .* is a FIFO.*; version 1: .*(not an ONNX model|cannot load)/,
  },
};

/** Folders that are served, some from an older version. */
const SERVED: Record<string, { what: string; change: (dir: string) => Promise<void>; version: number }> = {
  'newest-damaged': {
    what: 'version 2 is model.onnx cut to a quarter, version 1 is good',
    change: async (dir) => {
      const good = await readFile(join(dir, '1', 'model.onnx'));
      await mkdir(join(dir, '2'));
      await writeFile(join(dir, '2', 'model.onnx'), good.subarray(0, good.length >> 2));
    },
    version: 1,
  },
  'newest-fifo': { what: 'version 3 is a FIFO, version 1 is good', change: async (dir) => { await mkdir(join(dir, '3')); mkfifo(join(dir, '3', 'model.onnx')); }, version: 1 },
  'specific-policy': {
    what: 'versions 1 and 2 both good; config.pbtxt\'s version_policy { specific { versions: [1] } }',
    change: async (dir) => {
      await mkdir(join(dir, '2'));
      await copyFile(join(dir, '1', 'model.onnx'), join(dir, '2', 'model.onnx'));
      await writeFile(join(dir, 'config.pbtxt'), `${await readFile(join(dir, 'config.pbtxt'), 'utf8')}version_policy: { specific: { versions: [ 1 ] } }\n`);
    },
    version: 1,
  },
  'labels-inside-link': { what: 'labels.txt is a link to another file inside the repository', change: async (dir) => { await copyFile(join(dir, 'labels.txt'), join(dir, 'classes.txt')); await rm(join(dir, 'labels.txt')); await symlink('classes.txt', join(dir, 'labels.txt')); }, version: 1 },
};

before(async () => {
  ({ repo: source } = await exportSeedNetwork('inception10'));
  repo = await mkdtemp(join(tmpdir(), 'onnx-edge-repository-input-'));
  outside = await mkdtemp(join(tmpdir(), 'onnx-edge-outside-'));
  await writeFile(join(outside, 'labels.txt'), `${SECRET_LABELS.join('\n')}\n`);
  await plant('inception10', async () => {});
  for (const [name, spec] of Object.entries({ ...REFUSED, ...SERVED })) await plant(name, spec.change);
  // A model folder that is itself a link to a folder outside the repository.
  await mkdir(join(outside, 'elsewhere', '1'), { recursive: true });
  await copyFile(join(source, 'inception10', '1', 'model.onnx'), join(outside, 'elsewhere', '1', 'model.onnx'));
  await symlink(join(outside, 'elsewhere'), join(repo, 'folder-outside'));
  const started = performance.now();
  server = await startServer({ repo, port: 0, logLevel: 'info', logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) } });
  startMs = performance.now() - started;
  log.facts['repository'] = `a good Inception10 beside ${Object.keys(REFUSED).length + 1} folders that must be refused and ${Object.keys(SERVED).length} that must be served; the server started in ${Math.round(startMs)} ms`;
});

after(async () => {
  log.write();
  await server?.close();
  for (const dir of [source, repo, outside]) if (dir) await rm(dir, { recursive: true, force: true });
});

const serverPaths = () => [repo, outside, source, REPO_ROOT.replace(/\/$/, '')];

async function assertGoodModelServes(): Promise<void> {
  const res = await rawRequest(server.url, { method: 'POST', path: '/classify?model=inception10', headers: { 'content-type': 'image/png' }, body: await corpus.png() });
  assert.equal(res.status, 200, res.text.slice(0, 200));
}

const refusalOf = (name: string) => logLines.find((l) => l.level >= 50 && l.model === name && /refused/.test(l.msg));

for (const [name, spec] of Object.entries({ ...REFUSED, 'folder-outside': { what: 'the model folder is a link to a folder outside the repository', reason: /folder-outside leads outside/ } })) {
  reliabilityCase(log, `refused: ${spec.what}`, async (draft) => {
    draft.sent = `repository model '${name}': ${spec.what}`;
    draft.expected = `the server starts anyway; an error log line refusing '${name}' with the file or field and why; GET /v2/models/${name} 404; inception10 still classifies`;
    const refusal = refusalOf(name);
    assert.ok(refusal, `a refusal names '${name}': ${JSON.stringify(logLines.filter((l) => l.level >= 40).map((l) => [l.model, l.reason]))}`);
    const reason = (refusal.reason ?? '').replaceAll(repo, '<repo>').replaceAll(outside, '<outside>').replaceAll(source, '<source>');
    const res = await rawRequest(server.url, { path: `/v2/models/${name}` });
    observe(draft, res);
    draft.body = `log: ${reason.slice(0, 260)} — GET /v2/models/${name} → ${res.status}`;
    assert.match(refusal.reason ?? '', spec.reason);
    assert.doesNotMatch(refusal.reason ?? '', /\n/, 'a one-line reason');
    assertErrorAnswer(res, { status: 404, v2: true, serverPaths: serverPaths() });
    await assertGoodModelServes();
  });
}

for (const [name, spec] of Object.entries(SERVED)) {
  reliabilityCase(log, `served: ${spec.what}`, async (draft) => {
    draft.sent = `repository model '${name}': ${spec.what}`;
    draft.expected = `served at version ${spec.version}${spec.version > 1 ? '' : ' (a newer version, if any, refused with a warning naming it)'}; a PNG classified by it`;
    const meta = await rawRequest(server.url, { path: `/v2/models/${name}` });
    const res = await rawRequest(server.url, { method: 'POST', path: `/classify?model=${name}`, headers: { 'content-type': 'image/png' }, body: await corpus.png() });
    observe(draft, res);
    const warning = logLines.find((l) => l.model === name && l.level === 40);
    draft.body = `versions ${JSON.stringify((JSON.parse(meta.text) as { versions?: string[] }).versions)}; classify ${res.status}${warning ? `; warning: ${warning.msg} — ${(warning.refused ?? []).join('; ').replaceAll(repo, '<repo>').slice(0, 200)}` : ''}`;
    assert.equal(meta.status, 200, meta.text.slice(0, 200));
    assert.deepEqual((JSON.parse(meta.text) as { versions: string[] }).versions, [String(spec.version)]);
    assert.equal(res.status, 200, res.text.slice(0, 200));
    if (name.startsWith('newest-')) assert.ok(warning, 'the refused newer version is in the log');
  });
}

reliabilityCase(log, 'nothing from outside the repository is served', async (draft) => {
  draft.sent = 'GET /models, GET /v2/models/<each served model>, GET /models/<each>/labels.json';
  draft.expected = `none of the labels planted outside the repository (${SECRET_LABELS[0]}…) in any answer; the models list holds inception10 and the ${Object.keys(SERVED).length} served folders only`;
  const list = await rawRequest(server.url, { path: '/models' });
  const names = (JSON.parse(list.text) as { name: string }[]).map((m) => m.name).sort();
  const answers = [list.text];
  for (const name of names) {
    answers.push((await rawRequest(server.url, { path: `/v2/models/${name}` })).text, (await rawRequest(server.url, { path: `/models/${name}/labels.json` })).text);
  }
  observe(draft, list);
  draft.body = `models: ${names.join(', ')}`;
  assert.deepEqual(names, ['inception10', ...Object.keys(SERVED)].sort());
  for (const text of answers) assert.ok(!text.includes('outside-secret'), 'no label from outside the repository');
});

reliabilityCase(log, 'a repository of one FIFO model does not start, and says which file', async (draft) => {
  const only = await mkdtemp(join(tmpdir(), 'onnx-edge-only-fifo-'));
  try {
    await mkdir(join(only, 'm', '1'), { recursive: true });
    mkfifo(join(only, 'm', '1', 'model.onnx'));
    draft.sent = 'startServer on a repository whose only model, m, has a FIFO as 1/model.onnx';
    draft.expected = 'startServer rejects at once, naming m/1/model.onnx and the FIFO';
    const started = performance.now();
    await assert.rejects(startServer({ repo: only, port: 0, logLevel: 'silent' }), (err: Error) => {
      draft.body = err.message.replaceAll(only, '<repo>');
      return /m\/1\/model\.onnx is a FIFO/.test(err.message);
    });
    draft.ms = Math.round(performance.now() - started);
  } finally {
    await rm(only, { recursive: true, force: true });
  }
});

reliabilityCase(log, "'onnx-edge serve --model' on a FIFO or a device exits with one line naming it", async (draft) => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-model-fifo-'));
  try {
    mkfifo(join(dir, 'model.onnx'));
    draft.sent = 'onnx-edge serve --model <a FIFO> --port 0, then --model /dev/zero';
    draft.expected = 'each exits non-zero at once with a one-line error naming the file, no stack trace';
    const outcomes = [];
    for (const path of [join(dir, 'model.onnx'), '/dev/zero']) {
      const run = await runCli(['serve', '--model', path, '--port', '0'], cleanEnv({}));
      const lines = run.output.trim().split('\n').filter((l) => l.trim().length > 0);
      outcomes.push(`${run.code}: ${lines.join(' | ').replaceAll(dir, '<dir>').slice(0, 200)}`);
      assert.notEqual(run.code, 0);
      assert.equal(lines.length, 1, run.output);
      assert.ok(lines[0]!.includes(path), run.output);
      assert.match(run.output, /is a (FIFO|device), not a regular file/);
      assert.doesNotMatch(run.output, /\n\s+at \S/);
    }
    draft.body = outcomes.join(' — ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
