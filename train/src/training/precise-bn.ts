// "Precise BatchNorm" (Wu & Johnson 2021, "Rethinking 'Batch' in BatchNorm"): Keras' moving averages (momentum
// 0.99) trail the weights, so a short training serves a model whose inference-mode BatchNorm normalises with stale
// statistics (one epoch of Inception10: 39.5% test accuracy on moving averages, 59.8% on batch statistics). After
// each epoch this replaces every BatchNormalization layer's moving mean/variance with the population statistics of
// its inputs over a fixed subset of training images, the weights frozen and every upstream layer in inference mode.
// A BatchNorm's inputs depend on the BatchNorms upstream of it, so the layers are estimated level by level: one
// forward pass over the subset estimates every BatchNorm whose upstream BatchNorms are all estimated already.
import * as tf from '@tensorflow/tfjs';
import { batches } from '../data/batches.ts';
import { IMAGE_BYTES, type CifarDataset } from '../data/format.ts';
import { permutation, seededRandom } from '@onnx-edge/core';

/** Training images whose statistics replace the moving averages after each epoch (0: Keras' moving averages). */
export const DEFAULT_PRECISE_BN_IMAGES = 2048;

type Layer = tf.layers.Layer;

function isBatchNorm(layer: Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

function inboundLayers(layer: Layer): Layer[] {
  return layer.inboundNodes.flatMap((node) => node.inboundLayers);
}

/**
 * The model's BatchNormalization layers grouped by level: level k holds the layers with k BatchNorms on the
 * longest path above them, so a level's inputs are final once every lower level is estimated.
 */
export function batchNormLevels(model: tf.LayersModel): Layer[][] {
  const bnAbove = new Map<Layer, number>(); // BatchNorms on the longest path from the input to this layer's output
  const levels: Layer[][] = [];
  for (const layer of model.layers) { // a functional model lists its layers in topological order
    const above = Math.max(0, ...inboundLayers(layer).map((l) => bnAbove.get(l) ?? 0));
    if (isBatchNorm(layer)) (levels[above] ??= []).push(layer);
    bnAbove.set(layer, above + (isBatchNorm(layer) ? 1 : 0));
  }
  return levels;
}

/** `count` records of `dataset` drawn without replacement in a seeded order: the same subset for the same seed. */
export function seededSubset(dataset: CifarDataset, count: number, seed: number): CifarDataset {
  const n = Math.min(count, dataset.count);
  const order = permutation(dataset.count, seededRandom(seed)).subarray(0, n);
  const images = new Uint8Array(n * IMAGE_BYTES);
  const labels = new Uint8Array(n);
  order.forEach((record, i) => {
    images.set(dataset.images.subarray(record * IMAGE_BYTES, (record + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = dataset.labels[record]!;
  });
  return { images, labels, count: n, classNames: dataset.classNames, files: dataset.files };
}

/** Per-channel population mean and (biased) variance, accumulated from batch moments in float64. */
class ChannelMoments {
  private readonly sum: Float64Array;
  private readonly sumSquares: Float64Array;
  private values = 0;
  constructor(channels: number) {
    this.sum = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
  }

  add(mean: Float32Array, variance: Float32Array, values: number): void {
    for (let c = 0; c < this.sum.length; c++) {
      this.sum[c] += mean[c]! * values;
      this.sumSquares[c] += (variance[c]! + mean[c]! * mean[c]!) * values;
    }
    this.values += values;
  }

  result(): { mean: Float32Array; variance: Float32Array } {
    const mean = this.sum.map((s) => s / this.values);
    const variance = this.sumSquares.map((s, c) => Math.max(0, s / this.values - mean[c]! * mean[c]!));
    return { mean: Float32Array.from(mean), variance: Float32Array.from(variance) };
  }
}

function movingStatistic(layer: Layer, name: 'moving_mean' | 'moving_variance'): tf.LayerVariable {
  const found = layer.weights.find((w) => w.originalName.endsWith(`/${name}`));
  if (!found) throw new Error(`BatchNormalization layer ${layer.name} has no ${name} weight`);
  return found;
}

function assign(variable: tf.LayerVariable, values: Float32Array): void {
  const tensor = tf.tensor(values, variable.shape as number[]);
  variable.write(tensor);
  tensor.dispose();
}

/** One inference pass over `images`: the population moments of the inputs of `layers` (channels last). */
async function inputMoments(model: tf.LayersModel, layers: Layer[], images: CifarDataset, batchSize: number, yieldToEventLoop: () => Promise<void>) {
  const probe = tf.model({ inputs: model.inputs, outputs: layers.map((l) => l.input as tf.SymbolicTensor) });
  const moments = layers.map((l) => new ChannelMoments((l.input as tf.SymbolicTensor).shape.at(-1)!));
  for (const { xs, ys } of batches(images, { batchSize })) {
    const perLayer = tf.tidy(() => {
      const outputs = probe.predict(xs) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(outputs) ? outputs : [outputs]).map((x) => {
        const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
        return { mean, variance, values: x.size / x.shape.at(-1)! };
      });
    });
    for (const [i, m] of perLayer.entries()) {
      moments[i]!.add((await m.mean.data()) as Float32Array, (await m.variance.data()) as Float32Array, m.values);
      tf.dispose([m.mean, m.variance]);
    }
    tf.dispose([xs, ys]);
    await yieldToEventLoop();
  }
  return moments.map((m) => m.result());
}

/**
 * Sets every BatchNormalization layer's moving mean/variance to the population statistics of its inputs over
 * `images`, in inference mode, level by level. Deterministic for the same weights and images. Returns the number
 * of BatchNorm layers re-estimated.
 */
export async function reestimateBatchNorm(model: tf.LayersModel, images: CifarDataset, batchSize: number, yieldToEventLoop: () => Promise<void> = async () => {}): Promise<number> {
  let estimated = 0;
  for (const level of batchNormLevels(model)) {
    const statistics = await inputMoments(model, level, images, batchSize, yieldToEventLoop);
    level.forEach((layer, i) => {
      assign(movingStatistic(layer, 'moving_mean'), statistics[i]!.mean);
      assign(movingStatistic(layer, 'moving_variance'), statistics[i]!.variance);
    });
    estimated += level.length;
  }
  return estimated;
}
