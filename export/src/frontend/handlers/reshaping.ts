// Reshaping layers: Reshape, Permute, RepeatVector, ZeroPadding2D, Cropping2D, UpSampling2D. Padding, cropping and
// resizing work on whatever layout their input has (channels-first images stay so); Permute only relabels
// axes; Reshape alone needs tfjs' own element order.
import type { AttributeInput } from '../../ir/graph.ts';
import { floatTensor, int64Tensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { channelsFirstPerm, identityPerm, type TensorRef } from '../layout.ts';
import { tuple } from '../padding.ts';

/** tfjs 2-D padding/cropping config [[top, bottom], [left, right]] (a number or pair is expanded by tfjs). */
type Margins = [[number, number], [number, number]];

function checkChannelsLast(ctx: LayerContext): void {
  if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
}

/** [begin, end] margin of each IR axis: tfjs axes 1 (height) and 2 (width) get `margins`, the rest 0. */
function marginsInLayout(ref: TensorRef, margins: Margins): { begin: number[]; end: number[] } {
  const of = (axis: number, side: 0 | 1) => (axis === 1 || axis === 2 ? margins[axis - 1]![side] : 0);
  return { begin: ref.perm.map((axis) => of(axis, 0)), end: ref.perm.map((axis) => of(axis, 1)) };
}

/**
 * tfjs reshapes in its own (channels-last, row-major) element order. A channels-first tensor is therefore
 * brought back to the tfjs layout first (a Transpose; a Gather after a flatten of permuted data), so the
 * result holds tfjs' elements in tfjs' order; the output is in the tfjs layout and the next layer that
 * wants channels-first transposes it. The batch dimension is kept (0 = copy it).
 */
export const Reshape: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  // tfjs keeps its one inferred dimension (-1) as null; ONNX writes it -1.
  const target = ctx.config<(number | null)[]>('targetShape').map((d) => d ?? -1);
  const x = ctx.inLayout(ref, identityPerm(ref.shape.length));
  const y = ctx.node('Reshape', [x, ctx.constant('shape', int64Tensor([target.length + 1], [0, ...target]))]);
  return [ctx.output(y, identityPerm(target.length + 1))];
};

/**
 * tfjs output axis k is input axis q[k] (q = [0, ...dims]). The data need not move: IR axis i holds input
 * axis perm[i], which is output axis q⁻¹[perm[i]]; only the recorded layout changes. The Identity gives
 * the layer its own output value and is removed by the no-op pass.
 */
export const Permute: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const order = [0, ...ctx.config<number[]>('dims')];
  const inverse = new Array<number>(order.length);
  order.forEach((inputAxis, outputAxis) => { inverse[inputAxis] = outputAxis; });
  return [ctx.output(ctx.node('Identity', [ref.value]), ref.perm.map((axis) => inverse[axis]!), ref.featureOrder)];
};

/** [N, F] → [N, n, F]: a new steps axis, tiled n times (a pending flatten order is restored first). */
export const RepeatVector: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const n = ctx.config<number>('n');
  const x = ctx.inLayout(ref, identityPerm(2));
  const expanded = ctx.node('Unsqueeze', [x, ctx.constant('axes', int64Tensor([1], [1]))]);
  expanded.shape = ctx.outputIrShape(0, identityPerm(3)).map((d, i) => (i === 1 ? 1 : d));
  return [ctx.output(ctx.node('Tile', [expanded, ctx.constant('repeats', int64Tensor([3], [1, n, 1]))]), identityPerm(3))];
};

export const ZeroPadding2D: LayerHandler = (ctx) => {
  checkChannelsLast(ctx);
  const ref = ctx.inputs[0]!;
  const { begin, end } = marginsInLayout(ref, ctx.config<Margins>('padding'));
  const pads = ctx.constant('pads', int64Tensor([2 * begin.length], [...begin, ...end]));
  return [ctx.output(ctx.node('Pad', [ref.value, pads], { mode: 'constant' }), ref.perm)];
};

/** A Slice of the height and width axes; ends are exact where tfjs knows the size. */
export const Cropping2D: LayerHandler = (ctx) => {
  checkChannelsLast(ctx);
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
  checkChannelsLast(ctx);
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
