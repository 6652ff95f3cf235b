// Models for end-to-end tests and benchmarks: a seed network from @onnx-edge/train, exported by the
// project's compiler into a model repository, plus the tfjs reference probabilities on the same pixels.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '@onnx-edge/export';
import { CIFAR10_LABELS, INPUT_NAME, type NetworkName } from '@onnx-edge/core';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import { writeModelToRepository } from '../src/repository/writer.ts';
import { interleaved, type CifarImage } from './cifar.ts';

export interface ExportedModel {
  repo: string;
  name: string;
  tfjsModel: tf.LayersModel;
}

/** Builds `network` with a fixed seed, exports it and writes it into a fresh repository (or `repo`). */
export async function exportSeedNetwork(network: NetworkName, options: { repo?: string; seed?: number; maxBatchSize?: number } = {}): Promise<ExportedModel> {
  // tfjs' WebAssembly backend computes the reference probabilities several times faster than its CPU one.
  if (tf.getBackend() !== 'wasm') await selectBackend('wasm', () => {});
  const tfjsModel = buildNetwork(network, { seed: options.seed ?? 7 });
  const { bytes, report } = exportModel(tfjsModel);
  const repo = options.repo ?? (await mkdtemp(join(tmpdir(), 'onnx-edge-serve-repo-')));
  await writeModelToRepository({
    repo,
    name: network,
    onnxBytes: bytes,
    labels: CIFAR10_LABELS,
    inputName: report.inputs[0]?.name ?? INPUT_NAME,
    outputNames: report.outputs.map((o) => o.name),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
  });
  return { repo, name: network, tfjsModel };
}

/** tfjs probabilities for CIFAR images (NHWC ÷255, as tfjs models take them), one row per image. */
export function tfjsProbabilities(model: tf.LayersModel, images: CifarImage[]): Float32Array[] {
  const nhwc = new Float32Array(images.length * 3072);
  images.forEach((img, i) => nhwc.set(Array.from(interleaved(img), (v) => v / 255), i * 3072));
  return tf.tidy(() => {
    const out = model.predict(tf.tensor4d(nhwc, [images.length, 32, 32, 3])) as tf.Tensor;
    const flat = out.dataSync() as Float32Array;
    const classes = out.shape.at(-1)!;
    return images.map((_, i) => flat.slice(i * classes, (i + 1) * classes));
  });
}
