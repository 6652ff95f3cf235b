// Merges constants with the same type, shape and bytes (a shared layer's weights, repeated shape tensors).
// Constants are grouped by type and shape first, so only same-shaped tensors are compared byte by byte.
import type { Graph, Value } from '../ir/graph.ts';

function sameBytes(a: Value, b: Value): boolean {
  const x = a.constant!.data;
  const y = b.constant!.data;
  if (x.byteLength !== y.byteLength) return false;
  const u = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const v = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  if (u === v) return true;
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}

export function run(graph: Graph): boolean {
  const groups = new Map<string, Value[]>();
  let changed = false;
  for (const value of graph.constants) {
    const key = `${value.dtype}[${value.constant!.shape.join(',')}]`;
    const group = groups.get(key) ?? [];
    const twin = group.find((kept) => sameBytes(kept, value));
    if (twin) {
      graph.replaceAllUses(value, twin);
      changed = true;
    } else {
      group.push(value);
      groups.set(key, group);
    }
  }
  if (changed) graph.pruneConstants();
  return changed;
}
