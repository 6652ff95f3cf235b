// Merge layers. All inputs are brought to the first input's layout (a no-op in channels-first CNNs, where
// every branch already is NCHW), so no Transpose appears between layers.
import type { Value } from '../../ir/graph.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { irAxis, type TensorRef } from '../layout.ts';

/** The inputs in a common layout; a pending flatten order is kept only when every input shares it. */
export function aligned(ctx: LayerContext): { values: Value[]; ref: TensorRef; featureOrder?: Int32Array } {
  const ref = ctx.inputs[0]!;
  const order = ref.featureOrder;
  const sharedOrder = order && ctx.inputs.every((r) => r.featureOrder === order) ? order : undefined;
  // Flatten orders only exist on rank-2 tensors, whose layout is always the identity.
  const values = ctx.inputs.map((r) => (sharedOrder ? r.value : ctx.inLayout(r, ref.perm)));
  return { values, ref, featureOrder: sharedOrder };
}

/** Elementwise merge with a binary ONNX op applied left to right. */
function elementwiseMerge(opType: string): LayerHandler {
  return (ctx) => {
    const { values, ref, featureOrder } = aligned(ctx);
    let acc = values[0]!;
    values.slice(1).forEach((v, i) => { acc = ctx.node(opType, [acc, v], {}, `${opType}_${i}`); });
    return [ctx.output(acc, ref.perm, featureOrder)];
  };
}

export const Add = elementwiseMerge('Add');

export const Concatenate: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const values = ctx.inputs.map((r) => ctx.inLayout(r, ref.perm));
  return [ctx.output(ctx.node('Concat', values, { axis: irAxis(ref.perm, ctx.config<number>('axis', -1)) }), ref.perm)];
};
