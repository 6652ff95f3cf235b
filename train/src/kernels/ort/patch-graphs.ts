// Convolutions as one matrix product over the whole batch, for layers whose filter outweighs the pixels it
// slides over (ResNet's later stages: a 3×3 512→512 filter, 2.4 M weights, on 2×2 maps). Each output
// pixel's window is laid out as a row of "patches" in tfjs' own order (tap row, tap column, channel) — the
// order of a [kh, kw, in, out] filter read as a [kh·kw·in, out] matrix — so:
//   forward:         y  = patches(x) · W
//   filter gradient: dW = patches(x)ᵀ · dy
//   input gradient:  dx = the patches of dy · Wᵀ added back onto the pixels they came from
// with the filter read as it lies. onnxruntime's Conv/ConvTranspose (conv-graphs.ts) instead run one
// product per image with the filter transposed to [out, in, kh, kw] and packed again for every image: for
// the 2×2 maps that read 9.4 MB of weights 32 times for 4 output pixels each. Patches cost kh·kw copies of
// the input instead, which is why the rule below keeps the large maps of the early layers on Conv.
import { activate, filterShape, nhwc, type ConvGeometry, type ForwardOptions } from './conv-graphs.ts';
import { KernelGraph } from './onnx-graph.ts';

/**
 * Patches when an image's output pixels are at most a quarter of the output channels. Per image, patches
 * copy Ho·Wo·kh·kw·Ci values where Conv reads the kh·kw·Ci·Co filter again, so the break-even is
 * Ho·Wo = Co; measured on ResNet18's layers (bench/NOTES.md, finding 10) Conv still won at 8×8 maps with
 * 128 channels (forward 9.5 against 12.3 ms of CPU) and patches won from 4×4 with 256 on.
 */
export function prefersPatches(g: ConvGeometry): boolean {
  return 4 * g.outHeight * g.outWidth <= g.outChannels;
}

/** Rows of the padded input a tap needs: (Ho − 1)·s + (k − 1)·d + 1. */
function span(out: number, stride: number, kernel: number, dilation: number): number {
  return (out - 1) * stride + (kernel - 1) * dilation + 1;
}

/** [N, Ho, Wo, kh·kw·Ci]: every output pixel's window, taps in row-major order, channels innermost. */
function patches(graph: KernelGraph, x: string, g: ConvGeometry): string {
  const height = span(g.outHeight, g.strideHeight, g.filterHeight, g.dilationHeight);
  const width = span(g.outWidth, g.strideWidth, g.filterWidth, g.dilationWidth);
  const bottom = Math.max(0, height - g.inHeight - g.pads.top);
  const right = Math.max(0, width - g.inWidth - g.pads.left);
  const padded = g.pads.top + bottom + g.pads.left + right > 0
    ? graph.node('Pad', [x, graph.int64s([0, g.pads.top, g.pads.left, 0, 0, bottom, right, 0])])
    : x;
  const taps: string[] = [];
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) {
      const top = i * g.dilationHeight;
      const left = j * g.dilationWidth;
      taps.push(graph.node('Slice', [
        padded,
        graph.int64s([top, left]),
        graph.int64s([top + (g.outHeight - 1) * g.strideHeight + 1, left + (g.outWidth - 1) * g.strideWidth + 1]),
        graph.int64s([1, 2]),
        graph.int64s([g.strideHeight, g.strideWidth]),
      ]));
    }
  }
  return taps.length === 1 ? taps[0]! : graph.node('Concat', taps, { axis: 3 });
}

function filterMatrix(graph: KernelGraph, g: ConvGeometry): string {
  return graph.node('Reshape', [graph.input('filter', filterShape(g)), graph.int64s([g.filterHeight * g.filterWidth * g.inChannels, g.outChannels])]);
}

