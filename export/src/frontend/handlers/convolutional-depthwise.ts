// DepthwiseConv2D on channels-first data: a grouped ONNX Conv (one group per input channel) whose weight is
// rearranged at compile time; the data is never transposed. SeparableConv2D (convolutional.ts) starts
// with the same depthwise step.
import { transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { requireChannelsLast, spatialPadding } from '../checks.ts';
import { channelsFirstPerm } from '../layout.ts';
import { spatialAttributes, tuple } from '../padding.ts';
import { fusedActivation } from './activations.ts';

/**
 * tfjs depthwise kernel [kh, kw, in, multiplier] → ONNX grouped-Conv weight [in·multiplier, 1, kh, kw].
 * Output channel c·multiplier + m of both comes from input channel c and multiplier m, so the last two
 * axes merge as they are.
 */
export function depthwiseWeight(kernel: ConstTensor): ConstTensor {
  const [kh, kw, inputs, multiplier] = kernel.shape as [number, number, number, number];
  const merged = transposeFloat({ ...kernel, shape: [kh, kw, inputs * multiplier] }, [2, 0, 1]);
  return { ...merged, shape: [inputs * multiplier, 1, kh, kw] };
}

/** tfjs' DepthwiseConv2D layer ignores dilationRate (it calls the op without it), so none is applied. */
export const DepthwiseConv2D: LayerHandler = (ctx, layer) => {
  requireChannelsLast(ctx);
  const padding = spatialPadding(ctx);
  const kernel = ctx.weight('depthwise_kernel');
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const perm = channelsFirstPerm(4);
  const inputs = [ctx.inLayout(ctx.inputs[0]!, perm), ctx.constant('kernel', depthwiseWeight(kernel))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, kernel.shape.slice(0, 2), strides, [1, 1], padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations: [1, 1], group: kernel.shape[2]! });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};
