// The wasm backend's own view of its tensors: each lives in the WebAssembly heap, and a kernel can allocate
// an output there and read or write any tensor in place through a typed array over the heap. Views are taken
// after every allocation of a kernel: an allocation may grow (and so detach) the heap's ArrayBuffer.
import type * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from './kernel-scope.ts';

export interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

export function heapBackend(backend: tf.KernelBackend): HeapBackend {
  return backend as unknown as HeapBackend;
}
