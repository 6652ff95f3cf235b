// Hostile model files given to `onnx-edge export`, run through the real CLI (a child process, as a user
// runs it): manifests pointing outside the model's folder, FIFOs and devices as shards, shards of the wrong
// size, topologies tfjs would spin on, model.json files built to exhaust memory, an output path over the
// input, unknown dtypes and quantizations, a malformed graph model. Each one: one line, exit 1, no output file, in
// bounded time and memory (the child's peak RSS is read from /proc while it runs); nothing outside the
// model's folder read. NaN/Inf weights: exit 0 with one warning line.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '@onnx-edge/train';
import { cleanEnv, startCli } from '../pipeline/cli-process.ts';
import { CaseLog, REPO_ROOT, reliabilityCase, type CaseDraft } from './harness.ts';

const log = new CaseLog('export-input', 'Hostile model files given to export', 7);
/** A refused export is one short line; a case still running after this long has hung. */
const HANG_LIMIT_MS = 60_000;
/** Peak RSS allowed for a refused export: a plain export of a tiny model peaks near 180 MB. */
const RSS_BOUND_MB = 400;

let scratch: string;
/** A saved Dense 8 → 4 model (model.json + group1-shard1of1.bin) that every case copies and damages. */
let template: string;
let count = 0;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'onnx-edge-export-input-'));
  template = join(scratch, 'template');
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [8], units: 4, name: 'dense' }), tf.layers.dense({ units: 2, name: 'head' })] });
  await saveModelToDir(model, template);
  model.dispose();
  log.facts['model'] = 'a tfjs Sequential model (Dense 8→4, Dense 4→2) saved by the project, copied and damaged per case';
  log.facts['status'] = `the exit code of \`onnx-edge export <model.json> -o <out>/model.onnx\`; "came back" is its output with the scratch folder shown as <tmp>; a run past ${HANG_LIMIT_MS / 1000} s is killed and fails`;
});

after(async () => {
  log.write();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Case {
  dir: string;
  modelJson: string;
  out: string;
}

/** A fresh copy of the template, with its model.json rewritten by `edit` (which may also plant files). */
async function damagedModel(edit: (json: any, dir: string) => void | Promise<void> = () => {}): Promise<Case> {
  const dir = join(scratch, `case${count++}`, 'model');
  await cp(template, dir, { recursive: true });
  const modelJson = join(dir, 'model.json');
  const json = JSON.parse(await readFile(modelJson, 'utf8'));
  await edit(json, dir);
  await writeFile(modelJson, JSON.stringify(json));
  await mkdir(join(dir, '..', 'out'));
  return { dir, modelJson, out: join(dir, '..', 'out', 'model.onnx') };
}

/** The highest RSS of a process so far (VmHWM), in MB, or 0 once it is gone. */
function peakRssMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

interface CliResult {
  code: number | null;
  lines: string[];
  ms: number;
  peakMb: number;
}

/** Runs the CLI, sampling its peak RSS every 10 ms and killing it at HANG_LIMIT_MS. */
async function exportCli(args: string[]): Promise<CliResult> {
  const started = performance.now();
  const run = startCli(['export', ...args], cleanEnv({}));
  let peakMb = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, peakRssMb(run.child.pid!))), 10);
  const killer = setTimeout(() => run.child.kill('SIGKILL'), HANG_LIMIT_MS);
  const code = await run.exited;
  clearInterval(sampler);
  clearTimeout(killer);
  const ms = performance.now() - started;
  assert.ok(ms < HANG_LIMIT_MS, `the export ended by itself within ${HANG_LIMIT_MS / 1000} s (it was killed: it hung)`);
  return { code, lines: run.output().split('\n').filter((l) => l.trim() !== ''), ms, peakMb };
}

function record(draft: CaseDraft, result: CliResult): void {
  draft.status = result.code;
  draft.ms = Math.round(result.ms);
  draft.body = `${result.lines.join(' ⏎ ').replaceAll(scratch, '<tmp>')} (peak RSS ${Math.round(result.peakMb)} MB)`;
}

