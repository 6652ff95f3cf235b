// verifyGraphModel: runs a tfjs graph model (tf.loadGraphModel(...).executeAsync) and its ONNX export
// (onnxruntime-node) on the same seeded inputs — floats in a value range, integer inputs as 0..255 pixel
// values — and compares every output element with |Δ| ≤ atol + rtol·|ref|. A model with unknown dims is run
// at two sizes (batch 1 and 2; other unknown dims 64 and 80), so an export specialised to one size fails.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { seededRandom } from '@onnx-edge/core';
import { channelsFirstPerm } from '../frontend/layout.ts';
import { tfjsHandler, type GraphModelSource } from '../graph/load.ts';
import { graphInputs, graphOutputs } from '../graph/walk.ts';
import { transposeTensor } from '../ir/tensor.ts';
import { ParityError } from './parity.ts';

export const DEFAULT_ATOL = 1e-4;
export const DEFAULT_RTOL = 1e-4;

export interface GraphVerifyOptions {
  /** Input sets per input size (default 2). */
  count?: number;
  seed?: number;
  inputLayout?: 'nchw' | 'nhwc';
  /** Range of float inputs (default [0, 1)). */
  range?: [number, number];
  atol?: number;
  rtol?: number;
}

export interface OutputParity {
  name: string;
  /** The output's shape on the last input set. */
  shape: number[];
  maxAbsDiff: number;
  maxRelDiff: number;
  /** The element furthest outside the tolerance (or the largest |Δ| when all pass). */
  worst: { inputSet: number; index: number; expected: number; actual: number };
}

export interface GraphParityReport {
  maxAbsDiff: number;
  maxRelDiff: number;
  /** Input sets compared (over every size). */
  count: number;
  /** The input shapes verified (TF layout), one list per size. */
  inputShapes: number[][][];
  atol: number;
  rtol: number;
  outputs: OutputParity[];
}

type Data = Float32Array | Int32Array | Uint8Array;

interface InputSpec {
  node: string;
  name: string;
  dtype: 'float32' | 'int32' | 'bool' | 'uint8';
  /** TF shape, -1 unknown. */
  shape: number[];
}

function inputSpecs(source: GraphModelSource): InputSpec[] {
  return graphInputs(source.model).map(({ node, name }) => {
    const attrs = source.model.byName.get(node)!.attrs;
    const declared = attrs.type('dtype');
    const dtype = declared === 'DT_UINT8' ? 'uint8' : declared === 'DT_BOOL' ? 'bool' : declared === 'DT_FLOAT' || declared === 'DT_HALF' || declared === 'DT_DOUBLE' ? 'float32' : 'int32';
    return { node, name, dtype, shape: attrs.shape('shape') ?? [] };
  });
}

/** Concrete shapes for a size variant: unknown batch 1 or 2, other unknown dims 64 or 80. */
function concreteShape(shape: number[], variant: number): number[] {
  return shape.map((d, axis) => (d >= 0 ? d : axis === 0 ? variant + 1 : 64 + 16 * variant));
}

function randomData(spec: InputSpec, shape: number[], random: () => number, range: [number, number]): Data {
  const size = shape.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'float32') return Float32Array.from({ length: size }, () => range[0] + (range[1] - range[0]) * random());
  if (spec.dtype === 'bool') return Uint8Array.from({ length: size }, () => (random() < 0.5 ? 1 : 0));
  const pixels = Array.from({ length: size }, () => Math.floor(random() * 256));
  return spec.dtype === 'uint8' ? Uint8Array.from(pixels) : Int32Array.from(pixels);
}

function toOnnxFeed(data: Data, shape: number[], dtype: InputSpec['dtype'], layout: 'nchw' | 'nhwc'): ort.Tensor {
  const laidOut = shape.length === 4 && layout === 'nchw'
    ? transposeTensor({ dtype: dtype === 'float32' ? 'float32' : dtype === 'int32' ? 'int32' : 'uint8', shape, data }, channelsFirstPerm(4))
    : { shape, data };
  return dtype === 'bool'
    ? new ort.Tensor('bool', laidOut.data as Uint8Array, laidOut.shape)
    : new ort.Tensor(laidOut.data as Float32Array | Int32Array | Uint8Array, laidOut.shape);
}

function numbers(data: unknown): ArrayLike<number> {
  if (data instanceof BigInt64Array) return Float64Array.from(data, Number);
  return data as ArrayLike<number>;
}

