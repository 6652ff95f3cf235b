// SplitV along one axis as block copies on the wasm heap. Along axis a, a tensor is `outer` blocks (the
// product of the dimensions before a), each holding every part's slab one after another; a part of size s
// along a has slabs of s·inner elements (inner: the product after a). The wasm backend's SplitV goes through
// a per-element 4-D slice: an Inception10 step (the gradient of each block's Concat) spent 130 ms of CPU
// there, 48 ms here.
import * as tf from '@tensorflow/tfjs';
import { heapBackend } from './heap.ts';
import type { TensorInfo } from './kernel-scope.ts';
import type { Kernel, KernelArgs } from './overlay.ts';

/** Below this many elements per slab, a plain loop beats creating a subarray for TypedArray.set. */
const SLAB_LOOP_LIMIT = 64;

function copySlabs(from: Float32Array | Int32Array | Uint8Array, fromStride: number, fromOffset: number, to: typeof from, toStride: number, toOffset: number, slab: number, outer: number): void {
  if (slab >= SLAB_LOOP_LIMIT) {
    for (let o = 0; o < outer; o++) to.set(from.subarray(fromOffset + o * fromStride, fromOffset + o * fromStride + slab), toOffset + o * toStride);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const f = fromOffset + o * fromStride;
    const t = toOffset + o * toStride;
    for (let i = 0; i < slab; i++) to[t + i] = from[f + i]!;
  }
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

export const blockSplitV = (previous: Kernel): Kernel => (args: KernelArgs) => {
  const { x } = args.inputs as { x: TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
  if (x.dtype === 'string' || x.shape.some((d) => d === 0)) return previous(args);
  const along = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, along);
  const heap = heapBackend(args.backend);
  const outputs = sizes.map((size) => heap.makeOutput(x.shape.map((d, i) => (i === along ? size : d)), x.dtype));
  const outer = product(x.shape.slice(0, along));
  const inner = product(x.shape.slice(along + 1));
  const source = heap.typedArrayFromHeap(x);
  let offset = 0;
  outputs.forEach((out, i) => {
    const slab = sizes[i]! * inner;
    copySlabs(source, x.shape[along]! * inner, offset, heap.typedArrayFromHeap(out), slab, 0, slab, outer);
    offset += slab;
  });
  return outputs;
};
