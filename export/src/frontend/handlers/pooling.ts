// tfjs' pooling layers, 1-D and 2-D, on channels-first data ([N, C, L] and [N, C, H, W]): windowed pooling
// transposes its input only when it is not already so. tfjs 'same' average pooling divides by the number
// of real (unpadded) elements in each window: ONNX count_include_pad = 0.
import type { LayerHandler } from '../context.ts';
import { requireChannelsLast, spatialPadding } from '../checks.ts';
import { channelsFirstPerm, identityPerm, irAxis } from '../layout.ts';
import { spatialAttributes, tuple } from '../padding.ts';

/** MaxPool/AveragePool over the `spatialRank` axes after the batch (1: steps, 2: height and width). */
function windowPool(opType: 'MaxPool' | 'AveragePool', spatialRank: 1 | 2): LayerHandler {
  return (ctx, layer) => {
    requireChannelsLast(ctx);
    const padding = spatialPadding(ctx);
    const ones = new Array<number>(spatialRank).fill(1);
    const poolSize = tuple(ctx.config<number | number[]>('poolSize', 2), spatialRank, ones.map(() => 2));
    const strides = tuple(ctx.config<number | number[] | null>('strides', poolSize), spatialRank, poolSize);
    const perm = channelsFirstPerm(spatialRank + 2);
    const x = ctx.inLayout(ctx.inputs[0]!, perm);
    const attrs = spatialAttributes(layer.inputShapes[0]!, poolSize, strides, ones, padding);
    if (opType === 'AveragePool') attrs['count_include_pad'] = 0;
    return [ctx.output(ctx.node(opType, [x], attrs), perm)];
  };
}

export const MaxPooling1D = windowPool('MaxPool', 1);
export const AveragePooling1D = windowPool('AveragePool', 1);
export const MaxPooling2D = windowPool('MaxPool', 2);
export const AveragePooling2D = windowPool('AveragePool', 2);

/** Mean/max over the steps axis (tfjs axis 1) wherever the layout put it → [N, C]. */
function globalPool1d(opType: 'ReduceMean' | 'ReduceMax'): LayerHandler {
  return (ctx) => {
    requireChannelsLast(ctx);
    const ref = ctx.inputs[0]!;
    return [ctx.output(ctx.reduce(opType, ref.value, [irAxis(ref.perm, 1)], false), identityPerm(2))];
  };
}

export const GlobalAveragePooling1D = globalPool1d('ReduceMean');
export const GlobalMaxPooling1D = globalPool1d('ReduceMax');

/** Global pooling over H and W, then [N, C, 1, 1] → [N, C] like tfjs. */
function globalPool2d(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerHandler {
  return (ctx) => {
    requireChannelsLast(ctx);
    const x = ctx.inLayout(ctx.inputs[0]!, channelsFirstPerm(4));
    const pooled = ctx.node(opType, [x]);
    return [ctx.output(ctx.node('Flatten', [pooled], { axis: 1 }), identityPerm(2))];
  };
}

export const GlobalAveragePooling2D = globalPool2d('GlobalAveragePool');
export const GlobalMaxPooling2D = globalPool2d('GlobalMaxPool');
