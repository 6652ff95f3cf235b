// Moves tfjs-layout (channels-last) input batches into the exported graph's input layout.
import { transposeFloat } from '../ir/tensor.ts';

/** tfjs [N,H,W,C] data → the graph's input: NCHW for image inputs unless the model takes NHWC. */
export function toGraphInput(data: Float32Array, shape: number[], inputLayout: 'nchw' | 'nhwc'): { data: Float32Array; shape: number[] } {
  if (shape.length !== 4 || inputLayout === 'nhwc') return { data, shape };
  const t = transposeFloat({ dtype: 'float32', shape, data }, [0, 3, 1, 2]);
  return { data: t.data as Float32Array, shape: t.shape };
}
