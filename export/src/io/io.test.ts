import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { saveModelToDir } from '@onnx-edge/train';
import { corpusModels } from '../../testing/model-corpus.ts';
import { loadLayersModelFromDir, loadLayersModelFromFile, ModelFileError } from './load-model.ts';

async function savedModel(dir: string): Promise<tf.LayersModel> {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
  await saveModelToDir(model, dir);
  return model;
}

test('a model saved in the tf.io format loads back with the same weights, from the file or a run folder', async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-io-'));
  try {
    const model = await savedModel(join(root, 'tfjs'));
    const fromFile = await loadLayersModelFromFile(join(root, 'tfjs', 'model.json'));
    const fromRun = await loadLayersModelFromDir(root);
    for (const loaded of [fromFile, fromRun]) {
      assert.deepEqual(loaded.getWeights().map((w) => [...w.dataSync()]), model.getWeights().map((w) => [...w.dataSync()]));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('sharded weights (several files in one group) are concatenated in manifest order', async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-io-'));
  try {
    const model = await savedModel(root);
    const json = JSON.parse(await readFile(join(root, 'model.json'), 'utf8'));
    const group = json.weightsManifest[0];
    const bytes = await readFile(join(root, group.paths[0]));
    await writeFile(join(root, 'shard1'), bytes.subarray(0, 10));
    await writeFile(join(root, 'shard2'), bytes.subarray(10));
    group.paths = ['shard1', 'shard2'];
    await writeFile(join(root, 'model.json'), JSON.stringify(json));
    const loaded = await loadLayersModelFromFile(join(root, 'model.json'));
    assert.deepEqual([...loaded.getWeights()[0]!.dataSync()], [...model.getWeights()[0]!.dataSync()]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('quantized layers models of the corpus load with the weights tfjs itself decodes from the same files', async () => {
  const quantized = corpusModels().filter((m) => m.quantized && m.format === 'layers-model' && !m.id.includes('gans'));
  assert.ok(quantized.length >= 4, quantized.map((m) => m.id).join(', '));
  for (const { id, path } of quantized) {
    const ours = await loadLayersModelFromFile(path);
    // tfjs' own path: the raw quantized specs and shard bytes through an IOHandler.
    const json = JSON.parse(await readFile(path, 'utf8'));
    const shards = await Promise.all(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths).map((p: string) => readFile(join(path, '..', p))));
    const theirs = await tf.loadLayersModel({
      load: async () => ({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: new Uint8Array(Buffer.concat(shards)).buffer }),
    });
    const bits = (m: tf.LayersModel) => m.getWeights().map((w) => [...new Uint32Array((w.dataSync() as Float32Array).slice().buffer)]);
    assert.deepEqual(bits(ours), bits(theirs), `${id}: the same weights, bit for bit`);
    ours.dispose();
    theirs.dispose();
  }
});

test('corrupt model.json, missing or truncated weights, and folders without a model are one clear error each', async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-io-'));
  try {
    await savedModel(root);
    const path = join(root, 'model.json');
    const good = await readFile(path, 'utf8');
    const json = JSON.parse(good);
    const weightsFile = json.weightsManifest[0].paths[0];

    await writeFile(path, good.slice(0, 40));
    await assert.rejects(loadLayersModelFromFile(path), (e: Error) => e instanceof ModelFileError && /is not valid JSON/.test(e.message));

    await writeFile(path, good);
    const weights = await readFile(join(root, weightsFile));
    await writeFile(join(root, weightsFile), weights.subarray(0, 8));
    await assert.rejects(loadLayersModelFromFile(path), /weights file .* listed in .* holds 8 bytes but its weightsManifest needs 32: a shard is truncated/);

    await rm(join(root, weightsFile));
    await assert.rejects(loadLayersModelFromFile(path), new RegExp(`weights file '${weightsFile}' listed in .* is missing`));

    await mkdir(join(root, 'empty'));
    await assert.rejects(loadLayersModelFromDir(join(root, 'empty')), /holds neither model.json nor tfjs\/model.json/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
