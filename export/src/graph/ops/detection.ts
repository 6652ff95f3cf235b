// Detection post-processing: NonMaxSuppressionV2/V3/V4/V5 → ONNX NonMaxSuppression over one batch and one
// class. TF and ONNX agree on what NMS keeps: corners [y1, x1, y2, x2] (either diagonal), a box kept only when
// its score is above score_threshold and its IoU with every kept box is not above iou_threshold, kept boxes
// in descending score order. ONNX returns [batch, class, box] triples (int64); TF the box indices (int32).
import type { Value } from '../../ir/graph.ts';
import type { OpContext, OpHandler } from '../context.ts';
import type { TfTensor } from '../tensor-ref.ts';

/** A scalar input as a 1-element tensor of `dtype` (NonMaxSuppression's optional inputs are [1]). */
function scalarInput(ctx: OpContext, t: TfTensor, dtype: 'int64' | 'float32', suffix: string): Value {
  const value = ctx.cast(ctx.tfLayout(t), dtype, `${suffix}_${dtype}`);
  return ctx.op('Reshape', [value, ctx.int64(`${suffix}_shape`, [1])], {}, { suffix, dtype, shape: [1] });
}

interface Selection {
  /** Selected box indices, int32 [count]. */
  indices: TfTensor;
  /** The count, as a run-time dim name. */
  count: string;
}

function select(ctx: OpContext, withScoreThreshold: boolean): Selection {
  const [boxes, scores, maxOutputSize, iouThreshold] = [ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(3)];
  const n = boxes.shape[0]!;
  const boxesValue = ctx.op('Unsqueeze', [ctx.tfLayout(boxes), ctx.int64('batch_axis', [0])], {}, { suffix: 'boxes_1xNx4', shape: [1, n, 4] });
  const scoresValue = ctx.op('Reshape', [ctx.tfLayout(scores), ctx.int64('scores_shape', [1, 1, -1])], {}, { suffix: 'scores_1x1xN', shape: [1, 1, n] });
  const inputs = [boxesValue, scoresValue, scalarInput(ctx, maxOutputSize, 'int64', 'max_output_size'), scalarInput(ctx, iouThreshold, 'float32', 'iou_threshold')];
  if (withScoreThreshold) inputs.push(scalarInput(ctx, ctx.input(4), 'float32', 'score_threshold'));
  const count = `${ctx.node.name}_count`;
  const triples = ctx.op('NonMaxSuppression', inputs, { center_point_box: 0 }, { dtype: 'int64', shape: [count, 3] });
  const column = ctx.op('Gather', [triples, ctx.int64('box_column', [2], [])], { axis: 1 }, { suffix: 'box_indices', dtype: 'int64', shape: [count] });
  const indices = ctx.output(ctx.cast(column, 'int32'), [count], 'int32');
  return { indices, count };
}

/** TF's soft-NMS (a non-zero sigma) has no ONNX counterpart. */
function refuseSoftNms(ctx: OpContext, sigma: TfTensor): void {
  const [value] = ctx.known(sigma) ?? [undefined];
  if (value !== 0) ctx.unsupported('soft_nms_sigma must be the constant 0: soft NMS has no ONNX counterpart');
}

/** V2 (no score threshold) and V3: the selected indices. */
export const NonMaxSuppressionV3: OpHandler = (ctx, node) => [select(ctx, node.op !== 'NonMaxSuppressionV2').indices];

/** V4: the selected indices, padded with zeros to max_output_size when asked, and how many are valid. */
export const NonMaxSuppressionV4: OpHandler = (ctx) => {
  const { indices } = select(ctx, true);
  const valid = ctx.op('Shape', [indices.value!], {}, { suffix: 'valid_outputs', dtype: 'int64', shape: [1] });
  const validOutputs = ctx.output(ctx.cast(ctx.op('Squeeze', [valid, ctx.int64('scalar_axes', [0])], {}, { dtype: 'int64', shape: [] }), 'int32'), [], 'int32');
  if (!ctx.bool('pad_to_max_output_size', false)) return [indices, validOutputs];
  const [max] = ctx.staticValues(ctx.input(2), 'max_output_size');
  const padding = ctx.op('Sub', [ctx.int64('max', [max!]), valid], {}, { suffix: 'padding', dtype: 'int64', shape: [1] });
  const pads = ctx.op('Concat', [ctx.int64('no_padding_before', [0]), padding], { axis: 0 }, { suffix: 'pads', dtype: 'int64', shape: [2] });
  const padded = ctx.op('Pad', [indices.value!, pads], { mode: 'constant' }, { suffix: 'padded', dtype: 'int32' });
  return [ctx.output(padded, [max!], 'int32'), validOutputs];
};

/** V5 as tfjs runs it: the selected indices and their scores (tfjs ignores pad_to_max_output_size here). */
export const NonMaxSuppressionV5: OpHandler = (ctx) => {
  refuseSoftNms(ctx, ctx.input(5));
  const { indices, count } = select(ctx, true);
  const scores = ctx.op('Gather', [ctx.tfLayout(ctx.input(1)), indices.value!], { axis: 0 }, { suffix: 'selected_scores', dtype: 'float32' });
  return [indices, ctx.output(scores, [count], 'float32')];
};
