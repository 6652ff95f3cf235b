// The graph's leaves and pass-throughs: Const (a weight from the manifest, kept as a compile-time value),
// Placeholder (a graph input), Identity and its relatives (nothing to emit), NoOp (no data at all).
import { INPUT_NAME } from '@onnx-edge/core';
import { channelsFirstPerm, identityPerm } from '../../frontend/layout.ts';
import type { Dim } from '../../ir/graph.ts';
import { ModelFileError } from '../../io/model-file-error.ts';
import type { OpHandler } from '../context.ts';
import { IR_DTYPE, tfDtype } from '../tensor-ref.ts';

export const Const: OpHandler = (ctx) => {
  const tensor = ctx.weight(ctx.node.name);
  return [ctx.constantOutput(tensor, tensor.dtype === 'float32' ? 'float32' : tensor.dtype === 'bool' ? 'bool' : 'int32')];
};

/**
 * A graph input. Unknown dims become symbols: the batch `N` (`<input>_d0` when there are several inputs),
 * others `<input>_d<axis>`. Rank-4 inputs are images: NCHW unless the user asked for NHWC (then the first
 * consumer that needs NCHW transposes it, once). TF integer inputs keep their declared type at the graph's
 * edge (uint8 images stay uint8) and run as int32 inside, as tfjs runs them.
 */
export const Placeholder: OpHandler = (ctx) => {
  const declared = ctx.attrs.type('dtype');
  if (!declared) throw new ModelFileError(`node '${ctx.node.name}' (Placeholder) has no dtype attr: the model.json is malformed`);
  const dtype = tfDtype(declared);
  if (!dtype) return ctx.unsupported(`input dtype ${declared} is not supported (float, integer and bool inputs are)`);
  const dims = ctx.attrs.shape('shape');
  if (!dims) return ctx.unsupported("the input's shape is unknown (no rank in its 'shape' attr): re-convert the model with a known input rank");
  const name = ctx.graphInputName();
  const single = name === INPUT_NAME;
  const shape: Dim[] = dims.map((d, axis) => (d >= 0 ? d : axis === 0 && single ? 'N' : `${name}_d${axis}`));
  const edgeType = declared === 'DT_UINT8' ? 'uint8' : declared === 'DT_INT64' ? 'int64' : IR_DTYPE[dtype];
  const rank = shape.length;
  const perm = rank === 4 && ctx.settings.inputLayout === 'nchw' ? channelsFirstPerm(4) : identityPerm(rank);
  const input = ctx.graph.addInput(name, edgeType, perm.map((axis) => shape[axis]!));
  return [ctx.output(ctx.cast(input, IR_DTYPE[dtype], 'as_computed'), shape, dtype, perm)];
};

/** Identity, StopGradient, Snapshot: the input itself, layout and all. */
export const passThrough: OpHandler = (ctx) => [ctx.input(0)];

/** IdentityN: every input passes through as the output of the same index. */
export const IdentityN: OpHandler = (ctx) => [...ctx.inputs];

/** NoOp only orders execution through control edges; it has no outputs. */
export const NoOp: OpHandler = () => [];
