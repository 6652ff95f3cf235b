// tfjs 'same'/'valid' padding as explicit ONNX pads. tfjs (like TensorFlow) pads 'same' so that
// out = ceil(in / stride), putting the odd pixel at the end — ONNX's SAME_UPPER, written out explicitly
// when the spatial size is known so every runtime agrees. Also the explicit 2-D margins of the padding
// and cropping layers, per IR axis.
import type { AttributeInput } from '../ir/graph.ts';
import type { TensorRef, TfShape } from './layout.ts';

export type Padding = 'same' | 'valid';

/** Conv/pool spatial attributes for a channels-last tfjs input shape [N, ...spatial, C]. */
export function spatialAttributes(
  inputShape: TfShape,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padding: Padding,
): Record<string, AttributeInput> {
  const spatial = inputShape.slice(1, -1);
  const attrs: Record<string, AttributeInput> = { kernel_shape: [...kernel], strides: [...strides] };
  if (padding === 'valid') return { ...attrs, pads: spatial.flatMap(() => [0, 0]) };
  if (spatial.some((d) => d === null)) return { ...attrs, auto_pad: 'SAME_UPPER' };
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((size, i) => {
    const stride = strides[i]!;
    const effectiveKernel = (kernel[i]! - 1) * dilations[i]! + 1;
    const out = Math.ceil(size! / stride);
    const total = Math.max((out - 1) * stride + effectiveKernel - size!, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { ...attrs, pads: [...begin, ...end] };
}

/** tfjs configs hold sizes as a number or a tuple; ONNX wants one entry per spatial axis. */
export function tuple(value: number | number[] | undefined | null, rank: number, fallback: number[]): number[] {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
}

/** tfjs 2-D padding/cropping config [[top, bottom], [left, right]] (a number or pair is expanded by tfjs). */
export type Margins = [[number, number], [number, number]];

/** [begin, end] margin of each IR axis: tfjs axes 1 (height) and 2 (width) get `margins`, the rest 0. */
export function marginsInLayout(ref: TensorRef, margins: Margins): { begin: number[]; end: number[] } {
  const of = (axis: number, side: 0 | 1) => (axis === 1 || axis === 2 ? margins[axis - 1]![side] : 0);
  return { begin: ref.perm.map((axis) => of(axis, 0)), end: ref.perm.map((axis) => of(axis, 1)) };
}
