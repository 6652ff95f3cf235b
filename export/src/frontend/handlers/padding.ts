// tfjs' padding layers: ZeroPadding2D, a constant Pad of the height and width axes in whatever layout its
// input has (channels-first images stay so). The margins are worked out in ../padding.ts, shared with
// Cropping2D.
import { int64Tensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { requireChannelsLast } from '../checks.ts';
import { marginsInLayout, type Margins } from '../padding.ts';

export const ZeroPadding2D: LayerHandler = (ctx) => {
  requireChannelsLast(ctx);
  const ref = ctx.inputs[0]!;
  const { begin, end } = marginsInLayout(ref, ctx.config<Margins>('padding'));
  const pads = ctx.constant('pads', int64Tensor([2 * begin.length], [...begin, ...end]));
  return [ctx.output(ctx.node('Pad', [ref.value, pads], { mode: 'constant' }), ref.perm)];
};
