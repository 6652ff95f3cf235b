// A Keras-like model summary: one row per layer (name and type, output shape, parameter count, inputs),
// ending with Keras' three totals (the last lines of the output), thousands separated by commas as Keras prints them.
import type * as tf from '@tensorflow/tfjs';

type Shape = (number | null)[];

function formatShape(shape: Shape | Shape[]): string {
  const one = (s: Shape) => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
  return Array.isArray(shape[0]) ? `[${(shape as Shape[]).map(one).join(', ')}]` : one(shape as Shape);
}

/** Keras' number format: 11187914 → '11,187,914'. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function countWeights(weights: { shape: Shape }[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
}

export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

/** Parameter totals as Keras counts them: BatchNorm's moving mean/variance are the non-trainable part. */
export function countParams(model: tf.LayersModel): ParamCounts {
  const trainable = countWeights(model.trainableWeights);
  const nonTrainable = countWeights(model.nonTrainableWeights);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

function inboundNames(layer: tf.layers.Layer): string[] {
  return layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name));
}

export function formatModelSummary(model: tf.LayersModel): string {
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  // As Keras does, a layer with several inputs lists each on its own line under 'Connected to'.
  const rows = model.layers.flatMap((layer) => {
    const [first = '', ...more] = inboundNames(layer);
    return [
      [`${layer.name} (${layer.getClassName()})`, formatShape(layer.outputShape as Shape | Shape[]), formatCount(layer.countParams()), first],
      ...more.map((name) => ['', '', '', name]),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => ` ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  const ruleWidth = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) + 1;
  const counts = countParams(model);
  return [
    `Model: "${model.name}"`,
    '_'.repeat(ruleWidth),
    line(header),
    '='.repeat(ruleWidth),
    ...rows.map(line),
    '='.repeat(ruleWidth),
    `Total params: ${formatCount(counts.total)}`,
    `Trainable params: ${formatCount(counts.trainable)}`,
    `Non-trainable params: ${formatCount(counts.nonTrainable)}`,
  ].join('\n');
}