export function patchForwardGraph(g: ConvGeometry, options: ForwardOptions): Uint8Array {
  const graph = new KernelGraph('conv2d_patches');
  let y = graph.node('MatMul', [patches(graph, graph.input('x', nhwc(g, 'in')), g), filterMatrix(graph, g)]);
  if (options.bias) y = graph.node('Add', [y, graph.input('bias', [g.outChannels])]);
  graph.output('y', nhwc(g, 'out'), activate(graph, y, options.activation, options.leakyReluAlpha));
  return graph.toBytes();
}

export function patchFilterGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_patches_filter_gradient');
  const rows = g.filterHeight * g.filterWidth * g.inChannels;
  const x = graph.node('Reshape', [patches(graph, graph.input('x', nhwc(g, 'in')), g), graph.int64s([-1, rows])]);
  const dy = graph.node('Reshape', [graph.input('dy', nhwc(g, 'out')), graph.int64s([-1, g.outChannels])]);
  const dw = graph.node('Gemm', [x, dy], { transA: 1 });
  graph.output('dfilter', filterShape(g), graph.node('Reshape', [dw, graph.int64s(filterShape(g))]));
  return graph.toBytes();
}

export function patchInputGradientGraph(g: ConvGeometry): Uint8Array {
  const graph = new KernelGraph('conv2d_patches_input_gradient');
  const { inChannels: ci, strideHeight: sh, strideWidth: sw } = g;
  const dy = graph.node('Reshape', [graph.input('dy', nhwc(g, 'out')), graph.int64s([-1, g.outChannels])]);
  const columns = graph.node('Gemm', [dy, filterMatrix(graph, g)], { transB: 1 }); // [N·Ho·Wo, kh·kw·Ci]
  const grid = graph.node('Reshape', [columns, graph.int64s([-1, g.outHeight, g.outWidth, g.filterHeight * g.filterWidth * ci])]);
  // Each tap's gradient goes back to the pixels it read: rows top + a·s, columns left + b·s of the padded input.
  const rows = (g.outHeight - 1) * sh + 1;
  const cols = (g.outWidth - 1) * sw + 1;
  const canvasHeight = Math.max(span(g.outHeight, sh, g.filterHeight, g.dilationHeight), g.pads.top + g.inHeight);
  const canvasWidth = Math.max(span(g.outWidth, sw, g.filterWidth, g.dilationWidth), g.pads.left + g.inWidth);
  const placed: string[] = [];
  for (let i = 0; i < g.filterHeight; i++) {
    for (let j = 0; j < g.filterWidth; j++) {
      const tap = i * g.filterWidth + j;
      let part = graph.node('Slice', [grid, graph.int64s([tap * ci]), graph.int64s([(tap + 1) * ci]), graph.int64s([3])]);
      if (sh > 1 || sw > 1) {
        const cells = graph.node('Reshape', [part, graph.int64s([-1, g.outHeight, 1, g.outWidth, 1, ci])]);
        const spread = graph.node('Pad', [cells, graph.int64s([0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1, 0])]);
        const strided = graph.node('Reshape', [spread, graph.int64s([-1, g.outHeight * sh, g.outWidth * sw, ci])]);
        part = graph.node('Slice', [strided, graph.int64s([0, 0]), graph.int64s([rows, cols]), graph.int64s([1, 2])]);
      }
      const top = i * g.dilationHeight;
      const left = j * g.dilationWidth;
      placed.push(graph.node('Pad', [part, graph.int64s([0, top, left, 0, 0, canvasHeight - top - rows, canvasWidth - left - cols, 0])]));
    }
  }
  const canvas = placed.length === 1 ? placed[0]! : graph.node('Sum', placed);
  const dx = graph.node('Slice', [canvas, graph.int64s([g.pads.top, g.pads.left]), graph.int64s([g.pads.top + g.inHeight, g.pads.left + g.inWidth]), graph.int64s([1, 2])]);
  graph.output('dx', nhwc(g, 'in'), dx);
  return graph.toBytes();
}


