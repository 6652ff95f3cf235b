// verifyParity: runs the tfjs model and its ONNX export on the same inputs and measures, per output, how
// far they disagree. Every input gets its own data (verify/inputs.ts), a model with unknown dimensions is
// run on two sizes, inputs go in batches sized to bound memory (tensors disposed after each), and layers
// for which tfjs is the wrong reference are checked against the Keras formula (verify/reference.ts).
// checkParity turns a report into pass/fail: |Δ| ≤ atol + rtol·|ref| on every element and, for outputs
// shaped like class scores, 100% top-1 agreement. A failed check is an error, never a warning.
import * as tf from '@tensorflow/tfjs';
import { loadCifar, toNHWCFloat } from '@onnx-edge/train';
import type { ParityReport } from '@onnx-edge/core';
import { OutputComparison } from './compare.ts';
import { ParityError } from './errors.ts';
import { InputSource, inputPlans, verificationSizes, type VerificationSize } from './inputs.ts';
import { toGraphInput } from './layout.ts';
import { createOnnxRunner } from './onnx-runtime.ts';
import { formulaModel, tfjsDeviations, tfjsRunsDespite } from './reference.ts';

export { ParityError } from './errors.ts';
export { REL_DIFF_FLOOR } from './compare.ts';

export const DEFAULT_ATOL = 1e-4;
export const DEFAULT_RTOL = 1e-4;
/** The absolute part of the criterion (kept for callers of the earlier absolute-only check). */
export const PARITY_MAX_ABS_DIFF = DEFAULT_ATOL;
/**
 * Input and output elements of one batch, which bounds tfjs' memory: a network's intermediate activations can
 * be far larger than its output (ESRGAN ×8 at 64×64 peaks at 0.96 GB resident in batches of 1, 2.6 GB in
 * batches of 5, measured), and tfjs-wasm's heap never shrinks. An 8× upscaler at 64×64 runs one at a time.
 */
export const BATCH_ELEMENTS = 1_000_000;
const MAX_BATCH = 100;

export interface VerifyOptions {
  /** CIFAR-10 in the official binary format; its images feed RGB image inputs (resized, scaled to `range`). */
  dataDir?: string;
  /** Inputs per size (default 100). */
  count?: number;
  seed?: number;
  inputLayout?: 'nchw' | 'nhwc';
  /** Inputs per batch; default from BATCH_ELEMENTS (at most 100), or the batch of a given shape. */
  batchSize?: number;
  /** Sizes to verify on, each one full shape per input (batch first, the batch to run in); default 64 / 48×80. */
  shapes?: number[][][];
  /** Value range of the inputs (default [0, 1]). */
  range?: [number, number];
  /** Default: defaultAtol(range), 1e-4 for inputs in [0, 1]. */
  atol?: number;
  rtol?: number;
}

/**
 * The default absolute tolerance for inputs in `range`: 1e-4 in units of the range's magnitude. Float32
 * rounding grows with the size of the values a network carries: a model fed 0–255 pixels differs from its
 * export by a few 1e-4 even on outputs near zero (measured: 5.2e-4 on ESRGAN ×4), where 0–1 inputs give 1e-6.
 */
export function defaultAtol(range: readonly [number, number]): number {
  return DEFAULT_ATOL * Math.max(1, Math.abs(range[0]), Math.abs(range[1]));
}

type Batch = { data: Float32Array | Int32Array; shape: number[] }[];

