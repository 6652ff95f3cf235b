// Activations. Elementwise, so they keep their input's layout (and a pending flatten order); the fused
// activations of _FusedConv2D / _FusedMatMul come through `applyFusedActivation`, the same emitters.
import { floatTensor } from '../../ir/tensor.ts';
import type { Value } from '../../ir/graph.ts';
import { alignOperands } from '../broadcast.ts';
import type { OpContext, OpHandler } from '../context.ts';
import { irShapeOf, normalizeAxis, type TfDtype, type TfTensor } from '../tensor-ref.ts';

/** y = f(x) in x's layout (with x's dtype unless the op says otherwise). */
export function mapUnary(ctx: OpContext, x: TfTensor, emit: (value: Value) => Value, dtype: TfDtype = x.dtype): TfTensor {
  const value = x.constant ? ctx.tfLayout(x) : x.value!;
  const extra = x.flattenedFrom ? { flattenedFrom: x.flattenedFrom } : {};
  const y = ctx.elementwiseNodes(irShapeOf(x), () => emit(value));
  return ctx.output(y, x.shape, dtype, x.perm, extra);
}

function relu6(ctx: OpContext, x: Value): Value {
  return ctx.op('Clip', [x, ctx.constant('zero', floatTensor([], [0])), ctx.constant('six', floatTensor([], [6]))], {}, { suffix: 'Relu6' });
}

/** PRelu with alpha broadcast to x in TF terms (alpha [C] on NCHW data becomes [1, C, 1, 1]). */
function prelu(ctx: OpContext, x: TfTensor, alpha: TfTensor): TfTensor {
  const { values, shape, perm } = alignOperands(ctx, [x, alpha]);
  return ctx.output(ctx.op('PRelu', values), shape, x.dtype, perm);
}

/**
 * The activation tfjs fuses into _FusedConv2D, FusedDepthwiseConv2dNative and _FusedMatMul (lower-cased
 * `fused_ops[1]`), applied to `x`. `preluAlpha` is the extra argument Prelu takes.
 */
export function applyFusedActivation(ctx: OpContext, name: string | undefined, x: TfTensor, preluAlpha: TfTensor | undefined): TfTensor {
  switch (name?.toLowerCase()) {
    case undefined: return x;
    case 'relu': return mapUnary(ctx, x, (v) => ctx.op('Relu', [v]));
    case 'relu6': return mapUnary(ctx, x, (v) => relu6(ctx, v));
    case 'elu': return mapUnary(ctx, x, (v) => ctx.op('Elu', [v], { alpha: { kind: 'float', value: 1 } }));
    case 'sigmoid': return mapUnary(ctx, x, (v) => ctx.op('Sigmoid', [v]));
    case 'tanh': return mapUnary(ctx, x, (v) => ctx.op('Tanh', [v]));
    case 'leakyrelu': return mapUnary(ctx, x, (v) => ctx.op('LeakyRelu', [v], { alpha: { kind: 'float', value: ctx.float('leakyrelu_alpha', 0.2) } }));
    case 'prelu':
      if (!preluAlpha) return ctx.unsupported('fused Prelu needs its alpha argument (num_args 2)');
      return prelu(ctx, x, preluAlpha);
    default: return ctx.unsupported(`fused activation '${name}' is not supported (Relu, Relu6, Elu, LeakyRelu, Prelu, Sigmoid, Tanh)`);
  }
}

const unary = (opType: string, attrs: (ctx: OpContext) => Record<string, number | { kind: 'float'; value: number }> = () => ({})): OpHandler =>
  (ctx) => [mapUnary(ctx, ctx.input(0), (v) => ctx.op(opType, [v], attrs(ctx)))];

export const Relu = unary('Relu');
export const Sigmoid = unary('Sigmoid');
export const Tanh = unary('Tanh');
export const Softplus = unary('Softplus');
export const Elu = unary('Elu', () => ({ alpha: { kind: 'float', value: 1 } }));
export const Selu = unary('Selu');
export const LeakyRelu = unary('LeakyRelu', (ctx) => ({ alpha: { kind: 'float', value: ctx.float('alpha', 0.2) } }));
export const Relu6: OpHandler = (ctx) => [mapUnary(ctx, ctx.input(0), (v) => relu6(ctx, v))];
export const Prelu: OpHandler = (ctx) => [prelu(ctx, ctx.input(0), ctx.input(1))];

/** Softmax / LogSoftmax over the TF last axis, wherever the layout put it. */
function softmax(opType: 'Softmax' | 'LogSoftmax'): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    if (x.flattenedFrom) {
      // Over the whole feature axis, so the order of the features does not matter.
      return [mapUnary(ctx, x, (v) => ctx.op(opType, [v], { axis: 1 }))];
    }
    const last = normalizeAxis(-1, x.shape.length);
    return [mapUnary(ctx, x, (v) => ctx.op(opType, [v], { axis: x.perm.indexOf(last) }))];
  };
}

export const Softmax = softmax('Softmax');
export const LogSoftmax = softmax('LogSoftmax');
