// The activation layers with parameters: LeakyReLU, PReLU, ELU, ThresholdedReLU. Elementwise, so each keeps
// its input's layout (and a pending flatten order); PReLU's learned slope is laid out to match.
import type { Value } from '../../ir/graph.ts';
import { floatTensor, transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import type { TensorRef } from '../layout.ts';

const float = (value: number) => ({ kind: 'float' as const, value });

function elementwise(ctx: LayerContext, emit: (x: Value, ref: TensorRef) => Value) {
  const ref = ctx.inputs[0]!;
  return [ctx.output(emit(ref.value, ref), ref.perm, ref.featureOrder)];
}

export const LeakyReLU: LayerHandler = (ctx) =>
  elementwise(ctx, (x) => ctx.node('LeakyRelu', [x], { alpha: float(ctx.config<number>('alpha', 0.3)) }));

/** tfjs' ELU layer only accepts alpha 1 (it throws on any other value), which is ONNX Elu's default. */
export const ELU: LayerHandler = (ctx) =>
  elementwise(ctx, (x) => ctx.node('Elu', [x], { alpha: float(ctx.config<number>('alpha', 1)) }));

/** x where x > theta, else 0: ONNX ThresholdedRelu with alpha = theta. */
export const ThresholdedReLU: LayerHandler = (ctx) =>
  elementwise(ctx, (x) => ctx.node('ThresholdedRelu', [x], { alpha: float(ctx.config<number>('theta', 1)) }));

/**
 * The slope `alpha` has the input's shape without the batch axis (1 on shared axes). Its axes are put in the
 * IR order of the input (channels-first for images) and, after a flatten of permuted data, its features in
 * the IR feature order; ONNX PRelu broadcasts it from the right like tfjs does.
 */
function slopeInLayout(alpha: ConstTensor, ref: TensorRef): ConstTensor {
  if (ref.featureOrder) {
    const src = alpha.data as Float32Array;
    return floatTensor(alpha.shape, Float32Array.from(ref.featureOrder, (tf) => src[tf]!));
  }
  return transposeFloat(alpha, ref.perm.slice(1).map((axis) => axis - 1));
}

export const PReLU: LayerHandler = (ctx) =>
  elementwise(ctx, (x, ref) => ctx.node('PRelu', [x, ctx.constant('alpha', slopeInLayout(ctx.weight('alpha'), ref))]));
