// tfjs' wrapper layers.
// Bidirectional(SimpleRNN | LSTM | GRU): one bidirectional ONNX node (built in recurrent.ts) whose two
// directions are merged here as tfjs merges them.
// TimeDistributed: the wrapped layer applied to every step. The steps are folded into the batch
// ([N, T, ...] → [N·T, ...]), the wrapped layer's own handler runs once on that, and the result is unfolded
// ([N·T, ...] → [N, T, ...]). Folding keeps the data's layout (channels-first frames stay so) as long as
// batch and steps lead in the IR; only then is no Transpose needed.
import type { Value } from '../../ir/graph.ts';
import { floatTensor, int64Tensor } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler, LayerView } from '../context.ts';
import { shaped } from '../emit.ts';
import { identityPerm, irAxis, irShape, type LayerOutput, type TensorRef, type TfShape } from '../layout.ts';
import { isRecurrentClass, runBidirectional } from './recurrent.ts';

/** The tfjs merge of forward and backward outputs laid out with `perm` (concat on the last tfjs axis). */
function merge(ctx: LayerContext, mode: string, forward: Value, backward: Value, perm: number[]): Value {
  switch (mode) {
    case 'concat': return ctx.node('Concat', [forward, backward], { axis: irAxis(perm, -1) }, 'merge');
    case 'sum': return ctx.node('Add', [forward, backward], {}, 'merge');
    case 'mul': return ctx.node('Mul', [forward, backward], {}, 'merge');
    default: {
      const sum = shaped(ctx.node('Add', [forward, backward], {}, 'sum'), forward.shape ?? []);
      return ctx.node('Mul', [sum, ctx.constant('half', floatTensor([], [0.5]))], {}, 'merge');
    }
  }
}

/** Without a mergeMode (null) the two directions are two outputs; with returnState each one's states follow. */
export const Bidirectional: LayerHandler = (ctx, layer) => {
  const inner = ctx.config<{ className: string; config: Record<string, unknown> }>('layer');
  if (!isRecurrentClass(inner.className)) ctx.unsupported(`wrapping '${inner.className}' is not supported (SimpleRNN, LSTM, GRU)`);
  if (inner.config['goBackwards'] === true) ctx.unsupported('a wrapped layer with goBackwards is not supported');
  const mode = layer.config['mergeMode'] ?? null;
  if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode as string)) ctx.unsupported(`mergeMode '${String(mode)}' is not supported (concat, sum, mul, ave, null)`);
  const { forward, backward, perm, finalStates } = runBidirectional(ctx, inner, layer.weightList);
  const outputs: LayerOutput[] = mode === null
    ? [ctx.output(forward, perm), ctx.output(backward, perm)]
    : [ctx.output(merge(ctx, mode as string, forward, backward, perm), perm)];
  if (inner.config['returnState'] === true) {
    for (const d of [0, 1]) finalStates(d).forEach((state) => outputs.push(ctx.output(state, identityPerm(2))));
  }
  return outputs;
};

function knownDims(ctx: Parameters<LayerHandler>[0], shape: TfShape, what: string): number[] {
  if (shape.some((d) => d === null)) ctx.unsupported(`TimeDistributed needs known ${what} sizes (got [${shape.map((d) => d ?? '?').join(', ')}])`);
  return shape as number[];
}

export const TimeDistributed: LayerHandler = (ctx, layer) => {
  const wrapped = ctx.config<{ className: string; config: Record<string, unknown> }>('layer');
  const handler = ctx.handlerFor(wrapped.className);
  if (!handler || wrapped.className === 'InputLayer') {
    ctx.unsupported(`wrapping '${wrapped.className}' is not supported — supported: ${ctx.handledClasses().filter((c) => c !== 'InputLayer').join(', ')}`);
  }
  const ref = ctx.inputs[0]!;
  const rank = ref.shape.length;
  const [steps] = knownDims(ctx, ref.shape.slice(1, 2), 'step');
  const frameShape: TfShape = [null, ...knownDims(ctx, ref.shape.slice(2), 'input')];
  const outputFrameShape: TfShape = [null, ...knownDims(ctx, layer.outputShapes[0]!.slice(2), 'output')];

  const leading = ref.perm[0] === 0 && ref.perm[1] === 1 && !ref.featureOrder;
  const perm = leading ? ref.perm : identityPerm(rank);
  const x = leading ? ref.value : ctx.inLayout(ref, perm);
  const framePerm = [0, ...perm.slice(2).map((axis) => axis - 1)];
  const foldedBatch = `N*${steps}`;
  const frameDims = irShape(frameShape, framePerm).slice(1) as number[];
  const folded = ctx.node('Reshape', [x, ctx.constant('fold_shape', int64Tensor([frameDims.length + 1], [-1, ...frameDims]))], {}, 'fold_steps');
  folded.shape = [foldedBatch, ...frameDims];

  const view: LayerView = {
    className: wrapped.className,
    name: String(wrapped.config['name'] ?? wrapped.className),
    path: `${layer.path}/${String(wrapped.config['name'] ?? wrapped.className)}`,
    config: wrapped.config,
    weights: layer.weights,
    weightList: layer.weightList,
    inputShapes: [frameShape],
    outputShapes: [outputFrameShape],
  };
  const frameRef: TensorRef = { value: folded, perm: framePerm, shape: frameShape };
  const innerCtx = ctx.nested(view, [frameRef]);
  const results = handler!(innerCtx, view);
  if (results.length !== 1) ctx.unsupported(`wrapping '${wrapped.className}' with ${results.length} outputs is not supported`);
  const result = results[0]!;
  result.value.shape ??= result.featureOrder ? [foldedBatch, result.featureOrder.length] : irShape(outputFrameShape, result.perm, foldedBatch);
  // A flatten order cannot survive the unfold (it describes the features of one frame): restore tfjs order.
  const outPerm = result.featureOrder ? identityPerm(outputFrameShape.length) : result.perm;
  const frames = result.featureOrder ? innerCtx.inLayout({ ...result, shape: outputFrameShape }, outPerm) : result.value;
  const outDims = irShape(outputFrameShape, outPerm).slice(1) as number[];
  const unfolded = ctx.node('Reshape', [frames, ctx.constant('unfold_shape', int64Tensor([outDims.length + 2], [-1, steps!, ...outDims]))], {}, 'unfold_steps');
  return [ctx.output(unfolded, [0, 1, ...outPerm.slice(1).map((axis) => axis + 1)])];
};