/** Runs export on the case and checks the refusal: exit 1, one ModelFileError line matching `pattern`, no output. */
async function assertRefused(draft: CaseDraft, c: Case, pattern: RegExp, extraArgs: string[] = []): Promise<CliResult> {
  const result = await exportCli([c.modelJson, '-o', c.out, ...extraArgs]);
  record(draft, result);
  assert.equal(result.code, 1, `exit 1: ${result.lines.join('\n')}`);
  assert.equal(result.lines.length, 1, `one line: ${result.lines.join('\n').slice(0, 2000)}`);
  assert.match(result.lines[0]!, /^onnx-edge export: ModelFileError: /);
  assert.match(result.lines[0]!, pattern);
  assert.ok(result.lines[0]!.length < 600, `a short line (${result.lines[0]!.length} characters)`);
  assert.deepEqual(await readdir(join(c.out, '..')), [], 'no output file');
  assert.ok(result.peakMb < RSS_BOUND_MB, `peak RSS ${result.peakMb.toFixed(0)} MB < ${RSS_BOUND_MB} MB`);
  return result;
}

const REFUSED = `exit 1, one line naming the file and the reason, no output file, peak RSS < ${RSS_BOUND_MB} MB`;
const setPaths = (json: any, paths: string[]): void => {
  json.weightsManifest[0].paths = paths;
};

// --- Reading outside the model's folder (issue 18, item 3) ---------------------------------------------------

