// Which parts of a float graph become int8, decided before anything changes (calibration needs the answer to
// know which tensors to observe). The rule follows what onnxruntime fuses into integer kernels when Q/DQ pairs
// surround an op:
//   weighted       Conv, Gemm, MatMul with constant float32 weights → QLinearConv, QGemm, QLinearMatMul;
//   requantizing   Add, Concat, GlobalAveragePool, AveragePool → QLinearAdd, QLinearConcat, … with their own
//                  output scale; Relu (its Q saturating at zero makes it redundant);
//   pass-through   MaxPool, Flatten, Reshape, Squeeze, Unsqueeze, Transpose: run on the 8-bit data as is, so
//                  their output keeps their input's scale and zero point.
// A weighted op is quantized unless the caller keeps it in float (the first or last one); a requantizing or
// pass-through op only when every float input comes from a quantized op, so that no op is quantized on its own
// between float neighbours. A Relu right after a quantized weighted/requantizing op that feeds nothing else
// is folded away: that op's output is quantized with the Relu's range, zero point 0, and saturation does the
// Relu (what onnxruntime's quantizer does too).
import type { Graph, Node, Value } from '../ir/graph.ts';

export const WEIGHTED_OPS = ['Conv', 'Gemm', 'MatMul'] as const;
export const REQUANTIZING_OPS = ['Add', 'Concat', 'GlobalAveragePool', 'AveragePool', 'Relu'] as const;
export const PASS_THROUGH_OPS = ['MaxPool', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose'] as const;
/** Ops that mean a model is quantized already. */
export const QUANTIZED_OPS = ['QuantizeLinear', 'DequantizeLinear', 'DynamicQuantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger'] as const;

export interface KeepFloat {
  first: boolean;
  last: boolean;
}

export interface WeightedNode {
  node: Node;
  /** Axis of the weight tensor that indexes output channels (per-channel scales run along it). */
  channelAxis: number;
  /** The float value the node reads (before any Relu folding), and the axis of its input channels. */
  input: Value;
  /** Undefined for MatMul, whose missing bias cannot take a correction. */
  inputChannelAxis: number | undefined;
}

export interface Int8Plan {
  weighted: WeightedNode[];
  /** Relus folded into the op before them. */
  foldedRelus: Node[];
  /** Activation tensors that get a QuantizeLinear → DequantizeLinear pair, in graph order. */
  tensors: Value[];
  /** For each such tensor, the tensor whose calibrated range it takes (a folded Relu's output, itself otherwise). */
  rangeOf: Map<Value, Value>;
  /** Pass-through outputs take their input's parameters: output → input. */
  sameParamsAs: Map<Value, Value>;
  /** Weighted nodes left in float, by name. */
  keptFloat: string[];
}

const isFloatActivation = (v: Value) => v.dtype === 'float32' && v.constant === undefined && v.name !== '';

/** The output-channel axis of a weighted node's weight, or undefined when the node cannot be quantized. */
function weightAxis(node: Node): number | undefined {
  const weight = node.inputs[1]?.constant;
  if (weight?.dtype !== 'float32' || !isFloatActivation(node.inputs[0]!)) return undefined;
  const bias = node.inputs[2];
  const biasOk = (channels: number) => bias === undefined || (bias.constant?.dtype === 'float32' && bias.constant.shape.length === 1 && bias.constant.shape[0] === channels);
  if (node.opType === 'Conv') return biasOk(weight.shape[0]!) ? 0 : undefined;
  if (weight.shape.length !== 2) return undefined;
  if (node.opType === 'MatMul') return 1;
  const transB = node.attr('transB')?.value === 1;
  const beta = node.attr('beta')?.value ?? 1;
  // The integer Gemm adds an int32 bias at the accumulator's scale: a bias scaled by beta ≠ 1 does not fit.
  if (bias !== undefined && beta !== 1) return undefined;
  return biasOk(weight.shape[transB ? 0 : 1]!) ? (transB ? 0 : 1) : undefined;
}

export function planInt8(graph: Graph, keepFloat: KeepFloat): Int8Plan {
  const candidates = graph.nodes.filter((n) => (WEIGHTED_OPS as readonly string[]).includes(n.opType) && weightAxis(n) !== undefined);
  const kept = new Set<Node>();
  if (keepFloat.first && candidates.length > 0) kept.add(candidates[0]!);
  if (keepFloat.last && candidates.length > 0) kept.add(candidates[candidates.length - 1]!);

  const weighted: WeightedNode[] = [];
  const between: Node[] = [];
  const foldedRelus: Node[] = [];
  /** Nodes whose output is quantized (a folded Relu counts: its output is its producer's, quantized). */
  const quantized = new Set<Node>();
  const passThrough = new Set<Node>();
  const eligible = new Set(candidates);
  for (const node of graph.nodes) {
    if (eligible.has(node) && !kept.has(node)) {
      const inputChannelAxis = node.opType === 'Conv' ? 1 : node.opType === 'Gemm' ? (node.attr('transA')?.value === 1 ? 0 : 1) : undefined;
      weighted.push({ node, channelAxis: weightAxis(node)!, input: node.inputs[0]!, inputChannelAxis });
      quantized.add(node);
      continue;
    }
    const floatInputs = node.inputs.filter((v) => v.dtype === 'float32' && v.name !== '');
    const fedByQuantized = floatInputs.length > 0 && floatInputs.every((v) => v.constant === undefined && v.producer !== undefined && quantized.has(v.producer));
    if (!fedByQuantized) continue;
    const x = node.inputs[0]!;
    if (node.opType === 'Relu' && !passThrough.has(x.producer!) && x.uses.length === 1 && !graph.outputs.includes(x) && !graph.outputs.includes(node.outputs[0]!)) {
      foldedRelus.push(node);
      quantized.add(node);
    } else if ((REQUANTIZING_OPS as readonly string[]).includes(node.opType) || (PASS_THROUGH_OPS as readonly string[]).includes(node.opType)) {
      between.push(node);
      quantized.add(node);
      if ((PASS_THROUGH_OPS as readonly string[]).includes(node.opType)) passThrough.add(node);
    }
  }

  // The tensors around every quantized node; a folded Relu's output is its input's range, not a tensor.
  const folded = new Map(foldedRelus.map((relu) => [relu.outputs[0]!, relu]));
  const resolve = (v: Value): Value => {
    const relu = folded.get(v);
    return relu ? resolve(relu.inputs[0]!) : v;
  };
  const tensors = new Set<Value>();
  for (const { node } of weighted) {
    tensors.add(resolve(node.inputs[0]!));
    tensors.add(node.outputs[0]!);
  }
  for (const node of between) {
    for (const v of node.inputs) if (isFloatActivation(v)) tensors.add(resolve(v));
    tensors.add(node.outputs[0]!);
  }
  // A tensor nothing reads (a graph output only) needs no pair: its DequantizeLinear would feed nobody.
  for (const v of tensors) if (v.uses.length === 0) tensors.delete(v);
  // Nor the output of a Gemm/MatMul read by float ops only (the classifier's logits before a Softmax):
  // onnxruntime's integer Gemm and MatMul can give float directly (QGemm, MatMulIntegerToFloat), and an
  // 8-bit step on the logits would only blur close classes. A Conv keeps its pair: its fusion needs it.
  const foldedSet = new Set(foldedRelus);
  const readByQuantized = (v: Value): boolean => v.uses.some((u) => (foldedSet.has(u) ? readByQuantized(u.outputs[0]!) : quantized.has(u)));
  for (const { node } of weighted) {
    if (node.opType !== 'Conv' && !readByQuantized(node.outputs[0]!)) tensors.delete(node.outputs[0]!);
  }
  const rangeOf = new Map<Value, Value>();
  for (const v of tensors) rangeOf.set(v, v);
  for (const relu of foldedRelus) {
    // The folded Relu's output range belongs to the tensor before it (a chain of Relus ends at the last).
    const target = resolve(relu.inputs[0]!);
    rangeOf.set(target, relu.outputs[0]!);
  }
  const sameParamsAs = new Map<Value, Value>();
  for (const node of between) if (passThrough.has(node)) sameParamsAs.set(node.outputs[0]!, resolve(node.inputs[0]!));
  const order = new Map([...graph.inputs, ...graph.nodes.flatMap((n) => n.outputs)].map((v, i) => [v, i]));
  return {
    weighted,
    foldedRelus,
    tensors: [...tensors].sort((a, b) => order.get(a)! - order.get(b)!),
    rangeOf,
    sameParamsAs,
    keptFloat: [...kept].map((n) => n.name),
  };
}

/** The tensors calibration must observe: every quantized tensor's range source, except pass-through outputs. */
export function tensorsToCalibrate(plan: Int8Plan): Value[] {
  return plan.tensors.filter((v) => !plan.sameParamsAs.has(v)).map((v) => plan.rangeOf.get(v)!);
}
