// BatchNormalization at inference: (x - mean) / sqrt(var + eps) * gamma + beta with the moving statistics.
// On the channel axis of channels-first data it becomes an ONNX BatchNormalization node (folded into the
// preceding Conv/ConvTranspose/Gemm by a pass); on any other axis, one Mul + Add with broadcastable constants.
import { floatTensor, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerHandler } from '../context.ts';
import { irAxis } from '../layout.ts';

/** Reorders per-feature parameters to a pending flatten order (IR feature j holds tfjs feature order[j]). */
function reorder(tensor: ConstTensor, order: Int32Array | undefined): ConstTensor {
  if (!order) return tensor;
  const src = tensor.data as Float32Array;
  return floatTensor(tensor.shape, Float32Array.from(order, (tf) => src[tf]!));
}

export const BatchNormalization: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const rank = ref.shape.length;
  const axisConfig = ctx.config<number | number[]>('axis', -1);
  const tfAxis = Array.isArray(axisConfig) ? axisConfig : [axisConfig];
  if (tfAxis.length !== 1) ctx.unsupported('normalising over several axes is not supported');
  const axis = irAxis(ref.perm, tfAxis[0]!);
  const channels = ref.shape[tfAxis[0]! < 0 ? rank + tfAxis[0]! : tfAxis[0]!] as number;
  const epsilon = ctx.config<number>('epsilon', 1e-3);
  const ones = floatTensor([channels], new Float32Array(channels).fill(1));
  const zeros = floatTensor([channels], new Float32Array(channels));
  // A pending flatten order only exists on rank 2, where the feature axis is axis 1.
  const order = axis === 1 ? ref.featureOrder : undefined;
  const gamma = reorder(ctx.config<boolean>('scale', true) ? ctx.weight('gamma') : ones, order);
  const beta = reorder(ctx.config<boolean>('center', true) ? ctx.weight('beta') : zeros, order);
  const mean = reorder(ctx.weight('moving_mean'), order);
  const variance = reorder(ctx.weight('moving_variance'), order);

  if (axis === 1) {
    const y = ctx.node('BatchNormalization', [
      ref.value, ctx.constant('gamma', gamma), ctx.constant('beta', beta), ctx.constant('moving_mean', mean), ctx.constant('moving_variance', variance),
    ], { epsilon: { kind: 'float', value: epsilon } });
    return [ctx.output(y, ref.perm, ref.featureOrder)];
  }
  // Scale and shift computed in float64, then broadcast along IR axis `axis`: shape [C, 1, ..., 1].
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = (gamma.data[c] as number) / Math.sqrt((variance.data[c] as number) + epsilon);
    scale[c] = s;
    shift[c] = (beta.data[c] as number) - (mean.data[c] as number) * s;
  }
  const broadcast = [channels, ...new Array<number>(rank - 1 - axis).fill(1)];
  const scaled = ctx.node('Mul', [ref.value, ctx.constant('scale', floatTensor(broadcast, scale))]);
  const y = ctx.node('Add', [scaled, ctx.constant('shift', floatTensor(broadcast, shift))]);
  return [ctx.output(y, ref.perm, ref.featureOrder)];
};
