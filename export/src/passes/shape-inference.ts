// Shape inference: gives every value a shape so the model's value_info is complete, and never declares a
// wrong dimension. Each node's output shape is computed from its inputs by one rule per op type, in
// topological order, with symbolic arithmetic (ir/dims.ts): a dimension that is a function of an input
// symbol is named by that function ('2*input_height'), never by the input's symbol. The shape a handler or
// the walker declared (from the sizes tfjs computed) is merged in: its numbers and its symbols stand, its
// unknown dimensions take the rule's. A dimension neither knows stays unnamed. A value whose op has no rule
// keeps the declared shape, or none (listed by `valuesWithoutShape`).
import { addDim, divDim, exactDivDim, productDims, sumDims, UNKNOWN_DIM } from '../ir/dims.ts';
import type { Dim, Graph, Node, Value } from '../ir/graph.ts';

type Shape = Dim[];
/** The shape of the node's first output, from its input shapes. */
type Rule = (node: Node, inputs: (Shape | undefined)[]) => Shape | undefined;

function ints(node: Node, name: string): number[] | undefined {
  const attr = node.attr(name);
  return attr?.kind === 'ints' ? attr.value : undefined;
}

function int(node: Node, name: string, fallback: number): number {
  const attr = node.attr(name);
  return attr?.kind === 'int' ? attr.value : fallback;
}

/** The values of a constant integer input (shapes, axes, pads), or undefined when it is not a constant. */
function constantInts(value: Value | undefined): number[] | undefined {
  const data = value?.constant?.data;
  if (!data || value!.constant!.dtype === 'float32') return undefined;
  return Array.from(data as BigInt64Array | Int32Array, Number);
}

function constantFloats(value: Value | undefined): number[] | undefined {
  const constant = value?.constant;
  return constant?.dtype === 'float32' ? Array.from(constant.data as Float32Array) : undefined;
}

const axisOf = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Output spatial sizes of Conv/MaxPool/AveragePool: floor((in + pads − effective kernel) / stride) + 1. */
function windowed(node: Node, x: Shape, kernel: readonly Dim[]): Shape {
  const spatial = x.slice(2);
  const strides = ints(node, 'strides') ?? spatial.map(() => 1);
  const dilations = ints(node, 'dilations') ?? spatial.map(() => 1);
  const pads = ints(node, 'pads') ?? spatial.flatMap(() => [0, 0]);
  const autoPad = node.attr('auto_pad');
  const ceilMode = int(node, 'ceil_mode', 0) === 1;
  return spatial.map((size, i) => {
    if (autoPad?.kind === 'string' && autoPad.value.startsWith('SAME')) return divDim(size, strides[i]!, 'ceil');
    const k = kernel[i];
    if (typeof k !== 'number') return UNKNOWN_DIM;
    const effective = (k - 1) * dilations[i]! + 1;
    const span = addDim(size, pads[i]! + pads[i + spatial.length]! - effective);
    return addDim(divDim(span, strides[i]!, ceilMode ? 'ceil' : 'floor'), 1);
  });
}

/** Numpy broadcasting; two different symbols give an unnamed dim (either may be 1). */
function broadcast(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - rank + i]).filter((d): d is Dim => d !== undefined && d !== 1);
    const number = dims.find((d) => typeof d === 'number');
    if (number !== undefined) return number;
    if (dims.length === 0) return 1;
    return dims.every((d) => d === dims[0]) ? dims[0]! : UNKNOWN_DIM;
  });
}

/** ConvTranspose: stride·(in − 1) + output_padding + (k − 1)·dilation + 1 − pads, channels W[1]·group. */
const convTranspose: Rule = (node, [x, w]) => {
  if (!x || !w) return undefined;
  const spatial = x.slice(2);
  const strides = ints(node, 'strides') ?? spatial.map(() => 1);
  const dilations = ints(node, 'dilations') ?? spatial.map(() => 1);
  const pads = ints(node, 'pads') ?? spatial.flatMap(() => [0, 0]);
  const outputPadding = ints(node, 'output_padding') ?? spatial.map(() => 0);
  const channels = productDims([w[1]!, int(node, 'group', 1)]);
  return [x[0]!, channels, ...spatial.map((size, i) => {
    const k = w[i + 2];
    if (typeof k !== 'number') return UNKNOWN_DIM;
    const stretched = productDims([addDim(size, -1), strides[i]!]);
    return addDim(stretched, outputPadding[i]! + (k - 1) * dilations[i]! + 1 - pads[i]! - pads[i + spatial.length]!);
  })];
};

