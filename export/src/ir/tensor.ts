// Constant tensors of the IR: typed data plus a shape, independent of any serialisation format.

export type DataType = 'float32' | 'int64' | 'int32';

export type TensorData = Float32Array | BigInt64Array | Int32Array;

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
  const inShape = tensor.shape;
  const outShape = perm.map((p) => inShape[p]!);
  const inStrides = stridesOf(inShape);
  const src = tensor.data as Float32Array;
  const out = new Float32Array(src.length);
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  const step = perm.map((p) => inStrides[p]!);
  let srcOffset = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = src[srcOffset]!;
    // Odometer over the output index, keeping the matching source offset incrementally.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      srcOffset += step[d]!;
      if (index[d]! < outShape[d]!) break;
      srcOffset -= step[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return { dtype: 'float32', shape: outShape, data: out };
}
