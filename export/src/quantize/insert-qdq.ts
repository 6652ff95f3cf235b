// The int8 pass: rewrites a float graph into QDQ form from a plan (int8-plan.ts) and calibrated ranges.
//   - each planned activation tensor t gets t → QuantizeLinear(uint8) → DequantizeLinear, and every consumer
//     of t reads the dequantized value (graph outputs keep t itself);
//   - each quantized weight becomes an int8 initializer (symmetric, per output channel or per tensor) read
//     through a DequantizeLinear; each bias an int32 initializer at input scale × weight scale;
//   - folded Relus disappear (their input takes their uses and their range).
// onnxruntime then fuses DequantizeLinear → op → QuantizeLinear groups into its integer kernels; any other
// runtime can still run the file as float ops.
import type { Graph, Node, Value } from '../ir/graph.ts';
import { sizeOf, type ConstTensor } from '../ir/tensor.ts';
import { activationParams, quantizeBias, quantizeWeights, type QuantizedWeights, type QuantParams } from './arithmetic.ts';
import { correctedBias } from './bias-correction.ts';
import type { Int8Plan } from './int8-plan.ts';
import type { Range } from './ranges.ts';

export interface QdqOptions {
  /** One weight scale per output channel (else one per tensor). */
  perChannel: boolean;
  /** Per-channel means of weighted nodes' inputs: their biases absorb the mean rounding error (bias-correction.ts). */
  inputMeans?: ReadonlyMap<Node, Float64Array>;
}

const scalar = <T extends ConstTensor['data']>(dtype: ConstTensor['dtype'], data: T): ConstTensor => ({ dtype, shape: [], data });

/** Scale and zero point of every planned tensor: from its calibrated range, or its input's for pass-through ops. */
export function activationParamsFor(plan: Int8Plan, ranges: ReadonlyMap<Value, Range>): Map<Value, QuantParams> {
  const params = new Map<Value, QuantParams>();
  for (const tensor of plan.tensors) {
    const source = plan.sameParamsAs.get(tensor);
    if (source) {
      const inherited = params.get(source);
      if (!inherited) throw new Error(`tensor '${tensor.name}' takes the parameters of '${source.name}', which has none yet`);
      params.set(tensor, inherited);
      continue;
    }
    const range = ranges.get(plan.rangeOf.get(tensor)!);
    if (!range) throw new Error(`no calibrated range for tensor '${tensor.name}'`);
    params.set(tensor, activationParams(range.min, range.max));
  }
  return params;
}

function quantizeActivation(graph: Graph, tensor: Value, params: QuantParams): void {
  const scale = graph.addConstant(`${tensor.name}_scale`, scalar('float32', Float32Array.of(params.scale)));
  const zeroPoint = graph.addConstant(`${tensor.name}_zero_point`, scalar('uint8', Uint8Array.of(params.zeroPoint)));
  const consumers = [...tensor.uses];
  const q = graph.addNode('QuantizeLinear', [tensor, scale, zeroPoint], {}, { name: `${tensor.name}_QuantizeLinear`, dtype: 'uint8' });
  const dq = graph.addNode('DequantizeLinear', [q.outputs[0]!, scale, zeroPoint], {}, { name: `${tensor.name}_DequantizeLinear`, dtype: 'float32' });
  q.outputs[0]!.shape = tensor.shape && [...tensor.shape];
  dq.outputs[0]!.shape = tensor.shape && [...tensor.shape];
  for (const consumer of new Set(consumers)) {
    consumer.inputs.forEach((input, index) => {
      if (input === tensor) graph.setNodeInput(consumer, index, dq.outputs[0]!);
    });
  }
}

