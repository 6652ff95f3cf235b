// Indexing: Slice, StridedSlice (all five masks), GatherV2, Gather, GatherNd, ReverseV2, TopKV2, Where. Slices keep the
// layout (their axes are mapped through it) and fold at compile time on constants and on known shape
// tensors, which is what turns Shape → StridedSlice → Pack → Reshape chains into constants.
import { identityPerm } from '../../frontend/layout.ts';
import type { Dim, Value } from '../../ir/graph.ts';
import { emptyLike, stridesOf, type ConstTensor } from '../../ir/tensor.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { tfConstant } from '../fold.ts';
import { constantValues, irShapeOf, isStatic, normalizeAxis, permWithout, type KnownElement, type TfTensor } from '../tensor-ref.ts';
import { denseSlice, interval, isWhole, type DenseSlice, type Interval } from './strided-slice.ts';

/** Far past any dim: ONNX Slice clamps it to the dim's end (or, negated, to before its start). */
const BEYOND = Number.MAX_SAFE_INTEGER;

/** Row-major elements picked by one interval per dim. */
function pick<T>(values: ArrayLike<T>, shape: readonly number[], intervals: readonly Interval[]): T[] {
  const strides = stridesOf(shape);
  const out: T[] = [];
  const walk = (dim: number, offset: number) => {
    if (dim === shape.length) { out.push(values[offset]!); return; }
    const { begin, stride, length } = intervals[dim]!;
    for (let k = 0; k < length; k++) walk(dim + 1, offset + (begin + k * stride) * strides[dim]!);
  };
  walk(0, 0);
  return out;
}

/** A box of a constant: `begin` and `size` per dim. */
export function sliceConstant(tensor: ConstTensor, begin: readonly number[], size: readonly number[]): ConstTensor {
  const picked = pick(tensor.data as ArrayLike<number>, tensor.shape, begin.map((b, i) => ({ begin: b, stride: 1, length: size[i]! })));
  const data = emptyLike(tensor.data, picked.length);
  picked.forEach((v, i) => { (data as unknown as number[])[i] = v; });
  return { dtype: tensor.dtype, shape: [...size], data };
}

/** Compile-time elements of x (a constant, or a known shape tensor) picked by intervals, if known. */
function foldPick(ctx: OpContext, x: TfTensor, intervals: Interval[] | undefined): KnownElement[] | undefined {
  const values = ctx.known(x);
  if (!values || !intervals || !isStatic(x.shape)) return undefined;
  return pick(values, x.shape, intervals);
}

function result(ctx: OpContext, x: TfTensor, elements: KnownElement[] | undefined, shape: Dim[], emit: () => TfTensor): TfTensor {
  if (elements && elements.every((e) => typeof e === 'number') && isStatic(shape)) {
    return ctx.constantOutput(tfConstant(x.dtype, shape, elements as number[]), x.dtype);
  }
  const t = emit();
  return elements && elements.length <= 64 ? { ...t, known: elements } : t;
}

/** ONNX Slice over IR axes; `starts`/`ends`/`steps` per TF axis. */
function onnxSlice(ctx: OpContext, value: Value, perm: readonly number[], axes: number[], starts: number[], ends: number[], steps: number[]): Value {
  if (axes.length === 0) return value;
  const irAxes = axes.map((a) => perm.indexOf(a));
  return ctx.op('Slice', [value, ctx.int64('starts', starts), ctx.int64('ends', ends), ctx.int64('axes', irAxes), ctx.int64('steps', steps)], {}, { dtype: value.dtype });
}

/** Slice(x, begin, size): size -1 takes the rest of the dim. */
export const Slice: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const begin = ctx.staticValues(ctx.input(1), 'begin');
  const size = ctx.staticValues(ctx.input(2), 'size');
  const shape: Dim[] = x.shape.map((d, i) => (size[i] === -1 ? (typeof d === 'number' ? d - begin[i]! : (begin[i] === 0 ? d : `${d}-${begin[i]}`)) : size[i]!));
  const intervals = isStatic(shape) ? begin.map((b, i) => ({ begin: b, stride: 1, length: shape[i] as number })) : undefined;
  return [result(ctx, x, foldPick(ctx, x, intervals), shape, () => {
    const axes = x.shape.flatMap((d, i) => (begin[i] === 0 && (size[i] === -1 || size[i] === d) ? [] : [i]));
    const value = ctx.inLayout(x, x.perm);
    const y = onnxSlice(ctx, value, x.perm, axes, axes.map((a) => begin[a]!), axes.map((a) => (size[a] === -1 ? BEYOND : begin[a]! + size[a]!)), axes.map(() => 1));
    return ctx.output(y === value ? ctx.op('Identity', [value], {}, { dtype: value.dtype }) : y, shape, x.dtype, x.perm);
  })];
};

