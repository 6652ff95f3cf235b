// tfjs' advanced activation layers: ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU and Softmax. Elementwise
// (Softmax along its axes), so each keeps its input's layout and a pending flatten order; PReLU's learned
// slope is laid out to match.
import type { Value } from '../../ir/graph.ts';
import { floatTensor, transposeFloat, type ConstTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { elementwiseLayer, floatAttribute as float, shaped } from '../emit.ts';
import { irAxis, type TensorRef } from '../layout.ts';

/** tfjs ReLU layer: max(x, 0), capped at maxValue when set (Clip with constant bounds). */
export const ReLU: LayerHandler = (ctx) => {
  const maxValue = ctx.layer.config['maxValue'];
  if (typeof maxValue !== 'number') return elementwiseLayer(ctx, (x) => ctx.node('Relu', [x]));
  return elementwiseLayer(ctx, (x) => ctx.node('Clip', [x, ctx.constant('min', floatTensor([], [0])), ctx.constant('max', floatTensor([], [maxValue]))]));
};

export const LeakyReLU: LayerHandler = (ctx) =>
  elementwiseLayer(ctx, (x) => ctx.node('LeakyRelu', [x], { alpha: float(ctx.config<number>('alpha', 0.3)) }));

/** tfjs' ELU layer only accepts alpha 1 (it throws on any other value), which is ONNX Elu's default. */
export const ELU: LayerHandler = (ctx) =>
  elementwiseLayer(ctx, (x) => ctx.node('Elu', [x], { alpha: float(ctx.config<number>('alpha', 1)) }));

/** x where x > theta, else 0: ONNX ThresholdedRelu with alpha = theta. */
export const ThresholdedReLU: LayerHandler = (ctx) =>
  elementwiseLayer(ctx, (x) => ctx.node('ThresholdedRelu', [x], { alpha: float(ctx.config<number>('theta', 1)) }));

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
  elementwiseLayer(ctx, (x, ref) => ctx.node('PRelu', [x, ctx.constant('alpha', slopeInLayout(ctx.weight('alpha'), ref))]));

/**
 * tfjs' Softmax layer over several axes at once: exp(x − logSumExp(x, axes)), computed here as
 * e = exp(x − max) and e / Σe over the axes (ONNX Softmax takes a single axis).
 */
function softmaxOverAxes(ctx: LayerContext, x: Value, ref: Pick<TensorRef, 'perm'>, tfAxes: number[]): Value {
  const shape = x.shape;
  const axes = tfAxes.map((a) => irAxis(ref.perm, a)).sort((a, b) => a - b);
  const reduced = shape?.map((d, i) => (axes.includes(i) ? 1 : d));
  const max = shaped(ctx.reduce('ReduceMax', x, axes, true, 'max'), reduced);
  const exp = shaped(ctx.node('Exp', [shaped(ctx.node('Sub', [x, max], {}, 'shifted'), shape)]), shape);
  const sum = shaped(ctx.reduce('ReduceSum', exp, axes, true, 'sum'), reduced);
  return ctx.node('Div', [exp, sum], {}, 'softmax');
}

/** tfjs Softmax layer: softmax on its configured axis. */
export const Softmax: LayerHandler = (ctx) => {
  const config = ctx.config<number | number[]>('axis', -1);
  // tfjs takes a list of axes too: one is a plain softmax, several a joint softmax over all of them.
  if (Array.isArray(config) && config.length > 1) return elementwiseLayer(ctx, (x, ref) => softmaxOverAxes(ctx, x, ref, config));
  const axis = Array.isArray(config) ? config[0]! : config;
  return elementwiseLayer(ctx, (x, ref) => ctx.node('Softmax', [x], { axis: irAxis(ref.perm, axis) }));
};
