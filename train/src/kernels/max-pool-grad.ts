// MaxPoolGrad for the wasm backend, in JavaScript directly on the wasm heap. The forward pass's output y
// is one of the kernel's inputs, so each window's maximum is known: the gradient of an output goes to the
// first input of its window (row-major order, padding excluded) equal to y, which is the position tfjs' cpu
// kernel and TF pick among ties (strict '>' from -∞); a window whose maximum is -∞ or NaN passes none, as
// there. The search stops at the first match — on average half a window, where recomputing the maximum and
// its position reads all of it (tfjs-backend-wasm's own kernel re-scans every window per channel with strided
// reads: about a quarter of an Inception10 step). Outputs with no gradient are not searched at all: a pool
// read by a strided 1×1 convolution, as in each Inception block's first module, gets gradient at one output
// in four.
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from './kernel-scope.ts';
import { heapBackend } from './heap.ts';

interface Attrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  const backend = heapBackend(args.backend);
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const { top, left } = info.padInfo;

  const out = backend.makeOutput([...input.shape], 'float32');
  // Views are taken after makeOutput: an allocation may grow (and so detach) the wasm memory.
  const x = backend.typedArrayFromHeap(input);
  const y = backend.typedArrayFromHeap(output);
  const gradOut = backend.typedArrayFromHeap(dy);
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const taps = new Int32Array(effectiveFilterHeight * effectiveFilterWidth); // flat offsets of a window's pixels
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - top;
      const hFrom = Math.max(0, h0);
      const hTo = Math.min(inHeight, h0 + effectiveFilterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - left;
        const wFrom = Math.max(0, w0);
        const wTo = Math.min(inWidth, w0 + effectiveFilterWidth);
        let count = 0;
        for (let h = hFrom; h < hTo; h++) {
          for (let w = wFrom; w < wTo; w++) taps[count++] = ((n * inHeight + h) * inWidth + w) * channels;
        }
        const at = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const gradient = gradOut[at + c]!;
          const maximum = y[at + c]!;
          if (gradient === 0 || maximum === Number.NEGATIVE_INFINITY) continue;
          for (let t = 0; t < count; t++) {
            const position = taps[t]! + c;
            if (x[position] === maximum) {
              dx[position] += gradient;
              break;
            }
          }
        }
      }
    }
  }
  return out;
}
