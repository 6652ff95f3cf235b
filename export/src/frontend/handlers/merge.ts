// tfjs' merge layers: Add, Multiply, Average, Maximum, Minimum, Concatenate. All inputs are brought to the
// first input's layout (a no-op in channels-first CNNs, where every branch already is NCHW), so no
// Transpose appears between layers. ONNX Add and Mul are binary (applied left to right like tfjs); Mean,
// Max and Min take any number of inputs. tfjs has no Subtract layer class, so there is none here.
import type { Value } from '../../ir/graph.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { irAxis, type TensorRef } from '../layout.ts';

/** The inputs in a common layout; a pending flatten order is kept only when every input shares it. */
function aligned(ctx: LayerContext): { values: Value[]; ref: TensorRef; featureOrder?: Int32Array } {
  const ref = ctx.inputs[0]!;
  const order = ref.featureOrder;
  const sharedOrder = order && ctx.inputs.every((r) => r.featureOrder === order) ? order : undefined;
  // Flatten orders only exist on rank-2 tensors, whose layout is always the identity.
  const values = ctx.inputs.map((r) => (sharedOrder ? r.value : ctx.inLayout(r, ref.perm)));
  return { values, ref, featureOrder: sharedOrder };
}

/** Elementwise merge with a binary ONNX op applied left to right. */
function binaryMerge(opType: 'Add' | 'Mul'): LayerHandler {
  return (ctx) => {
    const { values, ref, featureOrder } = aligned(ctx);
    let acc = values[0]!;
    values.slice(1).forEach((v, i) => { acc = ctx.node(opType, [acc, v], {}, `${opType}_${i}`); });
    return [ctx.output(acc, ref.perm, featureOrder)];
  };
}

/** Elementwise merge with one variadic ONNX op. */
function variadicMerge(opType: 'Mean' | 'Max' | 'Min'): LayerHandler {
  return (ctx) => {
    const { values, ref, featureOrder } = aligned(ctx);
    return [ctx.output(ctx.node(opType, values), ref.perm, featureOrder)];
  };
}

export const Add = binaryMerge('Add');
export const Multiply = binaryMerge('Mul');
export const Average = variadicMerge('Mean');
export const Maximum = variadicMerge('Max');
export const Minimum = variadicMerge('Min');

export const Concatenate: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const values = ctx.inputs.map((r) => ctx.inLayout(r, ref.perm));
  return [ctx.output(ctx.node('Concat', values, { axis: irAxis(ref.perm, ctx.config<number>('axis', -1)) }), ref.perm)];
};
