// Compile-time evaluation of elementwise ops, the heart of static shape folding: when every operand is a
// constant the op becomes a constant (no node at all); when operands are small shape-like tensors whose
// elements are known or symbolic (Shape of a dynamic batch), the op still runs but its result is known
// element by element, so a later Reshape or Slice can use it.
import type { ConstTensor } from '../ir/tensor.ts';
import type { OpContext } from './context.ts';
import { broadcastShapes, isStatic, type KnownElement, type TfDtype, type TfTensor } from './tensor-ref.ts';

/** Shape-like tensors stay small; beyond this many elements nothing symbolic is tracked. */
const KNOWN_LIMIT = 64;

function typedArrayFor(dtype: TfDtype, values: ArrayLike<number>): ConstTensor['data'] {
  if (dtype === 'float32') return Float32Array.from(values);
  if (dtype === 'int32') return Int32Array.from(values);
  return Uint8Array.from(values, (v) => (v ? 1 : 0));
}

export function tfConstant(dtype: TfDtype, shape: number[], values: ArrayLike<number>): ConstTensor {
  return { dtype, shape, data: typedArrayFor(dtype, values) };
}

/** Element i of the broadcast output, read from an operand of shape `shape` (row-major, right-aligned). */
function broadcastIndex(outShape: readonly number[], shape: readonly number[]): (flat: number) => number {
  const rank = outShape.length;
  const offset = rank - shape.length;
  const strides = new Array<number>(rank).fill(0);
  for (let i = rank - 1, s = 1; i >= offset; i--) {
    strides[i] = shape[i - offset] === 1 ? 0 : s;
    s *= shape[i - offset]!;
  }
  return (flat) => {
    let index = 0;
    for (let i = rank - 1; i >= 0; i--) {
      const d = outShape[i]!;
      index += (flat % d) * strides[i]!;
      flat = Math.floor(flat / d);
    }
    return index;
  };
}

/** Elementwise op over operands' compile-time elements, with TF broadcasting. */
function combine(shapes: number[][], elements: KnownElement[][], apply: (xs: KnownElement[]) => KnownElement): { shape: number[]; values: KnownElement[] } {
  const shape = shapes.reduce((a, b) => broadcastShapes(a, b) as number[]);
  const total = shape.reduce((a, b) => a * b, 1);
  const readers = shapes.map((s) => broadcastIndex(shape, s));
  const values = Array.from({ length: total }, (_, i) => apply(elements.map((e, k) => e[readers[k]!(i)]!)));
  return { shape, values };
}

export interface Folded {
  /** Every element known: the op's result as a constant. */
  constant?: ConstTensor;
  /** Some elements symbolic: what is known of the run-time result. */
  known?: KnownElement[];
}

/**
 * Evaluates an elementwise op at compile time where the operands allow it. `numeric` computes numbers;
 * `symbolic` names a result involving a run-time dim (omit it when such a result means nothing).
 */
export function foldElementwise(
  ctx: OpContext,
  operands: readonly TfTensor[],
  dtype: TfDtype,
  numeric: (...xs: number[]) => number,
  symbolic?: (...xs: KnownElement[]) => KnownElement,
): Folded {
  const shapes = operands.map((t) => t.shape);
  if (!shapes.every((s): s is number[] => isStatic(s))) return {};
  if (operands.every((t) => t.constant)) {
    const { shape, values } = combine(shapes, operands.map((t) => ctx.known(t)!), (xs) => numeric(...(xs as number[])));
    return { constant: tfConstant(dtype, shape, values as number[]) };
  }
  const small = (t: TfTensor) => (t.constant ? t.constant.data.length : t.known?.length ?? Infinity) <= KNOWN_LIMIT;
  if (!symbolic || !operands.every(small)) return {};
  const known = operands.map((t) => ctx.known(t));
  const { values } = combine(shapes, known as KnownElement[][], (xs) => (xs.every((x) => typeof x === 'number') ? numeric(...(xs as number[])) : symbolic(...xs)));
  return { known: values };
}

/** A symbolic result written as an expression of its operands, e.g. `N*2`. */
export function expression(operator: string): (...xs: KnownElement[]) => KnownElement {
  return (...xs) => xs.map(String).join(operator);
}
