// Pooling layers on channels-first data. tfjs 'same' average pooling divides by the number of real
// (unpadded) pixels in each window: ONNX count_include_pad = 0.
import type { LayerHandler } from '../context.ts';
import { channelsFirstPerm, identityPerm } from '../layout.ts';
import { spatialAttributes, tuple, type Padding } from '../padding.ts';

function pool2d(opType: 'MaxPool' | 'AveragePool'): LayerHandler {
  return (ctx, layer) => {
    if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
    const padding = ctx.config<string>('padding', 'valid');
    if (padding !== 'same' && padding !== 'valid') ctx.unsupported(`padding '${padding}' is not supported (same, valid)`);
    const poolSize = tuple(ctx.config<number | number[]>('poolSize', 2), 2, [2, 2]);
    const strides = tuple(ctx.config<number | number[] | null>('strides', poolSize), 2, poolSize);
    const perm = channelsFirstPerm(4);
    const x = ctx.inLayout(ctx.inputs[0]!, perm);
    const attrs = spatialAttributes(layer.inputShapes[0]!, poolSize, strides, [1, 1], padding as Padding);
    if (opType === 'AveragePool') attrs['count_include_pad'] = 0;
    return [ctx.output(ctx.node(opType, [x], attrs), perm)];
  };
}

export const MaxPooling2D = pool2d('MaxPool');
export const AveragePooling2D = pool2d('AveragePool');

/** Global pooling over H and W, then [N, C, 1, 1] → [N, C] like tfjs. */
function globalPool2d(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerHandler {
  return (ctx) => {
    if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
    const x = ctx.inLayout(ctx.inputs[0]!, channelsFirstPerm(4));
    const pooled = ctx.node(opType, [x]);
    return [ctx.output(ctx.node('Flatten', [pooled], { axis: 1 }), identityPerm(2))];
  };
}

export const GlobalAveragePooling2D = globalPool2d('GlobalAveragePool');
export const GlobalMaxPooling2D = globalPool2d('GlobalMaxPool');
