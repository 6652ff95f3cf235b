import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '@onnx-edge/train';
import { corpusModels } from '../../testing/model-corpus.ts';
import { readLayersModel } from './load-model.ts';
import { ModelFileError } from './model-file-error.ts';
import { MODEL_JSON_MAX_BYTES, MODEL_JSON_MAX_DEPTH } from './model-json.ts';
import { refuseOutputOverInput } from './output-path.ts';

let root: string;
let count = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'onnx-edge-load-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A saved Dense(inputs → units) model; `edit` rewrites its model.json. Returns the model.json path. */
async function savedDense(edit?: (json: any) => void, inputs = 8, units = 4): Promise<string> {
  const dir = join(root, `m${count++}`);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units, name: 'dense' })] });
  await saveModelToDir(model, dir);
  model.dispose();
  const path = join(dir, 'model.json');
  if (edit) {
    const json = JSON.parse(await readFile(path, 'utf8'));
    edit(json);
    await writeFile(path, JSON.stringify(json));
  }
  return path;
}

async function assertRefused(path: string, pattern: RegExp): Promise<string> {
  let message = '';
  await assert.rejects(readLayersModel(path), (err: Error) => {
    assert.ok(err instanceof ModelFileError, `${err.name}: ${err.message.slice(0, 400)}`);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    assert.match(err.message, pattern);
    message = err.message;
    return true;
  });
  return message;
}

test('it reports the real paths it read, and loads the models the exporter took before', async () => {
  const path = await savedDense();
  const { model, files, warnings } = await readLayersModel(path);
  assert.deepEqual(files, [path, join(path, '..', 'group1-shard1of1.bin')]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(model.outputs[0]!.shape, [null, 4]);
  model.dispose();
});

test('a Dense layer far larger than its weights is refused before tfjs allocates it', async () => {
  // 8 × 200,000 floats would be 6.4 MB here; at the 3,072 inputs it is 2.5 GB of zeros before "Shape mismatch".
  const path = await savedDense((json) => { json.modelTopology.config.layers[0].config.units = 200_000; });
  const before = tf.memory().numBytes;
  await assertRefused(path, /^layer 'dense' of .*model\.json would create weight 'kernel' of shape \[8, 200000\], beyond the 36 weight values its weightsManifest holds: the topology and the weights do not match$/);
  assert.equal(tf.memory().numBytes, before, 'nothing left allocated');
  // The guard is gone afterwards: layers build as usual.
  tf.layers.dense({ units: 3 }).apply(tf.input({ shape: [2] }));
});

test('weights of the right size but the wrong shape are still tfjs\' one-line "Shape mismatch"', async () => {
  const path = await savedDense((json) => { json.weightsManifest[0].weights[0].shape = [4, 8]; });
  await assertRefused(path, /could not be built as a tfjs layers model: .*[Ss]hape mismatch/);
});

test('graph models are refused naming the format, by their format field or their topology', async () => {
  const graph = corpusModels().find((m) => m.format === 'graph-model')!;
  await assertRefused(graph.path, /is a tfjs graph model \(format 'graph-model'\); export reads tfjs layers models/);
  const unlabelled = await savedDense((json) => { delete json.format; json.modelTopology = { node: [{ name: 'x', op: 'Placeholder' }], versions: {} }; });
  await assertRefused(unlabelled, /is a tfjs graph model/);
});

test('model.json as a FIFO, too large, or nested too deep is refused before parsing', async () => {
  const fifo = join(root, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  await assertRefused(fifo, /fifo\.json is a FIFO, not a regular file/);
  const large = join(root, 'large.json');
  await writeFile(large, '');
  await truncate(large, MODEL_JSON_MAX_BYTES + 1); // sparse: no disk used
  await assertRefused(large, /large\.json is 33,554,433 bytes; at most 33,554,432 are read/);
  const deep = join(root, 'deep.json');
  await writeFile(deep, `{"modelTopology": ${'['.repeat(MODEL_JSON_MAX_DEPTH + 1)}${']'.repeat(MODEL_JSON_MAX_DEPTH + 1)}}`);
  await assertRefused(deep, new RegExp(`nests arrays and objects more than ${MODEL_JSON_MAX_DEPTH} deep`));
  // Brackets inside strings are text, not nesting.
  const text = await savedDense((json) => { json.modelTopology.config.name = '['.repeat(500); });
  (await readLayersModel(text)).model.dispose();
});

test('a cyclic topology is refused before tfjs would spin on it', async () => {
  const path = await savedDense((json) => {
    const layers = json.modelTopology.config.layers;
    json.modelTopology = { class_name: 'Model', config: { name: 'm', layers: [{ ...layers[0], name: 'dense', inbound_nodes: [[['dense', 0, 0, {}]]] }], input_layers: [], output_layers: [['dense', 0, 0]] } };
  });
  await assertRefused(path, /layer 'dense' in .* takes its own output \(call 0\) as input/);
});

test('tfjs errors quoting huge configs are cut to one short line', async () => {
  const path = await savedDense((json) => { json.modelTopology.config.layers[0].class_name = `Custom${'X'.repeat(100_000)}`; });
  const message = await assertRefused(path, /could not be built as a tfjs layers model: Unknown layer: CustomX+… \(\d+ characters\)/);
  assert.ok(message.split('X').length - 1 <= 300, `at most 300 characters of the class name: ${message.length} characters in all`);
});

test('NaN and infinite weights load, with one warning line naming them', async () => {
  const path = await savedDense();
  const shard = join(path, '..', 'group1-shard1of1.bin');
  const values = new Float32Array((await readFile(shard)).buffer.slice(0));
  values[0] = NaN;
  values[1] = Infinity;
  values[33] = -Infinity; // the bias
  await writeFile(shard, new Uint8Array(values.buffer));
  const { model, warnings } = await readLayersModel(path);
  model.dispose();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^warning: 2 weights of .*model\.json hold NaN or infinite values: 'dense\/kernel' \(1 NaN, 1 \+Inf\), 'dense\/bias' \(1 -Inf\); /);
});

test('an output over an input (the model.json, a shard, through a link) is refused; a new file is not', async () => {
  const path = await savedDense();
  const { model, files } = await readLayersModel(path);
  model.dispose();
  const shard = join(path, '..', 'group1-shard1of1.bin');
  await symlink(path, join(root, 'link.json'));
  for (const output of [path, shard, join(root, 'link.json'), join(path, '..', '.', 'model.json')]) {
    await assert.rejects(refuseOutputOverInput([output], files), /^ModelFileError: the output .* would overwrite .*, a file this export reads: write the output elsewhere$/);
  }
  await refuseOutputOverInput([join(root, 'new.onnx'), join(root, 'missing-folder', 'x.onnx')], files);
});
