// Shape ops: Shape, ShapeN, Rank, Size, Reshape, Squeeze, ExpandDims, Transpose. Layout-aware: Transpose only relabels axes
// (no node), Squeeze keeps the layout of the axes that stay; Reshape reads the data in TF order — directly
// when only size-1 axes are permuted, as a flatten in IR order when it flattens a permuted image
// (a following MatMul absorbs the order into its weights), else after a Transpose. Compile-time shapes fold: Shape of a
// static tensor is a constant, and of a dynamic one a tensor whose elements are known symbolically.
import { identityPerm, isIdentity } from '../../frontend/layout.ts';
import type { Dim } from '../../ir/graph.ts';
import { transposeTensor } from '../../ir/tensor.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { tfConstant } from '../fold.ts';
import { dataInTfOrder, isStatic, normalizeAxis, permWithout, productDims, type KnownElement, type TfTensor } from '../tensor-ref.ts';

/** The TF shape of x as an int32 vector: a constant when static, else read at run time, in TF axis order. */
function shapeOf(ctx: OpContext, x: TfTensor, suffix: string): TfTensor {
  if (isStatic(x.shape)) return ctx.constantOutput(tfConstant('int32', [x.shape.length], x.shape), 'int32', `${ctx.node.name}/${suffix}`);
  let dims = ctx.op('Shape', [x.value!], {}, { dtype: 'int64', shape: [x.shape.length], suffix });
  if (!isIdentity(x.perm)) {
    const irAxisOf = x.shape.map((_, axis) => x.perm.indexOf(axis));
    dims = ctx.op('Gather', [dims, ctx.int64('tf_order', irAxisOf)], { axis: 0 }, { suffix: `${suffix}_in_tf_order`, shape: [x.shape.length] });
  }
  return ctx.output(ctx.cast(dims, 'int32', `${suffix}_int32`), [x.shape.length], 'int32', [0], { known: [...x.shape] });
}

export const Shape: OpHandler = (ctx) => [shapeOf(ctx, ctx.input(0), 'Shape')];

/** ShapeN: the Shape of each input. */
export const ShapeN: OpHandler = (ctx) => ctx.inputs.map((x, i) => shapeOf(ctx, x, `Shape_${i}`));

/** Rank: a constant (ranks are always known here). */
export const Rank: OpHandler = (ctx) => [ctx.constantOutput(tfConstant('int32', [], [ctx.input(0).shape.length]), 'int32')];

/** Size: a constant when the shape is known, else the product of the run-time shape. */
export const Size: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const size = productDims(x.shape);
  if (typeof size === 'number') return [ctx.constantOutput(tfConstant('int32', [], [size]), 'int32')];
  const dims = ctx.op('Shape', [x.value!], {}, { dtype: 'int64', shape: [x.shape.length] });
  const product = ctx.reduce('ReduceProd', dims, [0], false, []);
  return [ctx.output(ctx.cast(product, 'int32'), [], 'int32', [], { known: [size] })];
};

/** Symbols of a product, with their multiplicities. */
function factors(dims: readonly Dim[]): { size: number; symbols: string[] } {
  let size = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') size *= d;
    else symbols.push(...d.split('*'));
  }
  return { size, symbols: symbols.sort() };
}

/** TF reshape's -1: what is left of the input's size once the other target dims are taken out. */
function inferredDim(input: readonly Dim[], others: readonly KnownElement[], fresh: string): Dim {
  const whole = factors(input);
  const taken = factors(others);
  const rest = [...whole.symbols];
  for (const s of taken.symbols) {
    const at = rest.indexOf(s);
    if (at < 0) return fresh;
    rest.splice(at, 1);
  }
  if (taken.size === 0 || whole.size % taken.size !== 0) return fresh;
  const size = whole.size / taken.size;
  if (rest.length === 0) return size;
  return size === 1 ? rest.join('*') : [...rest, String(size)].join('*');
}

