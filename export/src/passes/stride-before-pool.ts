// Moves the stride of 1×1 convolutions onto the MaxPool that feeds them. A stride-1 MaxPool with 'same'
// output size computes a maximum at every position, but a 1×1 Conv with stride s reads only every s-th
// one: MaxPool(stride s) then Conv(stride 1) gives exactly the same numbers (the same windows, no
// arithmetic changed) from s² times fewer maxima. Inception blocks with a stride (branch 4: pool → 1×1
// conv) are this pattern; see bench/NOTES.md for the measured effect.
import type { Attribute, Graph, Node } from '../ir/graph.ts';

function ints(node: Node, name: string): number[] | undefined {
  const attr: Attribute | undefined = node.attr(name);
  return attr?.kind === 'ints' ? attr.value : undefined;
}

function explicitPadding(node: Node): boolean {
  const autoPad = node.attr('auto_pad');
  return autoPad === undefined || (autoPad.kind === 'string' && autoPad.value === 'NOTSET');
}

/** The stride of a 1×1, unpadded, undilated Conv reading `pool`'s output as its data input, or undefined. */
function pointwiseStride(conv: Node, pool: Node, rank: number): number[] | undefined {
  const output = pool.outputs[0]!;
  if (conv.opType !== 'Conv' || conv.inputs[0] !== output || conv.inputs.slice(1).includes(output) || !explicitPadding(conv)) return undefined;
  const kernel = ints(conv, 'kernel_shape') ?? conv.inputs[1]?.shape?.slice(2);
  if (!kernel || kernel.length !== rank || kernel.some((k) => k !== 1)) return undefined;
  if ((ints(conv, 'pads') ?? []).some((p) => p !== 0) || (ints(conv, 'dilations') ?? []).some((d) => d !== 1)) return undefined;
  const strides = ints(conv, 'strides') ?? Array<number>(rank).fill(1);
  return strides.length === rank ? strides : undefined;
}

/** A MaxPool with stride 1 whose output has its input's spatial size (pads sum to kernel − 1 per axis). */
function sameSizeStrideOnePool(pool: Node): number | undefined {
  if (pool.opType !== 'MaxPool' || pool.outputs.length !== 1 || !explicitPadding(pool)) return undefined;
  const kernel = ints(pool, 'kernel_shape');
  if (!kernel) return undefined;
  const rank = kernel.length;
  const pads = ints(pool, 'pads') ?? Array<number>(2 * rank).fill(0);
  const ceilMode = pool.attr('ceil_mode');
  if ((ceilMode?.kind === 'int' && ceilMode.value !== 0) || (ints(pool, 'dilations') ?? []).some((d) => d !== 1)) return undefined;
  if ((ints(pool, 'strides') ?? []).some((s) => s !== 1)) return undefined;
  return kernel.every((k, i) => pads[i]! + pads[i + rank]! === k - 1) ? rank : undefined;
}

export function run(graph: Graph): boolean {
  let changed = false;
  for (const pool of graph.nodes) {
    const rank = sameSizeStrideOnePool(pool);
    const output = pool.outputs[0];
    if (rank === undefined || !output || output.uses.length === 0 || graph.outputs.includes(output)) continue;
    const strides = output.uses.map((use) => pointwiseStride(use, pool, rank));
    const first = strides[0];
    if (!first || first.every((s) => s === 1) || strides.some((s) => !s || s.join() !== first.join())) continue;
    // Same windows: window i of the strided pool starts at i·s − pad_begin, as the stride-1 pool's window
    // i·s does, and floor((n − 1)/s) + 1 windows fit, the count of the strided Conv's outputs.
    pool.attributes.set('strides', { kind: 'ints', value: first });
    for (const conv of output.uses) conv.attributes.set('strides', { kind: 'ints', value: Array<number>(rank).fill(1) });
    output.shape = undefined; // shape inference (a later pass) recomputes it
    changed = true;
  }
  return changed;
}