/** ONNX start/end of a dense dim whose size may be unknown (TF clamps like ONNX does). */
function bounds(dim: DenseSlice['dims'][number]): [number, number] {
  if (dim.shrink) {
    const b = dim.begin ?? 0;
    return [b, b === -1 ? BEYOND : b + 1];
  }
  const forward = dim.stride > 0;
  return [dim.begin ?? (forward ? 0 : BEYOND), dim.end ?? (forward ? BEYOND : -BEYOND)];
}

export const StridedSlice: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const spec = {
    begin: ctx.staticValues(ctx.input(1), 'begin'),
    end: ctx.staticValues(ctx.input(2), 'end'),
    strides: ctx.staticValues(ctx.input(3), 'strides'),
    beginMask: ctx.int('begin_mask', 0),
    endMask: ctx.int('end_mask', 0),
    ellipsisMask: ctx.int('ellipsis_mask', 0),
    newAxisMask: ctx.int('new_axis_mask', 0),
    shrinkAxisMask: ctx.int('shrink_axis_mask', 0),
  };
  if (spec.strides.some((s) => s === 0)) ctx.unsupported('a stride of 0 is invalid');
  let dense: DenseSlice;
  try {
    dense = denseSlice(spec, x.shape.length);
  } catch (err) {
    return ctx.unsupported((err as Error).message);
  }
  const intervals = dense.dims.map((dim, i) => (typeof x.shape[i] === 'number' ? interval(dim, x.shape[i] as number) : undefined));
  const dimOf = (i: number): Dim => intervals[i]?.length ?? (isWhole(dense.dims[i]!, x.shape[i]!) ? x.shape[i]! : `${ctx.node.name}_d${i}`);
  const shape = dense.output.map((o) => (o === 'new' ? 1 : dimOf(o)));
  const staticIntervals = intervals.every((iv) => iv !== undefined) ? intervals as Interval[] : undefined;
  return [result(ctx, x, foldPick(ctx, x, staticIntervals), shape, () => {
    const hasNewAxes = dense.output.includes('new');
    // New axes are placed in TF order, so the slice then runs on TF-layout data.
    const perm = hasNewAxes ? identityPerm(x.shape.length) : x.perm;
    const value = ctx.inLayout(x, perm);
    const axes = dense.dims.flatMap((dim, i) => (isWhole(dim, x.shape[i]!) ? [] : [i]));
    const b = axes.map((a) => bounds(dense.dims[a]!));
    let y = onnxSlice(ctx, value, perm, axes, b.map(([s]) => s), b.map(([, e]) => e), axes.map((a) => (dense.dims[a]!.shrink ? 1 : dense.dims[a]!.stride)));
    const sliced = dense.dims.map((dim, i) => (dim.shrink ? 1 : dimOf(i)));
    if (y !== value) y.shape = irShapeOf({ shape: sliced, perm });
    const shrunk = dense.dims.flatMap((dim, i) => (dim.shrink ? [i] : []));
    let outPerm = perm;
    if (shrunk.length > 0) {
      outPerm = permWithout(perm, shrunk);
      const kept = sliced.filter((_, i) => !shrunk.includes(i));
      y = ctx.op('Squeeze', [y, ctx.int64('shrink_axes', shrunk.map((a) => perm.indexOf(a)).sort((p, q) => p - q))], {}, { dtype: value.dtype, shape: irShapeOf({ shape: kept, perm: outPerm }) });
    }
    if (hasNewAxes) {
      const positions = dense.output.flatMap((o, i) => (o === 'new' ? [i] : []));
      y = ctx.op('Unsqueeze', [y, ctx.int64('new_axes', positions)], {}, { dtype: value.dtype });
      outPerm = identityPerm(shape.length);
    }
    if (y === value) y = ctx.op('Identity', [value], {}, { dtype: value.dtype });
    return ctx.output(y, shape, x.dtype, outPerm);
  })];
};

