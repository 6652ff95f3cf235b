// DepthwiseConv2D, SeparableConv2D and Conv2DTranspose on channels-first data. Kernels are rearranged at
// compile time into ONNX's layouts; the data is never transposed.
import { transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { channelsFirstPerm } from '../layout.ts';
import { spatialAttributes, tuple, type Padding } from '../padding.ts';
import { fusedActivation } from './activation.ts';

function checkedPadding(ctx: LayerContext): Padding {
  if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
  const padding = ctx.config<string>('padding', 'valid');
  if (padding !== 'same' && padding !== 'valid') ctx.unsupported(`padding '${padding}' is not supported (same, valid)`);
  return padding;
}

/**
 * tfjs depthwise kernel [kh, kw, in, multiplier] → ONNX grouped-Conv weight [in·multiplier, 1, kh, kw].
 * Output channel c·multiplier + m of both comes from input channel c and multiplier m, so the last two
 * axes merge as they are.
 */
function depthwiseWeight(kernel: ConstTensor): ConstTensor {
  const [kh, kw, inputs, multiplier] = kernel.shape as [number, number, number, number];
  const merged = transposeFloat({ ...kernel, shape: [kh, kw, inputs * multiplier] }, [2, 0, 1]);
  return { ...merged, shape: [inputs * multiplier, 1, kh, kw] };
}

/** tfjs' DepthwiseConv2D layer ignores dilationRate (it calls the op without it), so none is applied. */
export const DepthwiseConv2D: LayerHandler = (ctx, layer) => {
  const padding = checkedPadding(ctx);
  const kernel = ctx.weight('depthwise_kernel');
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const perm = channelsFirstPerm(4);
  const inputs = [ctx.inLayout(ctx.inputs[0]!, perm), ctx.constant('kernel', depthwiseWeight(kernel))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, kernel.shape.slice(0, 2), strides, [1, 1], padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations: [1, 1], group: kernel.shape[2]! });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};

/** Depthwise (strides, dilation, padding) then a 1×1 pointwise Conv carrying the bias. */
export const SeparableConv2D: LayerHandler = (ctx, layer) => {
  const padding = checkedPadding(ctx);
  const depthwise = ctx.weight('depthwise_kernel');
  const pointwise = ctx.weight('pointwise_kernel');
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const dilations = tuple(ctx.config<number | number[]>('dilationRate', 1), 2, [1, 1]);
  const perm = channelsFirstPerm(4);
  const attrs = spatialAttributes(layer.inputShapes[0]!, depthwise.shape.slice(0, 2), strides, dilations, padding);
  const x = ctx.inLayout(ctx.inputs[0]!, perm);
  const spread = ctx.node('Conv', [x, ctx.constant('depthwise_kernel', depthwiseWeight(depthwise))], { ...attrs, dilations, group: depthwise.shape[2]! }, 'depthwise');
  // Same batch and spatial size as the layer's output, in·multiplier channels.
  const [batch, , height, width] = ctx.outputIrShape(0, perm);
  spread.shape = [batch!, pointwise.shape[2]!, height!, width!];
  const inputs = [spread, ctx.constant('pointwise_kernel', transposeFloat(pointwise, [3, 2, 0, 1]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const y = ctx.node('Conv', inputs, { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 }, 'pointwise');
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};

/**
 * tfjs sizes a transposed convolution's output as in·stride ('same') or in·stride + max(k − stride, 0)
 * ('valid'), cropping 'same' like TensorFlow (the odd pixel at the end). ONNX gives
 * stride·(in − 1) + output_padding + k − pads, so: pads = the forward 'same' padding max(k − stride, 0)
 * split begin/end, and output_padding = max(stride − k, 0) for the rows no window reaches (zeros + bias).
 * tfjs ignores dilationRate here (it calls the op without it), and so does the export.
 */
export const Conv2DTranspose: LayerHandler = (ctx) => {
  const padding = checkedPadding(ctx);
  const kernel = ctx.weight('kernel');
  const kernelSize = kernel.shape.slice(0, 2);
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const begin = kernelSize.map((k, i) => (padding === 'same' ? Math.floor(Math.max(k - strides[i]!, 0) / 2) : 0));
  const end = kernelSize.map((k, i) => (padding === 'same' ? Math.max(k - strides[i]!, 0) - begin[i]! : 0));
  const outputPadding = kernelSize.map((k, i) => Math.max(strides[i]! - k, 0));
  const perm = channelsFirstPerm(4);
  // tfjs [kh, kw, out, in] → ONNX ConvTranspose [in, out, kh, kw].
  const inputs = [ctx.inLayout(ctx.inputs[0]!, perm), ctx.constant('kernel', transposeFloat(kernel, [3, 2, 0, 1]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const y = ctx.node('ConvTranspose', inputs, {
    kernel_shape: kernelSize, strides, pads: [...begin, ...end], output_padding: outputPadding, dilations: [1, 1], group: 1,
  });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};
