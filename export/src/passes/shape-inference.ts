// Shape inference: gives every value a shape so the model's value_info is complete. Layer outputs already
// carry the shapes tfjs computed; this fills the values created inside handlers and by other passes, from
// one rule per op type. A value whose op has no rule keeps no shape (listed by `valuesWithoutShape`).
import type { Dim, Graph, Node, Value } from '../ir/graph.ts';

type Rule = (node: Node, inputs: (Dim[] | undefined)[]) => Dim[] | undefined;

function ints(node: Node, name: string): number[] | undefined {
  const attr = node.attr(name);
  return attr?.kind === 'ints' ? attr.value : undefined;
}

function int(node: Node, name: string, fallback: number): number {
  const attr = node.attr(name);
  return attr?.kind === 'int' ? attr.value : fallback;
}

function product(dims: readonly Dim[]): Dim {
  return dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a * b, 1) : dims.join('*');
}

/** Output spatial sizes of Conv/MaxPool/AveragePool (floor mode), kernel from attribute or weight. */
function windowed(node: Node, x: Dim[], kernel: readonly number[]): Dim[] {
  const spatial = x.slice(2);
  const strides = ints(node, 'strides') ?? spatial.map(() => 1);
  const dilations = ints(node, 'dilations') ?? spatial.map(() => 1);
  const pads = ints(node, 'pads') ?? spatial.flatMap(() => [0, 0]);
  const autoPad = node.attr('auto_pad');
  return spatial.map((size, i) => {
    if (typeof size !== 'number') return `${size}_out`;
    if (autoPad?.kind === 'string' && autoPad.value.startsWith('SAME')) return Math.ceil(size / strides[i]!);
    const effective = (kernel[i]! - 1) * dilations[i]! + 1;
    return Math.floor((size + pads[i]! + pads[i + spatial.length]! - effective) / strides[i]!) + 1;
  });
}

function broadcast(shapes: Dim[][]): Dim[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const dims = shapes.map((s) => s[s.length - rank + i]).filter((d): d is Dim => d !== undefined && d !== 1);
    return dims[0] ?? 1;
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
  const channels = typeof w[1] === 'number' ? w[1] * int(node, 'group', 1) : w[1]!;
  return [x[0]!, channels, ...spatial.map((size, i) => (typeof size !== 'number'
    ? `${size}_out`
    : strides[i]! * (size - 1) + outputPadding[i]! + ((w[i + 2] as number) - 1) * dilations[i]! + 1 - pads[i]! - pads[i + spatial.length]!))];
};

const sameAsInput: Rule = (_node, [x]) => x;

const rules: Record<string, Rule> = {
  Conv: (node, [x, w]) => x && w && [x[0]!, w[0]!, ...windowed(node, x, w.slice(2) as number[])],
  ConvTranspose: convTranspose,
  MaxPool: (node, [x]) => x && [x[0]!, x[1]!, ...windowed(node, x, ints(node, 'kernel_shape')!)],
  AveragePool: (node, [x]) => x && [x[0]!, x[1]!, ...windowed(node, x, ints(node, 'kernel_shape')!)],
  GlobalAveragePool: (_node, [x]) => x && [x[0]!, x[1]!, ...x.slice(2).map(() => 1)],
  GlobalMaxPool: (_node, [x]) => x && [x[0]!, x[1]!, ...x.slice(2).map(() => 1)],
  Flatten: (node, [x]) => {
    if (!x) return undefined;
    const axis = int(node, 'axis', 1);
    return [product(x.slice(0, axis)), product(x.slice(axis))];
  },
  Gemm: (node, [a, b]) => a && b && [int(node, 'transA', 0) ? a[1]! : a[0]!, int(node, 'transB', 0) ? b[0]! : b[1]!],
  MatMul: (_node, [a, b]) => a && b && [...broadcast([a.slice(0, -2), b.slice(0, -2)]), a[a.length - 2]!, b[b.length - 1]!],
  Concat: (node, shapes) => {
    if (shapes.some((s) => !s)) return undefined;
    const first = shapes[0]!;
    const axis = (int(node, 'axis', 0) + first.length) % first.length;
    return first.map((d, i) => (i === axis ? sumDims(shapes.map((s) => s![i]!)) : d));
  },
  Transpose: (node, [x]) => x && (ints(node, 'perm') ?? x.map((_, i) => x.length - 1 - i)).map((p) => x[p]!),
  Gather: (node, [x, indices]) => {
    if (!x || !indices) return undefined;
    const axis = (int(node, 'axis', 0) + x.length) % x.length;
    return [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];
  },
  Add: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Sub: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Mul: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Div: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Max: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Min: (_node, shapes) => (shapes.every(Boolean) ? broadcast(shapes as Dim[][]) : undefined),
  Identity: sameAsInput,
  Relu: sameAsInput,
  Sigmoid: sameAsInput,
  Tanh: sameAsInput,
  Softmax: sameAsInput,
  Clip: sameAsInput,
  BatchNormalization: sameAsInput,
  QuantizeLinear: sameAsInput,
  DequantizeLinear: sameAsInput,
  Cast: sameAsInput,
};

function sumDims(dims: Dim[]): Dim {
  return dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a + b, 0) : dims.join('+');
}

export function run(graph: Graph): boolean {
  let changed = false;
  for (const node of graph.nodes) {
    if (node.outputs.every((v) => v.shape)) continue;
    const rule = rules[node.opType];
    const shape = rule?.(node, node.inputs.map((v) => v.shape));
    if (shape && node.outputs[0]!.shape === undefined) {
      node.outputs[0]!.shape = shape;
      changed = true;
    }
  }
  return changed;
}

/** Values still without a shape after inference (the rule table needs an entry for their op). */
export function valuesWithoutShape(graph: Graph): Value[] {
  return [...graph.inputs, ...graph.nodes.flatMap((n) => n.outputs)].filter((v) => v.shape === undefined);
}
