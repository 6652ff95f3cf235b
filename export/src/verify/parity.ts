// verifyParity: runs the tfjs model and its ONNX export on the same inputs — real CIFAR-10 images from a
// folder in the official binary format, else seeded random images — and measures the disagreement.
// checkParity turns a report into a pass/fail: a failed check is an error, never a warning.
import * as tf from '@tensorflow/tfjs';
import { loadCifar, toNHWCFloat } from '@onnx-edge/train';
import { type ParityReport, seededRandom, uniform } from '@onnx-edge/core';
import { toGraphInput } from './layout.ts';
import { createOnnxRunner } from './onnx-runtime.ts';

export const PARITY_MAX_ABS_DIFF = 1e-4;
/** Relative differences are taken where |reference| is at least this, so tiny probabilities do not dominate. */
export const REL_DIFF_FLOOR = 1e-6;

export interface VerifyOptions {
  /** Folder (or .bin / .tar.gz) of CIFAR-10 in the official binary format; absent → seeded random images. */
  dataDir?: string;
  /** Number of images (default 100). */
  count?: number;
  seed?: number;
  inputLayout?: 'nchw' | 'nhwc';
  batchSize?: number;
}

export class ParityError extends Error {
  override name = 'ParityError';
}

async function verificationImages(shape: number[], options: VerifyOptions): Promise<Float32Array> {
  const count = options.count ?? 100;
  if (options.dataDir) {
    if (shape.join(',') !== '32,32,3') throw new ParityError(`--verify-data needs a model taking [N,32,32,3] images; this one takes [N,${shape}]`);
    const dataset = await loadCifar(options.dataDir, { limit: count });
    if (dataset.count < count) throw new ParityError(`${options.dataDir} holds ${dataset.count} images, fewer than the ${count} asked for`);
    return toNHWCFloat(dataset, 0, count);
  }
  return uniform(seededRandom(options.seed ?? 1), count * shape.reduce((a, b) => a * b, 1), 0, 1);
}

/** Compares the first output of `model` and of the ONNX model on the same images. */
export async function verifyParity(model: tf.LayersModel, onnxBytes: Uint8Array, options: VerifyOptions = {}): Promise<ParityReport> {
  if (model.inputs.length !== 1) throw new ParityError(`parity verification takes single-input models; this one has ${model.inputs.length}`);
  const imageShape = model.inputs[0]!.shape.slice(1).map((d, i) => {
    if (d === null) throw new ParityError(`model input dimension ${i + 1} is unknown; verification needs a fixed input shape`);
    return d;
  });
  const count = options.count ?? 100;
  const batchSize = options.batchSize ?? 100;
  const perImage = imageShape.reduce((a, b) => a * b, 1);
  const images = await verificationImages(imageShape, options);
  const runner = await createOnnxRunner(onnxBytes);
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let agree = 0;
  try {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const shape = [n, ...imageShape];
      const data = images.subarray(start * perImage, (start + n) * perImage);
      const expected = tf.tidy(() => {
        const out = model.predict(tf.tensor(data, shape));
        return (Array.isArray(out) ? out[0]! : out).dataSync() as Float32Array;
      });
      const [actual] = await runner.run([toGraphInput(data, shape, options.inputLayout ?? 'nchw')]);
      if (!actual || actual.length !== expected.length) throw new ParityError(`onnxruntime returned ${actual?.length} values for ${expected.length} tfjs values`);
      for (let i = 0; i < expected.length; i++) {
        const diff = Math.abs(actual[i]! - expected[i]!);
        if (!(diff <= maxAbsDiff)) maxAbsDiff = Number.isNaN(diff) ? Infinity : diff;
        if (Math.abs(expected[i]!) >= REL_DIFF_FLOOR) maxRelDiff = Math.max(maxRelDiff, diff / Math.abs(expected[i]!));
      }
      const classes = expected.length / n;
      for (let row = 0; row < n; row++) {
        if (argmax(expected, row * classes, classes) === argmax(actual, row * classes, classes)) agree++;
      }
    }
  } finally {
    await runner.release();
  }
  return { maxAbsDiff, maxRelDiff, top1Agreement: agree / count, count };
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/** Throws ParityError unless max |Δ| ≤ 1e-4 and (for classifiers) every top-1 class agrees. */
export function checkParity(report: ParityReport): void {
  const problems: string[] = [];
  if (!(report.maxAbsDiff <= PARITY_MAX_ABS_DIFF)) problems.push(`max |Δ| ${report.maxAbsDiff} exceeds ${PARITY_MAX_ABS_DIFF}`);
  if (report.top1Agreement < 1) problems.push(`top-1 agreement ${(report.top1Agreement * 100).toFixed(2)}% is below 100%`);
  if (problems.length > 0) throw new ParityError(`parity check failed on ${report.count} inputs: ${problems.join('; ')}`);
}
