// Padding and space/depth rearrangements: Pad, PadV2, MirrorPad (pads mapped through the layout, so padded
// feature maps stay NCHW), DepthToSpace (ONNX's DCR order is TF's), SpaceToBatchND /
// BatchToSpaceND (pad, reshape, transpose, reshape: the blocks really move, so these need their Transpose).
import { channelsFirstPerm, identityPerm } from '../../frontend/layout.ts';
import type { Dim, Value } from '../../ir/graph.ts';
import type { OpContext, OpHandler } from '../context.ts';
import type { TfTensor } from '../tensor-ref.ts';

const NCHW = channelsFirstPerm(4);

function paddings(ctx: OpContext, x: TfTensor): [number, number][] {
  const flat = ctx.staticValues(ctx.input(1), 'paddings');
  if (flat.length !== 2 * x.shape.length) ctx.unsupported(`paddings of ${flat.length} values do not fit rank ${x.shape.length}`);
  return x.shape.map((_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);
}

const padded = (d: Dim, [b, e]: [number, number]): Dim => (typeof d === 'number' ? d + b + e : b + e === 0 ? d : `${d}+${b + e}`);

function pad(ctx: OpContext, mode: 'constant' | 'reflect', constantValue: TfTensor | undefined): TfTensor {
  const x = ctx.input(0);
  const pads = paddings(ctx, x);
  const value = ctx.inLayout(x, x.perm);
  const onnxPads = [...x.perm.map((axis) => pads[axis]![0]), ...x.perm.map((axis) => pads[axis]![1])];
  const inputs = [value, ctx.int64('pads', onnxPads)];
  if (constantValue) inputs.push(ctx.tfLayout(constantValue));
  const y = ctx.op('Pad', inputs, { mode }, { dtype: value.dtype });
  return ctx.output(y, x.shape.map((d, i) => padded(d, pads[i]!)), x.dtype, x.perm);
}

export const Pad: OpHandler = (ctx) => [pad(ctx, 'constant', undefined)];
export const PadV2: OpHandler = (ctx) => [pad(ctx, 'constant', ctx.input(2))];

/** MirrorPad: REFLECT is ONNX's reflect; SYMMETRIC (the edge repeated) is built from reversed slices. */
export const MirrorPad: OpHandler = (ctx) => {
  const mode = ctx.string('mode');
  if (mode === 'REFLECT') return [pad(ctx, 'reflect', undefined)];
  if (mode !== 'SYMMETRIC') return ctx.unsupported(`mode '${mode}' is not supported (REFLECT, SYMMETRIC)`);
  const x = ctx.input(0);
  const pads = paddings(ctx, x);
  let value = ctx.inLayout(x, x.perm);
  const shape = [...x.shape];
  const irShape = (tfAxis: number, size: Dim) => x.perm.map((a) => (a === tfAxis ? size : shape[a]!));
  const reversed = (irAxis: number, tfAxis: number, start: number, end: number, size: number, suffix: string) =>
    ctx.op('Slice', [value, ctx.int64('starts', [start]), ctx.int64('ends', [end]), ctx.int64('axes', [irAxis]), ctx.int64('steps', [-1])], {}, { dtype: value.dtype, suffix, shape: irShape(tfAxis, size) });
  pads.forEach(([before, after], tfAxis) => {
    if (before === 0 && after === 0) return;
    const irAxis = x.perm.indexOf(tfAxis);
    // Slice's ends are exclusive; -MAX reaches past the first element when stepping backwards.
    const parts: Value[] = [];
    if (before > 0) parts.push(reversed(irAxis, tfAxis, before - 1, -Number.MAX_SAFE_INTEGER, before, `mirror_before_${tfAxis}`));
    parts.push(value);
    if (after > 0) parts.push(reversed(irAxis, tfAxis, -1, -1 - after, after, `mirror_after_${tfAxis}`));
    shape[tfAxis] = padded(shape[tfAxis]!, [before, after]);
    value = ctx.op('Concat', parts, { axis: irAxis }, { dtype: value.dtype, suffix: `mirror_${tfAxis}`, shape: irShape(tfAxis, shape[tfAxis]!) });
  });
  return [ctx.output(value, shape, x.dtype, x.perm)];
};

/** DepthToSpace: output[h·b + i, w·b + j, c] = input[h, w, (i·b + j)·C + c] in TF and in ONNX's DCR mode. */
export const DepthToSpace: OpHandler = (ctx) => {
  const format = ctx.attrs.string('data_format') ?? 'NHWC';
  if (format !== 'NHWC') ctx.unsupported(`data_format '${format}' is not supported (NHWC)`);
  const x = ctx.input(0);
  const block = ctx.int('block_size');
  const [n, h, w, c] = x.shape as [Dim, Dim, Dim, Dim];
  const scale = (d: Dim, f: number) => (typeof d === 'number' ? d * f : `${d}*${f}`);
  const channels = typeof c === 'number' ? c / (block * block) : `${c}/${block * block}`;
  const y = ctx.op('DepthToSpace', [ctx.inLayout(x, NCHW)], { blocksize: block, mode: 'DCR' });
  return [ctx.output(y, [n, scale(h, block), scale(w, block), channels], x.dtype, NCHW)];
};

function staticImage(ctx: OpContext, x: TfTensor): [Dim, number, number, number] {
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || typeof h !== 'number' || typeof w !== 'number' || typeof c !== 'number') {
    return ctx.unsupported(`needs a rank-4 input with known height, width and channels, got [${x.shape}]`);
  }
  return [n!, h, w, c];
}

