// Folds BatchNormalization into the Conv, ConvTranspose or Gemm that feeds it: W' = W·s, b' = (b − mean)·s +
// beta with s = gamma / sqrt(var + eps) per output channel, computed in float64. Only when the producer's
// output feeds nothing else; a BatchNormalization that cannot fold stays (ONNX runs it as is).
import type { Graph, Node } from '../ir/graph.ts';
import { floatTensor, sizeOf } from '../ir/tensor.ts';

function constantData(node: Node, index: number): Float32Array | undefined {
  const tensor = node.inputs[index]?.constant;
  return tensor?.dtype === 'float32' ? (tensor.data as Float32Array) : undefined;
}

/** Weights and bias that can absorb a per-output-channel scale: constant, and a plain Gemm. */
function foldable(producer: Node | undefined): producer is Node {
  if (!producer) return false;
  if (producer.opType === 'Conv' || producer.opType === 'ConvTranspose') return producer.inputs[1]?.constant !== undefined && (producer.inputs.length < 3 || producer.inputs[2]!.constant !== undefined);
  if (producer.opType === 'Gemm') {
    const plain = ['transA', 'transB', 'alpha', 'beta'].every((a) => producer.attr(a) === undefined);
    return plain && producer.inputs[1]?.constant !== undefined && (producer.inputs.length < 3 || producer.inputs[2]!.constant?.shape.length === 1);
  }
  return false;
}

export function run(graph: Graph): boolean {
  let changed = false;
  for (const bn of [...graph.nodes]) {
    if (bn.opType !== 'BatchNormalization') continue;
    const x = bn.inputs[0]!;
    const producer = x.producer;
    if (!foldable(producer) || x.uses.length !== 1 || graph.outputs.includes(x)) continue;
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => constantData(bn, i));
    if (!gamma || !beta || !mean || !variance) continue;
    const epsilon = bn.attr('epsilon')?.value as number | undefined ?? 1e-5;

    const weight = producer.inputs[1]!.constant!;
    const channels = gamma.length;
    const scale = Float64Array.from(gamma, (g, c) => g / Math.sqrt(variance[c]! + epsilon));
    const w = weight.data as Float32Array;
    const folded = new Float32Array(w.length);
    if (producer.opType === 'Conv') {
      // [out, in/group, ...kernel]: output channel c is row c.
      const per = sizeOf(weight.shape.slice(1));
      for (let c = 0; c < channels; c++) for (let k = 0; k < per; k++) folded[c * per + k] = w[c * per + k]! * scale[c]!;
    } else if (producer.opType === 'ConvTranspose') {
      // [in, out/group, ...kernel]: input channel i belongs to group ⌊i / (in/group)⌋, and its column j
      // makes output channel group·(out/group) + j.
      const [inputs, outPerGroup] = weight.shape as [number, number];
      const kernel = sizeOf(weight.shape.slice(2));
      const inPerGroup = inputs / ((producer.attr('group')?.value as number | undefined) ?? 1);
      for (let i = 0; i < inputs; i++) {
        const first = Math.floor(i / inPerGroup) * outPerGroup;
        for (let j = 0; j < outPerGroup; j++) {
          const at = (i * outPerGroup + j) * kernel;
          for (let k = 0; k < kernel; k++) folded[at + k] = w[at + k]! * scale[first + j]!;
        }
      }
    } else {
      // Gemm [in, out]: output channel c is column c.
      for (let r = 0; r < w.length / channels; r++) for (let c = 0; c < channels; c++) folded[r * channels + c] = w[r * channels + c]! * scale[c]!;
    }
    const oldBias = producer.inputs.length > 2 ? (producer.inputs[2]!.constant!.data as Float32Array) : new Float32Array(channels);
    const bias = Float32Array.from(scale, (s, c) => (oldBias[c]! - mean[c]!) * s + beta[c]!);

    graph.setNodeInput(producer, 1, graph.addConstant(`${producer.inputs[1]!.name}_bn`, floatTensor([...weight.shape], folded)));
    const biasValue = graph.addConstant(`${producer.name}/bias_bn`, floatTensor([channels], bias));
    if (producer.inputs.length > 2) graph.setNodeInput(producer, 2, biasValue);
    else {
      producer.inputs.push(biasValue);
      biasValue.uses.push(producer);
    }
    const y = bn.outputs[0]!;
    graph.replaceAllUses(y, x);
    graph.removeNode(bn);
    changed = true;
  }
  if (changed) graph.pruneConstants();
  return changed;
}
