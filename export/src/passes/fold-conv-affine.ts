// Folds a constant Mul or Add that follows a Conv, when it scales or shifts whole output channels (a
// per-channel or scalar constant), into the Conv's weights and bias: y = conv(x)·s + t  →  W' = W·s[c],
// b' = b·s + t, computed in float64. Graph models carry these where TensorFlow kept a bias apart
// (Conv2D → AddV2) or left a batch norm unfolded (Mul, Add). Only when the Conv output feeds nothing else.
import type { Graph, Node, Value } from '../ir/graph.ts';
import { floatTensor, sizeOf } from '../ir/tensor.ts';

/** The constant as one value per output channel, if it broadcasts onto [N, C, H, W] along C only. */
function perChannel(value: Value, channels: number): Float64Array | undefined {
  const tensor = value.constant;
  if (!tensor || tensor.dtype !== 'float32' || tensor.shape.length > 4) return undefined;
  const aligned = [...new Array<number>(4 - tensor.shape.length).fill(1), ...tensor.shape];
  if (aligned[0] !== 1 || aligned[2] !== 1 || aligned[3] !== 1 || (aligned[1] !== 1 && aligned[1] !== channels)) return undefined;
  const data = tensor.data as Float32Array;
  return Float64Array.from({ length: channels }, (_, c) => data[data.length === 1 ? 0 : c]!);
}

/** The 2-D Conv with constant weights (and bias, if any) that makes `input`, when nothing else reads it. */
function convFeeding(input: Value, graph: Graph): Node | undefined {
  const conv = input.producer;
  if (conv?.opType !== 'Conv' || input.uses.length !== 1 || graph.outputs.includes(input)) return undefined;
  const weight = conv.inputs[1]?.constant;
  if (weight?.dtype !== 'float32' || weight.shape.length !== 4) return undefined;
  if (conv.inputs.length > 2 && conv.inputs[2]!.constant?.dtype !== 'float32') return undefined;
  return conv;
}

export function run(graph: Graph): boolean {
  let changed = false;
  // In graph order, so a Mul then an Add after the same Conv both fold (the Add sees the Conv once the Mul is gone).
  for (const node of [...graph.nodes]) {
    if ((node.opType !== 'Mul' && node.opType !== 'Add') || node.inputs.length !== 2) continue;
    const side = node.inputs.findIndex((v) => v.producer?.opType === 'Conv');
    if (side < 0) continue;
    const convOutput = node.inputs[side]!;
    const conv = convFeeding(convOutput, graph);
    if (!conv) continue;
    const weight = conv.inputs[1]!.constant!;
    const channels = weight.shape[0]!;
    const factor = perChannel(node.inputs[1 - side]!, channels);
    if (!factor) continue;
    const oldBias = conv.inputs.length > 2 ? (conv.inputs[2]!.constant!.data as Float32Array) : new Float32Array(channels);
    if (node.opType === 'Mul') {
      // [out, in/group, kh, kw]: output channel c is row c.
      const per = sizeOf(weight.shape.slice(1));
      const w = weight.data as Float32Array;
      const scaled = Float32Array.from(w, (v, i) => v * factor[Math.floor(i / per)]!);
      graph.setNodeInput(conv, 1, graph.addConstant(`${conv.inputs[1]!.name}_scaled`, floatTensor([...weight.shape], scaled)));
    }
    const bias = Float32Array.from(oldBias, (b, c) => (node.opType === 'Mul' ? b * factor[c]! : b + factor[c]!));
    const biasValue = graph.addConstant(`${conv.name}/bias_${node.opType === 'Mul' ? 'scaled' : 'shifted'}`, floatTensor([channels], bias));
    if (conv.inputs.length > 2) graph.setNodeInput(conv, 2, biasValue);
    else {
      conv.inputs.push(biasValue);
      biasValue.uses.push(conv);
    }
    graph.replaceAllUses(node.outputs[0]!, convOutput);
    graph.removeNode(node);
    changed = true;
  }
  if (changed) graph.pruneConstants();
  return changed;
}
