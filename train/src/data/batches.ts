// Float views of a dataset, made one batch at a time: pixels ÷255, NHWC for tfjs (NCHW for ONNX parity).
import * as tf from '@tensorflow/tfjs';
import { IMAGE_BYTES, IMAGE_CHANNELS, PLANE_BYTES, type CifarDataset } from './format.ts';
import { permutation, seededRandom } from '@onnx-edge/core';

/** Writes image `index` as NHWC floats /255 into `out` at `offset` (planar bytes → interleaved). */
function writeNHWC(images: Uint8Array, index: number, out: Float32Array, offset: number): void {
  const base = index * IMAGE_BYTES;
  for (let p = 0; p < PLANE_BYTES; p++) {
    for (let c = 0; c < IMAGE_CHANNELS; c++) out[offset + p * IMAGE_CHANNELS + c] = images[base + c * PLANE_BYTES + p]! / 255;
  }
}

function checkRange(dataset: CifarDataset, start: number, count: number): void {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > dataset.count) {
    throw new RangeError(`records ${start}..${start + count} are outside the dataset's ${dataset.count} records`);
  }
}

/** Records start..start+count as float32 [count,32,32,3] (NHWC) scaled by 1/255. */
export function toNHWCFloat(dataset: CifarDataset, start: number, count: number): Float32Array {
  checkRange(dataset, start, count);
  const out = new Float32Array(count * IMAGE_BYTES);
  for (let i = 0; i < count; i++) writeNHWC(dataset.images, start + i, out, i * IMAGE_BYTES);
  return out;
}

/** Records start..start+count as float32 [count,3,32,32] (NCHW, the official byte order) scaled by 1/255. */
export function toNCHWFloat(dataset: CifarDataset, start: number, count: number): Float32Array {
  checkRange(dataset, start, count);
  const bytes = dataset.images.subarray(start * IMAGE_BYTES, (start + count) * IMAGE_BYTES);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}

export interface BatchOptions {
  batchSize: number;
  /** Visit records in a seeded random order (default false: dataset order). */
  shuffle?: boolean;
  /** Seed of the shuffle; use a different one per epoch for a new order each epoch. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

export interface Batch {
  /** [B,32,32,3] float32, pixels ÷255, NHWC. */
  xs: tf.Tensor4D;
  /** [B] int32 class labels. */
  ys: tf.Tensor1D;
}

/**
 * Yields batches as tensors; only the current batch exists as floats. The caller owns (and disposes)
 * each batch's tensors.
 */
export function* batches(dataset: CifarDataset, options: BatchOptions): Generator<Batch> {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = options.shuffle ? permutation(dataset.count, seededRandom(options.seed ?? 0)) : null;
  const last = options.dropRemainder ? dataset.count - (dataset.count % batchSize) : dataset.count;
  for (let start = 0; start < last; start += batchSize) {
    const size = Math.min(batchSize, last - start);
    const pixels = new Float32Array(size * IMAGE_BYTES);
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const index = order ? order[start + i]! : start + i;
      writeNHWC(dataset.images, index, pixels, i * IMAGE_BYTES);
      labels[i] = dataset.labels[index]!;
    }
    yield { xs: tf.tensor4d(pixels, [size, 32, 32, IMAGE_CHANNELS]), ys: tf.tensor1d(labels, 'int32') };
  }
}
