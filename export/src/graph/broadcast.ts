// Elementwise operands in one layout. The output takes the layout of its first full-rank run-time operand
// (a convolution's NCHW output keeps its layout through Add, Mul, Relu, ...); constants are expanded and
// transposed at compile time, and lower-rank run-time operands are broadcast in TF terms first.
import type { Dim, Value } from '../ir/graph.ts';
import { identityPerm, isIdentity } from '../frontend/layout.ts';
import type { OpContext } from './context.ts';
import { broadcastShapes, type TfTensor } from './tensor-ref.ts';

export interface AlignedOperands {
  values: Value[];
  /** TF shape of the result. */
  shape: Dim[];
  perm: number[];
  flattenedFrom?: TfTensor;
}

function size(t: TfTensor): number | undefined {
  return t.shape.every((d) => typeof d === 'number') ? (t.shape as number[]).reduce((a, b) => a * b, 1) : undefined;
}

/** The operand with `rank - t.rank` leading size-1 axes, as a TF-layout tensor. */
function expandRank(ctx: OpContext, t: TfTensor, rank: number): TfTensor {
  const shape = [...new Array<Dim>(rank - t.shape.length).fill(1), ...t.shape];
  if (t.constant) return { ...t, shape, constant: { ...t.constant, shape: shape as number[] } };
  const axes = Array.from({ length: rank - t.shape.length }, (_, i) => i);
  const value = ctx.op('Unsqueeze', [ctx.tfLayout(t), ctx.int64('broadcast_axes', axes)], {}, { suffix: 'broadcast_rank', shape, dtype: t.value!.dtype });
  return { shape, dtype: t.dtype, perm: identityPerm(rank), value };
}

export function alignOperands(ctx: OpContext, operands: readonly TfTensor[]): AlignedOperands {
  const shape = operands.map((t) => t.shape).reduce((a, b) => broadcastShapes(a, b));
  const rank = shape.length;
  const leader = operands.find((t) => !t.constant && t.shape.length === rank);
  const perm = leader?.perm ?? identityPerm(rank);
  const scalarLike = (t: TfTensor) => size(t) === 1;
  // A pending flatten order survives when everything else is one number (the order does not matter then).
  const keepOrder = leader?.flattenedFrom && operands.every((t) => t === leader || scalarLike(t));
  const values = operands.map((t) => {
    if (keepOrder && t === leader) return t.value!;
    const hasFullRankPeer = operands.some((o) => o !== t && o.shape.length === rank);
    if (t.constant && scalarLike(t) && hasFullRankPeer) return ctx.inLayout({ ...t, shape: [], perm: [], constant: { ...t.constant, shape: [] } }, []);
    if (t.shape.length === rank) return ctx.inLayout(t, perm);
    if (!t.constant && (t.shape.length === 0 || isIdentity(perm))) return ctx.tfLayout(t);
    return ctx.inLayout(expandRank(ctx, t, rank), perm);
  });
  return keepOrder ? { values, shape, perm, flattenedFrom: leader!.flattenedFrom } : { values, shape, perm };
}
