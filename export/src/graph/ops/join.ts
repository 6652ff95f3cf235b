// Joining, splitting and repeating: ConcatV2, Concat, Pack, Unpack, Split, SplitV, Tile, BroadcastTo — in the layout of their first run-time
// operand (a Concat of NCHW feature maps stays NCHW), folded at compile time when every operand is known.
import { identityPerm } from '../../frontend/layout.ts';
import type { Dim } from '../../ir/graph.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { tfConstant } from '../fold.ts';
import { irShapeOf, normalizeAxis, permWithout, productDims, type KnownElement, type TfTensor } from '../tensor-ref.ts';
import { sliceConstant } from './indexing.ts';

function sumDims(dims: readonly Dim[]): Dim {
  return dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a + b, 0) : dims.join('+');
}

/** Known elements of a concatenation along axis 0 of small 1-D (or scalar, for Pack) known tensors. */
function joinKnown(ctx: OpContext, parts: readonly TfTensor[]): KnownElement[] | undefined {
  const known = parts.map((t) => ctx.known(t));
  return known.every((k) => k !== undefined) ? (known as KnownElement[][]).flat() : undefined;
}

function concat(ctx: OpContext, parts: readonly TfTensor[], axis: number): TfTensor {
  const rank = parts[0]!.shape.length;
  const shape = parts[0]!.shape.map((d, i) => (i === axis ? sumDims(parts.map((t) => t.shape[i]!)) : d));
  const known = rank === 1 ? joinKnown(ctx, parts) : undefined;
  if (known && known.every((k) => typeof k === 'number')) return ctx.constantOutput(tfConstant(parts[0]!.dtype, shape as number[], known as number[]), parts[0]!.dtype);
  const leader = parts.find((t) => !t.constant) ?? parts[0]!;
  const perm = leader.perm;
  const values = parts.map((t) => ctx.inLayout(t, perm));
  const y = ctx.op('Concat', values, { axis: perm.indexOf(axis) }, { dtype: values[0]!.dtype });
  return ctx.output(y, shape, parts[0]!.dtype, perm, known ? { known } : {});
}

export const ConcatV2: OpHandler = (ctx) => {
  const parts = ctx.inputs.slice(0, -1);
  const [axisValue] = ctx.staticValues(ctx.inputs[ctx.inputs.length - 1]!, 'axis');
  if (parts.length === 0) ctx.unsupported('nothing to concatenate');
  if (parts.length === 1) return [parts[0]!];
  return [concat(ctx, parts, normalizeAxis(axisValue!, parts[0]!.shape.length))];
};

/** Concat (the first version): the axis comes first. */
export const Concat: OpHandler = (ctx) => {
  const [axisValue] = ctx.staticValues(ctx.input(0), 'axis');
  const parts = ctx.inputs.slice(1);
  if (parts.length === 1) return [parts[0]!];
  return [concat(ctx, parts, normalizeAxis(axisValue!, parts[0]!.shape.length))];
};

/** BroadcastTo(x, shape): x expanded to the shape (TF broadcasting), in TF layout. */
export const BroadcastTo: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.known(ctx.input(1));
  const rank = ctx.input(1).shape[0];
  if (typeof rank !== 'number') return ctx.unsupported('the target shape has an unknown length');
  const shape: Dim[] = target ? [...target] : Array.from({ length: rank }, (_, i) => `${ctx.node.name}_d${i}`);
  const shapeValue = target && target.every((d) => typeof d === 'number') ? ctx.int64('shape', target as number[]) : ctx.cast(ctx.tfLayout(ctx.input(1)), 'int64');
  const value = ctx.tfLayout(x);
  return [ctx.output(ctx.op('Expand', [value, shapeValue], {}, { dtype: value.dtype }), shape, x.dtype)];
};

/** Pack: each input gets a size-1 axis, then they are concatenated along it. */
export const Pack: OpHandler = (ctx) => {
  const parts = ctx.inputs;
  const rank = parts[0]!.shape.length;
  const axis = normalizeAxis(ctx.int('axis', 0), rank + 1);
  const shape = [...parts[0]!.shape.slice(0, axis), parts.length, ...parts[0]!.shape.slice(axis)];
  const known = rank === 0 ? joinKnown(ctx, parts) : undefined;
  const dtype = parts[0]!.dtype;
  if (parts.every((t) => t.constant)) {
    const values = parts.map((t) => ctx.known(t)!);
    // Stacking along `axis`: the output is [outer, parts, inner] with outer/inner from the input shape.
    const inner = Number(productDims(parts[0]!.shape.slice(axis)));
    const outer = values[0]!.length / inner;
    const data: number[] = [];
    for (let o = 0; o < outer; o++) for (const v of values) data.push(...(v.slice(o * inner, (o + 1) * inner) as number[]));
    return [ctx.constantOutput(tfConstant(dtype, shape as number[], data), dtype)];
  }
  const partShape = [...parts[0]!.shape.slice(0, axis), 1, ...parts[0]!.shape.slice(axis)];
  const expanded = parts.map((t) => ctx.op('Unsqueeze', [ctx.tfLayout(t), ctx.int64('axes', [axis])], {}, { suffix: 'expand', dtype: ctx.irDtype(dtype), shape: partShape }));
  const y = ctx.op('Concat', expanded, { axis }, { dtype: ctx.irDtype(dtype) });
  return [ctx.output(y, shape, dtype, identityPerm(rank + 1), known ? { known } : {})];
};

