// Dead-code elimination: nodes none of whose outputs reach a graph output, then unused constants.
import type { Graph } from '../ir/graph.ts';

export function run(graph: Graph): boolean {
  let changed = false;
  // Reverse topological order: removing a consumer can make its producers dead in the same sweep.
  for (const node of [...graph.nodes].reverse()) {
    if (node.outputs.every((v) => v.uses.length === 0 && !graph.outputs.includes(v))) {
      graph.removeNode(node);
      changed = true;
    }
  }
  return graph.pruneConstants() || changed;
}
