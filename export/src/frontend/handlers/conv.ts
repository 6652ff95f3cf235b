// Convolution layers. tfjs kernels are [kh, kw, in, out]; ONNX Conv wants [out, in, kh, kw]: the kernel
// is transposed here, at compile time, and the data stays channels-first.
import { transposeFloat } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { channelsFirstPerm } from '../layout.ts';
import { spatialAttributes, tuple, type Padding } from '../padding.ts';
import { fusedActivation } from './activation.ts';

export const Conv2D: LayerHandler = (ctx, layer) => {
  if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
  const padding = ctx.config<string>('padding');
  if (padding !== 'same' && padding !== 'valid') ctx.unsupported(`padding '${padding}' is not supported (same, valid)`);
  const kernel = ctx.weight('kernel');
  const kernelSize = kernel.shape.slice(0, 2);
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const dilations = tuple(ctx.config<number | number[]>('dilationRate', 1), 2, [1, 1]);
  const perm = channelsFirstPerm(4);
  const x = ctx.inLayout(ctx.inputs[0]!, perm);
  const inputs = [x, ctx.constant('kernel', transposeFloat(kernel, [3, 2, 0, 1]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, kernelSize, strides, dilations, padding as Padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations, group: 1 });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};
