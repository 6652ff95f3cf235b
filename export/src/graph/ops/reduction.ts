// Reductions: Mean, Sum, Max, Min, Prod, All, Any (axes mapped through the layout; without keep_dims the
// remaining axes keep their relative IR order), ArgMax / ArgMin (int32 indices, as tfjs returns them) and
// Cumsum.
// A Sum or Prod of a known shape vector folds: Prod(Shape(x)[1:]) is a constant even for a dynamic batch.
import { identityPerm } from '../../frontend/layout.ts';
import type { OpContext, OpHandler, ReduceOp } from '../context.ts';
import { tfConstant } from '../fold.ts';
import { irShapeOf, normalizeAxis, permWithout, productDims, type KnownElement, type TfTensor } from '../tensor-ref.ts';

function reductionAxes(ctx: OpContext, x: TfTensor): number[] {
  const axes = ctx.staticValues(ctx.input(1), 'reduction axes').map((a) => normalizeAxis(a, x.shape.length));
  return [...new Set(axes)].sort((a, b) => a - b);
}

/** Sum/Prod of a 1-D vector known at compile time (a number, or a symbolic dim expression). */
function foldVector(ctx: OpContext, x: TfTensor, combine: (values: KnownElement[]) => KnownElement): KnownElement | undefined {
  const values = ctx.known(x);
  return values && x.shape.length === 1 ? combine(values) : undefined;
}

function reduce(opType: ReduceOp, options: { bool?: boolean; fold?: (values: KnownElement[]) => KnownElement } = {}): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    const axes = reductionAxes(ctx, x);
    const keep = ctx.bool('keep_dims', false);
    if (axes.length === 0) return [x];
    const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    const folded = options.fold && foldVector(ctx, x, options.fold);
    if (typeof folded === 'number') return [ctx.constantOutput(tfConstant(x.dtype, shape as number[], [folded]), x.dtype)];
    let value = ctx.inLayout(x, x.perm);
    // ONNX has no boolean reductions: All is a Min and Any a Max over 0/1.
    if (options.bool) value = ctx.cast(value, 'int32');
    const perm = keep ? x.perm : permWithout(x.perm, axes);
    let y = ctx.reduce(opType, value, axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b), keep, irShapeOf({ shape, perm }));
    if (options.bool) y = ctx.cast(y, 'bool');
    return [ctx.output(y, shape, x.dtype, perm, folded === undefined ? {} : { known: [folded] })];
  };
}

export const Mean = reduce('ReduceMean');
export const Sum = reduce('ReduceSum', { fold: (v) => (v.every((e) => typeof e === 'number') ? (v as number[]).reduce((a, b) => a + b, 0) : v.join('+')) });
export const Max = reduce('ReduceMax');
export const Min = reduce('ReduceMin');
export const Prod = reduce('ReduceProd', { fold: (v) => productDims(v) });
export const All = reduce('ReduceMin', { bool: true });
export const Any = reduce('ReduceMax', { bool: true });

function argReduce(opType: 'ArgMax' | 'ArgMin'): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    const [axisValue] = ctx.staticValues(ctx.input(1), 'axis');
    const axis = normalizeAxis(axisValue!, x.shape.length);
    const value = ctx.inLayout(x, x.perm);
    // Ties go to the first index, in TF and in ONNX's default.
    const shape = x.shape.filter((_, i) => i !== axis);
    const perm = x.shape.length === 1 ? identityPerm(0) : permWithout(x.perm, [axis]);
    const indices = ctx.op(opType, [value], { axis: x.perm.indexOf(axis), keepdims: 0 }, { dtype: 'int64', shape: irShapeOf({ shape, perm }) });
    return [ctx.output(ctx.cast(indices, 'int32'), shape, 'int32', perm)];
  };
}

export const ArgMax = argReduce('ArgMax');
export const ArgMin = argReduce('ArgMin');

/** Cumsum(x, axis) with TF's exclusive and reverse: ONNX CumSum, on the IR axis. */
export const Cumsum: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [axisValue] = ctx.staticValues(ctx.input(1), 'axis');
  const axis = normalizeAxis(axisValue!, x.shape.length);
  const value = ctx.inLayout(x, x.perm);
  const attrs = { exclusive: ctx.bool('exclusive', false) ? 1 : 0, reverse: ctx.bool('reverse', false) ? 1 : 0 };
  const y = ctx.op('CumSum', [value, ctx.int64('axis', [x.perm.indexOf(axis)], [])], attrs, { dtype: value.dtype });
  return [ctx.output(y, [...x.shape], x.dtype, x.perm)];
};