/** SpaceToBatchND(x, block [bh, bw], paddings): pad, then each (i, j) block offset becomes a batch slice. */
export const SpaceToBatchND: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [bh, bw] = ctx.staticValues(ctx.input(1), 'block_shape') as [number, number];
  const [[pt, pb], [pl, pr]] = [0, 1].map((i) => ctx.staticValues(ctx.input(2), 'paddings').slice(2 * i, 2 * i + 2)) as [[number, number], [number, number]];
  const [n, h0, w0, c] = staticImage(ctx, x);
  const [h, w] = [h0 + pt + pb, w0 + pl + pr];
  const data = ctx.op('Pad', [ctx.tfLayout(x), ctx.int64('pads', [0, pt, pl, 0, 0, pb, pr, 0])], { mode: 'constant' }, { dtype: ctx.irDtype(x.dtype), shape: [n, h, w, c] });
  const blocks = ctx.op('Reshape', [data, ctx.int64('blocks', [-1, h / bh, bh, w / bw, bw, c])], {}, { suffix: 'blocks', shape: [n, h / bh, bh, w / bw, bw, c] });
  const moved = ctx.op('Transpose', [blocks], { perm: [2, 4, 0, 1, 3, 5] }, { suffix: 'blocks_to_batch', shape: [bh, bw, n, h / bh, w / bw, c] });
  const y = ctx.op('Reshape', [moved, ctx.int64('shape', [-1, h / bh, w / bw, c])]);
  const batch = typeof n === 'number' ? n * bh * bw : `${n}*${bh * bw}`;
  return [ctx.output(y, [batch, h / bh, w / bw, c], x.dtype)];
};

/** BatchToSpaceND(x, block [bh, bw], crops): the inverse rearrangement, then the crops sliced away. */
export const BatchToSpaceND: OpHandler = (ctx) => {
  const x = ctx.input(0);
  const [bh, bw] = ctx.staticValues(ctx.input(1), 'block_shape') as [number, number];
  const crops = ctx.staticValues(ctx.input(2), 'crops');
  const [n, h, w, c] = staticImage(ctx, x);
  const batch = typeof n === 'number' ? n / (bh * bw) : `${n}/${bh * bw}`;
  const blocks = ctx.op('Reshape', [ctx.tfLayout(x), ctx.int64('blocks', [bh, bw, -1, h, w, c])], {}, { suffix: 'blocks', shape: [bh, bw, batch, h, w, c] });
  const moved = ctx.op('Transpose', [blocks], { perm: [2, 3, 0, 4, 1, 5] }, { suffix: 'batch_to_blocks', shape: [batch, h, bh, w, bw, c] });
  const full = ctx.op('Reshape', [moved, ctx.int64('shape', [-1, h * bh, w * bw, c])], {}, { suffix: 'space', shape: [batch, h * bh, w * bw, c] });
  const [ct, cb, cl, cr] = crops as [number, number, number, number];
  const cropped = ctx.op('Slice', [full, ctx.int64('starts', [ct, cl]), ctx.int64('ends', [h * bh - cb, w * bw - cr]), ctx.int64('axes', [1, 2])]);
  return [ctx.output(cropped, [batch, h * bh - ct - cb, w * bw - cl - cr, c], x.dtype, identityPerm(4))];
};
