// Elementwise math: binary arithmetic with TF broadcasting (in the layout of the run-time operand, constants
// laid out at compile time), unary math, comparisons and logic, Select, Cast. Every op folds at compile
// time when its operands are constants, and arithmetic also on known shape elements (a symbolic batch
// times 2 is `N*2`), so static shape arithmetic leaves no node behind.
import type { Value } from '../../ir/graph.ts';
import { alignOperands } from '../broadcast.ts';
import { ONNX_TYPE_CODES, type OpContext, type OpHandler } from '../context.ts';
import { expression, foldElementwise } from '../fold.ts';
import { irShapeOf, tfDtype, type KnownElement, type TfDtype, type TfTensor } from '../tensor-ref.ts';
import { mapUnary } from './activation.ts';

type Numeric = (...xs: number[]) => number;

interface Elementwise {
  /** Builds the IR nodes on aligned operand values. */
  emit: (ctx: OpContext, values: Value[], dtype: TfDtype) => Value;
  /** tfjs' arithmetic, for folding constants; absent when folding in JS could differ from tfjs. */
  numeric?: Numeric;
  /** The symbolic result of a known shape element, when it is meaningful. */
  symbolic?: (...xs: KnownElement[]) => KnownElement;
  /** The result dtype (default: the first operand's). */
  dtype?: TfDtype;
}

/** One elementwise op over all of the node's inputs (or the given ones). */
export function elementwise(ctx: OpContext, spec: Elementwise, operands: readonly TfTensor[] = ctx.inputs): TfTensor {
  const dtype = spec.dtype ?? operands[0]!.dtype;
  const folded = spec.numeric ? foldElementwise(ctx, operands, dtype, spec.numeric, spec.symbolic) : {};
  if (folded.constant) return ctx.constantOutput(folded.constant, dtype);
  const aligned = alignOperands(ctx, operands);
  const y = ctx.elementwiseNodes(irShapeOf(aligned), () => spec.emit(ctx, aligned.values, operands[0]!.dtype));
  return ctx.output(y, aligned.shape, dtype, aligned.perm, { ...(aligned.flattenedFrom ? { flattenedFrom: aligned.flattenedFrom } : {}), ...(folded.known ? { known: folded.known } : {}) });
}


const simple = (opType: string, extra: Omit<Elementwise, 'emit'> = {}): OpHandler =>
  (ctx) => [elementwise(ctx, { emit: (c, values) => c.op(opType, values, {}, { dtype: values[0]!.dtype }), ...extra })];

const symbolicSum: Elementwise['symbolic'] = (a, b) => (a === 0 ? b! : b === 0 ? a! : expression('+')(a!, b!));
const symbolicProduct: Elementwise['symbolic'] = (a, b) => (a === 1 ? b! : b === 1 ? a! : expression('*')(a!, b!));

export const Add = simple('Add', { numeric: (a, b) => a! + b!, symbolic: symbolicSum });
export const Sub = simple('Sub', { numeric: (a, b) => a! - b!, symbolic: (a, b) => (b === 0 ? a! : expression('-')(a!, b!)) });
export const Mul = simple('Mul', { numeric: (a, b) => a! * b!, symbolic: symbolicProduct });
export const Maximum = simple('Max', { numeric: (a, b) => Math.max(a!, b!) });
export const Minimum = simple('Min', { numeric: (a, b) => Math.min(a!, b!) });
export const Pow = simple('Pow');

/** Integer floor division from ONNX's truncating Div: (a - floormod(a, b)) / b is exact. */
function floorDivide(ctx: OpContext, [a, b]: Value[], dtype: TfDtype): Value {
  if (dtype !== 'int32') return ctx.op('Floor', [ctx.op('Div', [a!, b!])]);
  const remainder = ctx.op('Mod', [a!, b!], { fmod: 0 }, { dtype: 'int32' });
  return ctx.op('Div', [ctx.op('Sub', [a!, remainder], {}, { dtype: 'int32' }), b!], {}, { dtype: 'int32' });
}

/** Division as tfjs divides: integer operands floor-divide, floats divide. */
export const RealDiv: OpHandler = (ctx) => [elementwise(ctx, {
  emit: (c, values, dtype) => (dtype === 'int32' ? floorDivide(c, values, dtype) : c.op('Div', values)),
  numeric: (a, b) => (ctx.inputs[0]!.dtype === 'int32' ? Math.floor(a! / b!) : a! / b!),
  symbolic: (a, b) => (b === 1 ? a! : expression('/')(a!, b!)),
})];

export const FloorDiv: OpHandler = (ctx) => [elementwise(ctx, {
  emit: floorDivide,
  numeric: (a, b) => Math.floor(a! / b!),
  symbolic: (a, b) => (b === 1 ? a! : `floor(${a}/${b})`),
})];

