// tfjs' convolutional layers: Conv1D, Conv2D, Conv2DTranspose, SeparableConv2D, and the Cropping2D and
// UpSampling2D layers tfjs keeps beside them. The data stays channels-first ([N, C, L] for sequences,
// [N, C, H, W] for images), transposed only when it arrives in another layout (straight from the model
// input or an Embedding); tfjs kernels are rearranged into ONNX's layouts at compile time.
import type { AttributeInput } from '../../ir/graph.ts';
import { floatTensor, int64Tensor, transposeFloat } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { requireChannelsLast, spatialPadding } from '../checks.ts';
import { channelsFirstPerm } from '../layout.ts';
import { marginsInLayout, spatialAttributes, tuple, type Margins } from '../padding.ts';
import { fusedActivation } from './activations.ts';
import { depthwiseWeight } from './convolutional-depthwise.ts';

/** tfjs kernel [k, in, out] → ONNX Conv weight [out, in, k]. */
export const Conv1D: LayerHandler = (ctx, layer) => {
  requireChannelsLast(ctx);
  const padding = spatialPadding(ctx);
  const kernel = ctx.weight('kernel');
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 1, [1]);
  const dilations = tuple(ctx.config<number | number[]>('dilationRate', 1), 1, [1]);
  const perm = channelsFirstPerm(3);
  const inputs = [ctx.inLayout(ctx.inputs[0]!, perm), ctx.constant('kernel', transposeFloat(kernel, [2, 1, 0]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, [kernel.shape[0]!], strides, dilations, padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations, group: 1 });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};

/** tfjs kernel [kh, kw, in, out] → ONNX Conv weight [out, in, kh, kw]. */
export const Conv2D: LayerHandler = (ctx, layer) => {
  requireChannelsLast(ctx);
  const padding = spatialPadding(ctx);
  const kernel = ctx.weight('kernel');
  const kernelSize = kernel.shape.slice(0, 2);
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 2, [1, 1]);
  const dilations = tuple(ctx.config<number | number[]>('dilationRate', 1), 2, [1, 1]);
  const perm = channelsFirstPerm(4);
  const x = ctx.inLayout(ctx.inputs[0]!, perm);
  const inputs = [x, ctx.constant('kernel', transposeFloat(kernel, [3, 2, 0, 1]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, kernelSize, strides, dilations, padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations, group: 1 });
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
  requireChannelsLast(ctx);
  const padding = spatialPadding(ctx);
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

/** Depthwise (strides, dilation, padding) then a 1×1 pointwise Conv carrying the bias. */
export const SeparableConv2D: LayerHandler = (ctx, layer) => {
  requireChannelsLast(ctx);
  const padding = spatialPadding(ctx);
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

/** A Slice of the height and width axes in whatever layout the input has; ends are exact where tfjs knows the size. */
export const Cropping2D: LayerHandler = (ctx) => {
  requireChannelsLast(ctx);
  const ref = ctx.inputs[0]!;
  const { begin, end } = marginsInLayout(ref, ctx.config<Margins>('cropping'));
  const axes = ref.perm.flatMap((axis, i) => (axis === 1 || axis === 2 ? [i] : []));
  const ends = axes.map((i) => {
    const size = ref.shape[ref.perm[i]!];
    if (typeof size === 'number') return size - end[i]!;
    // Unknown size: count from the end, or take everything (ONNX clamps ends to the dimension).
    return end[i]! > 0 ? -end[i]! : Number.MAX_SAFE_INTEGER;
  });
  const y = ctx.node('Slice', [
    ref.value,
    ctx.constant('starts', int64Tensor([axes.length], axes.map((i) => begin[i]!))),
    ctx.constant('ends', int64Tensor([axes.length], ends)),
    ctx.constant('axes', int64Tensor([axes.length], axes)),
  ]);
  return [ctx.output(y, ref.perm)];
};

/**
 * tfjs resizes with alignCorners = false and halfPixelCenters = false: source coordinate = output
 * coordinate / scale, i.e. ONNX coordinate_transformation_mode 'asymmetric'; nearest takes the floor of it
 * (and bilinear clamps at the edges, as ONNX 'linear' does). The roi input is unused in this mode (empty).
 */
export const UpSampling2D: LayerHandler = (ctx) => {
  requireChannelsLast(ctx);
  const interpolation = ctx.config<string>('interpolation', 'nearest');
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') ctx.unsupported(`interpolation '${interpolation}' is not supported (nearest, bilinear)`);
  const [sizeH, sizeW] = tuple(ctx.config<number | number[]>('size', 2), 2, [2, 2]) as [number, number];
  const perm = channelsFirstPerm(4);
  const x = ctx.inLayout(ctx.inputs[0]!, perm);
  const scales = ctx.constant('scales', floatTensor([4], [1, 1, sizeH, sizeW]));
  const attrs: Record<string, AttributeInput> = interpolation === 'nearest'
    ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
    : { mode: 'linear', coordinate_transformation_mode: 'asymmetric' };
  const y = ctx.node('Resize', [x, ctx.constant('roi', floatTensor([0], [])), scales], attrs);
  return [ctx.output(y, perm)];
};
