// Small helpers that handlers of several layer families share when they emit nodes.
import type { Dim, Value } from '../ir/graph.ts';
import type { LayerContext } from './context.ts';
import type { LayerOutput, TensorRef } from './layout.ts';

/** A float attribute, tagged: the IR writes integer-valued numbers as ints. */
export function floatAttribute(value: number): { kind: 'float'; value: number } {
  return { kind: 'float', value };
}

/** Gives a value created by this handler its shape, for ops that shape inference has no rule for. */
export function shaped(value: Value, shape: Dim[] | undefined): Value {
  value.shape = shape;
  return value;
}

/**
 * An elementwise layer on its one input: the output keeps the input's layout, and a pending flatten
 * order too (an elementwise function does not care in which order the features lie).
 */
export function elementwiseLayer(ctx: LayerContext, emit: (x: Value, ref: TensorRef) => Value): LayerOutput[] {
  const ref = ctx.inputs[0]!;
  return [ctx.output(emit(ref.value, ref), ref.perm, ref.featureOrder)];
}
