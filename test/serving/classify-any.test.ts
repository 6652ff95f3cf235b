// /classify for image classifiers that are not CIFAR-10's, served from one model repository beside the seed
// Inception10: emotion (a graph model of the corpus: 64×64 grayscale in [−1, 1], seven classes), exported
// with `onnx-edge export --repo` as a user would, and liveness (32×32 RGB in [0, 1], two classes, no labels),
// written by the application's export-to-repository step. Each answers photos of its own size, smaller and
// larger ones with the tfjs model's probabilities on the same pixels (|Δ| ≤ 1e-4, same top-1); the reference
// pixels are computed here from sharp's decode by the contract's formulas, not by the server's code.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { CIFAR10_LABELS, resizeByArea } from '@onnx-edge/core';
import { exportGraphModel, loadGraphModelSource, useVerificationBackend } from '@onnx-edge/export';
import { graphCorpusMissing, graphCorpusPath } from '@onnx-edge/export/testing';
import { startServer, writeModelToRepository, type RunningServer } from '@onnx-edge/serve';
import { everyDatatypeModel, exportSeedNetwork, pngOf, tfjsProbabilities, type ExportedModel } from '@onnx-edge/serve/testing';
import { writeExportToRepository } from '../../src/exporting/repository.ts';
import { cliExport, syntheticPng, tfjsGraphModel } from './helpers.ts';

const TOLERANCE = 1e-4;
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

interface Answer {
  model: string;
  predictions: { label: string; index: number; probability: number }[];
}

