// Normalization: FusedBatchNorm (V1-V3) at inference → ONNX BatchNormalization on the channel axis (the
// fold pass merges it into a preceding convolution), and LRN → ONNX LRN.
import { channelsFirstPerm } from '../../frontend/layout.ts';
import type { OpHandler } from '../context.ts';

export const FusedBatchNorm: OpHandler = (ctx) => {
  const format = ctx.attrs.string('data_format') ?? 'NHWC';
  if (format !== 'NHWC') ctx.unsupported(`data_format '${format}' is not supported (NHWC)`);
  if (ctx.attrs.bool('is_training')) ctx.unsupported('is_training is set: batch statistics are not computed at inference (re-export the model for inference)');
  const x = ctx.input(0);
  const rank = x.shape.length;
  if (rank < 2) ctx.unsupported(`inputs of rank ${rank} are not supported (2 or more)`);
  const perm = channelsFirstPerm(rank);
  const parameters = [1, 2, 3, 4].map((i) => ctx.inLayout(ctx.input(i), [0]));
  const y = ctx.op('BatchNormalization', [ctx.inLayout(x, perm), ...parameters], { epsilon: { kind: 'float', value: ctx.float('epsilon', 1e-3) } });
  return [ctx.output(y, x.shape, 'float32', perm)];
};

/**
 * LRN over channels: TF sums squares over depth_radius channels either side, ONNX over `size` channels and
 * divides alpha by size, so alpha is scaled up to match.
 */
export const LRN: OpHandler = (ctx) => {
  const x = ctx.input(0);
  if (x.shape.length !== 4) ctx.unsupported(`inputs of rank ${x.shape.length} are not supported (4)`);
  const radius = ctx.int('depth_radius', 5);
  const size = 2 * radius + 1;
  const perm = channelsFirstPerm(4);
  const attrs = {
    size,
    alpha: { kind: 'float' as const, value: ctx.float('alpha', 1) * size },
    beta: { kind: 'float' as const, value: ctx.float('beta', 0.5) },
    bias: { kind: 'float' as const, value: ctx.float('bias', 1) },
  };
  return [ctx.output(ctx.op('LRN', [ctx.inLayout(x, perm)], attrs), x.shape, 'float32', perm)];
};

