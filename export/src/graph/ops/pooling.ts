// MaxPool and AvgPool on NCHW data. TF's SAME average pooling divides by the number of real (unpadded)
// pixels in each window: ONNX count_include_pad = 0.
import { channelsFirstPerm } from '../../frontend/layout.ts';
import type { OpHandler } from '../context.ts';
import { requireNhwc, spatialPair, windowGeometry } from './window.ts';

const NCHW = channelsFirstPerm(4);

function pool(opType: 'MaxPool' | 'AveragePool'): OpHandler {
  return (ctx) => {
    requireNhwc(ctx);
    const x = ctx.input(0);
    if (x.shape.length !== 4) ctx.unsupported(`input rank ${x.shape.length} is not supported (4)`);
    const kernel = spatialPair(ctx, 'ksize');
    const strides = spatialPair(ctx, 'strides');
    const { attrs, outSpatial } = windowGeometry(ctx, x.shape, kernel, strides, [1, 1]);
    if (opType === 'AveragePool') attrs['count_include_pad'] = 0;
    const y = ctx.op(opType, [ctx.inLayout(x, NCHW)], attrs);
    return [ctx.output(y, [x.shape[0]!, ...outSpatial, x.shape[3]!], x.dtype, NCHW)];
  };
}

export const MaxPool = pool('MaxPool');
export const AvgPool = pool('AveragePool');
