// Convolutions: Conv2D, _FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2dNative and
// Conv2DBackpropInput (a transposed convolution). The data runs NCHW; TF filters [kh, kw, in, out] are laid
// out as ONNX's [out, in, kh, kw] at compile time (a run-time filter gets a Transpose). Fused ops are
// unfolded as tfjs runs them: fused_ops[0] is BiasAdd (bias → the Conv's B input) or FusedBatchNorm
// (a BatchNormalization the fold pass merges into the weights), fused_ops[1] the activation.
import { channelsFirstPerm } from '../../frontend/layout.ts';
import type { Value } from '../../ir/graph.ts';
import { transposeTensor } from '../../ir/tensor.ts';
import type { OpContext, OpHandler } from '../context.ts';
import type { TfTensor } from '../tensor-ref.ts';
import { applyFusedActivation } from './activation.ts';
import { requireNhwc, spatialPair, windowGeometry } from './window.ts';

const NCHW = channelsFirstPerm(4);
const FILTER_TO_ONNX = [3, 2, 0, 1];

/** Depthwise filter [kh, kw, C, M] → grouped-conv weight [C·M, 1, kh, kw] (output channel c·M + m, as TF). */
function depthwiseWeight(ctx: OpContext, filter: TfTensor): Value {
  if (!filter.constant) return ctx.unsupported('a depthwise filter computed at run time is not supported (it must be a constant)');
  const [kh, kw, c, m] = filter.constant.shape as [number, number, number, number];
  const merged = transposeTensor({ ...filter.constant, shape: [kh, kw, c * m] }, [2, 0, 1]);
  return ctx.constant('depthwise_filter', { ...merged, shape: [c * m, 1, kh, kw] });
}

interface ConvParts {
  x: TfTensor;
  weight: Value;
  outChannels: number;
  group: number;
  kernel: number[];
}

function convolve(ctx: OpContext, parts: ConvParts, bias: Value | undefined): TfTensor {
  requireNhwc(ctx);
  const strides = spatialPair(ctx, 'strides');
  const dilations = spatialPair(ctx, 'dilations', [1, 1, 1, 1]);
  const { attrs, outSpatial } = windowGeometry(ctx, parts.x.shape, parts.kernel, strides, dilations);
  const inputs = [ctx.inLayout(parts.x, NCHW), parts.weight, ...(bias ? [bias] : [])];
  const y = ctx.op('Conv', inputs, { ...attrs, dilations, group: parts.group });
  return ctx.output(y, [parts.x.shape[0]!, ...outSpatial, parts.outChannels], 'float32', NCHW);
}

function regularParts(ctx: OpContext): ConvParts {
  const x = ctx.input(0);
  const filter = ctx.input(1);
  const [kh, kw, inChannels, outChannels] = filter.shape as number[];
  if (![kh, kw, inChannels, outChannels].every((d) => typeof d === 'number')) ctx.unsupported('the filter shape must be known');
  if (x.shape[3] !== inChannels) ctx.unsupported(`input channels ${x.shape[3]} differ from the filter's ${inChannels}: grouped convolutions are not supported (tfjs does not run them)`);
  return { x, weight: ctx.inLayout(filter, FILTER_TO_ONNX), outChannels: outChannels!, group: 1, kernel: [kh!, kw!] };
}

function depthwiseParts(ctx: OpContext): ConvParts {
  const filter = ctx.input(1);
  const [kh, kw, c, m] = filter.shape as number[];
  return { x: ctx.input(0), weight: depthwiseWeight(ctx, filter), outChannels: c! * m!, group: c!, kernel: [kh!, kw!] };
}

/** A 1-D bias as the Conv's B input (constant), or undefined for an Add after it (a run-time bias). */
function constantBias(ctx: OpContext, bias: TfTensor): Value | undefined {
  return bias.constant && bias.shape.length === 1 ? ctx.inLayout(bias, [0]) : undefined;
}