/** Reshape by a constant shape: 0 copies the input's dim (allowzero 0), −1 takes what is left. */
const reshape: Rule = (node, [x]) => {
  const target = constantInts(node.inputs[1]);
  if (!x || !target) return undefined;
  const copied = target.map((d, i) => (d === 0 ? x[i]! : d));
  const inferred = copied.indexOf(-1);
  if (inferred < 0) return copied;
  const rest = x.filter((_, i) => target[i] !== 0);
  const known = target.filter((d, i) => i !== inferred && d !== 0);
  copied[inferred] = exactDivDim(productDims(rest), known.reduce((a, b) => a * b, 1));
  return copied;
};

/** Slice by constant starts/ends/axes/steps; a symbolic dim is sliced exactly for the usual bounds. */
const slice: Rule = (node, [x]) => {
  const [starts, ends] = [constantInts(node.inputs[1]), constantInts(node.inputs[2])];
  if (!x || !starts || !ends) return undefined;
  const axes = constantInts(node.inputs[3]) ?? starts.map((_, i) => i);
  const steps = constantInts(node.inputs[4]) ?? starts.map(() => 1);
  const out = [...x];
  axes.forEach((a, i) => {
    const axis = axisOf(a, x.length);
    const [start, end, step, size] = [starts[i]!, ends[i]!, steps[i]!, x[axis]!];
    if (typeof size === 'number') {
      const clamp = (v: number, low: number, high: number) => Math.min(Math.max(v < 0 ? v + size : v, low), high);
      const [s, e] = step > 0 ? [clamp(start, 0, size), clamp(end, 0, size)] : [clamp(start, 0, size - 1), clamp(end, -1, size - 1)];
      out[axis] = Math.max(0, Math.ceil((e - s) / step));
    } else if (step === 1 && start >= 0 && end >= Number.MAX_SAFE_INTEGER / 2) {
      out[axis] = addDim(size, -start);
    } else if (step === 1 && start >= 0 && end < 0) {
      out[axis] = addDim(size, end - start);
    } else if (step === -1 && start === -1 && end <= -Number.MAX_SAFE_INTEGER / 2) {
      out[axis] = size; // the whole axis reversed
    } else {
      out[axis] = UNKNOWN_DIM;
    }
  });
  return out;
};

/** Resize by constant integer scales (floor(in · scale)) or constant sizes. */
const resize: Rule = (node, [x]) => {
  if (!x) return undefined;
  const sizes = constantInts(node.inputs[3]);
  if (sizes && sizes.length === x.length) return sizes;
  const scales = constantFloats(node.inputs[2]);
  if (!scales || scales.length !== x.length) return undefined;
  return x.map((d, i) => (Number.isInteger(scales[i]) ? productDims([d, scales[i]!]) : typeof d === 'number' ? Math.floor(d * scales[i]!) : UNKNOWN_DIM));
};

/** Reduce over axes from the attribute (before opset 18) or the constant second input. */
const reduce: Rule = (node, [x]) => {
  if (!x) return undefined;
  const axes = (ints(node, 'axes') ?? constantInts(node.inputs[1]) ?? x.map((_, i) => i)).map((a) => axisOf(a, x.length));
  const keep = int(node, 'keepdims', 1) === 1;
  return x.flatMap((d, i) => (axes.includes(i) ? (keep ? [1] : []) : [d]));
};

const sameAsInput: Rule = (_node, [x]) => x;
const elementwise: Rule = (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Shape[]) : undefined);