function predict(model: tf.LayersModel, inputs: Batch): { data: Float32Array; shape: number[] }[] {
  return tf.tidy(() => {
    const out = model.predict(inputs.map((i) => tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32')));
    return (Array.isArray(out) ? out : [out]).map((t) => ({ data: t.dataSync() as Float32Array, shape: t.shape }));
  });
}

const elements = (tensors: { shape: number[] }[]) => tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);

async function loadImages(dataDir: string, count: number): Promise<{ data: Float32Array; side: number }> {
  const dataset = await loadCifar(dataDir, { limit: count });
  if (dataset.count < count) throw new ParityError(`${dataDir} holds ${dataset.count} images, fewer than the ${count} asked for`);
  return { data: toNHWCFloat(dataset, 0, count), side: 32 };
}

/** max |Δ| between tfjs' own outputs and the formula model's on one batch. */
function tfjsDeviation(model: tf.LayersModel, formula: tf.LayersModel, inputs: Batch): number {
  const own = predict(model, inputs);
  const right = predict(formula, inputs);
  return Math.max(...own.map((o, i) => o.data.reduce((m, v, k) => Math.max(m, Math.abs(v - right[i]!.data[k]!)), 0)));
}

/** Compares every output of `model` and of the ONNX model on the same inputs, size by size. */
export async function verifyParity(model: tf.LayersModel, onnxBytes: Uint8Array, options: VerifyOptions = {}): Promise<ParityReport> {
  const count = options.count ?? 100;
  const range = options.range ?? [0, 1];
  const atol = options.atol ?? defaultAtol(range);
  const rtol = options.rtol ?? DEFAULT_RTOL;
  const sizes: VerificationSize[] = verificationSizes(model, options.shapes);
  const images = options.dataDir ? await loadImages(options.dataDir, count) : undefined;
  const source = new InputSource(inputPlans(model, range, images !== undefined), options.seed ?? 1, images);
  const deviations = tfjsDeviations(model);
  const reference = deviations.length > 0 ? await formulaModel(model) : model;
  const runner = await createOnnxRunner(onnxBytes);
  const comparisons = runner.outputNames.map((name) => new OutputComparison(name, atol, rtol));
  const verified: number[][][] = [];
  try {
    for (const [s, size] of sizes.entries()) {
      let batch = size.batch ?? options.batchSize;
      for (let start = 0; start < count;) {
        // Without a batch size, one input first measures how large an input and its outputs are.
        const n = Math.min(batch ?? 1, count - start);
        const inputs = source.batch(size, start, n);
        const expected = predict(reference, inputs);
        const actual = await runner.runWithShapes(inputs.map((i) => toGraphInput(i.data, i.shape, options.inputLayout ?? 'nchw')));
        if (actual.length !== expected.length) throw new ParityError(`the ONNX model has ${actual.length} outputs, the tfjs model ${expected.length}`);
        expected.forEach((ref, o) => {
          const got = actual[o]!;
          if (got.dims.join() !== ref.shape.join()) {
            throw new ParityError(`output '${comparisons[o]!.name}': onnxruntime gave shape [${got.dims}], tfjs [${ref.shape}] for inputs ${inputs.map((i) => `[${i.shape}]`).join(', ')}`);
          }
          comparisons[o]!.add(ref.data, got.data, ref.shape, s, start);
        });
        batch ??= Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_ELEMENTS / (elements(inputs) + elements(expected)))));
        start += n;
      }
      verified.push(size.shapes.map((shape) => [Math.min(batch!, count), ...shape]));
    }
    if (reference !== model && tfjsRunsDespite(deviations)) {
      const off = tfjsDeviation(model, reference, source.batch(sizes[0]!, 0, 1));
      for (const d of deviations) d.tfjsMaxAbsDiff = off;
    }
  } finally {
    await runner.release();
    if (reference !== model) reference.dispose();
  }
  const outputs = comparisons.map((c) => c.report());
  const top1 = outputs.flatMap((o) => (o.top1Agreement === undefined ? [] : [o.top1Agreement]));
  return {
    maxAbsDiff: Math.max(...outputs.map((o) => o.maxAbsDiff)),
    maxRelDiff: Math.max(...outputs.map((o) => o.maxRelDiff)),
    ...(top1.length > 0 ? { top1Agreement: Math.min(...top1) } : {}),
    count: count * sizes.length,
    atol,
    rtol,
    sizes: verified,
    outputs,
    ...(deviations.length > 0 ? { tfjsDeviations: deviations } : {}),
  };
}

const short = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

/** Throws ParityError unless every element is within atol + rtol·|ref| and class scores agree on top-1. */
export function checkParity(report: ParityReport): void {
  const atol = report.atol ?? DEFAULT_ATOL;
  const rtol = report.rtol ?? DEFAULT_RTOL;
  const problems: string[] = [];
  if (report.outputs) {
    for (const o of report.outputs) {
      const w = o.worst;
      if (w.ratio <= 1) continue;
      const size = report.sizes?.[w.size]?.map((s) => `[${s}]`).join(', ') ?? `size ${w.size}`;
      problems.push(`output '${o.name}' |Δ| ${short(Math.abs(w.actual - w.reference))} exceeds ${atol} + ${rtol}·|ref| at [${w.index}] of input ${w.sample} of ${size} (tfjs ${short(w.reference)}, onnxruntime ${short(w.actual)})`);
    }
  } else if (!(report.maxAbsDiff <= atol)) {
    problems.push(`max |Δ| ${report.maxAbsDiff} exceeds ${atol}`);
  }
  if (report.top1Agreement !== undefined && report.top1Agreement < 1) problems.push(`top-1 agreement ${(report.top1Agreement * 100).toFixed(2)}% is below 100%`);
  if (problems.length > 0) throw new ParityError(`parity check failed on ${report.count} inputs: ${problems.join('; ')}`);
}

const exp = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

/** The report for people: one line per output, one per layer checked against the Keras formula. */
export function describeParity(report: ParityReport): string[] {
  const sizes = (report.sizes ?? []).map((size) => size.map((s) => `[${s}]`).join(' + ')).join(' and ');
  const lines = [`${report.count} inputs${sizes ? ` of ${sizes}` : ''}, |Δ| ≤ ${short(report.atol ?? DEFAULT_ATOL)} + ${short(report.rtol ?? DEFAULT_RTOL)}·|ref|`];
  for (const o of report.outputs ?? []) {
    const w = o.worst;
    const top1 = o.top1Agreement === undefined ? '' : `, top-1 agreement ${(o.top1Agreement * 100).toFixed(1)}%`;
    lines.push(`output '${o.name}': max |Δ| ${exp(o.maxAbsDiff)}, max rel ${exp(o.maxRelDiff)}${top1}; nearest the limit (${(w.ratio * 100).toFixed(1)}% of it) [${w.index}] of input ${w.sample} of size ${w.size + 1}: tfjs ${short(w.reference)}, onnxruntime ${short(w.actual)}`);
  }
  for (const d of report.tfjsDeviations ?? []) {
    const off = d.tfjsMaxAbsDiff === undefined ? '' : ` (tfjs' own outputs are off by ${exp(d.tfjsMaxAbsDiff)})`;
    lines.push(`layer '${d.layer}' (${d.className}): ${d.problem}; checked against the Keras formula instead${off}`);
  }
  return lines;
}
