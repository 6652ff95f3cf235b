// Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so a conv net cannot train).
// The weight gradient is itself a convolution, which we run on XNNPACK's forward convolution:
//   dW[i,j,ci,co] = Σ_{n,a,b} x[n, a·s + i - padTop, b·s + j - padLeft, ci] · dy[n,a,b,co]
// Read x as a batch of Ci images with N channels (transpose [3,1,2,0]) and dy as a filter of size Ho×Wo with
// N input and Co output channels (transpose [1,2,0,3]): a stride-1 convolution with dilation s gives
// [Ci, kh, kw, Co], transposed back to the filter layout [kh, kw, Ci, Co].
import * as tf from '@tensorflow/tfjs';
import { KernelScope, type TensorInfo } from './kernel-scope.ts';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only (tfjs layers use NHWC)');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const scope = new KernelScope(args.backend);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo } = info;
  const { top, left } = info.padInfo;
  const [, h, w] = x.shape;

  // Bottom/right padding that makes the output exactly kh×kw; negative means rows the forward pass never read.
  const bottom = kh + (ho - 1) * sh - h - top;
  const right = kw + (wo - 1) * sw - w - left;
  const xImages = scope.transpose(x, [3, 1, 2, 0]);
  const xCropped = scope.slice(xImages, [0, 0, 0, 0], [xImages.shape[0], h + Math.min(bottom, 0), w + Math.min(right, 0), xImages.shape[3]]);
  const dyFilter = scope.transpose(dy, [1, 2, 0, 3]);
  const grad = scope.conv2d(xCropped, dyFilter, { top, left, bottom: Math.max(bottom, 0), right: Math.max(right, 0) }, [1, 1], [sh, sw]);
  return scope.finish(scope.transpose(grad, [1, 2, 0, 3]));
}
