// Config checks that layers of several families share. Each stops the export with an error naming the
// layer (UnsupportedLayerError through ctx.unsupported) instead of exporting a graph that computes
// something else.
import type { LayerContext } from './context.ts';
import type { Padding } from './padding.ts';

/** Layouts are tracked from tfjs' channels-last tensors; a layer configured channels-first is refused. */
export function requireChannelsLast(ctx: LayerContext): void {
  if (ctx.config<string>('dataFormat', 'channelsLast') !== 'channelsLast') ctx.unsupported("only dataFormat 'channelsLast' is supported");
}

/**
 * A windowed (convolution or pooling) layer's padding, defaulting to tfjs' 'valid'. Only 'same' and
 * 'valid' translate to ONNX pads ('causal' is not implemented by tfjs' Conv1D either).
 */
export function spatialPadding(ctx: LayerContext): Padding {
  const padding = ctx.config<string>('padding', 'valid');
  if (padding !== 'same' && padding !== 'valid') ctx.unsupported(`padding '${padding}' is not supported (same, valid)`);
  return padding;
}
