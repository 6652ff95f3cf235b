// Activation functions (tfjs names → ONNX nodes), shared by the Activation layer and every layer with a
// fused `activation` setting, plus the activation layers themselves.
import type { Value } from '../../ir/graph.ts';
import { floatTensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { irAxis, type TensorRef } from '../layout.ts';
import { extraActivationFunctions, softmaxOverAxes } from './activations.ts';

/** Emits the activation on `x`; `ref` gives the layout (softmax works on the tfjs last axis). */
type ActivationEmitter = (ctx: LayerContext, x: Value, ref: Pick<TensorRef, 'perm'>) => Value;

const activationFunctions: Record<string, ActivationEmitter> = {
  // Layers keep a node per layer call so every layer output has a name; the no-op pass removes it.
  linear: (ctx, x) => ctx.node('Identity', [x], {}, 'linear'),
  relu: (ctx, x) => ctx.node('Relu', [x]),
  sigmoid: (ctx, x) => ctx.node('Sigmoid', [x]),
  tanh: (ctx, x) => ctx.node('Tanh', [x]),
  softmax: (ctx, x, ref) => ctx.node('Softmax', [x], { axis: irAxis(ref.perm, -1) }),
  // relu6, elu, selu, hardSigmoid, softplus, softsign, swish, mish, gelu, gelu_new, logSoftmax
  ...extraActivationFunctions,
};

export function supportedActivations(): string[] {
  return Object.keys(activationFunctions);
}

/** Applies a tfjs activation by name to `x`; a layer whose activation is unknown is unsupported. */
export function applyActivation(ctx: LayerContext, name: string, x: Value, ref: Pick<TensorRef, 'perm'>): Value {
  const emit = Object.hasOwn(activationFunctions, name) ? activationFunctions[name] : undefined;
  if (!emit) ctx.unsupported(`activation '${name}' is not supported — supported: ${supportedActivations().join(', ')}`);
  return emit(ctx, x, ref);
}

/** A layer's fused activation (Conv2D, Dense, ...), skipped entirely when linear. */
export function fusedActivation(ctx: LayerContext, x: Value, ref: Pick<TensorRef, 'perm'>): Value {
  const name = ctx.config<string>('activation', 'linear');
  return name === 'linear' ? x : applyActivation(ctx, name, x, ref);
}

/** Elementwise layers keep their input's layout (and a pending flatten order: order does not matter). */
function elementwise(ctx: LayerContext, emit: (x: Value, ref: TensorRef) => Value) {
  const ref = ctx.inputs[0]!;
  return [ctx.output(emit(ref.value, ref), ref.perm, ref.featureOrder)];
}

export const Activation: LayerHandler = (ctx) =>
  elementwise(ctx, (x, ref) => applyActivation(ctx, ctx.config<string>('activation'), x, ref));

/** tfjs ReLU layer: max(x, 0), capped at maxValue when set (Clip with constant bounds). */
export const ReLU: LayerHandler = (ctx) => {
  const maxValue = ctx.layer.config['maxValue'];
  if (typeof maxValue !== 'number') return elementwise(ctx, (x) => ctx.node('Relu', [x]));
  return elementwise(ctx, (x) => ctx.node('Clip', [x, ctx.constant('min', floatTensor([], [0])), ctx.constant('max', floatTensor([], [maxValue]))]));
};

/** tfjs Softmax layer: softmax on its configured axis. */
export const Softmax: LayerHandler = (ctx) => {
  const config = ctx.config<number | number[]>('axis', -1);
  // tfjs takes a list of axes too: one is a plain softmax, several a joint softmax over all of them.
  if (Array.isArray(config) && config.length > 1) return elementwise(ctx, (x, ref) => softmaxOverAxes(ctx, x, ref, config));
  const axis = Array.isArray(config) ? config[0]! : config;
  return elementwise(ctx, (x, ref) => ctx.node('Softmax', [x], { axis: irAxis(ref.perm, axis) }));
};