export const Reshape: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.known(ctx.input(1));
  const rank = ctx.input(1).shape[0];
  if (typeof rank !== 'number') return ctx.unsupported('the target shape has an unknown length');
  const shape: Dim[] = target
    ? target.map((d, i) => (d === -1 ? inferredDim(x.shape, target.filter((_, j) => j !== i), `${ctx.node.name}_d${i}`) : d))
    : Array.from({ length: rank }, (_, i) => `${ctx.node.name}_d${i}`);
  if (x.constant && isStatic(shape)) return [ctx.constantOutput({ ...x.constant, shape }, x.dtype)];
  if (isFlatten(x, shape)) {
    const y = ctx.op('Flatten', [x.value!], { axis: 1 }, { shape: [shape[0]!, shape[1]!] });
    return [ctx.output(y, shape, x.dtype, identityPerm(2), { flattenedFrom: x })];
  }
  const data = !x.flattenedFrom && dataInTfOrder(x) && x.value ? x.value : ctx.tfLayout(x);
  const symbolic = target?.filter((d) => typeof d !== 'number').length ?? rank;
  let shapeValue;
  if (target && symbolic === 0) shapeValue = ctx.int64('shape', target as number[]);
  else if (target && symbolic === 1 && !target.includes(-1)) shapeValue = ctx.int64('shape', target.map((d) => (typeof d === 'number' ? d : -1)));
  else shapeValue = ctx.cast(ctx.tfLayout(ctx.input(1)), 'int64');
  // TF's 0 is an empty dim; ONNX's 0 copies the input's dim unless allowzero is set.
  const attrs: Record<string, number> = target?.includes(0) ? { allowzero: 1 } : {};
  const known = x.known ? { known: x.known } : {};
  return [ctx.output(ctx.op('Reshape', [data, shapeValue], attrs), shape, x.dtype, identityPerm(shape.length), known)];
};

/** [N, d1, ..., dk] permuted → [N, d1·…·dk] with static dims: a Flatten whose feature order the consumer absorbs. */
function isFlatten(x: TfTensor, shape: readonly Dim[]): boolean {
  if (x.value === undefined || x.flattenedFrom || x.shape.length < 3 || shape.length !== 2 || dataInTfOrder(x)) return false;
  const rest = x.shape.slice(1);
  return x.perm[0] === 0 && shape[0] === x.shape[0] && isStatic(rest) && rest.reduce((a, b) => a * b, 1) === shape[1];
}

/** Squeeze: `squeeze_dims` (or `axis`), or every size-1 dim when none is given. */
export const Squeeze: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const listed = ctx.attrs.ints('squeeze_dims') ?? ctx.attrs.ints('axis') ?? [];
  const axes = listed.length > 0 ? listed.map((a) => normalizeAxis(a, rank)) : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  if (axes.some((a) => x.shape[a] !== 1 && typeof x.shape[a] === 'number')) ctx.unsupported(`cannot squeeze axes [${axes}] of shape [${x.shape}]`);
  const shape = x.shape.filter((_, i) => !axes.includes(i));
  if (axes.length === 0) return [x];
  if (x.constant) return [ctx.constantOutput({ ...x.constant, shape: shape as number[] }, x.dtype)];
  const value = ctx.inLayout(x, x.perm);
  const irAxes = axes.map((a) => x.perm.indexOf(a)).sort((a, b) => a - b);
  const y = ctx.op('Squeeze', [value, ctx.int64('axes', irAxes)], {}, { dtype: value.dtype });
  return [ctx.output(y, shape, x.dtype, permWithout(x.perm, axes), x.known ? { known: x.known } : {})];
};

/** ExpandDims: a size-1 axis; on permuted data it goes last in the IR so nothing else moves. */
export const ExpandDims: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [axisValue] = ctx.staticValues(ctx.input(1), 'axis');
  const rank = x.shape.length;
  const axis = normalizeAxis(axisValue!, rank + 1);
  const shape = [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)];
  if (x.constant) return [ctx.constantOutput({ ...x.constant, shape: shape as number[] }, x.dtype)];
  const known = x.known ? { known: x.known } : {};
  const value = ctx.inLayout(x, x.perm);
  const shifted = x.perm.map((a) => (a >= axis ? a + 1 : a));
  const irAxis = isIdentity(x.perm) ? axis : rank;
  const perm = isIdentity(x.perm) ? identityPerm(rank + 1) : [...shifted, axis];
  const y = ctx.op('Unsqueeze', [value, ctx.int64('axes', [irAxis])], {}, { dtype: value.dtype });
  return [ctx.output(y, shape, x.dtype, perm, known)];
};

/** Transpose relabels the TF axes: the data stays where it is, only the layout bookkeeping changes. */
export const Transpose: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const rank = x.shape.length;
  const perm = ctx.staticValues(ctx.input(1), 'perm').map((p) => normalizeAxis(p, rank));
  if (perm.length !== rank || new Set(perm).size !== rank) ctx.unsupported(`perm [${perm}] does not permute ${rank} axes`);
  const shape = perm.map((p) => x.shape[p]!);
  if (x.constant) return [ctx.constantOutput(transposeTensor(x.constant, perm), x.dtype)];
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => { inverse[p] = i; });
  const value = ctx.inLayout(x, x.perm);
  return [{ shape, dtype: x.dtype, perm: x.perm.map((axis) => inverse[axis]!), value }];
};
