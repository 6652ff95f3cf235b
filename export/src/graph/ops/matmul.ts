// Matrix products: MatMul and _FusedMatMul (rank 2, transpose_a/b; a constant B becomes Gemm with its
// transposition as an attribute, and absorbs a pending flatten order by permuting its rows), BatchMatMul /
// BatchMatMulV2 (adj_x/adj_y, batch dims broadcast as in numpy: ONNX MatMul).
import { identityPerm } from '../../frontend/layout.ts';
import type { Dim, Value } from '../../ir/graph.ts';
import { emptyLike, type ConstTensor } from '../../ir/tensor.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { broadcastShapes, featureOrderOf, type TfTensor } from '../tensor-ref.ts';
import { applyFusedActivation } from './activation.ts';

/** A [rows, cols] constant with its rows (or, when `columns`, its columns) taken in a pending flatten order. */
function inFeatureOrder(tensor: ConstTensor, order: Int32Array, columns: boolean): ConstTensor {
  const [rows, cols] = tensor.shape as [number, number];
  const out = emptyLike(tensor.data, tensor.data.length) as Float32Array;
  const src = tensor.data as Float32Array;
  if (!columns) order.forEach((tfRow, irRow) => out.set(src.subarray(tfRow * cols, (tfRow + 1) * cols), irRow * cols));
  else for (let r = 0; r < rows; r++) order.forEach((tfCol, irCol) => { out[r * cols + irCol] = src[r * cols + tfCol]!; });
  return { ...tensor, data: out };
}

/** The value with its last two TF axes swapped (a run-time Transpose, a compile-time one for constants). */
function swapLastTwo(ctx: OpContext, t: TfTensor): Value {
  const rank = t.shape.length;
  const perm = identityPerm(rank);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return ctx.inLayout(t, perm);
}

function product(ctx: OpContext, a: TfTensor, b: TfTensor, transposeA: boolean, transposeB: boolean, bias: TfTensor | undefined): TfTensor {
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  if (rankA < 2 || rankB < 2) ctx.unsupported(`operands of rank ${rankA} and ${rankB} are not supported (2 or more)`);
  const rowsA = a.shape[rankA - (transposeA ? 1 : 2)]!;
  const colsB = b.shape[rankB - (transposeB ? 2 : 1)]!;
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape: Dim[] = [...batch, rowsA, colsB];
  if (rankA === 2 && rankB === 2 && b.constant && (!bias || (bias.constant && bias.shape.length === 1))) {
    // Gemm: B is a weight; a flatten order pending on A is absorbed by B's rows.
    const absorb = a.flattenedFrom && !transposeA;
    const weights = absorb ? inFeatureOrder(b.constant, featureOrderOf(a.flattenedFrom!), transposeB) : b.constant;
    const aValue = absorb ? a.value! : ctx.tfLayout(a);
    const args = [aValue, ctx.constant('weights', weights), ...(bias ? [ctx.tfLayout(bias)] : [])];
    const y = ctx.op('Gemm', args, { transA: transposeA ? 1 : 0, transB: transposeB ? 1 : 0 });
    return ctx.output(y, shape, 'float32');
  }
  const aValue = transposeA ? swapLastTwo(ctx, a) : ctx.tfLayout(a);
  const bValue = transposeB ? swapLastTwo(ctx, b) : ctx.tfLayout(b);
  let y = ctx.op('MatMul', [aValue, bValue], {}, { dtype: aValue.dtype });
  if (bias) y = ctx.op('Add', [y, ctx.tfLayout(bias)], {}, { suffix: 'BiasAdd' });
  return ctx.output(y, shape, a.dtype);
}

export const MatMul: OpHandler = (ctx) =>
  [product(ctx, ctx.input(0), ctx.input(1), ctx.bool('transpose_a', false), ctx.bool('transpose_b', false), undefined)];

export const BatchMatMul: OpHandler = (ctx) =>
  [product(ctx, ctx.input(0), ctx.input(1), ctx.bool('adj_x', false), ctx.bool('adj_y', false), undefined)];

/** MatMul + BiasAdd + activation, as tfjs runs it (fused_ops[0] BiasAdd, fused_ops[1] the activation). */
export const FusedMatMul: OpHandler = (ctx) => {
  const ops = ctx.strings('fused_ops', []).map((op) => op.toLowerCase());
  const [extra, activation, ...rest] = ops;
  if (extra !== 'biasadd' || rest.length > 0) ctx.unsupported(`fused_ops [${ops}] is not supported (BiasAdd, then at most one activation)`);
  const args = ctx.inputs.slice(2);
  const bias = args[0] ?? ctx.unsupported('fused BiasAdd needs its bias argument');
  const y = product(ctx, ctx.input(0), ctx.input(1), ctx.bool('transpose_a', false), ctx.bool('transpose_b', false), bias);
  return [applyFusedActivation(ctx, activation, y, args[1])];
};
