// The training loop on real CIFAR-10 from ../shared: a tiny run lowers the loss (both networks) and writes
// every run-folder file; the same seed gives the same weights; a run continued from its checkpoint ends with
// exactly the weights of an uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { requireSharedData } from '@onnx-edge/core/testing';
import { dirHandler, loadModelFromDir } from '../networks/model-io.ts';
import { trainModel } from './loop.ts';
import type { TrainOptions } from './options.ts';
import { checkSvgWellFormed } from '../../testing/svg-check.ts';

const quiet = { log: () => {} };

function tempRun(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-edge-train-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function savedWeights(runDir: string): Promise<Float32Array[]> {
  const model = await loadModelFromDir(join(runDir, 'tfjs'));
  const values = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.dispose();
  return values;
}

test('inception10: a tiny run on real CIFAR-10 lowers the loss and writes the whole run folder', async (t) => {
  const data = requireSharedData(t, 'cifar10-sample');
  if (!data) return;
  const out = tempRun(t);
  const result = await trainModel({ model: 'inception10', data, limit: 320, valLimit: 64, epochs: 2, batchSize: 32, seed: 11, outDir: out, backend: 'wasm' }, quiet);
  const { loss, val_loss } = result.history.history;
  assert.equal(loss.length, 2);
  assert.ok(loss[1]! < loss[0]!, `training loss did not fall: ${loss.join(' → ')}`);
  assert.ok(val_loss.every(Number.isFinite));
  assert.equal(result.backend.name, 'wasm');
  assert.ok(result.imagesPerSecond > 0);

  for (const file of ['tfjs/model.json', 'checkpoint/state.json', 'history.json', 'curves.svg', 'weights.txt', 'labels.json', 'summary.txt']) {
    assert.ok(existsSync(join(out, file)), `${file} missing from the run folder`);
  }
  const loaded = await tf.loadLayersModel(dirHandler(join(out, 'tfjs')));
  assert.deepEqual(loaded.outputs[0]!.shape, [null, 10]);
  loaded.dispose();

  const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
  assert.deepEqual(checkSvgWellFormed(svg), []);
  assert.match(svg, /data-metric="accuracy"/);
  assert.match(svg, /data-metric="loss"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 4, 'two panels × (training, validation)');

  const weights = readFileSync(join(out, 'weights.txt'), 'utf8');
  const reloaded = await loadModelFromDir(join(out, 'tfjs'));
  for (const v of reloaded.trainableWeights) assert.ok(weights.includes(`${v.originalName}\n(${v.shape.join(', ')}`), `weights.txt lacks ${v.originalName}`);
  assert.ok(!/_\d+\n\(/.test(weights), 'weights.txt names carry tfjs uniquifying suffixes');
  reloaded.dispose();
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'labels.json'), 'utf8'))[0], 'airplane');
  assert.match(readFileSync(join(out, 'summary.txt'), 'utf8'), /best epoch \(val_loss\)/);
});

test('resnet18: a tiny run on real CIFAR-10 lowers the loss', async (t) => {
  const data = requireSharedData(t, 'cifar10-sample');
  if (!data) return;
  const out = tempRun(t);
  const result = await trainModel({ model: 'resnet18', data, limit: 64, valLimit: 32, epochs: 2, seed: 3, outDir: out, backend: 'wasm' }, quiet);
  const { loss } = result.history.history;
  assert.ok(loss[1]! < loss[0]!, `training loss did not fall: ${loss.join(' → ')}`);
});

test('same seed gives the same weights; a run resumed from its checkpoint ends where an uninterrupted one does', async (t) => {
  const data = requireSharedData(t, 'cifar10-sample');
  if (!data) return;
  const base: Omit<TrainOptions, 'outDir' | 'epochs'> = { model: 'inception10', data, limit: 96, valLimit: 32, batchSize: 32, seed: 5, backend: 'wasm' };
  const straight = tempRun(t);
  await trainModel({ ...base, epochs: 2, outDir: straight }, quiet);
  const resumed = tempRun(t);
  await trainModel({ ...base, epochs: 1, outDir: resumed }, quiet);
  const lines: string[] = [];
  const second = await trainModel({ ...base, epochs: 2, outDir: resumed }, { log: (l) => lines.push(l) });
  assert.ok(lines.some((l) => l.startsWith('resume:') && l.includes('1 epoch(s)')), `no resume message in: ${lines.join(' | ')}`);
  assert.deepEqual(second.history.epochs.map((e) => e.epoch), [1, 2]);

  const a = await savedWeights(straight);
  const b = await savedWeights(resumed);
  // tfjs/ holds the best epoch; compare the checkpoint-era histories too, so the check is not vacuous.
  assert.deepEqual(JSON.parse(readFileSync(join(straight, 'history.json'), 'utf8')).history.loss, second.history.history.loss);
  assert.equal(a.length, b.length);
  a.forEach((w, i) => assert.deepEqual(b[i], w, `weight ${i} differs`));

  await assert.rejects(trainModel({ ...base, seed: 6, epochs: 3, outDir: resumed }, quiet), /seed 5, not 6: pass --fresh/);
});