const rules: Record<string, Rule> = {
  Conv: (node, [x, w]) => x && w && [x[0]!, w[0]!, ...windowed(node, x, w.slice(2))],
  ConvTranspose: convTranspose,
  MaxPool: (node, [x]) => x && [x[0]!, x[1]!, ...windowed(node, x, ints(node, 'kernel_shape')!)],
  AveragePool: (node, [x]) => x && [x[0]!, x[1]!, ...windowed(node, x, ints(node, 'kernel_shape')!)],
  GlobalAveragePool: (_node, [x]) => x && [x[0]!, x[1]!, ...x.slice(2).map(() => 1)],
  GlobalMaxPool: (_node, [x]) => x && [x[0]!, x[1]!, ...x.slice(2).map(() => 1)],
  Flatten: (node, [x]) => {
    if (!x) return undefined;
    const axis = axisOf(int(node, 'axis', 1), x.length);
    return [productDims(x.slice(0, axis)), productDims(x.slice(axis))];
  },
  Gemm: (node, [a, b]) => a && b && [int(node, 'transA', 0) ? a[1]! : a[0]!, int(node, 'transB', 0) ? b[0]! : b[1]!],
  MatMul: (_node, [a, b]) => a && b && [...broadcast([a.slice(0, -2), b.slice(0, -2)]), a[a.length - 2]!, b[b.length - 1]!],
  Concat: (node, shapes) => {
    if (shapes.some((s) => !s)) return undefined;
    const first = shapes[0]!;
    const axis = axisOf(int(node, 'axis', 0), first.length);
    return first.map((d, i) => (i === axis ? sumDims(shapes.map((s) => s![i]!)) : d));
  },
  Transpose: (node, [x]) => x && (ints(node, 'perm') ?? x.map((_, i) => x.length - 1 - i)).map((p) => x[p]!),
  Gather: (node, [x, indices]) => {
    if (!x || !indices) return undefined;
    const axis = axisOf(int(node, 'axis', 0), x.length);
    return [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];
  },
  Reshape: reshape,
  Slice: slice,
  Resize: resize,
  Pad: (node, [x]) => {
    const pads = constantInts(node.inputs[1]);
    return x && pads && pads.length === 2 * x.length ? x.map((d, i) => addDim(d, pads[i]! + pads[i + x.length]!)) : undefined;
  },
  Tile: (node, [x]) => {
    const repeats = constantInts(node.inputs[1]);
    return x && repeats ? x.map((d, i) => productDims([d, repeats[i]!])) : undefined;
  },
  Unsqueeze: (node, [x]) => {
    const axes = ints(node, 'axes') ?? constantInts(node.inputs[1]);
    if (!x || !axes) return undefined;
    const rank = x.length + axes.length;
    const at = new Set(axes.map((a) => axisOf(a, rank)));
    const rest = [...x];
    return Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!));
  },
  Squeeze: (node, [x]) => {
    const axes = ints(node, 'axes') ?? constantInts(node.inputs[1]);
    if (!x) return undefined;
    const at = axes ? new Set(axes.map((a) => axisOf(a, x.length))) : new Set(x.flatMap((d, i) => (d === 1 ? [i] : [])));
    return x.filter((_, i) => !at.has(i));
  },
  DepthToSpace: (node, [x]) => {
    const b = int(node, 'blocksize', 1);
    return x && [x[0]!, exactDivDim(x[1]!, b * b), ...x.slice(2).map((d) => productDims([d, b]))];
  },
  SpaceToDepth: (node, [x]) => {
    const b = int(node, 'blocksize', 1);
    return x && [x[0]!, productDims([x[1]!, b * b]), ...x.slice(2).map((d) => exactDivDim(d, b))];
  },
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceSum: reduce,
  // Recurrent nodes, time-major: Y [T, directions, N, hidden] (the states' shapes come from the handler).
  RNN: rnn,
  LSTM: rnn,
  GRU: rnn,
  ...Object.fromEntries(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mean', 'Sum', 'PRelu', 'Where', 'Equal', 'Greater', 'Less'].map((op) => [op, elementwise])),
  ...Object.fromEntries([
    'Identity', 'Dropout', 'Cast', 'Relu', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax', 'Clip', 'BatchNormalization', 'LayerNormalization',
    'LeakyRelu', 'Elu', 'Selu', 'ThresholdedRelu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign', 'Mish', 'Gelu', 'Erf', 'Exp', 'Log',
    'QuantizeLinear', 'DequantizeLinear', 'Sqrt', 'Neg', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Not',
  ].map((op) => [op, sameAsInput])),
};

function rnn(node: Node, [x]: (Shape | undefined)[]): Shape | undefined {
  const direction = node.attr('direction');
  const directions = direction?.kind === 'string' && direction.value === 'bidirectional' ? 2 : 1;
  return x && [x[0]!, directions, x[1]!, int(node, 'hidden_size', 0) || UNKNOWN_DIM];
}

/** The declared shape's numbers and symbols, with its unknown dims taken from the inferred shape. */
function merge(declared: Shape | undefined, inferred: Shape | undefined): Shape | undefined {
  if (!declared || !inferred || declared.length !== inferred.length) return declared ?? inferred;
  return declared.map((d, i) => (d === UNKNOWN_DIM ? inferred[i]! : d));
}

export function run(graph: Graph): boolean {
  let changed = false;
  for (const node of graph.nodes) {
    const output = node.outputs[0]!;
    const rule = Object.hasOwn(rules, node.opType) ? rules[node.opType] : undefined;
    const shape = merge(output.shape, rule?.(node, node.inputs.map((v) => v.shape)));
    if (shape && (!output.shape || shape.some((d, i) => d !== output.shape![i]))) {
      output.shape = shape;
      changed = true;
    }
  }
  return changed;
}

/** Values still without a shape after inference (the rule table needs an entry for their op). */
export function valuesWithoutShape(graph: Graph): Value[] {
  return [...graph.inputs, ...graph.nodes.flatMap((n) => n.outputs)].filter((v) => v.shape === undefined);
}
