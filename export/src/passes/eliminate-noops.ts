// Removes nodes that do nothing at inference: Identity (what Dropout-like layers and linear activations
// become) and ONNX Dropout. Uses of the node's output are pointed at its input.
import type { Graph } from '../ir/graph.ts';

const NO_OPS = new Set(['Identity', 'Dropout']);

export function run(graph: Graph): boolean {
  let changed = false;
  for (const node of [...graph.nodes]) {
    if (!NO_OPS.has(node.opType) || node.outputs.length !== 1) continue;
    const [input] = node.inputs;
    const [output] = node.outputs;
    if (!input || !output) continue;
    if (graph.outputs.includes(output)) {
      // The output keeps its name by moving it onto the input, which must be a node's own output.
      if (input.producer === undefined || graph.outputs.includes(input) || input.uses.length > 1) continue;
    }
    graph.replaceAllUses(output, input);
    graph.removeNode(node);
    changed = true;
  }
  return changed;
}