/** Modulo with the sign of the divisor (TF FloorMod): ONNX Mod for integers, fmod corrected for floats. */
export const FloorMod: OpHandler = (ctx) => [elementwise(ctx, {
  emit: (c, [a, b], dtype) => {
    if (dtype === 'int32') return c.op('Mod', [a!, b!], { fmod: 0 }, { dtype: 'int32' });
    const remainder = c.op('Mod', [a!, b!], { fmod: 1 }, { suffix: 'fmod' });
    const wrapped = c.op('Mod', [c.op('Add', [remainder, b!]), b!], { fmod: 1 }, { suffix: 'wrapped' });
    const signsDiffer = c.op('Less', [c.op('Mul', [a!, b!], {}, { suffix: 'sign' }), c.constant('zero', { dtype: 'float32', shape: [], data: new Float32Array([0]) })], {}, { dtype: 'bool' });
    return c.op('Where', [signsDiffer, wrapped, remainder], {}, { dtype: a!.dtype });
  },
  numeric: (a, b) => {
    const r = a! % b!;
    return (a! < 0 && b! < 0) || (a! >= 0 && b! >= 0) ? r : (r + b!) % b!;
  },
})];

/** x / y, and 0 where y is 0 (even for x 0 or infinite). */
export const DivNoNan: OpHandler = (ctx) => [elementwise(ctx, {
  emit: (c, [a, b]) => {
    const zero = c.constant('zero', { dtype: 'float32', shape: [], data: new Float32Array([0]) });
    return c.op('Where', [c.op('Equal', [b!, zero], {}, { dtype: 'bool', suffix: 'divisor_is_zero' }), zero, c.op('Div', [a!, b!])], {}, { dtype: a!.dtype });
  },
  numeric: (a, b) => (b === 0 ? 0 : a! / b!),
})];

export const SquaredDifference: OpHandler = (ctx) => [elementwise(ctx, {
  emit: (c, [a, b]) => {
    const d = c.op('Sub', [a!, b!], {}, { dtype: a!.dtype });
    return c.op('Mul', [d, d], {}, { dtype: a!.dtype });
  },
  numeric: (a, b) => (a! - b!) * (a! - b!),
})];

/** BiasAdd: a 1-D bias on the channel (last TF) axis. */
export const BiasAdd: OpHandler = (ctx, node) => {
  const format = ctx.attrs.string('data_format') ?? 'NHWC';
  if (format !== 'NHWC') ctx.unsupported(`data_format '${format}' is not supported (NHWC)`);
  return Add(ctx, node);
};

/** AddN: the sum of every input (ONNX Sum). */
export const AddN: OpHandler = (ctx) => (ctx.inputs.length === 1
  ? [ctx.input(0)]
  : [elementwise(ctx, { emit: (c, values) => c.op('Sum', values, {}, { dtype: values[0]!.dtype }), numeric: (...xs) => xs.reduce((a, b) => a + b, 0) })]);

/** Unary math, folded on constants where JS computes exactly what float32 tfjs does. */
function unary(emit: (ctx: OpContext, x: Value) => Value, numeric?: Numeric, dtype?: TfDtype): OpHandler {
  return (ctx) => {
    const x = ctx.input(0);
    if (numeric && x.constant) return [elementwise(ctx, { emit: (c, [v]) => emit(c, v!), numeric, dtype })];
    return [mapUnary(ctx, x, (v) => emit(ctx, v), dtype)];
  };
}

const op = (opType: string) => (ctx: OpContext, x: Value) => ctx.op(opType, [x], {}, { dtype: x.dtype });

export const Neg = unary(op('Neg'), (x) => -x!);
export const Abs = unary(op('Abs'), (x) => Math.abs(x!));
export const Square = unary((ctx, x) => ctx.op('Mul', [x, x], {}, { suffix: 'Square', dtype: x.dtype }), (x) => x! * x!);
export const Sqrt = unary(op('Sqrt'), (x) => Math.sqrt(x!));
export const Rsqrt = unary((ctx, x) => ctx.op('Reciprocal', [ctx.op('Sqrt', [x])]));
export const Reciprocal = unary(op('Reciprocal'), (x) => 1 / x!);
export const Exp = unary(op('Exp'));
export const Log = unary(op('Log'));
export const Floor = unary(op('Floor'), (x) => Math.floor(x!));
export const Ceil = unary(op('Ceil'), (x) => Math.ceil(x!));
export const Round = unary(op('Round'));
export const Sign = unary(op('Sign'), (x) => Math.sign(x!));
export const Sin = unary(op('Sin'));
export const Cos = unary(op('Cos'));
export const Tan = unary(op('Tan'));
export const Asin = unary(op('Asin'));
export const Acos = unary(op('Acos'));
export const Atan = unary(op('Atan'));
export const Sinh = unary(op('Sinh'));
export const Cosh = unary(op('Cosh'));
export const Asinh = unary(op('Asinh'));
export const Acosh = unary(op('Acosh'));
export const Atanh = unary(op('Atanh'));
export const Erf = unary(op('Erf'));
/** log(1 + x) and exp(x) − 1: ONNX has neither, so they are written out. */
export const Log1p = unary((ctx, x) => ctx.op('Log', [ctx.op('Add', [x, ctx.constant('one', { dtype: 'float32', shape: [], data: new Float32Array([1]) })], {}, { suffix: 'one_plus' })]));
export const Expm1 = unary((ctx, x) => ctx.op('Sub', [ctx.op('Exp', [x]), ctx.constant('one', { dtype: 'float32', shape: [], data: new Float32Array([1]) })], {}, { suffix: 'minus_one' }));
export const IsNan = unary((ctx, x) => ctx.op('IsNaN', [x], {}, { dtype: 'bool' }), undefined, 'bool');
export const IsInf = unary((ctx, x) => ctx.op('IsInf', [x], {}, { dtype: 'bool' }), undefined, 'bool');
export const IsFinite = unary((ctx, x) => ctx.op('Not', [ctx.op('Or', [ctx.op('IsNaN', [x], {}, { dtype: 'bool' }), ctx.op('IsInf', [x], {}, { dtype: 'bool' })], {}, { dtype: 'bool' })], {}, { dtype: 'bool' }), undefined, 'bool');

