// Calibration: the float model runs in onnxruntime-node on real images, with the tensors to be quantized
// exposed as extra graph outputs, one batch at a time; each batch's values go into fixed-size statistics and
// are dropped, so memory stays bounded by one batch's activations whatever the image count. The images'
// pixels are hashed on the way (SHA-256 of their RGB bytes in order), so the quantized file can say exactly
// which data it was calibrated on.
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import type { Value } from '../ir/graph.ts';
import { importModel } from '../onnx/import.ts';
import { serializeModel } from '../onnx/serialize.ts';
import type { ImageSet } from './images.ts';
import { modelBatches, type ModelImageInput } from './model-input.ts';
import { ChannelMeans } from './bias-correction.ts';
import { TensorStatistics, type CalibrationMethod, type Range } from './ranges.ts';

export const DEFAULT_CALIBRATION_BATCH = 32;

export interface CalibrationOptions {
  method: CalibrationMethod;
  /** Tensors whose per-channel means to measure too (for bias correction), with their channel axis. */
  channelMeans?: readonly { name: string; axis: number }[];
  batchSize?: number;
  /** Called after every batch with the images done so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface Calibration {
  /** Range of every observed tensor, by name. */
  ranges: Map<string, Range>;
  /** Per-channel means of the tensors asked for in `channelMeans`, by name. */
  means: Map<string, Float64Array>;
  count: number;
  /** SHA-256 (hex) of the images' RGB bytes, in order. */
  sha256: string;
}

/** The float model's bytes with `names` added to its outputs (graph inputs are observed from the feeds). */
function withExposedOutputs(floatBytes: Uint8Array, names: readonly string[]): Uint8Array {
  const { graph, opset, metadata, producerVersion } = importModel(floatBytes);
  const byName = new Map<string, Value>(graph.nodes.flatMap((n) => n.outputs).map((v) => [v.name, v]));
  for (const name of names) {
    const value = byName.get(name);
    if (value && !graph.outputs.includes(value)) graph.outputs.push(value);
  }
  return serializeModel(graph, { opset, producerVersion, metadata });
}

export async function calibrate(floatBytes: Uint8Array, tensors: readonly string[], input: ModelImageInput, images: ImageSet, options: CalibrationOptions): Promise<Calibration> {
  const batchSize = options.batchSize ?? DEFAULT_CALIBRATION_BATCH;
  const withHistogram = options.method !== 'minmax';
  const statistics = new Map(tensors.map((name) => [name, new TensorStatistics(withHistogram)]));
  const channelMeans = new Map((options.channelMeans ?? []).map(({ name, axis }) => [name, new ChannelMeans(axis)]));
  const observed = [...new Set([...tensors, ...channelMeans.keys()])];
  const session = await ort.InferenceSession.create(withExposedOutputs(floatBytes, observed), { graphOptimizationLevel: 'basic', logSeverityLevel: 3 });
  const fetches = observed.filter((name) => name !== input.name);
  const hash = createHash('sha256');
  try {
    for await (const { start, n, pixels, data, dims } of modelBatches(input, images, batchSize)) {
      hash.update(pixels);
      const results = await session.run({ [input.name]: new ort.Tensor('float32', data, dims) }, fetches);
      statistics.get(input.name)?.add(data);
      channelMeans.get(input.name)?.add(data, dims);
      for (const name of fetches) {
        const result = results[name]!;
        statistics.get(name)?.add(result.data as Float32Array);
        channelMeans.get(name)?.add(result.data as Float32Array, result.dims);
      }
      options.onProgress?.(start + n, images.count);
    }
  } finally {
    await session.release();
  }
  return {
    ranges: new Map([...statistics].map(([name, stats]) => [name, stats.range(options.method)])),
    means: new Map([...channelMeans].map(([name, means]) => [name, means.means()])),
    count: images.count,
    sha256: hash.digest('hex'),
  };
}
