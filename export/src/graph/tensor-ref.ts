// What the graph front end knows about a TF tensor while it compiles: its TF shape and dtype, how its IR
// axes are laid out (the layers front end's `perm`), and either its run-time IR value or its compile-time
// constant. Shape arithmetic is folded through `known`: element values that are numbers, or symbolic
// dims (strings) that are only known at run time, such as Shape() of a dynamic batch.
import { flattenedFeatureOrder } from '../frontend/layout.ts';
import type { Dim, Value } from '../ir/graph.ts';
import type { ConstTensor, DataType } from '../ir/tensor.ts';

/** tfjs computes in these three dtypes (every TF integer type runs as int32, every float as float32). */
export type TfDtype = 'float32' | 'int32' | 'bool';

/** A compile-time element: a number, or the name of a dim only known at run time. */
export type KnownElement = number | string;

export interface TfTensor {
  /** TF (channels-last) shape: numbers, or symbolic dims. */
  shape: Dim[];
  dtype: TfDtype;
  /** IR axis i holds TF axis perm[i]. Identity for constants. */
  perm: number[];
  /** The run-time value, laid out by `perm`; absent for constants, which are laid out on demand. */
  value?: Value;
  /** The compile-time value, in TF layout. */
  constant?: ConstTensor;
  /** The name its IR constant gets (the TF node that made it). */
  constantName?: string;
  /** Elements known at compile time (TF order), for non-constant shape-like tensors. */
  known?: KnownElement[];
  /**
   * Set on a rank-2 [N, F] tensor that is a permuted image flattened in IR order: its features are not in TF
   * order. A MatMul with constant weights absorbs that order into its rows; any other consumer reads the
   * source in TF layout instead (see `featureOrderOf`).
   */
  flattenedFrom?: TfTensor;
}

export const IR_DTYPE: Record<TfDtype, DataType> = { float32: 'float32', int32: 'int32', bool: 'bool' };

/** The TF dtype that tfjs computes a DT_* type in; undefined for types tfjs cannot run (strings, resources). */
export function tfDtype(dt: string | undefined): TfDtype | undefined {
  switch (dt) {
    case 'DT_FLOAT': case 'DT_HALF': case 'DT_DOUBLE': case 'DT_BFLOAT16': return 'float32';
    case 'DT_INT32': case 'DT_INT64': case 'DT_INT8': case 'DT_UINT8': case 'DT_INT16': case 'DT_UINT16': return 'int32';
    case 'DT_BOOL': return 'bool';
    default: return undefined;
  }
}

export function isStatic(dims: readonly Dim[]): dims is number[] {
  return dims.every((d) => typeof d === 'number');
}

/** The product of dims: a number when all are known, else an expression naming the unknown ones. */
export function productDims(dims: readonly Dim[]): Dim {
  let known = 1;
  const symbols: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') known *= d;
    else symbols.push(d);
  }
  if (symbols.length === 0) return known;
  if (known === 0) return 0;
  return known === 1 ? symbols.join('*') : [...symbols, String(known)].join('*');
}

/** TF broadcasting of two shapes (right-aligned; 1 stretches). */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x === 1) return y;
    if (y === 1 || x === y) return x;
    if (typeof x === 'number' && typeof y === 'number') throw new Error(`shapes [${a}] and [${b}] do not broadcast`);
    return typeof x === 'number' ? x : y;
  });
}

/** The IR shape of a tensor laid out by its perm. */
export function irShapeOf(t: Pick<TfTensor, 'shape' | 'perm'>): Dim[] {
  return t.perm.map((axis) => t.shape[axis]!);
}

/** Normalises a possibly negative TF axis. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) throw new RangeError(`axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/**
 * Whether the tensor's data, laid out by `perm`, is already in TF row-major order: true when the axes that
 * `perm` moves all have size 1 (a pooled [N,1,1,C] held as [N,C,1,1]), so a Reshape needs no Transpose.
 */
export function dataInTfOrder(t: Pick<TfTensor, 'shape' | 'perm'>): boolean {
  const moved = t.perm.filter((axis) => t.shape[axis] !== 1);
  return moved.every((axis, i) => i === 0 || moved[i - 1]! < axis);
}

/** The layout left after removing TF axes `removed` (sorted or not) from a tensor laid out by `perm`. */
export function permWithout(perm: readonly number[], removed: readonly number[]): number[] {
  const kept = perm.filter((axis) => !removed.includes(axis));
  const order = [...kept].sort((a, b) => a - b);
  return kept.map((axis) => order.indexOf(axis));
}

/** Row-major element values of a constant as numbers (bigints converted). */
export function constantValues(tensor: ConstTensor): number[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>, Number);
}

/** IR feature j of a flattened tensor holds TF feature order[j]. */
export function featureOrderOf(source: TfTensor): Int32Array {
  return flattenedFeatureOrder(source.shape.map((d, i) => (i === 0 ? null : d as number)), source.perm);
}
