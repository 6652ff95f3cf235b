// Tensors made from shapes or indices: Fill, ZerosLike, OnesLike, Range, OneHot. Folded to constants when everything is known
// at compile time; otherwise Expand / Range run with the shape computed at run time.
import type { Dim, Value } from '../../ir/graph.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { tfConstant } from '../fold.ts';
import { isStatic, type TfDtype, type TfTensor } from '../tensor-ref.ts';

/** The largest tensor folded into the file as a constant; bigger fills are computed at run time. */
const FOLD_LIMIT = 1 << 16;

function filled(ctx: OpContext, shape: Dim[], fill: TfTensor, shapeValue: () => Value): TfTensor {
  const [value] = ctx.known(fill) ?? [];
  const size = isStatic(shape) ? shape.reduce((a, b) => a * b, 1) : Infinity;
  if (typeof value === 'number' && size <= FOLD_LIMIT) return ctx.constantOutput(tfConstant(fill.dtype, shape as number[], new Array<number>(size).fill(value)), fill.dtype);
  const y = ctx.op('Expand', [ctx.tfLayout(fill), shapeValue()], {}, { dtype: ctx.irDtype(fill.dtype) });
  return ctx.output(y, shape, fill.dtype);
}

/** Fill(dims, value). */
export const Fill: OpHandler = (ctx) => {
  const dims = ctx.input(0);
  const known = ctx.known(dims);
  const rank = dims.shape[0];
  if (typeof rank !== 'number') return ctx.unsupported('dims has an unknown length');
  const shape: Dim[] = known ? [...known] : Array.from({ length: rank }, (_, i) => `${ctx.node.name}_d${i}`);
  return [filled(ctx, shape, ctx.input(1), () => ctx.cast(ctx.tfLayout(dims), 'int64'))];
};

/** ZerosLike / OnesLike: x's shape, filled; the shape is read from x when it is not known. */
function like(fillValue: number): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    const fill = ctx.constantOutput(tfConstant(x.dtype, [], [fillValue]), x.dtype, `${ctx.node.name}/fill_value`);
    return [filled(ctx, [...x.shape], fill, () => ctx.op('Shape', [ctx.tfLayout(x)], {}, { dtype: 'int64', shape: [x.shape.length] }))];
  };
}

export const ZerosLike = like(0);
export const OnesLike = like(1);

/** Range(start, limit, delta): ceil((limit − start) / delta) elements. */
export const Range: OpHandler = (ctx) => {
  const [start, limit, delta] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  const dtype: TfDtype = ctx.attrs.type('Tidx') === 'DT_FLOAT' ? 'float32' : start.dtype;
  const values = [start, limit, delta].map((t) => ctx.known(t)?.[0]);
  if (values.every((v) => typeof v === 'number')) {
    const [s, l, d] = values as [number, number, number];
    const count = Math.max(Math.ceil((l - s) / d), 0);
    return [ctx.constantOutput(tfConstant(dtype, [count], Array.from({ length: count }, (_, i) => s + i * d)), dtype)];
  }
  const irType = ctx.irDtype(dtype);
  const y = ctx.op('Range', [start, limit, delta].map((t) => ctx.cast(ctx.tfLayout(t), irType)), {}, { dtype: irType });
  return [ctx.output(y, [`${ctx.node.name}_count`], dtype)];
};

/**
 * OneHot(indices, depth, on, off): ONNX OneHot with values [off, on]. TF gives an index outside [0, depth)
 * an all-off row, while ONNX counts negative indices from the end, so negative ones are moved out of range.
 */
export const OneHot: OpHandler = (ctx) => {
  const [indices, depthInput, on, off] = [ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(3)];
  const [depth] = ctx.staticValues(depthInput, 'depth');
  const rank = indices.shape.length;
  if (ctx.int('axis', -1) !== -1 && ctx.int('axis', -1) !== rank) ctx.unsupported(`axis ${ctx.int('axis', -1)} is not supported: tfjs always adds the one-hot axis last`);
  const axis = rank;
  // onnxruntime runs OneHot on int64 indices and depth with float values: the result is cast back after.
  const raw = ctx.cast(ctx.tfLayout(indices), 'int64');
  const negative = ctx.op('Less', [raw, ctx.int64('zero', [0], [])], {}, { dtype: 'bool', suffix: 'negative', shape: [...indices.shape] });
  const index = ctx.op('Where', [negative, ctx.int64('out_of_range', [depth!], []), raw], {}, { dtype: 'int64', suffix: 'tf_range', shape: [...indices.shape] });
  const asFloat = (t: TfTensor) => ctx.cast(ctx.op('Reshape', [ctx.tfLayout(t), ctx.int64('one', [1])], {}, { suffix: 'as_vector', shape: [1], dtype: ctx.irDtype(t.dtype) }), 'float32');
  const values = ctx.op('Concat', [asFloat(off), asFloat(on)], { axis: 0 }, { suffix: 'off_on', shape: [2], dtype: 'float32' });
  const shape = [...indices.shape.slice(0, axis), depth!, ...indices.shape.slice(axis)];
  const y = ctx.op('OneHot', [index, ctx.int64('depth', [depth!], []), values], { axis }, { dtype: 'float32', shape });
  return [ctx.output(ctx.cast(y, ctx.irDtype(on.dtype)), shape, on.dtype)];
};
