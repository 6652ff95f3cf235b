// Convolutions with a window as standard ONNX graphs over tfjs' layouts: activations NHWC, filters
// [kh, kw, in, out] (HWIO). onnxruntime's Conv is NCHW with [out, in, kh, kw] filters, so each graph
// transposes on the way in and out; the batch is symbolic, so one session serves every batch size.
//   forward:         y  = Conv(x, W) (+ bias, + activation)
//   input gradient:  dx = ConvTranspose(dy, W): the adjoint of the strided, padded convolution
//   filter gradient: dW = Conv over swapped axes — x read as Ci images of N channels, dy as a filter of Co
//                    outputs over N channels spanning Ho×Wo taps, dilated by the stride — giving [Ci, Co, kh, kw]
// 1×1 convolutions without padding take the transpose-free matrix products of pointwise-graphs.ts.
import { KernelGraph, type AttributeValue } from './onnx-graph.ts';

/** What tfjs' computeConv2DInfo says about one NHWC convolution, with its padding made explicit. */
export interface ConvGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  pads: { top: number; left: number; bottom: number; right: number };
}

/** tfjs' fused activations that have an ONNX operator of the same definition. */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export interface ForwardOptions {
  bias: boolean;
  activation: FusedActivation;
  leakyReluAlpha: number;
}

export const BATCH = 'N';
const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const HWIO_TO_OIHW = [3, 2, 0, 1];

export function nhwc(g: ConvGeometry, side: 'in' | 'out'): (number | string)[] {
  return side === 'in' ? [BATCH, g.inHeight, g.inWidth, g.inChannels] : [BATCH, g.outHeight, g.outWidth, g.outChannels];
}

export function filterShape(g: ConvGeometry): number[] {
  return [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
}

function convAttributes(g: ConvGeometry): Record<string, AttributeValue> {
  return {
    strides: [g.strideHeight, g.strideWidth],
    dilations: [g.dilationHeight, g.dilationWidth],
    pads: [g.pads.top, g.pads.left, g.pads.bottom, g.pads.right],
  };
}

/** The activation of a fused kernel applied to `y` (elementwise, so the layout does not matter). */
export function activate(graph: KernelGraph, y: string, activation: FusedActivation, leakyReluAlpha: number): string {
  switch (activation) {
    case 'linear': return y;
    case 'relu': return graph.node('Relu', [y]);
    case 'relu6': return graph.node('Clip', [y, graph.float32Scalar(0), graph.float32Scalar(6)]);
    case 'elu': return graph.node('Elu', [y], { alpha: { float: 1 } });
    case 'sigmoid': return graph.node('Sigmoid', [y]);
    case 'leakyrelu': return graph.node('LeakyRelu', [y], { alpha: { float: leakyReluAlpha } });
  }
}

export function forwardGraph(g: ConvGeometry, options: ForwardOptions): Uint8Array {
  const graph = new KernelGraph('conv2d');
  const x = graph.node('Transpose', [graph.input('x', nhwc(g, 'in'))], { perm: NHWC_TO_NCHW });
  const w = graph.node('Transpose', [graph.input('filter', filterShape(g))], { perm: HWIO_TO_OIHW });
  const inputs = options.bias ? [x, w, graph.input('bias', [g.outChannels])] : [x, w];
  const y = activate(graph, graph.node('Conv', inputs, convAttributes(g)), options.activation, options.leakyReluAlpha);
  graph.output('y', nhwc(g, 'out'), graph.node('Transpose', [y], { perm: NCHW_TO_NHWC }));
  return graph.toBytes();
}

export function inputGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_input_gradient');
  const dy = graph.node('Transpose', [graph.input('dy', nhwc(g, 'out'))], { perm: NHWC_TO_NCHW });
  const w = graph.node('Transpose', [graph.input('filter', filterShape(g))], { perm: HWIO_TO_OIHW });
  // The rows past the last window (stride > 1, 'valid') get no gradient from a tap; output_padding adds them.
  const coveredHeight = g.strideHeight * (g.outHeight - 1) + (g.filterHeight - 1) * g.dilationHeight + 1 - g.pads.top - g.pads.bottom;
  const coveredWidth = g.strideWidth * (g.outWidth - 1) + (g.filterWidth - 1) * g.dilationWidth + 1 - g.pads.left - g.pads.right;
  const dx = graph.node('ConvTranspose', [dy, w], { ...convAttributes(g), output_padding: [g.inHeight - coveredHeight, g.inWidth - coveredWidth] });
  graph.output('dx', nhwc(g, 'in'), graph.node('Transpose', [dx], { perm: NCHW_TO_NHWC }));
  return graph.toBytes();
}

export function filterGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_filter_gradient');
  // Rows and columns past the last window never met a filter tap (negative bottom/right padding): cut them.
  const bottom = g.filterHeight + (g.outHeight - 1) * g.strideHeight - g.inHeight - g.pads.top;
  const right = g.filterWidth + (g.outWidth - 1) * g.strideWidth - g.inWidth - g.pads.left;
  let x = graph.input('x', nhwc(g, 'in'));
  if (bottom < 0 || right < 0) {
    x = graph.node('Slice', [x, graph.int64s([0, 0]), graph.int64s([g.inHeight + Math.min(bottom, 0), g.inWidth + Math.min(right, 0)]), graph.int64s([1, 2])]);
  }
  const images = graph.node('Transpose', [x], { perm: [3, 0, 1, 2] });
  const taps = graph.node('Transpose', [graph.input('dy', nhwc(g, 'out'))], { perm: [3, 0, 1, 2] });
  const dw = graph.node('Conv', [images, taps], {
    strides: [1, 1],
    dilations: [g.strideHeight, g.strideWidth],
    pads: [g.pads.top, g.pads.left, Math.max(bottom, 0), Math.max(right, 0)],
  });
  graph.output('dfilter', filterShape(g), graph.node('Transpose', [dw], { perm: [2, 3, 0, 1] }));
  return graph.toBytes();
}