function fused(parts: (ctx: OpContext) => ConvParts): OpHandler {
  return (ctx) => {
    const ops = ctx.strings('fused_ops', []).map((op) => op.toLowerCase());
    const args = ctx.inputs.slice(2, 2 + ctx.int('num_args', ctx.inputs.length - 2));
    const [extra, activation, ...rest] = ops;
    if (rest.length > 0) ctx.unsupported(`fused_ops [${ops}] has more than two ops`);
    const p = parts(ctx);
    if (extra === 'biasadd') {
      const bias = args[0] ?? ctx.unsupported('fused BiasAdd needs its bias argument');
      const constBias = constantBias(ctx, bias);
      let y = convolve(ctx, p, constBias);
      if (!constBias) y = addBias(ctx, y, bias);
      return [applyFusedActivation(ctx, activation, y, args[1])];
    }
    if (extra === 'fusedbatchnorm') {
      const [scale, offset, mean, variance] = args;
      if (!variance) ctx.unsupported('fused FusedBatchNorm needs 4 arguments (scale, offset, mean, variance)');
      const y = convolve(ctx, p, undefined);
      const epsilon = ctx.float('epsilon', 1e-4);
      const bn = ctx.op('BatchNormalization', [y.value!, ...[scale, offset, mean, variance].map((t) => ctx.inLayout(t!, [0]))], { epsilon: { kind: 'float', value: epsilon } }, { suffix: 'FusedBatchNorm' });
      return [applyFusedActivation(ctx, activation, ctx.output(bn, y.shape, 'float32', NCHW), args[4])];
    }
    return ctx.unsupported(`fused_ops [${ops}] is not supported: the first op must be BiasAdd or FusedBatchNorm, as tfjs runs them`);
  };
}

/** x + bias for a bias only known at run time, channels on the IR channel axis. */
function addBias(ctx: OpContext, y: TfTensor, bias: TfTensor): TfTensor {
  const channels = y.shape[3] as number;
  const b = ctx.op('Reshape', [ctx.tfLayout(bias), ctx.int64('bias_shape', [1, channels, 1, 1])], {}, { suffix: 'bias_as_nchw' });
  return ctx.output(ctx.op('Add', [y.value!, b], {}, { suffix: 'BiasAdd' }), y.shape, 'float32', NCHW);
}

export const Conv2D: OpHandler = (ctx) => [convolve(ctx, regularParts(ctx), undefined)];
export const FusedConv2D = fused(regularParts);
export const DepthwiseConv2dNative: OpHandler = (ctx) => [convolve(ctx, depthwiseParts(ctx), undefined)];
export const FusedDepthwiseConv2dNative = fused(depthwiseParts);

/**
 * Conv2DBackpropInput(input_sizes, filter [kh, kw, out, in], x): the transposed convolution whose forward
 * conv maps an `input_sizes` image to x. Pads follow from the forward conv's padding on that size;
 * output_padding covers the rows a strided forward conv never reached.
 */
export const Conv2DBackpropInput: OpHandler = (ctx) => {
  requireNhwc(ctx);
  const sizes = ctx.known(ctx.input(0));
  if (!sizes || sizes.length !== 4 || typeof sizes[1] !== 'number' || typeof sizes[2] !== 'number') {
    return ctx.unsupported('input_sizes must give the output height and width at compile time');
  }
  const outSpatial = [sizes[1], sizes[2]];
  const filter = ctx.input(1);
  const x = ctx.input(2);
  const strides = spatialPair(ctx, 'strides');
  const dilations = spatialPair(ctx, 'dilations', [1, 1, 1, 1]);
  if (dilations.some((d) => d !== 1)) ctx.unsupported(`dilations [${dilations}] are not supported (tfjs runs Conv2DBackpropInput undilated)`);
  const [kh, kw, outChannels] = filter.shape as number[];
  const forward = windowGeometry(ctx, [x.shape[0]!, ...outSpatial, outChannels!], [kh!, kw!], strides, dilations);
  const inSpatial = x.shape.slice(1, 3);
  if (!inSpatial.every((d) => typeof d === 'number')) ctx.unsupported('the input height and width must be known');
  const pads = (forward.attrs['pads'] as number[] | undefined) ?? [0, 0, 0, 0];
  const kernel = [kh!, kw!];
  const outputPadding = outSpatial.map((out, i) => out - (strides[i]! * ((inSpatial[i] as number) - 1) + kernel[i]! - pads[i]! - pads[i + 2]!));
  if (outputPadding.some((p, i) => p < 0 || p >= Math.max(strides[i]!, 1))) ctx.unsupported(`input_sizes [${sizes}] do not match a forward convolution of the input`);
  const weight = ctx.inLayout(filter, [3, 2, 0, 1]);
  const attrs = { kernel_shape: kernel, strides, pads, output_padding: outputPadding, dilations };
  const y = ctx.op('ConvTranspose', [ctx.inLayout(x, NCHW), weight], attrs);
  return [ctx.output(y, [x.shape[0]!, ...outSpatial, outChannels!], 'float32', NCHW)];
};
