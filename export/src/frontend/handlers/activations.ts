// tfjs' activation functions (its `activations` module: names → ONNX nodes), shared by the Activation layer,
// every layer with a fused `activation` setting (Conv*, Dense, ...) and the layers built on them.
// Functions whose ONNX op only exists in a later opset (Mish 18, Gelu 20) are decomposed below it.
// Every intermediate value of a decomposition gets the activation's shape: shape inference has no rules
// for these ops.
import type { AttributeInput, Value } from '../../ir/graph.ts';
import { floatTensor } from '../../ir/tensor.ts';
import type { LayerContext } from '../context.ts';
import { floatAttribute as float, shaped } from '../emit.ts';
import { irAxis, type TensorRef } from '../layout.ts';

/** Emits the activation on `x`; `ref` gives the layout (softmax works on the tfjs last axis). */
type ActivationEmitter = (ctx: LayerContext, x: Value, ref: Pick<TensorRef, 'perm'>) => Value;

/**
 * The shape of the activation's output: its input's when known (the Activation layer), else the layer's
 * output (a fused activation, whose input is the layer's pre-activation output with the same shape).
 */
function activationShape(ctx: LayerContext, x: Value, ref: Pick<TensorRef, 'perm'>): Value['shape'] {
  return x.shape ?? ctx.outputIrShape(0, ref.perm);
}

/** A node computing an elementwise function of same-shaped inputs (and scalar constants). */
function elementwise(ctx: LayerContext, shape: Value['shape'], op: string, inputs: Value[], attrs: Record<string, AttributeInput> = {}, suffix = op): Value {
  return shaped(ctx.node(op, inputs, attrs, suffix), shape);
}

function scalar(ctx: LayerContext, name: string, value: number): Value {
  return ctx.constant(name, floatTensor([], [value]));
}

/** x · sigmoid(x). */
const swish: ActivationEmitter = (ctx, x, ref) => {
  const shape = activationShape(ctx, x, ref);
  return elementwise(ctx, shape, 'Mul', [x, elementwise(ctx, shape, 'Sigmoid', [x])], {}, 'swish');
};

/** x · tanh(softplus(x)); the Mish op exists from opset 18. */
const mish: ActivationEmitter = (ctx, x, ref) => {
  const shape = activationShape(ctx, x, ref);
  if (ctx.opset >= 18) return elementwise(ctx, shape, 'Mish', [x]);
  const tanh = elementwise(ctx, shape, 'Tanh', [elementwise(ctx, shape, 'Softplus', [x])]);
  return elementwise(ctx, shape, 'Mul', [x, tanh], {}, 'mish');
};

/** tfjs 'gelu' is the exact form x · ½(1 + erf(x/√2)); the Gelu op exists from opset 20. */
const gelu: ActivationEmitter = (ctx, x, ref) => {
  const shape = activationShape(ctx, x, ref);
  if (ctx.opset >= 20) return elementwise(ctx, shape, 'Gelu', [x]);
  const erf = elementwise(ctx, shape, 'Erf', [elementwise(ctx, shape, 'Div', [x, scalar(ctx, 'sqrt2', Math.SQRT2)])]);
  const cdf = elementwise(ctx, shape, 'Mul', [elementwise(ctx, shape, 'Add', [erf, scalar(ctx, 'one', 1)]), scalar(ctx, 'half', 0.5)]);
  return elementwise(ctx, shape, 'Mul', [x, cdf], {}, 'gelu');
};

/** tfjs 'gelu_new' is the tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
const geluTanh: ActivationEmitter = (ctx, x, ref) => {
  const shape = activationShape(ctx, x, ref);
  if (ctx.opset >= 20) return elementwise(ctx, shape, 'Gelu', [x], { approximate: 'tanh' });
  const cube = elementwise(ctx, shape, 'Mul', [elementwise(ctx, shape, 'Mul', [x, x]), x]);
  const inner = elementwise(ctx, shape, 'Add', [x, elementwise(ctx, shape, 'Mul', [cube, scalar(ctx, 'coefficient', 0.044715)])]);
  const tanh = elementwise(ctx, shape, 'Tanh', [elementwise(ctx, shape, 'Mul', [inner, scalar(ctx, 'sqrt_2_over_pi', Math.sqrt(2 / Math.PI))])]);
  const half = elementwise(ctx, shape, 'Mul', [x, scalar(ctx, 'half', 0.5)]);
  return elementwise(ctx, shape, 'Mul', [half, elementwise(ctx, shape, 'Add', [tanh, scalar(ctx, 'one', 1)])], {}, 'gelu_new');
};

const activationFunctions: Record<string, ActivationEmitter> = {
  // Layers keep a node per layer call so every layer output has a name; the no-op pass removes it.
  linear: (ctx, x) => ctx.node('Identity', [x], {}, 'linear'),
  relu: (ctx, x) => ctx.node('Relu', [x]),
  sigmoid: (ctx, x) => ctx.node('Sigmoid', [x]),
  tanh: (ctx, x) => ctx.node('Tanh', [x]),
  softmax: (ctx, x, ref) => ctx.node('Softmax', [x], { axis: irAxis(ref.perm, -1) }),
  relu6: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'Clip', [x, scalar(ctx, 'min', 0), scalar(ctx, 'max', 6)], {}, 'relu6'),
  // tfjs' elu activation always uses alpha 1; selu's constants are ONNX Selu's defaults.
  elu: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'Elu', [x], { alpha: float(1) }),
  selu: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'Selu', [x]),
  // clip(0.2·x + 0.5, 0, 1), exactly ONNX HardSigmoid with these coefficients.
  hardSigmoid: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'HardSigmoid', [x], { alpha: float(0.2), beta: float(0.5) }),
  softplus: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'Softplus', [x]),
  softsign: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'Softsign', [x]),
  swish,
  mish,
  gelu,
  gelu_new: geluTanh,
  logSoftmax: (ctx, x, ref) => elementwise(ctx, activationShape(ctx, x, ref), 'LogSoftmax', [x], { axis: irAxis(ref.perm, -1) }),
};

function supportedActivations(): string[] {
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
