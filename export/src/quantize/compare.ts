// Verification of a quantized classifier against its float original (not against tfjs): both run in
// onnxruntime-node on the same real images; reported are top-1 agreement, the largest probability difference
// and, on labelled data, both accuracies. checkAccuracyDrop turns that into pass/fail: never a warning.
import * as ort from 'onnxruntime-node';
import { PROBABILITIES_NAME, softmax } from '@onnx-edge/core';
import { QuantizeError } from './errors.ts';
import type { ImageSet } from './images.ts';
import { modelBatches, type ModelImageInput } from './model-input.ts';

export interface QuantizedVerification {
  /** What the models ran on. */
  data: string;
  count: number;
  /** Share of images whose most probable class is the same in both models. */
  top1Agreement: number;
  /** Largest |Δ| between the models' class probabilities. */
  maxAbsDiff: number;
  /** On labelled data: accuracies (0..1) and the drop in percentage points (float − quantized). */
  floatAccuracy?: number;
  quantizedAccuracy?: number;
  accuracyDrop?: number;
}

export const DEFAULT_MAX_ACCURACY_DROP = 1;

interface Classifier {
  session: ort.InferenceSession;
  output: string;
}

async function classifier(bytes: Uint8Array): Promise<Classifier> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  return { session, output: session.outputNames.includes(PROBABILITIES_NAME) ? PROBABILITIES_NAME : session.outputNames[0]! };
}

/** Class probabilities of one batch: the probabilities output as is, any other output through a softmax. */
async function probabilities(model: Classifier, input: ModelImageInput, data: Float32Array, dims: number[]): Promise<Float32Array> {
  const n = dims[0]!;
  const result = (await model.session.run({ [input.name]: new ort.Tensor('float32', data, dims) }, [model.output]))[model.output]!;
  if (result.dims.length !== 2) throw new QuantizeError(`verification compares classifiers: output '${model.output}' is [${result.dims.join(',')}], not [N, classes]`);
  const values = result.data as Float32Array;
  if (model.output === PROBABILITIES_NAME) return values;
  const classes = values.length / n;
  const out = new Float32Array(values.length);
  for (let row = 0; row < n; row++) out.set(softmax(values.subarray(row * classes, (row + 1) * classes)), row * classes);
  return out;
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

export async function compareWithFloat(floatBytes: Uint8Array, quantizedBytes: Uint8Array, input: ModelImageInput, images: ImageSet, options: { batchSize?: number } = {}): Promise<QuantizedVerification> {
  const batchSize = options.batchSize ?? 100;
  const float = await classifier(floatBytes);
  const quantized = await classifier(quantizedBytes);
  let agree = 0;
  let maxAbsDiff = 0;
  let floatCorrect = 0;
  let quantizedCorrect = 0;
  try {
    for await (const { start, n, data, dims } of modelBatches(input, images, batchSize)) {
      const expected = await probabilities(float, input, data, dims);
      const actual = await probabilities(quantized, input, data, dims);
      if (expected.length !== actual.length) throw new QuantizeError(`the quantized model gives ${actual.length / n} classes per image, its float original ${expected.length / n}`);
      for (let i = 0; i < expected.length; i++) {
        const diff = Math.abs(actual[i]! - expected[i]!);
        if (!(diff <= maxAbsDiff)) maxAbsDiff = Number.isNaN(diff) ? Infinity : diff;
      }
      const classes = expected.length / n;
      for (let row = 0; row < n; row++) {
        const a = argmax(expected, row * classes, classes);
        const b = argmax(actual, row * classes, classes);
        if (a === b) agree++;
        const label = images.labels?.[start + row];
        if (label === a) floatCorrect++;
        if (label === b) quantizedCorrect++;
      }
    }
  } finally {
    await float.session.release();
    await quantized.session.release();
  }
  const report: QuantizedVerification = { data: images.description, count: images.count, top1Agreement: agree / images.count, maxAbsDiff };
  if (images.labels) {
    report.floatAccuracy = floatCorrect / images.count;
    report.quantizedAccuracy = quantizedCorrect / images.count;
    report.accuracyDrop = 100 * (report.floatAccuracy - report.quantizedAccuracy);
  }
  return report;
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/**
 * Throws QuantizeError when the quantized model loses more than `maxDrop` accuracy points. Without labels the
 * share of changed predictions stands in for the drop: it bounds it from above (each changed prediction can
 * cost at most one correct answer).
 */
export function checkAccuracyDrop(report: QuantizedVerification, maxDrop: number, precision: string): void {
  const hint = precision === 'int8' ? '; try --method percentile or entropy, more calibration images, or --keep-float first,last' : '';
  if (report.accuracyDrop !== undefined) {
    if (!(report.accuracyDrop <= maxDrop)) {
      throw new QuantizeError(`the ${precision} model loses ${report.accuracyDrop.toFixed(2)} accuracy points against its float original on ${report.data} (${percent(report.floatAccuracy!)} → ${percent(report.quantizedAccuracy!)}), more than --max-accuracy-drop ${maxDrop}${hint}`);
    }
    return;
  }
  const changed = 100 * (1 - report.top1Agreement);
  if (!(changed <= maxDrop)) {
    throw new QuantizeError(`the ${precision} model changes the top class of ${changed.toFixed(2)}% of ${report.data} (unlabelled: that bounds the accuracy drop), more than --max-accuracy-drop ${maxDrop}${hint}`);
  }
}
