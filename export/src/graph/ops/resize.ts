// Image resizing: ResizeBilinear and ResizeNearestNeighbor → ONNX Resize on NCHW data, with TF's
// align_corners / half_pixel_centers mapped to the coordinate transformation that computes the same
// source pixel (see docs/OPS.md for the mapping). The output size is given as `sizes`, never as scales,
// so no float rounding can change it.
import { channelsFirstPerm } from '../../frontend/layout.ts';
import type { Value } from '../../ir/graph.ts';
import type { OpContext, OpHandler } from '../context.ts';
import type { TfTensor } from '../tensor-ref.ts';

const NCHW = channelsFirstPerm(4);

/** TF's pixel-centre conventions → ONNX coordinate_transformation_mode (+ nearest_mode). */
export function resizeModes(mode: 'linear' | 'nearest', alignCorners: boolean, halfPixel: boolean): Record<string, string> {
  if (mode === 'linear') {
    return { coordinate_transformation_mode: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric' };
  }
  // Nearest: TF takes floor((x + ½)·in/out) for half-pixel centres — half_pixel rounded with ties up is the
  // same pixel; round(x·(in−1)/(out−1)) with align_corners (JS rounds ties up); floor(x·in/out) otherwise.
  if (alignCorners) return { coordinate_transformation_mode: 'align_corners', nearest_mode: 'round_prefer_ceil' };
  if (halfPixel) return { coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' };
  return { coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
}

/** Resize's `sizes` for [N, C, h, w]: a constant, or N and C read from the data when they are not known. */
function sizesFor(ctx: OpContext, x: TfTensor, value: Value, height: number, width: number): Value {
  const [batch, channels] = [x.shape[0]!, x.shape[3]!];
  if (typeof batch === 'number' && typeof channels === 'number') return ctx.int64('sizes', [batch, channels, height, width]);
  const dims = ctx.op('Shape', [value], {}, { dtype: 'int64', shape: [4] });
  const leading = ctx.op('Slice', [dims, ctx.int64('starts', [0]), ctx.int64('ends', [2])], {}, { dtype: 'int64', suffix: 'batch_and_channels', shape: [2] });
  return ctx.op('Concat', [leading, ctx.int64('spatial_size', [height, width])], { axis: 0 }, { dtype: 'int64', suffix: 'sizes', shape: [4] });
}

function resize(mode: 'linear' | 'nearest'): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    if (x.shape.length !== 4) ctx.unsupported(`images of rank ${x.shape.length} are not supported (4)`);
    const [height, width] = ctx.staticValues(ctx.input(1), 'size');
    const alignCorners = ctx.bool('align_corners', false);
    const halfPixel = ctx.bool('half_pixel_centers', false);
    if (alignCorners && halfPixel) ctx.unsupported('align_corners and half_pixel_centers cannot both be set');
    // tfjs resizes in float32 whatever the input type.
    const value = ctx.cast(ctx.inLayout(x, NCHW), 'float32');
    const attrs = { mode, ...resizeModes(mode, alignCorners, halfPixel) };
    const y = ctx.opset >= 18
      ? ctx.op('Resize', [value, ctx.absent(), ctx.absent(), ctx.int64('sizes', [height!, width!])], { ...attrs, axes: [2, 3] }, { dtype: 'float32' })
      : ctx.op('Resize', [value, ctx.absent(), ctx.absent(), sizesFor(ctx, x, value, height!, width!)], attrs, { dtype: 'float32' });
    return [ctx.output(y, [x.shape[0]!, height!, width!, x.shape[3]!], 'float32', NCHW)];
  };
}

export const ResizeBilinear = resize('linear');
export const ResizeNearestNeighbor = resize('nearest');
