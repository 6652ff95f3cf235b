// How a tfjs tensor is laid out in the IR. tfjs is channels-last; the exported graph runs channels-first,
// so a tensor's IR axes are a permutation of its tfjs axes. Handlers keep that permutation in a TensorRef
// instead of inserting Transposes, and fold it into weights where they can (kernels, Dense rows).
import { symbolName, UNKNOWN_DIM } from '../ir/dims.ts';
import type { Dim, Value } from '../ir/graph.ts';

export type TfShape = readonly (number | null)[];

export interface LayerOutput {
  value: Value;
  /** IR axis i holds tfjs axis perm[i]. */
  perm: number[];
  /**
   * Only on rank-2 tensors that come from flattening a permuted tensor: IR feature j holds tfjs feature
   * featureOrder[j]. A following Dense permutes its kernel rows instead of the data being transposed.
   */
  featureOrder?: Int32Array;
}

export interface TensorRef extends LayerOutput {
  /** The tfjs shape (batch dimension null). */
  shape: TfShape;
}

export function identityPerm(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => i);
}

/** [0, last, 1, 2, ...]: NHWC → NCHW and its analogues for other ranks. */
export function channelsFirstPerm(rank: number): number[] {
  if (rank < 3) return identityPerm(rank);
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

export function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

export function samePerm(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** The Transpose perm that turns a tensor laid out as `from` into one laid out as `to`. */
export function transposeBetween(from: readonly number[], to: readonly number[]): number[] {
  return to.map((axis) => from.indexOf(axis));
}

/** tfjs axis (negative allowed) → IR axis of a tensor laid out with `perm`. */
export function irAxis(perm: readonly number[], tfAxis: number): number {
  const axis = tfAxis < 0 ? perm.length + tfAxis : tfAxis;
  return perm.indexOf(axis);
}

/**
 * The IR shape of a tfjs shape laid out with `perm`. The unknown batch dimension becomes `batchName`; other
 * unknown dimensions get `unknown(axis)` — UNKNOWN_DIM unless the caller names them (a graph input's
 * symbols), so that no dimension is ever declared equal to another it may differ from.
 */
export function irShape(shape: TfShape, perm: readonly number[], batchName: Dim = 'N', unknown: (axis: number) => Dim = () => UNKNOWN_DIM): Dim[] {
  return perm.map((axis) => shape[axis] ?? (axis === 0 ? batchName : unknown(axis)));
}

/** Names of the tfjs axes of image (rank 4) and sequence (rank 3) tensors, for a graph input's symbols. */
const AXIS_NAMES: Record<number, readonly string[]> = { 3: ['batch', 'steps', 'features'], 4: ['batch', 'height', 'width', 'channels'] };

/** The symbol of a graph input's unknown axis: 'input_height', 'tokens_steps', 'input_d5'. */
export function inputSymbol(inputName: string, rank: number, axis: number): string {
  return symbolName(`${inputName}_${AXIS_NAMES[rank]?.[axis] ?? `d${axis}`}`);
}

/**
 * Feature order after flattening a tensor of tfjs shape `shape` (batch first) laid out with `perm`:
 * entry j is the tfjs flat feature index of IR flat feature j.
 */
export function flattenedFeatureOrder(shape: TfShape, perm: readonly number[]): Int32Array {
  const dims = shape.slice(1).map((d, i) => {
    if (d === null) throw new Error(`cannot flatten a tensor with unknown dimension ${i + 1}`);
    return d;
  });
  const rank = dims.length;
  const tfStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) { tfStrides[i] = s; s *= dims[i]!; }
  const irAxes = perm.slice(1).map((a) => a - 1);
  const irDims = irAxes.map((a) => dims[a]!);
  const total = dims.reduce((a, b) => a * b, 1);
  const order = new Int32Array(total);
  const index = new Array<number>(rank).fill(0);
  for (let j = 0; j < total; j++) {
    let tfIndex = 0;
    for (let k = 0; k < rank; k++) tfIndex += index[k]! * tfStrides[irAxes[k]!]!;
    order[j] = tfIndex;
    for (let k = rank - 1; k >= 0; k--) {
      if (++index[k]! < irDims[k]!) break;
      index[k] = 0;
    }
  }
  return order;
}
