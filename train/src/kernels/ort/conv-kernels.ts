// Conv2D, FusedConv2D and the two convolution gradients as tfjs wasm kernels computed by onnxruntime (MLAS'
// AVX2/AVX-512 SGEMM on every core) on the tensors where they lie in the wasm heap. A configuration the
// graphs do not cover (NCHW, a PReLU, a bias that is not one value per output channel, an empty tensor) or
// too small to repay a session run goes to the kernel that was registered before.
import * as tf from '@tensorflow/tfjs';
import { heapBackend } from '../heap.ts';
import type { TensorInfo } from '../kernel-scope.ts';
import { filterGradientGraph, forwardGraph, FUSED_ACTIVATIONS, inputGradientGraph, type ConvGeometry, type ForwardOptions, type FusedActivation } from './conv-graphs.ts';
import { patchFilterGradientGraph, patchForwardGraph, patchInputGradientGraph, prefersPatches } from './patch-graphs.ts';
import { isPointwise, pointwiseFilterGradientGraph, pointwiseForwardGraph, pointwiseInputGradientGraph } from './pointwise-graphs.ts';
import { nativeTensor, type NativeSession } from './native-runtime.ts';
import type { SessionCache } from './session-cache.ts';

import type { KernelArgs, KernelFactory } from '../overlay.ts';

/**
 * Below this many FLOPs a kernel stays on wasm: an onnxruntime run costs tens of microseconds of fixed
 * overhead (binding, thread wake-up), what XNNPACK computes 1 MFLOP in.
 */
export const MIN_ORT_FLOPS = 2 ** 20;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

type Shape4 = [number, number, number, number];

function convInfo(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}

export function convGeometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  const { top, left, bottom, right } = info.padInfo;
  return {
    inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth,
    strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
    pads: { top, left, bottom, right },
  };
}

interface Formulation {
  name: 'pointwise' | 'patches' | 'conv';
  forward: (g: ConvGeometry, options: ForwardOptions) => Uint8Array;
  inputGradient: (g: ConvGeometry) => Uint8Array;
  filterGradient: (g: ConvGeometry) => Uint8Array;
}

const POINTWISE: Formulation = { name: 'pointwise', forward: pointwiseForwardGraph, inputGradient: pointwiseInputGradientGraph, filterGradient: pointwiseFilterGradientGraph };
const PATCHES: Formulation = { name: 'patches', forward: patchForwardGraph, inputGradient: patchInputGradientGraph, filterGradient: patchFilterGradientGraph };
const CONV: Formulation = { name: 'conv', forward: forwardGraph, inputGradient: inputGradientGraph, filterGradient: filterGradientGraph };

/** How a convolution is computed: 1×1 as plain products, a filter larger than its maps by patches, else Conv. */
export function formulationOf(g: ConvGeometry): Formulation {
  return isPointwise(g) ? POINTWISE : prefersPatches(g) ? PATCHES : CONV;
}

/**
 * A forward convolution whose windows sum fewer than this many products (kh·kw·Ci: an RGB stem's 27) stays
 * on XNNPACK, which writes NHWC directly: through Conv the output's transpose costs more than the product
 * (Inception10's stem: 10 ms of CPU against 4.9 on wasm, bench/NOTES.md finding 10).
 */
const MIN_FORWARD_REDUCTION = 32;

/** Multiply-adds ×2 of the convolution; each gradient does the same work as the forward pass. */
function convFlops(info: tf.backend_util.Conv2DInfo): number {
  return 2 * info.batchSize * info.outHeight * info.outWidth * info.outChannels * info.inChannels * info.filterHeight * info.filterWidth;
}

/** Float32 tensors with no empty dimension: what the graphs are built for. */
export function plainFloats(...tensors: TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32' && t.shape.every((d) => d > 0));
}

