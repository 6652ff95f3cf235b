// Moves tfjs-layout (channels-last) input batches into the exported graph's input layout.
import { transposeFloat } from '../ir/tensor.ts';

/** tfjs [N,H,W,C] data → the graph's input: NCHW for image inputs unless the model takes NHWC. */
export function toGraphInput<T extends Float32Array | Int32Array>(data: T, shape: number[], inputLayout: 'nchw' | 'nhwc'): { data: T; shape: number[] } {
  if (shape.length !== 4 || inputLayout === 'nhwc') return { data, shape };
  // Integer inputs (indices) go through float32, exact for |values| below 2^24.
  const t = transposeFloat({ dtype: 'float32', shape, data: data instanceof Float32Array ? data : Float32Array.from(data) }, [0, 3, 1, 2]);
  const moved = data instanceof Float32Array ? t.data : Int32Array.from(t.data as Float32Array);
  return { data: moved as T, shape: t.shape };
}
