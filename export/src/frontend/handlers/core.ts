// tfjs' core layers: Dropout and SpatialDropout1D (identities at inference), Dense, Flatten, Activation,
// RepeatVector, Reshape and Permute; and the model's inputs (InputLayer, which tfjs keeps in its engine).
import { floatTensor, int64Tensor, transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { elementwiseLayer } from '../emit.ts';
import { channelsFirstPerm, flattenedFeatureOrder, identityPerm, isIdentity, samePerm } from '../layout.ts';
import { applyActivation, fusedActivation } from './activations.ts';

export const InputLayer: LayerHandler = (ctx) => [ctx.graphInput()];

/** Identity at inference (Dropout and its relatives, the noise layers); the no-op pass removes the node. */
export const inferenceIdentity: LayerHandler = (ctx) => elementwiseLayer(ctx, (x) => ctx.node('Identity', [x]));

export const Dropout = inferenceIdentity;
export const SpatialDropout1D = inferenceIdentity;

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

export const Activation: LayerHandler = (ctx) =>
  elementwiseLayer(ctx, (x, ref) => applyActivation(ctx, ctx.config<string>('activation'), x, ref));

/** [N, F] → [N, n, F]: a new steps axis, tiled n times (a pending flatten order is restored first). */
export const RepeatVector: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const n = ctx.config<number>('n');
  const x = ctx.inLayout(ref, identityPerm(2));
  const expanded = ctx.node('Unsqueeze', [x, ctx.constant('axes', int64Tensor([1], [1]))]);
  expanded.shape = ctx.outputIrShape(0, identityPerm(3)).map((d, i) => (i === 1 ? 1 : d));
  return [ctx.output(ctx.node('Tile', [expanded, ctx.constant('repeats', int64Tensor([3], [1, n, 1]))]), identityPerm(3))];
};

/**
 * tfjs reshapes in its own (channels-last, row-major) element order. A channels-first tensor is therefore
 * brought back to the tfjs layout first (a Transpose; a Gather after a flatten of permuted data), so the
 * result holds tfjs' elements in tfjs' order; the output is in the tfjs layout and the next layer that
 * wants channels-first transposes it. The batch dimension is kept (0 = copy it).
 */
export const Reshape: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  // tfjs keeps its one inferred dimension (-1) as null; ONNX writes it -1.
  const target = ctx.config<(number | null)[]>('targetShape').map((d) => d ?? -1);
  const x = ctx.inLayout(ref, identityPerm(ref.shape.length));
  const y = ctx.node('Reshape', [x, ctx.constant('shape', int64Tensor([target.length + 1], [0, ...target]))]);
  return [ctx.output(y, identityPerm(target.length + 1))];
};

/**
 * tfjs output axis k is input axis q[k] (q = [0, ...dims]). The data need not move: IR axis i holds input
 * axis perm[i], which is output axis q⁻¹[perm[i]]; only the recorded layout changes. The Identity gives
 * the layer its own output value and is removed by the no-op pass.
 */
export const Permute: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const order = [0, ...ctx.config<number[]>('dims')];
  const inverse = new Array<number>(order.length);
  order.forEach((inputAxis, outputAxis) => { inverse[inputAxis] = outputAxis; });
  return [ctx.output(ctx.node('Identity', [ref.value]), ref.perm.map((axis) => inverse[axis]!), ref.featureOrder)];
};
