// Core layers: the model's inputs, Dense, Flatten and the layers that are identities at inference.
import { floatTensor, transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { channelsFirstPerm, flattenedFeatureOrder, identityPerm, isIdentity, samePerm } from '../layout.ts';
import { fusedActivation } from './activation.ts';

export const InputLayer: LayerHandler = (ctx) => [ctx.graphInput()];

/** Kernel [in, units] with its rows taken in a pending flatten order. */
function rowsInOrder(kernel: ConstTensor, order: Int32Array): ConstTensor {
  const [inputs, units] = kernel.shape as [number, number];
  if (order.length !== inputs) throw new Error(`flatten order of ${order.length} features does not match a kernel of ${inputs} rows`);
  const src = kernel.data as Float32Array;
  const out = new Float32Array(src.length);
  order.forEach((tfRow, irRow) => out.set(src.subarray(tfRow * units, (tfRow + 1) * units), irRow * units));
  return floatTensor([inputs, units], out);
}

/**
 * Dense on the last axis. Rank 2: Gemm (after a Flatten of NCHW data its kernel rows are permuted, so no
 * Transpose is needed). Higher ranks in channels-first layout: a 1×1 Conv keeps the data channels-first.
 * Otherwise MatMul + Add on the tfjs layout.
 */
export const Dense: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const rank = ref.shape.length;
  const kernel = ctx.weight('kernel');
  const [inputs, units] = kernel.shape as [number, number];
  const useBias = ctx.config<boolean>('useBias', true);
  if (rank === 2) {
    const weights = ref.featureOrder ? rowsInOrder(kernel, ref.featureOrder) : kernel;
    const args = [ref.value, ctx.constant('kernel', weights)];
    if (useBias) args.push(ctx.constant('bias', ctx.weight('bias')));
    const y = ctx.node('Gemm', args);
    return [ctx.output(fusedActivation(ctx, y, { perm: identityPerm(2) }), identityPerm(2))];
  }
  const channelsFirst = channelsFirstPerm(rank);
  if (samePerm(ref.perm, channelsFirst)) {
    const convKernel = transposeFloat(kernel, [1, 0]);
    const args = [ref.value, ctx.constant('kernel', { ...convKernel, shape: [units, inputs, ...new Array<number>(rank - 2).fill(1)] })];
    if (useBias) args.push(ctx.constant('bias', ctx.weight('bias')));
    const y = ctx.node('Conv', args, { kernel_shape: new Array<number>(rank - 2).fill(1) });
    return [ctx.output(fusedActivation(ctx, y, { perm: channelsFirst }), channelsFirst)];
  }
  const perm = identityPerm(rank);
  let y = ctx.node('MatMul', [ctx.inLayout(ref, perm), ctx.constant('kernel', kernel)]);
  if (useBias) y = ctx.node('Add', [y, ctx.constant('bias', ctx.weight('bias'))]);
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};

/**
 * Flatten all but the batch axis. On channels-first data the IR flattens in C,H,W order while tfjs
 * flattens in H,W,C order: the output records that order and the consumer (Dense) absorbs it.
 */
export const Flatten: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  if (ref.shape.length <= 2) return [ctx.output(ctx.node('Identity', [ref.value]), ref.perm, ref.featureOrder)];
  const y = ctx.node('Flatten', [ref.value], { axis: 1 });
  if (isIdentity(ref.perm)) return [ctx.output(y, identityPerm(2))];
  return [ctx.output(y, identityPerm(2), flattenedFeatureOrder(ref.shape, ref.perm))];
};

/** Identity at inference (Dropout and its relatives); the no-op pass removes the node. */
export const inferenceIdentity: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  return [ctx.output(ctx.node('Identity', [ref.value]), ref.perm, ref.featureOrder)];
};
