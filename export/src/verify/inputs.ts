// What verification feeds the model: the sizes (unknown dimensions made concrete) and, per input, the data
// — seeded random values in the verification range, CIFAR-10 images resized and scaled to that range for
// RGB image inputs when a data folder is given, and random integers within the table for the index inputs
// of Embedding layers (and for int32 inputs).
import * as tf from '@tensorflow/tfjs';
import { seededRandom, type ModelContract } from '@onnx-edge/core';
import { ParityError } from './errors.ts';

/** Unknown spatial dims (between batch and the last axis) of the first and second verification size. */
export const SPATIAL_SIZES: readonly (readonly number[])[] = [[64], [48, 80]];
/** Other unknown dims (features, channels, rank-2 steps) of the first and second size. */
export const OTHER_SIZES: readonly number[] = [1, 2];

/** One verification size: each input's shape without the batch axis (tfjs layout), and the batch to run in. */
export interface VerificationSize {
  shapes: number[][];
  batch?: number;
}

const describe = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? '?').join(',')}]`;

/**
 * The sizes to verify on: those given (`--verify-shape`, full shapes with the batch first), else one size
 * for a model whose inputs are fully known and two for a model with unknown dims, so that an export
 * specialised to one size cannot pass.
 */
export function verificationSizes(model: tf.LayersModel, given?: readonly (readonly number[][])[]): VerificationSize[] {
  const inputs = model.inputs.map((t) => t.shape);
  if (given && given.length > 0) {
    return given.map((shapes) => {
      if (shapes.length !== inputs.length) throw new ParityError(`--verify-shape gives ${shapes.length} shape(s) for a model with ${inputs.length} input(s): separate them with ','`);
      shapes.forEach((shape, i) => {
        const expected = inputs[i]!;
        const fits = shape.length === expected.length && expected.every((d, k) => k === 0 || d === null || d === shape[k]);
        if (!fits) throw new ParityError(`--verify-shape [${shape.join(',')}] does not fit input ${i} of shape ${describe(expected)}`);
      });
      return { shapes: shapes.map((s) => s.slice(1)), batch: shapes[0]![0] };
    });
  }
  const unknown = inputs.some((shape) => shape.slice(1).some((d) => d === null));
  return (unknown ? [0, 1] : [0]).map((which) => ({
    shapes: inputs.map((shape) => {
      let spatial = 0;
      return shape.slice(1).map((d, k) => {
        if (d !== null) return d;
        const isSpatial = shape.length >= 3 && k + 1 < shape.length - 1;
        if (!isSpatial) return OTHER_SIZES[which]!;
        const sizes = SPATIAL_SIZES[which]!;
        return sizes[spatial++ % sizes.length]!;
      });
    }),
  }));
}

/**
 * The values a model's image input sees by its contract — pixels mapped to its range, then (x − mean) / std
 * — as one range over all channels; undefined for other inputs (verification then draws from [0, 1]).
 */
export function rangeFromContract(contract: ModelContract): [number, number] | undefined {
  const { input } = contract;
  if (input.kind !== 'image') return undefined;
  const channels = Math.max(input.mean.length, input.std.length);
  const ends = Array.from({ length: channels }, (_, c) => {
    const [mean, std] = [input.mean[c] ?? input.mean[0]!, input.std[c] ?? input.std[0]!];
    return [(input.range[0] - mean) / std, (input.range[1] - mean) / std];
  }).flat();
  return [Math.min(...ends), Math.max(...ends)];
}

/** How one input's values are drawn. */
export interface InputPlan {
  dtype: 'float32' | 'int32';
  /** Integers in [low, high] (indices), or floats in [low, high). */
  integers: boolean;
  low: number;
  high: number;
  /** RGB images from the data folder (rank 4, 3 channels), when one is given. */
  images: boolean;
}

/** The smallest inputDim of the Embedding layers reading this input directly, if any do. */
function embeddingTableSize(model: tf.LayersModel, index: number): number | undefined {
  const sizes = model.inputs[index]!.sourceLayer.outboundNodes
    .map((node) => node.outboundLayer)
    .filter((layer): layer is tf.layers.Layer => layer?.getClassName() === 'Embedding')
    .map((layer) => (layer.getConfig() as { inputDim: number }).inputDim);
  return sizes.length > 0 ? Math.min(...sizes) : undefined;
}

export function inputPlans(model: tf.LayersModel, range: readonly [number, number], withImages: boolean): InputPlan[] {
  const plans = model.inputs.map((input, i): InputPlan => {
    const dtype = input.dtype === 'int32' ? 'int32' : 'float32';
    const table = embeddingTableSize(model, i);
    if (table !== undefined) return { dtype, integers: true, low: 0, high: table - 1, images: false };
    if (dtype === 'int32') return { dtype, integers: true, low: Math.ceil(range[0]), high: Math.floor(range[1]), images: false };
    const image = input.shape.length === 4 && input.shape[3] === 3;
    return { dtype, integers: false, low: range[0], high: range[1], images: withImages && image };
  });
  if (withImages && !plans.some((p) => p.images)) {
    throw new ParityError(`--verify-data holds RGB images, but no input of this model takes [N,H,W,3] images (inputs: ${model.inputs.map((t) => describe(t.shape)).join(', ')})`);
  }
  return plans;
}

/** Bilinear resize (half-pixel centres) of NHWC float images of side `from` to height × width. */
function resizeImage(src: Float32Array, from: number, height: number, width: number): Float32Array {
  if (height === from && width === from) return src;
  const out = new Float32Array(height * width * 3);
  const sample = (o: number, size: number) => {
    const x = Math.min(Math.max((o + 0.5) * (from / size) - 0.5, 0), from - 1);
    const i = Math.floor(x);
    return [i, Math.min(i + 1, from - 1), x - i] as const;
  };
  for (let y = 0; y < height; y++) {
    const [y0, y1, fy] = sample(y, height);
    for (let x = 0; x < width; x++) {
      const [x0, x1, fx] = sample(x, width);
      for (let c = 0; c < 3; c++) {
        const at = (yy: number, xx: number) => src[(yy * from + xx) * 3 + c]!;
        const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
        const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
        out[(y * width + x) * 3 + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** Seeded data for every input, batch by batch; images (NHWC in [0, 1], side `imageSide`) when given. */
export class InputSource {
  private readonly random: (() => number)[];

  constructor(private readonly plans: readonly InputPlan[], seed: number, private readonly images?: { data: Float32Array; side: number }) {
    this.random = plans.map((_, i) => seededRandom(seed + i));
  }

  /** `n` inputs starting at `start` of a size: one typed array per model input, shape batch first. */
  batch(size: VerificationSize, start: number, n: number): { data: Float32Array | Int32Array; shape: number[] }[] {
    return this.plans.map((plan, i) => {
      const dims = size.shapes[i]!;
      const per = dims.reduce((a, b) => a * b, 1);
      const shape = [n, ...dims];
      if (plan.images && this.images) {
        const { data, side } = this.images;
        const out = new Float32Array(n * per);
        for (let k = 0; k < n; k++) {
          const image = resizeImage(data.subarray((start + k) * side * side * 3, (start + k + 1) * side * side * 3), side, dims[0]!, dims[1]!);
          for (let j = 0; j < per; j++) out[k * per + j] = plan.low + (plan.high - plan.low) * image[j]!;
        }
        return { data: out, shape };
      }
      const random = this.random[i]!;
      if (plan.integers) {
        const values = Array.from({ length: n * per }, () => plan.low + Math.floor(random() * (plan.high - plan.low + 1)));
        return { data: plan.dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values), shape };
      }
      return { data: Float32Array.from({ length: n * per }, () => plan.low + (plan.high - plan.low) * random()), shape };
    });
  }
}