/**
 * Runs `fn` without tfjs' hint that a graph without control flow could use execute() instead of
 * executeAsync(): the reference is executeAsync on purpose (it runs every graph), and the hint would
 * otherwise be printed once per input set.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('This model execution did not contain any nodes with control flow')) return;
    warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

export async function verifyGraphModel(source: GraphModelSource, onnxBytes: Uint8Array, options: GraphVerifyOptions = {}): Promise<GraphParityReport> {
  const atol = options.atol ?? DEFAULT_ATOL;
  const rtol = options.rtol ?? DEFAULT_RTOL;
  const range = options.range ?? [0, 1];
  const layout = options.inputLayout ?? 'nchw';
  const count = options.count ?? 2;
  const specs = inputSpecs(source);
  const outputs = graphOutputs(source.model);
  const variants = specs.some((s) => s.shape.some((d) => d < 0)) ? [0, 1] : [0];
  const random = seededRandom(options.seed ?? 1);
  const model = await tf.loadGraphModel(tfjsHandler(source));
  const session = await ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 2, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const results: OutputParity[] = outputs.map((o) => ({ name: o.name, shape: [], maxAbsDiff: 0, maxRelDiff: 0, worst: { inputSet: 0, index: -1, expected: 0, actual: 0 } }));
  const worstExcess = outputs.map(() => -Infinity);
  const inputShapes: number[][][] = [];
  let inputSet = 0;
  try {
    for (const variant of variants) {
      const shapes = specs.map((s) => concreteShape(s.shape, variant));
      inputShapes.push(shapes);
      for (let k = 0; k < count; k++, inputSet++) {
        const data = specs.map((s, i) => randomData(s, shapes[i]!, random, range));
        const feeds: tf.NamedTensorMap = {};
        specs.forEach((s, i) => { feeds[s.node] = tf.tensor(data[i]!, shapes[i], s.dtype === 'float32' ? 'float32' : s.dtype === 'bool' ? 'bool' : 'int32'); });
        const names = outputs.map((o) => `${o.ref.node}:${o.ref.index}`);
        const produced = await quietly(() => model.executeAsync(feeds, names));
        const expectedTensors = Array.isArray(produced) ? produced : [produced];
        // tfjs-wasm may hold true as 255: a bool is compared as 0/1.
        const expected = await Promise.all(expectedTensors.map(async (t) => ({ data: t.dtype === 'bool' ? Uint8Array.from(await t.data(), (v) => (v ? 1 : 0)) : numbers(await t.data()), shape: t.shape })));
        tf.dispose([...Object.values(feeds), ...expectedTensors]);
        const onnxFeeds: Record<string, ort.Tensor> = {};
        specs.forEach((s, i) => { onnxFeeds[s.name] = toOnnxFeed(data[i]!, shapes[i]!, s.dtype, layout); });
        const actual = await session.run(onnxFeeds);
        outputs.forEach((o, j) => {
          const got = actual[o.name];
          const ref = expected[j]!;
          if (!got) throw new ParityError(`onnxruntime did not return output '${o.name}'`);
          if (got.dims.join(',') !== ref.shape.join(',')) {
            throw new ParityError(`output '${o.name}': onnxruntime's shape [${got.dims}] differs from tfjs' [${ref.shape}] on inputs [${shapes.map((s) => `[${s}]`)}]`);
          }
          const values = numbers(got.data);
          const r = results[j]!;
          r.shape = [...ref.shape];
          for (let i = 0; i < ref.data.length; i++) {
            const e = ref.data[i]!;
            const a = values[i]!;
            const diff = Number.isNaN(e) && Number.isNaN(a) ? 0 : Math.abs(a - e);
            const absDiff = Number.isNaN(diff) ? Infinity : diff;
            r.maxAbsDiff = Math.max(r.maxAbsDiff, absDiff);
            if (Math.abs(e) > 0) r.maxRelDiff = Math.max(r.maxRelDiff, absDiff / Math.abs(e));
            const excess = absDiff - (atol + rtol * Math.abs(e));
            if (excess > worstExcess[j]!) {
              worstExcess[j] = excess;
              r.worst = { inputSet, index: i, expected: e, actual: a };
            }
          }
        });
      }
    }
  } finally {
    await session.release();
    model.dispose();
  }
  return {
    maxAbsDiff: Math.max(0, ...results.map((r) => r.maxAbsDiff)),
    maxRelDiff: Math.max(0, ...results.map((r) => r.maxRelDiff)),
    count: inputSet,
    inputShapes,
    atol,
    rtol,
    outputs: results,
  };
}

/** Throws ParityError naming the first output with an element outside |Δ| ≤ atol + rtol·|ref|. */
export function checkGraphParity(report: GraphParityReport): void {
  for (const output of report.outputs) {
    const { expected, actual, index, inputSet } = output.worst;
    const diff = Math.abs(actual - expected);
    const ok = (Number.isNaN(expected) && Number.isNaN(actual)) || diff <= report.atol + report.rtol * Math.abs(expected);
    if (!ok) {
      throw new ParityError(`parity check failed: output '${output.name}' element ${index} of input set ${inputSet}: tfjs ${expected}, onnxruntime ${actual} (|Δ| ${diff} > ${report.atol} + ${report.rtol}·|ref|)`);
    }
  }
}
