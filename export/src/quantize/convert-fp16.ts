// The fp16 pass: float32 weights and activations become float16, except in the ops of FLOAT32_OPS, and the
// graph's inputs and outputs stay float32 (onnxconverter-common's keep_io_types behaviour): a Cast to float16
// follows each float input, a Cast to float32 comes before each float output, and Casts go wherever a kept op
// meets converted ones. Weights beyond float16's range are clamped to ±65504 and reported by name.
import type { Graph, Node, Value } from '../ir/graph.ts';
import { toFloat16Array } from './arithmetic.ts';

/**
 * Ops kept in float32, and why. Accuracy: sums over many terms and exponentials lose precision or overflow in
 * float16's 10-bit mantissa and ±65504 range. Types: some inputs or outputs are float32 by definition or by
 * attribute, whatever the data's type.
 */
export const FLOAT32_OPS: Readonly<Record<string, string>> = {
  Softmax: 'exponentials and their normalising sum overflow or round away small probabilities',
  LogSoftmax: 'same as Softmax',
  ReduceMean: 'long sums round at every step', ReduceSum: 'long sums round at every step',
  ReduceSumSquare: 'squares overflow and long sums round', ReduceL1: 'long sums round at every step',
  ReduceL2: 'squares overflow and long sums round', ReduceLogSum: 'long sums round at every step',
  ReduceLogSumExp: 'exponentials overflow', ReduceProd: 'products overflow or underflow',
  CumSum: 'running sums round at every step', Range: 'long arithmetic sequences drift',
  BatchNormalization: 'variances and their reciprocal square roots lose precision',
  LayerNormalization: 'mean and variance over a row are long sums',
  InstanceNormalization: 'mean and variance over a plane are long sums',
  GroupNormalization: 'mean and variance over a group are long sums',
  MeanVarianceNormalization: 'mean and variance are long sums', LpNormalization: 'norms are long sums of powers',
  Resize: "its 'scales' input is float32 by definition", Upsample: "its 'scales' input is float32 by definition",
  Cast: "its output type is its 'to' attribute", Constant: 'its output type is its tensor attribute',
  ConstantOfShape: 'its output type is its tensor attribute', EyeLike: "its output type is its 'dtype' attribute",
  RandomNormal: "its output type is its 'dtype' attribute", RandomUniform: "its output type is its 'dtype' attribute",
  RandomNormalLike: "its output type is its 'dtype' attribute", RandomUniformLike: "its output type is its 'dtype' attribute",
};

const TO_FLOAT = 1;
const TO_FLOAT16 = 10;

export interface Fp16Report {
  /** Names of the nodes kept in float32. */
  keptFloat32: string[];
  /** One line per weight tensor with values beyond float16's range. */
  warnings: string[];
}

/** `keep`: nodes kept in float32 besides the block list's (the first or last layer, when asked). */
export function convertToFp16(graph: Graph, keep: ReadonlySet<Node> = new Set()): Fp16Report {
  const halfOf = new Map<Value, Value>();
  const floatOf = new Map<Value, Value>();
  const report: Fp16Report = { keptFloat32: [], warnings: [] };
  const cast = (value: Value, to: number): Value => {
    const node = graph.addNode('Cast', [value], { to }, { name: `${value.name}_to_${to === TO_FLOAT ? 'float32' : 'float16'}`, dtype: to === TO_FLOAT ? 'float32' : 'float16' });
    node.outputs[0]!.shape = value.shape && [...value.shape];
    return node.outputs[0]!;
  };
  const half = (value: Value): Value => {
    let converted = halfOf.get(value);
    if (converted) return converted;
    if (value.constant) {
      const { bits, clamped } = toFloat16Array(value.constant.data as Float32Array);
      if (clamped > 0) report.warnings.push(`fp16: ${clamped} value${clamped === 1 ? '' : 's'} of tensor '${value.name}' beyond ±65504 clamped to ±65504`);
      converted = graph.addConstant(`${value.name}_fp16`, { dtype: 'float16', shape: [...value.constant.shape], data: bits });
    } else {
      converted = cast(value, TO_FLOAT16);
    }
    halfOf.set(value, converted);
    return converted;
  };
  const float = (value: Value): Value => {
    let converted = floatOf.get(value);
    if (!converted) floatOf.set(value, (converted = cast(value, TO_FLOAT)));
    return converted;
  };
  const rewire = (node: Node, pick: (input: Value) => Value | undefined) => {
    node.inputs.forEach((input, index) => {
      const replacement = input.name === '' ? undefined : pick(input);
      if (replacement) graph.setNodeInput(node, index, replacement);
    });
  };

  for (const node of [...graph.nodes]) {
    if (FLOAT32_OPS[node.opType] !== undefined || keep.has(node)) {
      if (node.inputs.some((v) => v.dtype === 'float16') || node.outputs.some((v) => v.dtype === 'float32')) report.keptFloat32.push(node.name);
      rewire(node, (input) => (input.dtype === 'float16' && !input.constant ? float(input) : undefined));
      continue;
    }
    rewire(node, (input) => (input.dtype === 'float32' ? half(input) : undefined));
    for (const output of node.outputs) if (output.dtype === 'float32') output.dtype = 'float16';
  }
  for (const output of [...graph.outputs]) if (output.dtype === 'float16') graph.replaceGraphOutput(output, float(output));
  graph.pruneConstants();
  graph.sortNodes();
  return report;
}