/** Runs a cached session on heap tensors; each output shape is allocated in the heap, in order, and returned. */
export function runOnHeapOutputs(args: KernelArgs, session: NativeSession, inputs: Record<string, TensorInfo>, outputs: [name: string, shape: number[]][]): TensorInfo[] {
  const heap = heapBackend(args.backend);
  const results = outputs.map(([, shape]) => heap.makeOutput(shape, 'float32'));
  // Views after every allocation: one may have grown (and so detached) the heap.
  const feeds = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, nativeTensor(t.shape, heap.typedArrayFromHeap(t))]));
  const fetches = Object.fromEntries(outputs.map(([name, shape], i) => [name, nativeTensor(shape, heap.typedArrayFromHeap(results[i]!))]));
  session.run(feeds, fetches);
  return results;
}

export function runOnHeap(args: KernelArgs, session: NativeSession, inputs: Record<string, TensorInfo>, outputName: string, outputShape: number[]): TensorInfo {
  return runOnHeapOutputs(args, session, inputs, [[outputName, outputShape]])[0]!;
}

export function convKernels(sessions: SessionCache, minFlops: number): Record<'Conv2D' | 'FusedConv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter', KernelFactory> {
  const worthRunning = (info: tf.backend_util.Conv2DInfo, ...tensors: TensorInfo[]) => convFlops(info) >= minFlops && plainFloats(...tensors);
  const worthForward = (g: ConvGeometry) => formulationOf(g).name !== 'conv' || g.filterHeight * g.filterWidth * g.inChannels >= MIN_FORWARD_REDUCTION;

  const conv2d: KernelFactory = (previous) => (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = convInfo(x.shape, filter.shape, attrs);
    if (attrs.dataFormat === 'NCHW' || !worthRunning(info, x, filter) || !worthForward(convGeometry(info))) return previous(args);
    const g = convGeometry(info);
    const options = { bias: false, activation: 'linear', leakyReluAlpha: 0 } as const;
    const session = sessions.get(`Conv2D ${JSON.stringify(g)}`, () => formulationOf(g).forward(g, options));
    return runOnHeap(args, session, { x, filter }, 'y', [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  };

  const fusedConv2d: KernelFactory = (previous) => (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const activation = attrs.activation ?? 'linear';
    const info = convInfo(x.shape, filter.shape, attrs);
    const biasPerChannel = !bias || (bias.shape.reduce((a, b) => a * b, 1) === info.outChannels && bias.dtype === 'float32');
    if (attrs.dataFormat === 'NCHW' || preluActivationWeights || !(FUSED_ACTIVATIONS as readonly string[]).includes(activation) || !biasPerChannel || !worthRunning(info, x, filter) || !worthForward(convGeometry(info))) {
      return previous(args);
    }
    const g = convGeometry(info);
    const options = { bias: bias !== undefined, activation: activation as FusedActivation, leakyReluAlpha: attrs.leakyreluAlpha ?? 0.2 };
    const session = sessions.get(`FusedConv2D ${JSON.stringify(g)} ${JSON.stringify(options)}`, () => formulationOf(g).forward(g, options));
    const inputs: Record<string, TensorInfo> = { x, filter };
    if (bias) inputs.bias = { ...bias, shape: [info.outChannels] };
    return runOnHeap(args, session, inputs, 'y', [info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  };

  const backpropInput: KernelFactory = (previous) => (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const info = convInfo(attrs.inputShape, filter.shape, attrs);
    if (attrs.dataFormat === 'NCHW' || !worthRunning(info, dy, filter)) return previous(args);
    const g = convGeometry(info);
    const session = sessions.get(`Conv2DBackpropInput ${JSON.stringify(g)}`, () => formulationOf(g).inputGradient(g));
    return runOnHeap(args, session, { dy, filter }, 'dx', [...attrs.inputShape]);
  };

  const backpropFilter: KernelFactory = (previous) => (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const info = convInfo(x.shape, attrs.filterShape, attrs);
    if (attrs.dataFormat === 'NCHW' || !worthRunning(info, x, dy)) return previous(args);
    const g = convGeometry(info);
    const session = sessions.get(`Conv2DBackpropFilter ${JSON.stringify(g)}`, () => formulationOf(g).filterGradient(g));
    return runOnHeap(args, session, { x, dy }, 'dfilter', [...attrs.filterShape]);
  };

  return { Conv2D: conv2d, FusedConv2D: fusedConv2d, Conv2DBackpropInput: backpropInput, Conv2DBackpropFilter: backpropFilter };
}