const outside: [string, string, (json: any, dir: string) => void | Promise<void>, RegExp][] = [
  ['a manifest path climbing out of the folder', "weightsManifest paths ['../../etc/passwd']", (json) => setPaths(json, ['../../etc/passwd']), /weights file '\.\.\/\.\.\/etc\/passwd' listed in .* leaves the model's folder/],
  ['an absolute manifest path', "weightsManifest paths ['/etc/passwd']", (json) => setPaths(json, ['/etc/passwd']), /weights file '\/etc\/passwd' .* leaves the model's folder/],
  ['a manifest path to /dev/zero', "weightsManifest paths ['../../../../../../../../dev/zero']", (json) => setPaths(json, ['../../../../../../../../dev/zero']), /leaves the model's folder/],
  ['a URL as manifest path', "weightsManifest paths ['file:///etc/passwd']", (json) => setPaths(json, ['file:///etc/passwd']), /leaves the model's folder/],
  ['a shard that is a symbolic link out of the folder', 'group1-shard1of1.bin replaced by a symbolic link to /etc/passwd', async (_json, dir) => {
    await rm(join(dir, 'group1-shard1of1.bin'));
    await symlink('/etc/passwd', join(dir, 'group1-shard1of1.bin'));
  }, /weights file 'group1-shard1of1\.bin' .* leads through a symbolic link to '\/etc\/passwd', outside the model's folder/],
  ['a shard inside a linked folder', "paths ['dev/zero'] with dev a symbolic link to /dev", async (json, dir) => {
    setPaths(json, ['dev/zero']);
    await symlink('/dev', join(dir, 'dev'));
  }, /weights file 'dev\/zero' .* leads through a symbolic link to '\/dev\/zero'/],
  ['a FIFO as shard does not block', 'group1-shard1of1.bin replaced by a FIFO nobody writes to', async (_json, dir) => {
    await rm(join(dir, 'group1-shard1of1.bin'));
    execFileSync('mkfifo', [join(dir, 'group1-shard1of1.bin')]);
  }, /weights file 'group1-shard1of1\.bin' .* is a FIFO, not a regular file/],
  ['a folder as shard', 'group1-shard1of1.bin replaced by a folder', async (_json, dir) => {
    await rm(join(dir, 'group1-shard1of1.bin'));
    await mkdir(join(dir, 'group1-shard1of1.bin'));
  }, /is a folder, not a regular file/],
  ['a truncated shard', 'group1-shard1of1.bin cut to 20 of its 184 bytes', async (_json, dir) => {
    const shard = join(dir, 'group1-shard1of1.bin');
    await writeFile(shard, (await readFile(shard)).subarray(0, 20));
  }, /weights file 'group1-shard1of1\.bin' listed in .* holds 20 bytes but its weightsManifest needs 184: a shard is truncated/],
  ['a shard longer than its manifest needs', 'group1-shard1of1.bin with 1 MiB appended', async (_json, dir) => {
    const shard = join(dir, 'group1-shard1of1.bin');
    await writeFile(shard, Buffer.concat([await readFile(shard), Buffer.alloc(1 << 20)]));
  }, /holds 1048760 bytes but its weightsManifest needs 184: a shard is too long/],
  ['a missing shard', 'group1-shard1of1.bin deleted', (_json, dir) => rm(join(dir, 'group1-shard1of1.bin')), /weights file 'group1-shard1of1\.bin' listed in .* is missing/],
];

for (const [name, sent, damage, pattern] of outside) {
  reliabilityCase(log, name, async (draft) => {
    draft.sent = sent;
    draft.expected = `${REFUSED}; nothing outside the folder read`;
    const c = await damagedModel(damage);
    const result = await assertRefused(draft, c, pattern);
    assert.doesNotMatch(result.lines.join('\n'), /root:/, 'no bytes of /etc/passwd in the output');
  }, { timeout: HANG_LIMIT_MS + 30_000 });
}

reliabilityCase(log, 'a FIFO as model.json does not block', async (draft) => {
  const c = await damagedModel();
  await rm(c.modelJson);
  execFileSync('mkfifo', [c.modelJson]);
  draft.sent = 'model.json replaced by a FIFO nobody writes to';
  draft.expected = REFUSED;
  await assertRefused(draft, c, /model\.json is neither a regular file nor a folder/);
}, { timeout: HANG_LIMIT_MS + 30_000 });

// --- Hangs and memory (issue 18, item 4) --------------------------------------------------------------------

/** The template as a functional model whose 'head' layer takes its input from `inbound`. */
function functional(json: any, inbound: unknown[], outputs: unknown[] = [['head', 0, 0]]): void {
  const [dense, head] = json.modelTopology.config.layers;
  json.modelTopology = {
    class_name: 'Model',
    config: {
      name: 'm',
      layers: [
        { class_name: 'InputLayer', name: 'x', config: { batch_input_shape: [null, 8], dtype: 'float32', name: 'x' }, inbound_nodes: [] },
        { ...dense, name: 'dense', inbound_nodes: [[['x', 0, 0, {}]]] },
        { ...head, name: 'head', inbound_nodes: [inbound] },
      ],
      input_layers: [['x', 0, 0]],
      output_layers: outputs,
    },
  };
}

const topologies: [string, string, (json: any) => void, RegExp][] = [
  ['layers feeding each other in a cycle', "functional model: dense takes head's output, head takes dense's", (json) => {
    functional(json, [['dense', 0, 0, {}]]);
    json.modelTopology.config.layers[1].inbound_nodes = [[['head', 0, 0, {}]]];
  }, /layers 'dense', 'head' in .* take their inputs from each other in a cycle/],
  ['a layer taking its own output', "functional model: head's inbound node is head itself", (json) => functional(json, [['head', 0, 0, {}]]), /layer 'head' in .* takes its own output \(call 0\) as input, which it never produces/],
  ['an inbound node naming an unknown layer', "functional model: head takes its input from 'ghost'", (json) => functional(json, [['ghost', 0, 0, {}]]), /layer 'head' in .* takes its input from 'ghost', which is not a layer of the model/],
  ['an inbound node naming a call that never happens', 'functional model: head takes call 5 of dense', (json) => functional(json, [['dense', 5, 0, {}]]), /takes call 5 of 'dense', which is called only 1 time/],
  ['output layers naming an unknown layer', "functional model: output_layers [['ghost', 0, 0]]", (json) => functional(json, [['dense', 0, 0, {}]], [['ghost', 0, 0]]), /output_layers of .* name 'ghost', which is not a layer of the model/],
];

for (const [name, sent, damage, pattern] of topologies) {
  reliabilityCase(log, name, async (draft) => {
    draft.sent = sent;
    draft.expected = `${REFUSED}, within ${HANG_LIMIT_MS / 1000} s (tfjs alone spins at 100% CPU forever)`;
    await assertRefused(draft, await damagedModel(damage), pattern);
  }, { timeout: HANG_LIMIT_MS + 30_000 });
}

reliabilityCase(log, 'a 40 MB model.json of nested arrays', async (draft) => {
  const c = await damagedModel();
  await writeFile(c.modelJson, '['.repeat(40 << 20));
  draft.sent = 'model.json of 41,943,040 × "["';
  draft.expected = `${REFUSED}: the size is refused before reading`;
  await assertRefused(draft, c, /model\.json is 41,943,040 bytes; at most 33,554,432 are read/);
}, { timeout: HANG_LIMIT_MS + 30_000 });

reliabilityCase(log, 'a model.json nested 1,000,000 deep', async (draft) => {
  const c = await damagedModel();
  await writeFile(c.modelJson, `{"modelTopology": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
  draft.sent = 'a 2 MB model.json: {"modelTopology": [[[… 1,000,000 deep …]]]}';
  draft.expected = `${REFUSED}: the nesting is refused before parsing`;
  await assertRefused(draft, c, /nests arrays and objects more than 100 deep/);
}, { timeout: HANG_LIMIT_MS + 30_000 });

reliabilityCase(log, 'a Dense layer of 200,000 units over weights for 4', async (draft) => {
  // 3,072 inputs × 200,000 units: 2.5 GB of float32 that tfjs would allocate before comparing with the manifest.
  const c = await damagedModel(async (json, dir) => {
    const wide = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3072], units: 4, name: 'dense' })] });
    await saveModelToDir(wide, dir);
    wide.dispose();
    Object.assign(json, JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')));
    json.modelTopology.config.layers[0].config.units = 200_000;
  });
  draft.sent = 'Dense(3072 → 200,000) in the topology, weights for Dense(3072 → 4) in the manifest and shard';
  draft.expected = `${REFUSED}: refused before the 2.5 GB kernel is allocated`;
  await assertRefused(draft, c, /layer 'dense' of .* would create weight 'kernel' of shape \[3072, 200000\], beyond the 12,292 weight values its weightsManifest holds/);
}, { timeout: HANG_LIMIT_MS + 30_000 });

const sha = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

reliabilityCase(log, '-o pointing at the input model.json, its shard, or a link to it', async (draft) => {
  const c = await damagedModel();
  await symlink(c.modelJson, join(c.dir, 'link.onnx'));
  const before = [await sha(c.modelJson), await sha(join(c.dir, 'group1-shard1of1.bin'))];
  const bodies: string[] = [];
  for (const output of [c.modelJson, join(c.dir, 'group1-shard1of1.bin'), join(c.dir, 'link.onnx')]) {
    const result = await exportCli([c.modelJson, '-o', output]);
    record(draft, result);
    bodies.push(draft.body);
    assert.equal(result.code, 1, result.lines.join('\n'));
    assert.equal(result.lines.length, 1, result.lines.join('\n'));
    assert.match(result.lines[0]!, /^onnx-edge export: ModelFileError: the output .* would overwrite .*(model\.json|group1-shard1of1\.bin), a file this export reads: write the output elsewhere$/);
  }
  draft.sent = '-o <model folder>/model.json; -o <model folder>/group1-shard1of1.bin; -o a symbolic link to model.json';
  draft.expected = 'exit 1, one line each, model.json and its shard unchanged';
  draft.body = bodies.join(' — ');
  assert.deepEqual([await sha(c.modelJson), await sha(join(c.dir, 'group1-shard1of1.bin'))], before, 'the inputs are unchanged');
}, { timeout: 3 * HANG_LIMIT_MS });

reliabilityCase(log, 'NaN and ±Inf weights export with one warning line naming them', async (draft) => {
  const c = await damagedModel(async (_json, dir) => {
    const shard = join(dir, 'group1-shard1of1.bin');
    const values = new Float32Array(new Uint8Array(await readFile(shard)).buffer);
    values[0] = NaN;
    values[5] = Infinity;
    values[36] = -Infinity; // head/kernel
    await writeFile(shard, new Uint8Array(values.buffer));
  });
  draft.sent = 'dense/kernel holding a NaN and a +Inf, head/kernel a -Inf';
  draft.expected = 'exit 0, the ONNX file written, one warning line naming both weights';
  const result = await exportCli([c.modelJson, '-o', c.out]);
  record(draft, result);
  assert.equal(result.code, 0, result.lines.join('\n'));
  const warnings = result.lines.filter((l) => l.startsWith('warning:'));
  assert.equal(warnings.length, 1, result.lines.join('\n'));
  assert.match(warnings[0]!, /^warning: 2 weights of .* hold NaN or infinite values: 'dense\/kernel' \(1 NaN, 1 \+Inf\), 'head\/kernel' \(1 -Inf\)/);
  assert.deepEqual(await readdir(join(c.out, '..')), ['model.onnx']);
}, { timeout: HANG_LIMIT_MS + 30_000 });

// --- Weights and formats the exporter does not read (issue 15, items 1 and 5) ---------------------------------

const formats: [string, string, (json: any, dir: string) => void | Promise<void>, RegExp][] = [
  ['an unknown weight dtype', "dense/kernel with dtype 'complex64'", (json) => (json.weightsManifest[0].weights[0].dtype = 'complex64'), /weight 'dense\/kernel' in .* has unknown dtype 'complex64' — supported: float32, int32, bool/],
  ['an unknown quantization', "dense/kernel with quantization {dtype: 'int4'}", (json) => (json.weightsManifest[0].weights[0].quantization = { dtype: 'int4', scale: 1, min: 0 }), /weight 'dense\/kernel' in .* has unknown quantization 'int4' — supported: uint8, uint16, float16/],
  ['a graph model with a malformed input', 'model.json with format graph-model and a GraphDef topology whose one node is a Placeholder without attrs', (json) => {
    json.format = 'graph-model';
    json.modelTopology = { node: [{ name: 'x', op: 'Placeholder' }], library: {}, versions: {} };
  }, /node 'x' \(Placeholder\) has no dtype attr: the model\.json is malformed$/],
  ['a class name of 100,000 characters', "the Dense layer's class_name 'Custom' + 100,000 × 'X'", (json) => (json.modelTopology.config.layers[0].class_name = `Custom${'X'.repeat(100_000)}`), /could not be built as a tfjs layers model: Unknown layer: CustomX+… \(\d+ characters\)$/],
];

for (const [name, sent, damage, pattern] of formats) {
  reliabilityCase(log, name, async (draft) => {
    draft.sent = sent;
    draft.expected = `${REFUSED}; at most ~300 characters quoted from the model file`;
    const result = await assertRefused(draft, await damagedModel(damage), pattern);
    assert.ok(result.lines[0]!.split('X').length - 1 <= 300, 'at most 300 characters of the model file quoted');
  }, { timeout: HANG_LIMIT_MS + 30_000 });
}

reliabilityCase(log, 'a graph model of the corpus', async (draft) => {
  const emotion = join(REPO_ROOT, 'node_modules', '@vladmandic', 'human', 'models', 'emotion.json');
  const out = join(scratch, `case${count++}`);
  await mkdir(out, { recursive: true });
  draft.sent = '@vladmandic/human models/emotion.json (a tfjs graph model)';
  draft.expected = 'exit 0: compiled by the graph front end, one line naming the file written';
  const result = await exportCli([emotion, '-o', join(out, 'model.onnx')]);
  record(draft, result);
  draft.body = draft.body.replaceAll(REPO_ROOT, '');
  assert.equal(result.code, 0, result.lines.join('\n'));
  assert.deepEqual(result.lines.length, 1, result.lines.join('\n'));
  assert.match(result.lines[0]!, /^wrote .*model\.onnx \(/);
  assert.deepEqual(await readdir(out), ['model.onnx']);
}, { timeout: HANG_LIMIT_MS + 30_000 });
