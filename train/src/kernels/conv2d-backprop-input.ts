// A fast Conv2DBackpropInput for the wasm backend: tfjs-backend-wasm's own is a plain loop (2–5 GFLOP/s)
// while its forward convolution runs on XNNPACK (~28 GFLOP/s per core). The input gradient is the forward
// convolution of the output gradient, with (s-1) zeros inserted between its rows/columns for stride s, padded
// by (k-1-pad), with the filter flipped spatially and its in/out channels swapped.
import * as tf from '@tensorflow/tfjs';
import { KernelScope, type TensorInfo } from './kernel-scope.ts';

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export function conv2dBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on wasm supports NHWC only (tfjs layers use NHWC)');
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
  const scope = new KernelScope(args.backend);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;

  const dilated = scope.zeroInsert(dy, sh, sw);
  // Rows of the zero-inserted gradient that can reach dx: the rest (trailing zeros, rows past the input) are cut.
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const bottom = h + kh - 1 - dilated.shape[1] - padTop;
  const right = w + kw - 1 - dilated.shape[2] - padLeft;
  const cropped = scope.slice(dilated, [0, 0, 0, 0], [dilated.shape[0], dilated.shape[1] + Math.min(bottom, 0), dilated.shape[2] + Math.min(right, 0), dilated.shape[3]]);
  const flipped = kh === 1 && kw === 1 ? filter : scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = scope.transpose(flipped, [0, 1, 3, 2]);
  const dx = scope.conv2d(cropped, swapped, { top: padTop, left: padLeft, bottom: Math.max(bottom, 0), right: Math.max(right, 0) }, [1, 1], [1, 1]);
  return scope.finish(dx);
}
