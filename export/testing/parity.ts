// Parity harness for tests: export a tfjs model, run it in tfjs and in onnxruntime-node on the same seeded
// random inputs, and require |Δ| ≤ 1e-5 + 1e-4·|ref| on every output element (tf2onnx's tolerance); every
// exported model also goes through the official checker. Layer tests build a tiny model around one layer
// (`singleLayerModel`) and give it random weights with non-trivial BatchNorm statistics (`randomizeWeights`).
import * as tf from '@tensorflow/tfjs';
import { exportModel, type ExportOptions, type ExportReport } from '../src/export.ts';
import { createOnnxRunner } from '../src/verify/onnx-runtime.ts';
import { toGraphInput } from '../src/verify/layout.ts';
import { CHECKER_MAX_OPSET, checkModel } from './checker.ts';
import { seededRandom, uniform } from '@onnx-edge/core';

export const ABS_TOLERANCE = 1e-5;
export const REL_TOLERANCE = 1e-4;

/** input(s) → layer → output, as a functional model. */
export function singleLayerModel(layer: tf.layers.Layer, inputShapes: number[][]): tf.LayersModel {
  const inputs = inputShapes.map((shape) => tf.input({ shape }));
  const output = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
  return tf.model({ inputs, outputs: output });
}

/**
 * 1x1 conv → layer → 1x1 conv (Conv1D for a sequence shape [steps, channels], else Conv2D), with random
 * weights: the layer sits between channels-first tensors, as in a real CNN. A layer whose output lost the
 * spatial axes (global pooling) is followed by a Dense instead.
 */
export function betweenConvs(layer: tf.layers.Layer, shape: number[], seed: number): tf.LayersModel {
  const conv = shape.length === 2 ? tf.layers.conv1d : tf.layers.conv2d;
  const input = tf.input({ shape });
  let x = conv({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = layer.apply(x) as tf.SymbolicTensor;
  if (x.shape.length === shape.length + 1) x = conv({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  else x = tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, seed);
  return model;
}

/**
 * Replaces every weight by seeded random values: kernels and biases in ±0.5, BatchNorm gamma in [0.5, 1.5),
 * beta and moving mean in ±0.5, moving variance in [0.5, 1.5) — so folding and normalisation are exercised.
 */
export function randomizeWeights(model: tf.LayersModel, seed = 1): void {
  const random = seededRandom(seed);
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w, i) => {
      const variable = layer.weights[i]!;
      const positive = /gamma|moving_variance/.test(variable.originalName ?? variable.name);
      return tf.tensor(positive ? uniform(random, w.size, 0.5, 1.5) : uniform(random, w.size, -0.5, 0.5), w.shape);
    });
    if (values.length > 0) layer.setWeights(values);
    values.forEach((v) => v.dispose());
  }
}

export interface ParityOptions {
  batch?: number;
  seed?: number;
  export?: ExportOptions;
  /** Input values are drawn uniformly from this range (default [-1, 1)). */
  inputRange?: [number, number];
}

export interface ParityResult {
  bytes: Uint8Array;
  report: ExportReport;
  maxAbsDiff: number;
  /** Whether the official checker ran (it only knows opsets ≤ 17). */
  checked: boolean;
}

/** Exports `model`, compares tfjs and onnxruntime outputs, runs the checker; throws on any mismatch. */
export async function assertParity(model: tf.LayersModel, options: ParityOptions = {}): Promise<ParityResult> {
  const { bytes, report } = exportModel(model, options.export);
  if (report.unshapedValues.length > 0) {
    throw new Error(`no inferred shape for ${report.unshapedValues.join(', ')}: add a rule for their op to passes/shape-inference.ts`);
  }
  const opset = options.export?.opset ?? report.opset;
  const checked = opset <= CHECKER_MAX_OPSET ? checkModel(bytes) : false;
  const random = seededRandom(options.seed ?? 7);
  const batch = options.batch ?? 2;
  const [low, high] = options.inputRange ?? [-1, 1];
  const inputs = model.inputs.map((input) => {
    const shape = [batch, ...input.shape.slice(1).map((d) => d ?? 1)];
    return { data: uniform(random, shape.reduce((a, b) => a * b, 1), low, high), shape };
  });
  const expected = tf.tidy(() => {
    const out = model.predict(inputs.map((i) => tf.tensor(i.data, i.shape)));
    return (Array.isArray(out) ? out : [out]).map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
  });
  const runner = await createOnnxRunner(bytes);
  try {
    const actual = await runner.run(inputs.map((i) => toGraphInput(i.data, i.shape, options.export?.inputLayout ?? 'nchw')));
    let maxAbsDiff = 0;
    expected.forEach((ref, o) => {
      const got = actual[o]!;
      if (got.length !== ref.data.length) throw new Error(`output ${o}: onnxruntime gave ${got.length} values, tfjs ${ref.data.length} (shape ${ref.shape})`);
      for (let i = 0; i < got.length; i++) {
        const diff = Math.abs(got[i]! - ref.data[i]!);
        maxAbsDiff = Math.max(maxAbsDiff, diff);
        if (!(diff <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(ref.data[i]!))) {
          throw new Error(`output ${o} element ${i}: tfjs ${ref.data[i]}, onnxruntime ${got[i]} (|Δ| ${diff})`);
        }
      }
    });
    return { bytes, report, maxAbsDiff, checked };
  } finally {
    await runner.release();
  }
}
