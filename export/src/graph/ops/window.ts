// Sliding-window geometry shared by convolutions and pools: TF's SAME / VALID / EXPLICIT padding as ONNX
// pads, and the output's spatial dims (symbolic where the input's are). TF pads SAME so that
// out = ceil(in / stride) with the odd pixel at the end: ONNX's SAME_UPPER, written out explicitly when
// the size is known so every runtime agrees.
import type { AttributeInput, Dim } from '../../ir/graph.ts';
import type { OpContext } from '../context.ts';

export interface WindowGeometry {
  attrs: Record<string, AttributeInput>;
  /** Output spatial dims (H, W). */
  outSpatial: Dim[];
}

/** A [1, h, w, 1] attr (strides, dilations, ksize) as its spatial pair, refusing batch/channel windows. */
export function spatialPair(ctx: OpContext, name: string, fallback?: number[]): number[] {
  const values = ctx.ints(name, fallback);
  if (values.length !== 4 || values[0] !== 1 || values[3] !== 1) ctx.unsupported(`${name} [${values}] must be [1, h, w, 1]`);
  return [values[1]!, values[2]!];
}

/** Refuses NCHW data (tfjs, and this exporter, run TF graphs channels-last). */
export function requireNhwc(ctx: OpContext): void {
  const format = ctx.attrs.string('data_format') ?? 'NHWC';
  if (format !== 'NHWC') ctx.unsupported(`data_format '${format}' is not supported (NHWC)`);
}

function windowOut(size: Dim, effectiveKernel: number, stride: number, padBefore: number, padAfter: number): Dim {
  if (typeof size === 'number') return Math.floor((size + padBefore + padAfter - effectiveKernel) / stride) + 1;
  const padded = padBefore + padAfter - effectiveKernel;
  const numerator = padded === 0 ? size : `${size}${padded > 0 ? '+' : ''}${padded}`;
  return stride === 1 ? (padded === -1 ? size : `${numerator}+1`) : `floor((${numerator})/${stride})+1`;
}

/** Pads and output dims of a window over NHWC `inShape`, from the node's padding attrs. */
export function windowGeometry(ctx: OpContext, inShape: readonly Dim[], kernel: number[], strides: number[], dilations: number[]): WindowGeometry {
  const padding = ctx.string('padding');
  const spatial = inShape.slice(1, 3);
  const effective = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  const attrs: Record<string, AttributeInput> = { kernel_shape: kernel, strides };
  if (padding === 'VALID') {
    return { attrs: { ...attrs, pads: [0, 0, 0, 0] }, outSpatial: spatial.map((d, i) => windowOut(d, effective[i]!, strides[i]!, 0, 0)) };
  }
  if (padding === 'EXPLICIT') {
    const explicit = ctx.ints('explicit_paddings');
    if (explicit.length !== 8 || explicit[0] !== 0 || explicit[1] !== 0 || explicit[6] !== 0 || explicit[7] !== 0) {
      ctx.unsupported(`explicit_paddings [${explicit}] must pad only H and W`);
    }
    const [top, bottom, left, right] = explicit.slice(2, 6) as [number, number, number, number];
    return {
      attrs: { ...attrs, pads: [top, left, bottom, right] },
      outSpatial: [windowOut(spatial[0]!, effective[0]!, strides[0]!, top, bottom), windowOut(spatial[1]!, effective[1]!, strides[1]!, left, right)],
    };
  }
  if (padding !== 'SAME') ctx.unsupported(`padding '${padding}' is not supported (SAME, VALID, EXPLICIT)`);
  const outSpatial = spatial.map((d, i) => (typeof d === 'number' ? Math.ceil(d / strides[i]!) : strides[i] === 1 ? d : `ceil(${d}/${strides[i]})`));
  if (spatial.some((d) => typeof d !== 'number')) return { attrs: { ...attrs, auto_pad: 'SAME_UPPER' }, outSpatial };
  const begin: number[] = [];
  const end: number[] = [];
  spatial.forEach((size, i) => {
    const total = Math.max(((outSpatial[i] as number) - 1) * strides[i]! + effective[i]! - (size as number), 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  });
  return { attrs: { ...attrs, pads: [...begin, ...end] }, outSpatial };
}
