import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildNetwork, loadModelFromDir, saveModelToDir } from '../index.ts';

test('saveModelToDir writes the standard tfjs layout and loadModelFromDir round-trips it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-model-'));
  try {
    const model = buildNetwork('inception10', { seed: 11 });
    await saveModelToDir(model, join(dir, 'tfjs'));
    assert.deepEqual((await readdir(join(dir, 'tfjs'))).sort(), ['group1-shard1of1.bin', 'model.json']);

    const json = JSON.parse(await readFile(join(dir, 'tfjs', 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    assert.deepEqual(json.weightsManifest[0].paths, ['group1-shard1of1.bin']);
    const bin = await readFile(join(dir, 'tfjs', 'group1-shard1of1.bin'));
    assert.equal(bin.byteLength, 121_418 * 4);

    const loaded = await loadModelFromDir(join(dir, 'tfjs'));
    assert.deepEqual(loaded.layers.map((l) => l.name), model.layers.map((l) => l.name));
    const before = model.getWeights().map((w) => w.dataSync());
    const after = loaded.getWeights().map((w) => w.dataSync());
    assert.equal(after.length, before.length);
    after.forEach((w, i) => assert.deepEqual(w, before[i]));

    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 2);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0]!);
    assert.equal(diff, 0);
    x.dispose();
    model.dispose();
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a ResNet with its L2-regularised head survives the round trip', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-model-'));
  try {
    const model = buildNetwork('resnet18', { variant: 'standard', seed: 4 });
    await saveModelToDir(model, dir);
    const loaded = await loadModelFromDir(dir);
    assert.equal(loaded.countParams(), model.countParams());
    assert.deepEqual(loaded.getLayer('logits').getConfig().kernelRegularizer, model.getLayer('logits').getConfig().kernelRegularizer);
    const a = model.getLayer('stage4/block2/conv2').getWeights()[0]!.dataSync();
    const b = loaded.getLayer('stage4/block2/conv2').getWeights()[0]!.dataSync();
    assert.deepEqual(b, a);
    model.dispose();
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loading a folder without model.json names the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-model-'));
  try {
    await assert.rejects(loadModelFromDir(dir), /model\.json/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
