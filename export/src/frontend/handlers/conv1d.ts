// The 1-D layers on sequences [N, steps, channels]. Like images they run channels-first inside ([N, C, L]):
// Conv1D and the windowed poolings transpose their input only when it is not already so (e.g. straight
// from the model input or an Embedding). Global pooling reduces the steps axis in any layout.
import { transposeFloat } from '../../ir/tensor.ts';
import type { LayerContext, LayerHandler } from '../context.ts';
import { channelsFirstPerm, identityPerm, irAxis } from '../layout.ts';
import { spatialAttributes, tuple, type Padding } from '../padding.ts';
import { fusedActivation } from './activation.ts';

function checkedPadding(ctx: LayerContext, fallback: string): Padding {
  if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
  const padding = ctx.config<string>('padding', fallback);
  // tfjs itself does not implement 'causal' for Conv1D.
  if (padding !== 'same' && padding !== 'valid') ctx.unsupported(`padding '${padding}' is not supported (same, valid)`);
  return padding;
}

/** tfjs kernel [k, in, out] → ONNX Conv weight [out, in, k]. */
export const Conv1D: LayerHandler = (ctx, layer) => {
  const padding = checkedPadding(ctx, 'valid');
  const kernel = ctx.weight('kernel');
  const strides = tuple(ctx.config<number | number[]>('strides', 1), 1, [1]);
  const dilations = tuple(ctx.config<number | number[]>('dilationRate', 1), 1, [1]);
  const perm = channelsFirstPerm(3);
  const inputs = [ctx.inLayout(ctx.inputs[0]!, perm), ctx.constant('kernel', transposeFloat(kernel, [2, 1, 0]))];
  if (ctx.config<boolean>('useBias', true)) inputs.push(ctx.constant('bias', ctx.weight('bias')));
  const attrs = spatialAttributes(layer.inputShapes[0]!, [kernel.shape[0]!], strides, dilations, padding);
  const y = ctx.node('Conv', inputs, { ...attrs, dilations, group: 1 });
  return [ctx.output(fusedActivation(ctx, y, { perm }), perm)];
};

/** tfjs 'same' average pooling divides by the real (unpadded) steps: count_include_pad = 0. */
function pool1d(opType: 'MaxPool' | 'AveragePool'): LayerHandler {
  return (ctx, layer) => {
    const padding = checkedPadding(ctx, 'valid');
    const poolSize = tuple(ctx.config<number | number[]>('poolSize', 2), 1, [2]);
    const strides = tuple(ctx.config<number | number[] | null>('strides', poolSize), 1, poolSize);
    const perm = channelsFirstPerm(3);
    const attrs = spatialAttributes(layer.inputShapes[0]!, poolSize, strides, [1], padding);
    if (opType === 'AveragePool') attrs['count_include_pad'] = 0;
    return [ctx.output(ctx.node(opType, [ctx.inLayout(ctx.inputs[0]!, perm)], attrs), perm)];
  };
}

export const MaxPooling1D = pool1d('MaxPool');
export const AveragePooling1D = pool1d('AveragePool');

/** Mean/max over the steps axis (tfjs axis 1) wherever the layout put it → [N, C]. */
function globalPool1d(opType: 'ReduceMean' | 'ReduceMax'): LayerHandler {
  return (ctx) => {
    if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
    const ref = ctx.inputs[0]!;
    return [ctx.output(ctx.reduce(opType, ref.value, [irAxis(ref.perm, 1)], false), identityPerm(2))];
  };
}

export const GlobalAveragePooling1D = globalPool1d('ReduceMean');
export const GlobalMaxPooling1D = globalPool1d('ReduceMax');