/** Equal or given sizes along TF `axis`, each output in the input's layout; `squeeze` drops the axis (Unpack). */
function split(ctx: OpContext, x: TfTensor, axis: number, sizes: number[], squeeze: boolean): TfTensor[] {
  const outShapes = sizes.map((size) => x.shape.map((d, i) => (i === axis ? size : d)));
  if (x.constant) {
    let start = 0;
    return sizes.map((size, k) => {
      const part = sliceConstant(x.constant!, x.shape.map((_, i) => (i === axis ? start : 0)), outShapes[k]! as number[]);
      start += size;
      const shape = squeeze ? part.shape.filter((_, i) => i !== axis) : part.shape;
      return ctx.constantOutput({ ...part, shape }, x.dtype, `${ctx.node.name}:${k}`);
    });
  }
  const value = ctx.inLayout(x, x.perm);
  const irAxis = x.perm.indexOf(axis);
  const parts = ctx.opOutputs('Split', [value, ctx.int64('split', sizes)], sizes.map(() => value.dtype), { axis: irAxis });
  const knownParts = x.known && x.shape.length === 1 ? x.known : undefined;
  let offset = 0;
  return parts.map((part, k) => {
    part.shape = irShapeOf({ shape: outShapes[k]!, perm: x.perm });
    const known = knownParts?.slice(offset, offset + sizes[k]!);
    offset += sizes[k]!;
    if (!squeeze) return ctx.output(part, outShapes[k]!, x.dtype, x.perm, known ? { known } : {});
    const y = ctx.op('Squeeze', [part, ctx.int64('axes', [irAxis])], {}, { suffix: `squeeze_${k}`, dtype: value.dtype });
    return ctx.output(y, outShapes[k]!.filter((_, i) => i !== axis), x.dtype, permWithout(x.perm, [axis]), known ? { known } : {});
  });
}

function staticDim(ctx: OpContext, x: TfTensor, axis: number): number {
  const dim = x.shape[axis];
  if (typeof dim !== 'number') return ctx.unsupported(`splitting along axis ${axis} of unknown size`);
  return dim;
}

export const Unpack: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const axis = normalizeAxis(ctx.int('axis', 0), x.shape.length);
  const count = staticDim(ctx, x, axis);
  return split(ctx, x, axis, new Array<number>(count).fill(1), true);
};

/** Split(axis, x) into num_split equal parts. */
export const Split: OpHandler = (ctx) => {
  const x = ctx.input(1);
  const [axisValue] = ctx.staticValues(ctx.input(0), 'axis');
  const axis = normalizeAxis(axisValue!, x.shape.length);
  const count = ctx.int('num_split');
  const dim = staticDim(ctx, x, axis);
  if (dim % count !== 0) ctx.unsupported(`axis ${axis} of size ${dim} does not split into ${count} equal parts`);
  return split(ctx, x, axis, new Array<number>(count).fill(dim / count), false);
};

/** SplitV(x, size_splits, axis): one size may be -1, the rest of the axis. */
export const SplitV: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [axisValue] = ctx.staticValues(ctx.input(2), 'axis');
  const axis = normalizeAxis(axisValue!, x.shape.length);
  const sizes = ctx.staticValues(ctx.input(1), 'size_splits');
  const dim = staticDim(ctx, x, axis);
  const given = sizes.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
  return split(ctx, x, axis, sizes.map((s) => (s < 0 ? dim - given : s)), false);
};

/** Tile: the multiples, reordered into the IR layout. */
export const Tile: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const multiples = ctx.staticValues(ctx.input(1), 'multiples');
  if (multiples.length !== x.shape.length) ctx.unsupported(`multiples [${multiples}] do not match rank ${x.shape.length}`);
  const shape = x.shape.map((d, i) => (multiples[i] === 1 ? d : typeof d === 'number' ? d * multiples[i]! : `${d}*${multiples[i]}`));
  const value = ctx.inLayout(x, x.perm);
  const y = ctx.op('Tile', [value, ctx.int64('repeats', x.perm.map((axis) => multiples[axis]!))], {}, { dtype: value.dtype });
  return [ctx.output(y, shape, x.dtype, x.perm)];
};