/** GatherV2(params, indices, axis): the indices' dims replace `axis`, in the IR where the axis was. */
export const GatherV2: OpHandler = (ctx) => {
  const params = ctx.input(0);
  const indices = ctx.input(1);
  const rank = params.shape.length;
  const [axisValue] = ctx.staticValues(ctx.input(2), 'axis');
  if (ctx.int('batch_dims', 0) !== 0) ctx.unsupported('batch_dims other than 0 is not supported');
  const axis = normalizeAxis(axisValue!, rank);
  const k = indices.shape.length;
  const shape = [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)];
  const indexValues = indices.constant ? constantValues(indices.constant) : undefined;
  const paramValues = indexValues && isStatic(params.shape) ? ctx.known(params) : undefined;
  if (paramValues && indexValues && isStatic(params.shape)) {
    const outer = params.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = params.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const size = params.shape[axis]!;
    const out: KnownElement[] = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of indexValues) {
        const i = raw < 0 ? raw + size : raw;
        out.push(...paramValues.slice((o * size + i) * inner, (o * size + i + 1) * inner));
      }
    }
    if (out.every((e) => typeof e === 'number') && isStatic(shape)) return [ctx.constantOutput(tfConstant(params.dtype, shape, out as number[]), params.dtype)];
    if (!params.constant) return [{ ...gather(ctx, params, indices, axis, k, shape), known: out }];
  }
  return [gather(ctx, params, indices, axis, k, shape)];
};

function gather(ctx: OpContext, params: TfTensor, indices: TfTensor, axis: number, k: number, shape: Dim[]): TfTensor {
  const value = ctx.inLayout(params, params.perm);
  const irAxis = params.perm.indexOf(axis);
  const perm = params.perm.flatMap((t, q) => (q === irAxis ? Array.from({ length: k }, (_, j) => axis + j) : [t < axis ? t : t + k - 1]));
  const y = ctx.op('Gather', [value, ctx.tfLayout(indices)], { axis: irAxis }, { dtype: value.dtype });
  return ctx.output(y, shape, params.dtype, perm);
}

/** Gather (the first version): GatherV2 along axis 0. */
export const Gather: OpHandler = (ctx) => {
  const [params, indices] = [ctx.input(0), ctx.input(1)];
  const shape = [...indices.shape, ...params.shape.slice(1)];
  return [gather(ctx, params, indices, 0, indices.shape.length, shape)];
};

/** ReverseV2(x, axes): a backwards Slice along each axis, in x's layout. */
export const ReverseV2: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const axes = [...new Set(ctx.staticValues(ctx.input(1), 'axis').map((a) => normalizeAxis(a, x.shape.length)))];
  if (axes.length === 0) return [x];
  const value = ctx.inLayout(x, x.perm);
  const y = onnxSlice(ctx, value, x.perm, axes, axes.map(() => -1), axes.map(() => -BEYOND), axes.map(() => -1));
  return [ctx.output(y, [...x.shape], x.dtype, x.perm)];
};

/** GatherNd(params, indices): the same semantics as ONNX GatherND (batch_dims 0), on TF-layout data. */
export const GatherNd: OpHandler = (ctx) => {
  const params = ctx.input(0);
  const indices = ctx.input(1);
  const depth = indices.shape[indices.shape.length - 1];
  if (typeof depth !== 'number') return ctx.unsupported('the last dim of indices must be known');
  const shape = [...indices.shape.slice(0, -1), ...params.shape.slice(depth)];
  const value = ctx.tfLayout(params);
  const y = ctx.op('GatherND', [value, ctx.cast(ctx.tfLayout(indices), 'int64')], {}, { dtype: value.dtype });
  return [ctx.output(y, shape, params.dtype)];
};

/** TopKV2(x, k): the k largest along the TF last axis, sorted; indices as int32 like tfjs. */
export const TopKV2: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [k] = ctx.staticValues(ctx.input(1), 'k');
  const last = x.shape.length - 1;
  const value = ctx.inLayout(x, x.perm);
  const [values, indices] = ctx.opOutputs('TopK', [value, ctx.int64('k', [k!])], [value.dtype, 'int64'], { axis: x.perm.indexOf(last), largest: 1, sorted: 1 });
  const shape = [...x.shape.slice(0, -1), k!];
  values!.shape = indices!.shape = irShapeOf({ shape, perm: x.perm });
  return [ctx.output(values!, shape, x.dtype, x.perm), ctx.output(ctx.cast(indices!, 'int32'), shape, 'int32', x.perm)];
};

/** Where(condition): the coordinates of the true elements, [count, rank] int32 in row-major order. */
export const Where: OpHandler = (ctx) => {
  const condition = ctx.input(0);
  const rank = condition.shape.length;
  const cond = ctx.tfLayout(condition);
  const asBool = cond.dtype === 'bool' ? cond : ctx.op('Cast', [cond], { to: 9 }, { dtype: 'bool', suffix: 'nonzero' });
  const count = `${ctx.node.name}_count`;
  const coordinates = ctx.op('NonZero', [asBool], {}, { dtype: 'int64', shape: [rank, count] });
  const rows = ctx.op('Transpose', [coordinates], { perm: [1, 0] }, { dtype: 'int64', shape: [count, rank] });
  return [ctx.output(ctx.cast(rows, 'int32'), [count, rank], 'int32')];
};
