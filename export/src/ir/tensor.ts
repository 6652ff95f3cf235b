// Constant tensors of the IR: typed data plus a shape, independent of any serialisation format.

export type DataType = 'float32' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** float16 values are kept as their IEEE 754 binary16 bit patterns; bool and uint8 as one byte each (0/1 for bool). */
export type TensorData = Float32Array | Uint16Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

export interface ConstTensor {
  dtype: DataType;
  shape: number[];
  data: TensorData;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function floatTensor(shape: number[], data: Float32Array | number[]): ConstTensor {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  if (values.length !== sizeOf(shape)) throw new RangeError(`float tensor [${shape}] needs ${sizeOf(shape)} values, got ${values.length}`);
  return { dtype: 'float32', shape, data: values };
}

export function int64Tensor(shape: number[], data: readonly number[]): ConstTensor {
  if (data.length !== sizeOf(shape)) throw new RangeError(`int64 tensor [${shape}] needs ${sizeOf(shape)} values, got ${data.length}`);
  return { dtype: 'int64', shape, data: BigInt64Array.from(data, (v) => BigInt(v)) };
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** out axis i = in axis perm[i] (ONNX Transpose semantics), on float data. */
export function transposeFloat(tensor: ConstTensor, perm: readonly number[]): ConstTensor {
  return transposeTensor(tensor, perm);
}

/** out axis i = in axis perm[i] (ONNX Transpose semantics), for a tensor of any dtype. */
export function transposeTensor(tensor: ConstTensor, perm: readonly number[]): ConstTensor {
  const inShape = tensor.shape;
  const outShape = perm.map((p) => inShape[p]!);
  const inStrides = stridesOf(inShape);
  const out = emptyLike(tensor.data, tensor.data.length);
  // Elements are only moved, never computed: one element-typed view serves every dtype (bigints included).
  const src = tensor.data as unknown as Elements;
  const dst = out as unknown as Elements;
  if (perm.length > 4) {
    transposeAnyRank(src, dst, outShape, perm.map((p) => inStrides[p]!));
    return { dtype: tensor.dtype, shape: outShape, data: out };
  }
  // Pad to rank 4 with leading size-1 axes, then four plain loops: weights of ResNet18 (11 M values)
  // transpose in tens of milliseconds this way.
  const pad = 4 - perm.length;
  const dims = [...new Array<number>(pad).fill(1), ...outShape];
  const step = [...new Array<number>(pad).fill(0), ...perm.map((p) => inStrides[p]!)];
  const [d0, d1, d2, d3] = dims as [number, number, number, number];
  const [s0, s1, s2, s3] = step as [number, number, number, number];
  let o = 0;
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        let offset = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < d3; d++, offset += s3) dst[o++] = src[offset]!;
      }
    }
  }
  return { dtype: tensor.dtype, shape: outShape, data: out };
}

/** A zeroed array of the same element type. */
export function emptyLike<T extends TensorData>(data: T, length: number): T {
  return new (data.constructor as new (n: number) => T)(length);
}

type Elements = { [index: number]: number; readonly length: number };

/** Odometer over the output index for ranks above 4 (rare: never on the hot path of CNN weights). */
function transposeAnyRank(src: Elements, out: Elements, outShape: readonly number[], step: readonly number[]): void {
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = src[offset]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      offset += step[d]!;
      if (index[d]! < outShape[d]!) break;
      offset -= step[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}