/** ClipByValue(x, min, max): Max then Min, so integer tensors and run-time bounds work too. */
export const ClipByValue: OpHandler = (ctx) => {
  const [x, low, high] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  const max = elementwise(ctx, { emit: (c, values) => c.op('Max', values, {}, { dtype: values[0]!.dtype, suffix: 'clip_low' }), numeric: Math.max }, [x, low]);
  return [elementwise(ctx, { emit: (c, values) => c.op('Min', values, {}, { dtype: values[0]!.dtype, suffix: 'clip_high' }), numeric: Math.min }, [max, high])];
};

/** Comparisons: bool results. */
function compare(opType: string, numeric: (a: number, b: number) => boolean, negate = false): OpHandler {
  return (ctx) => [elementwise(ctx, {
    emit: (c, values) => {
      const y = c.op(opType, values, {}, { dtype: 'bool' });
      return negate ? c.op('Not', [y], {}, { dtype: 'bool' }) : y;
    },
    numeric: (a, b) => (numeric(a!, b!) ? 1 : 0),
    dtype: 'bool',
  })];
}

export const Equal = compare('Equal', (a, b) => a === b);
export const NotEqual = compare('Equal', (a, b) => a !== b, true);
export const Greater = compare('Greater', (a, b) => a > b);
export const GreaterEqual = compare('GreaterOrEqual', (a, b) => a >= b);
export const Less = compare('Less', (a, b) => a < b);
export const LessEqual = compare('LessOrEqual', (a, b) => a <= b);
export const LogicalAnd = simple('And', { numeric: (a, b) => (a && b ? 1 : 0), dtype: 'bool' });
export const LogicalOr = simple('Or', { numeric: (a, b) => (a || b ? 1 : 0), dtype: 'bool' });
export const LogicalNot = unary(op('Not'), (x) => (x ? 0 : 1));

/**
 * Select / SelectV2(condition, a, b): ONNX Where. SelectV2 broadcasts all three; Select's rank-1 condition
 * picks whole rows of higher-rank a and b (it is broadcast along the first axis, not the last).
 */
export const Select: OpHandler = (ctx, node) => {
  const [condition, a, b] = [ctx.input(0), ctx.input(1), ctx.input(2)];
  let cond = condition;
  if (node.op === 'Select' && condition.shape.length === 1 && a.shape.length > 1) {
    const shape = [condition.shape[0]!, ...new Array<number>(a.shape.length - 1).fill(1)];
    const value = ctx.op('Unsqueeze', [ctx.tfLayout(condition), ctx.int64('row_axes', shape.slice(1).map((_, i) => i + 1))], {}, { dtype: 'bool', suffix: 'rows', shape });
    cond = { shape, dtype: 'bool', perm: shape.map((_, i) => i), value };
  }
  return [elementwise(ctx, {
    emit: (c, values) => c.op('Where', values, {}, { dtype: values[1]!.dtype }),
    numeric: (c, x, y) => (c ? x! : y!),
    dtype: a.dtype,
  }, [cond, a, b])];
};

/** Cast to DstT in tfjs' dtypes (every integer type runs as int32); float → int truncates, as in both. */
export const Cast: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const to = tfDtype(ctx.attrs.type('DstT'));
  if (!to) return ctx.unsupported(`DstT ${ctx.attrs.type('DstT')} is not supported (float, integer and bool types)`);
  if (to === x.dtype) return [x];
  return [elementwise(ctx, {
    emit: (c, [v]) => c.op('Cast', [v!], { to: ONNX_TYPE_CODES[c.irDtype(to)] }, { dtype: c.irDtype(to) }),
    numeric: (v) => (to === 'bool' ? (v ? 1 : 0) : to === 'int32' ? Math.trunc(v!) : v!),
    symbolic: (v) => v!,
    dtype: to,
  }, [x])];
};