describe('/classify for any image classifier the compiler exports', { skip: process.env.CI === 'true' ? false : graphCorpusMissing() ?? false }, () => {
  let dir: string;
  let server: RunningServer;
  let inception: ExportedModel;
  const references: Record<string, tf.GraphModel> = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-edge-classify-any-'));
    const repo = join(dir, 'repo');
    inception = await exportSeedNetwork('inception10', { repo });
    await useVerificationBackend();
    await writeFile(join(dir, 'emotions.json'), JSON.stringify(EMOTIONS));
    cliExport([graphCorpusPath('emotion'), '--repo', repo, '--name', 'emotion', '--input-range=-1,1', '--labels', join(dir, 'emotions.json')]);
    const liveness = exportGraphModel(await loadGraphModelSource(graphCorpusPath('liveness')));
    await writeExportToRepository({ repo, name: 'liveness', ...liveness });
    await writeModelToRepository({ repo, name: 'tensors', onnxBytes: everyDatatypeModel() });
    for (const name of ['emotion', 'liveness']) references[name] = await tfjsGraphModel(name);
    server = await startServer({ repo, host: '127.0.0.1', port: 0, logLevel: 'silent', webRoot: dir });
  });

  after(async () => {
    await server?.close();
    inception?.tfjsModel.dispose();
    for (const model of Object.values(references)) model.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function classify(model: string, png: Buffer, top = 10): Promise<Answer> {
    const res = await fetch(`${server.url}/classify?model=${model}&top=${top}`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as Answer;
  }

  /** The photo's pixels at side×side (sharp's decode, the area resize where its size differs), RGB. */
  async function pixelsAt(png: Buffer, side: number): Promise<Uint8Array> {
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return info.width === side && info.height === side ? data : resizeByArea(data, info.width, info.height, 3, { width: side, height: side, channels: 3 });
  }

  async function tfjsScores(model: string, nhwc: Float32Array, side: number, channels: number): Promise<Float32Array> {
    const output = (await references[model]!.executeAsync(tf.tensor4d(nhwc, [1, side, side, channels]))) as tf.Tensor;
    const scores = output.dataSync() as Float32Array;
    output.dispose();
    return scores;
  }

  function assertSame(answer: Answer, expected: Float32Array, labels: readonly string[] | undefined, what: string): void {
    assert.equal(answer.predictions.length, expected.length, `${what}: every class answered`);
    const top1 = expected.indexOf(Math.max(...expected));
    assert.equal(answer.predictions[0]!.index, top1, `${what}: top-1`);
    for (const p of answer.predictions) {
      assert.ok(Math.abs(p.probability - expected[p.index]!) <= TOLERANCE, `${what}, class ${p.index}: served ${p.probability}, tfjs ${expected[p.index]}`);
      assert.equal(p.label, labels ? labels[p.index] : String(p.index), `${what}: labels, or class indexes where the model has none`);
    }
  }

  test('emotion (64×64 grayscale in [−1, 1]) answers like tfjs for photos of its size, smaller and larger', async () => {
    for (const [width, height, seed] of [[64, 64, 1], [40, 30, 2], [150, 90, 3]] as const) {
      const png = await syntheticPng(width, height, seed);
      const rgb = await pixelsAt(png, 64);
      // BT.601 luma, mapped from 0..255 onto [−1, 1], one channel.
      const nhwc = Float32Array.from({ length: 64 * 64 }, (_, p) => ((0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!) / 255) * 2 - 1);
      assertSame(await classify('emotion', png), await tfjsScores('emotion', nhwc, 64, 1), EMOTIONS, `emotion, a ${width}×${height} photo`);
    }
  });

  test('liveness (32×32 RGB in [0, 1], no labels) answers like tfjs, its classes by index', async () => {
    for (const [width, height, seed] of [[32, 32, 4], [97, 61, 5]] as const) {
      const png = await syntheticPng(width, height, seed);
      const rgb = await pixelsAt(png, 32);
      const nhwc = Float32Array.from(rgb, (v) => v / 255);
      assertSame(await classify('liveness', png), await tfjsScores('liveness', nhwc, 32, 3), undefined, `liveness, a ${width}×${height} photo`);
    }
  });

  test('the seed Inception10 in the same repository answers like tfjs', async () => {
    const images = await Promise.all([6, 7].map(async (seed) => ({ label: 0, planes: await planesOf(await syntheticPng(32, 32, seed)) })));
    const expected = tfjsProbabilities(inception.tfjsModel, images);
    for (const [i, image] of images.entries()) assertSame(await classify('inception10', await pngOf(image)), expected[i]!, CIFAR10_LABELS, `inception10, image ${i}`);
  });

  test('the models describe themselves: v2 metadata gives their tensors, /models their contracts', async () => {
    const emotion = (await (await fetch(`${server.url}/v2/models/emotion`)).json()) as { inputs: unknown; outputs: unknown; parameters: { labels: string[] } };
    assert.deepEqual(emotion.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 64, 64] }]);
    assert.deepEqual(emotion.outputs, [{ name: 'Identity', datatype: 'FP32', shape: [-1, 7] }]);
    assert.deepEqual(emotion.parameters.labels, EMOTIONS);
    const listed = (await (await fetch(`${server.url}/models`)).json()) as { name: string; contract: { input: { color?: string; range?: number[] } } }[];
    assert.deepEqual(listed.find((m) => m.name === 'emotion')!.contract.input.range, [-1, 1]);
    assert.equal(listed.find((m) => m.name === 'emotion')!.contract.input.color, 'GRAY');
  });

  test('a model that is not an image classifier is answered 422, naming the v2 route to use', async () => {
    const res = await fetch(`${server.url}/classify?model=tensors`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: await syntheticPng(8, 8, 9) });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { error: { message: string } };
    assert.match(body.error.message, /^model 'tensors' is not an image classifier .*send its tensors to POST \/v2\/models\/tensors\/infer$/);
  });
});

/** The R, G and B planes (NCHW order) of a 32×32 PNG, as a CIFAR-10 record holds them. */
async function planesOf(png: Buffer): Promise<Uint8Array> {
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Uint8Array.from({ length: 3072 }, (_, i) => data[(i % 1024) * 3 + Math.floor(i / 1024)]!);
}