/** A DequantizeLinear of an integer initializer, standing for a float constant. */
function dequantized(graph: Graph, name: string, quantized: ConstTensor, scales: Float32Array, zeroPoint: ConstTensor, axis: number): Value {
  const perChannel = scales.length > 1 || zeroPoint.shape.length === 1;
  const value = graph.addConstant(`${name}_quantized`, quantized);
  const scale = graph.addConstant(`${name}_scale`, perChannel ? { dtype: 'float32', shape: [scales.length], data: scales } : scalar('float32', scales));
  const zp = graph.addConstant(`${name}_zero_point`, zeroPoint);
  const dq = graph.addNode('DequantizeLinear', [value, scale, zp], perChannel ? { axis } : {}, { name: `${name}_DequantizeLinear`, dtype: 'float32' });
  dq.outputs[0]!.shape = [...quantized.shape];
  return dq.outputs[0]!;
}

/** The bias with the weights' mean rounding error taken out; the node's own bias when there are no means. */
function biasFor(node: Node, w: ConstTensor, quantized: QuantizedWeights, channelAxis: number, means: Float64Array | undefined): { name: string; data: Float32Array } | undefined {
  const bias = node.inputs[2];
  const data = bias?.constant!.data as Float32Array | undefined;
  const name = bias?.name ?? `${node.name}/bias`;
  if (!means) return data && { name, data };
  const { scales } = quantized;
  const inner = sizeOf(w.shape.slice(channelAxis + 1));
  const rounded = Float32Array.from(quantized.data, (q, i) => q * scales[scales.length === 1 ? 0 : Math.floor(i / inner) % scales.length]!);
  const kind = node.opType === 'Conv' ? { opType: 'Conv' as const, group: (node.attr('group')?.value as number | undefined) ?? 1 } : { opType: 'Gemm' as const, transB: node.attr('transB')?.value === 1 };
  return { name, data: correctedBias(kind, w.data as Float32Array, rounded, w.shape, data, means) };
}

function quantizeWeighted(graph: Graph, node: Node, channelAxis: number, inputScale: number, options: QdqOptions): void {
  const weight = node.inputs[1]!;
  const w = weight.constant!;
  const quantized = quantizeWeights(w.data as Float32Array, w.shape, options.perChannel ? channelAxis : undefined);
  const { data, scales } = quantized;
  const channels = options.perChannel ? scales.length : 1;
  const weightZeroPoint: ConstTensor = options.perChannel ? { dtype: 'int8', shape: [channels], data: new Int8Array(channels) } : scalar('int8', new Int8Array(1));
  graph.setNodeInput(node, 1, dequantized(graph, weight.name, { dtype: 'int8', shape: [...w.shape], data }, scales, weightZeroPoint, channelAxis));
  const bias = biasFor(node, w, quantized, channelAxis, options.inputMeans?.get(node));
  if (!bias) return;
  const quantizedBias = quantizeBias(bias.data, inputScale, scales);
  const biasZeroPoint: ConstTensor = { dtype: 'int32', shape: [bias.data.length], data: new Int32Array(bias.data.length) };
  const value = dequantized(graph, bias.name, { dtype: 'int32', shape: [bias.data.length], data: quantizedBias.data }, quantizedBias.scales, biasZeroPoint, 0);
  if (node.inputs.length > 2) graph.setNodeInput(node, 2, value);
  else {
    // A Conv or Gemm without a bias gets one to carry the correction.
    node.inputs.push(value);
    value.uses.push(node);
  }
}

/** Applies the plan; returns whether the graph changed. */
export function insertQdq(graph: Graph, plan: Int8Plan, params: ReadonlyMap<Value, QuantParams>, options: QdqOptions): boolean {
  for (const relu of plan.foldedRelus) {
    graph.replaceAllUses(relu.outputs[0]!, relu.inputs[0]!);
    graph.removeNode(relu);
  }
  for (const { node, channelAxis } of plan.weighted) {
    // The bias is quantized at the scale of the activation the node reads (its input before Q/DQ insertion).
    quantizeWeighted(graph, node, channelAxis, params.get(node.inputs[0]!)!.scale, options);
  }
  for (const tensor of plan.tensors) quantizeActivation(graph, tensor, params.get(tensor)!);
  graph.pruneConstants();
  graph.sortNodes();
  return plan.tensors.length > 0 || plan.weighted.length > 0;
}
