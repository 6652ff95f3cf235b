// tfjs' normalization layers at inference.
// BatchNormalization: (x - mean) / sqrt(var + eps) * gamma + beta with the moving statistics. On the channel
// axis of channels-first data it becomes an ONNX BatchNormalization node (folded into the preceding
// Conv/ConvTranspose/Gemm by a pass); on any other axis, one Mul + Add with broadcastable constants.
// LayerNormalization: (x − mean) / √(var + ε) · gamma + beta over the configured axes, with the population
// variance (tfjs' moments). When the normalised axes are the trailing IR axes and the opset has it (17+),
// one ONNX LayerNormalization node; otherwise (channels-first images normalised over channels, opsets 13–16)
// the same arithmetic from ReduceMean, Sub, Mul, Add, Sqrt, Div.
import { floatTensor, transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { floatAttribute as float, shaped } from '../emit.ts';
import { irAxis, type TensorRef } from '../layout.ts';

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
    ], { epsilon: float(epsilon) });
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

/**
 * gamma/beta as tfjs broadcasts them — reshaped (not transposed) to rank n with 1 on the other axes, the
 * normalised axes in increasing order — then laid out like the IR tensor.
 */
function paramInLayout(param: ConstTensor, ref: TensorRef, axes: number[]): ConstTensor {
  const broadcastShape = ref.shape.map((d, i) => (axes.includes(i) ? d as number : 1));
  // After a flatten of channels-first data (rank 2, normalised over all features): mean and variance do
  // not depend on the order, so only the parameters follow the IR feature order, and so does the output.
  if (ref.featureOrder) return reorder({ ...param, shape: broadcastShape }, ref.featureOrder);
  return transposeFloat({ ...param, shape: broadcastShape }, ref.perm);
}

function param(ctx: LayerContext, name: 'gamma' | 'beta', enabled: boolean, size: number): ConstTensor {
  return enabled ? ctx.weight(name) : floatTensor([size], new Float32Array(size).fill(name === 'gamma' ? 1 : 0));
}

export const LayerNormalization: LayerHandler = (ctx) => {
  const ref = ctx.inputs[0]!;
  const rank = ref.shape.length;
  const axisConfig = ctx.config<number | number[]>('axis', -1);
  const axes = [...new Set((Array.isArray(axisConfig) ? axisConfig : [axisConfig]).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (ref.featureOrder && !(rank === 2 && axes[0] === 1)) ctx.unsupported('a flattened channels-first tensor can only be normalised over its features (axis -1)');
  const size = axes.reduce((n, a) => n * (ref.shape[a] as number), 1);
  const epsilon = ctx.config<number>('epsilon', 1e-3);
  const gamma = paramInLayout(param(ctx, 'gamma', ctx.config<boolean>('scale', true), size), ref, axes);
  const beta = paramInLayout(param(ctx, 'beta', ctx.config<boolean>('center', true), size), ref, axes);
  const irAxes = axes.map((a) => ref.perm.indexOf(a)).sort((a, b) => a - b);
  const first = irAxes[0]!;
  const trailing = irAxes.every((a, i) => a === first + i) && irAxes.at(-1) === rank - 1;

  if (trailing && ctx.opset >= 17) {
    // Every IR axis from `first` on is normalised: the parameters lose their leading 1s.
    const trim = (t: ConstTensor) => ({ ...t, shape: t.shape.slice(first) });
    const y = ctx.node('LayerNormalization', [ref.value, ctx.constant('gamma', trim(gamma)), ctx.constant('beta', trim(beta))], {
      axis: first, epsilon: float(epsilon),
    });
    return [ctx.output(y, ref.perm, ref.featureOrder)];
  }
  const shape = ref.value.shape;
  const reducedShape = shape?.map((d, i) => (irAxes.includes(i) ? 1 : d));
  const x = ref.value;
  const mean = shaped(ctx.reduce('ReduceMean', x, irAxes, true, 'mean'), reducedShape);
  const centred = shaped(ctx.node('Sub', [x, mean], {}, 'centred'), shape);
  const squares = shaped(ctx.node('Mul', [centred, centred], {}, 'squares'), shape);
  const variance = shaped(ctx.reduce('ReduceMean', squares, irAxes, true, 'variance'), reducedShape);
  const std = shaped(ctx.node('Sqrt', [shaped(ctx.node('Add', [variance, ctx.constant('epsilon', floatTensor([], [epsilon]))], {}, 'variance_epsilon'), reducedShape)], {}, 'std'), reducedShape);
  const normalised = shaped(ctx.node('Div', [centred, std], {}, 'normalised'), shape);
  const scaled = shaped(ctx.node('Mul', [normalised, ctx.constant('gamma', gamma)], {}, 'scaled'), shape);
  return [ctx.output(ctx.node('Add', [scaled, ctx.constant('beta', beta)], {}, 'shifted'), ref.perm, ref.featureOrder)];
};
