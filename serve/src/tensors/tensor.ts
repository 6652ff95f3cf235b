// A tensor as the server moves it between HTTP, the batcher and the inference threads: datatype, shape and
// its data in the datatype's typed array (datatypes.ts), row-major. Rows of a batch are joined and split here.
import { allocate, type Datatype, type TensorArray } from './datatypes.ts';
import { fromFloat16Bits } from '@onnx-edge/core';

export interface Tensor {
  datatype: Datatype;
  shape: number[];
  data: TensorArray;
}

/** An input or output as a model declares it; shape with -1 where any size goes (the batch, when it batches). */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** A tensor fed to or returned by a model, under its name. */
export type NamedTensor = Tensor & { name: string };

export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** "[N,3,?,?]"-style text for messages: -1 (variable) shown as '?'. */
export const shapeText = (shape: readonly number[]): string => `[${shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;

/** Whether a shape fits a declared one: same rank, equal where the declared dim is fixed (≥ 0). */
export const shapeFits = (shape: readonly number[], declared: readonly number[]): boolean =>
  shape.length === declared.length && shape.every((d, i) => declared[i]! < 0 || d === declared[i]);

/** Rows of the same shape stacked along a new first dimension: n × [...shape] → [n, ...shape]. */
export function stackRows(rows: readonly Tensor[]): Tensor {
  const first = rows[0]!;
  if (rows.length === 1) return { datatype: first.datatype, shape: [1, ...first.shape], data: first.data };
  const size = first.data.length;
  const data = allocate(first.datatype, rows.length * size);
  rows.forEach((row, i) => (data as Uint8Array).set(row.data as Uint8Array, i * size));
  return { datatype: first.datatype, shape: [rows.length, ...first.shape], data };
}

/** The rows of a tensor along its first dimension, each a view: [n, ...shape] → n × [...shape]. */
export function splitRows(tensor: Tensor): Tensor[] {
  const [rows, ...shape] = tensor.shape;
  const size = elementCount(shape);
  return Array.from({ length: rows! }, (_, i) => ({ datatype: tensor.datatype, shape, data: tensor.data.subarray(i * size, (i + 1) * size) as TensorArray }));
}

/** A float tensor's values as numbers (FP16 decoded): what /classify ranks. */
export function floatValues(tensor: Tensor): ArrayLike<number> {
  if (tensor.datatype === 'FP32' || tensor.datatype === 'FP64') return tensor.data as Float32Array | Float64Array;
  if (tensor.datatype === 'FP16') return Float32Array.from(tensor.data as Uint16Array, fromFloat16Bits);
  throw new RangeError(`a ${tensor.datatype} tensor holds no class scores`);
}
