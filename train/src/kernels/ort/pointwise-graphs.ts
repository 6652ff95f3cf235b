// 1×1 convolutions without padding as matrix products over tfjs' own layout: an NHWC activation is already
// the [pixels, channels] matrix and a [1, 1, in, out] filter the [in, out] one, so no activation is
// transposed. A stride s keeps every s-th row and column (a strided Slice) on the way in, and on the way back
// the gradient is spread onto those pixels with zeros between them (reshape to [N, Ho, 1, Wo, 1, C], pad the
// unit axes to s, reshape back, crop).
import { activate, filterShape, nhwc, type ConvGeometry, type ForwardOptions } from './conv-graphs.ts';
import { KernelGraph } from './onnx-graph.ts';

/** A 1×1 window without padding (dilation means nothing for one tap): the shapes this file handles. */
export function isPointwise(g: ConvGeometry): boolean {
  const { top, left, bottom, right } = g.pads;
  return g.filterHeight === 1 && g.filterWidth === 1 && top === 0 && left === 0 && bottom === 0 && right === 0;
}

/** Keeps the pixels a strided 1×1 convolution reads: rows and columns 0, s, 2s, … */
function strided(graph: KernelGraph, x: string, g: ConvGeometry): string {
  if (g.strideHeight === 1 && g.strideWidth === 1) return x;
  return graph.node('Slice', [x, graph.int64s([0, 0]), graph.int64s([g.inHeight, g.inWidth]), graph.int64s([1, 2]), graph.int64s([g.strideHeight, g.strideWidth])]);
}

function filterMatrix(graph: KernelGraph, g: ConvGeometry): string {
  return graph.node('Reshape', [graph.input('filter', filterShape(g)), graph.int64s([g.inChannels, g.outChannels])]);
}

export function pointwiseForwardGraph(g: ConvGeometry, options: ForwardOptions): Uint8Array {
  const graph = new KernelGraph('conv2d_1x1');
  const x = strided(graph, graph.input('x', nhwc(g, 'in')), g);
  let y = graph.node('MatMul', [x, filterMatrix(graph, g)]);
  if (options.bias) y = graph.node('Add', [y, graph.input('bias', [g.outChannels])]);
  graph.output('y', nhwc(g, 'out'), activate(graph, y, options.activation, options.leakyReluAlpha));
  return graph.toBytes();
}

export function pointwiseInputGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_1x1_input_gradient');
  const transposedFilter = graph.node('Transpose', [filterMatrix(graph, g)], { perm: [1, 0] }); // [Co, Ci]: small
  const pixels = graph.node('MatMul', [graph.input('dy', nhwc(g, 'out')), transposedFilter]); // [N, Ho, Wo, Ci]
  const { strideHeight: sh, strideWidth: sw } = g;
  if (sh === 1 && sw === 1) {
    graph.output('dx', nhwc(g, 'in'), pixels);
    return graph.toBytes();
  }
  const cells = graph.node('Reshape', [pixels, graph.int64s([-1, g.outHeight, 1, g.outWidth, 1, g.inChannels])]);
  const spread = graph.node('Pad', [cells, graph.int64s([0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1, 0])]);
  const grid = graph.node('Reshape', [spread, graph.int64s([-1, g.outHeight * sh, g.outWidth * sw, g.inChannels])]);
  const cropped = g.outHeight * sh === g.inHeight && g.outWidth * sw === g.inWidth
    ? grid
    : graph.node('Slice', [grid, graph.int64s([0, 0]), graph.int64s([g.inHeight, g.inWidth]), graph.int64s([1, 2])]);
  graph.output('dx', nhwc(g, 'in'), cropped);
  return graph.toBytes();
}

export function pointwiseFilterGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_1x1_filter_gradient');
  const pixels = strided(graph, graph.input('x', nhwc(g, 'in')), g);
  const x = graph.node('Reshape', [pixels, graph.int64s([-1, g.inChannels])]);
  const dy = graph.node('Reshape', [graph.input('dy', nhwc(g, 'out')), graph.int64s([-1, g.outChannels])]);
  const dw = graph.node('Gemm', [x, dy], { transA: 1 }); // [Ci, Co]: small, so the Reshape's copy is cheap
  graph.output('dfilter', filterShape(g), graph.node('Reshape', [dw, graph.int64s(filterShape(g))]));
  return graph.toBytes();
}
