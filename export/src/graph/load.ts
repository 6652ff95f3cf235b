// Loads a graph model from disk: model.json (read with bounded work and checked to be a graph model) and its
// weights through the reader both front ends share (float16 and uint8/uint16 quantization decoded exactly as
// tfjs decodes them), plus a fingerprint of both for the ONNX metadata. `tfjsHandler` gives tf.loadGraphModel
// the same decoded weights, so the export and the tfjs reference compute from the same numbers.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { ConstTensor } from '../ir/tensor.ts';
import { ModelFileError } from '../io/model-file-error.ts';
import { readModelJson } from '../io/model-json.ts';
import { decodeGroup, readWeights, type NamedWeight } from '../io/weights.ts';
import { storedByteLength } from '../io/weights-manifest.ts';
import { parseGraphModelJson, type GraphModelJson } from './model-json.ts';

export interface GraphWeights {
  /** Decoded weights by manifest name, in tfjs dtypes (float32, int32, bool). */
  tensors: Map<string, ConstTensor>;
  /** The same weights as unquantized manifest entries and their bytes, for loading the model in tfjs. */
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

export interface GraphModelSource {
  model: GraphModelJson;
  weights: GraphWeights;
  /** SHA-256 of model.json's text and the decoded weights. */
  sha256: string;
}

function graphWeights(named: readonly NamedWeight[]): GraphWeights {
  const tensors = new Map<string, ConstTensor>();
  const chunks: Uint8Array[] = [];
  for (const w of named) {
    tensors.set(w.name, { dtype: w.dtype, shape: [...w.shape], data: w.values });
    chunks.push(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength));
  }
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) { data.set(chunk, offset); offset += chunk.length; }
  const specs = named.map(({ name, shape, dtype }) => ({ name, shape: [...shape], dtype }));
  return { tensors, specs, data: data.buffer };
}

function fingerprint(text: string, weights: GraphWeights): string {
  return createHash('sha256').update(text).update(new Uint8Array(weights.data)).digest('hex');
}

export async function loadGraphModelSource(modelJsonPath: string): Promise<GraphModelSource> {
  const path = resolve(modelJsonPath);
  const json = await readModelJson(path);
  if (json.format !== 'graph-model') throw new ModelFileError(`${path} is a tfjs layers model, not a graph model (no format "graph-model" and no modelTopology.node)`);
  const model = parseGraphModelJson(path, json.raw);
  const weights = graphWeights((await readWeights(model.weightsManifest, dirname(path), path)).weights);
  return { model, weights, sha256: fingerprint(JSON.stringify(json.raw), weights) };
}

/** A graph model held in memory: model.json's object and the concatenated bytes of its weight groups. */
export function graphModelSourceFromArtifacts(name: string, raw: Record<string, unknown>, weightData: Uint8Array): GraphModelSource {
  const model = parseGraphModelJson(name, raw);
  const named: NamedWeight[] = [];
  let offset = 0;
  for (const group of model.weightsManifest) {
    const length = group.weights.reduce((n, w) => n + storedByteLength(w), 0);
    if (offset + length > weightData.length) throw new ModelFileError(`${name}: the weight data holds ${weightData.length} bytes but its weightsManifest needs more`);
    named.push(...decodeGroup(group.weights, weightData.subarray(offset, offset + length)));
    offset += length;
  }
  const weights = graphWeights(named);
  return { model, weights, sha256: fingerprint(JSON.stringify(raw), weights) };
}

/** An in-memory IOHandler giving tf.loadGraphModel the model and the weights the exporter read. */
export function tfjsHandler(source: GraphModelSource): tf.io.IOHandler {
  const raw = source.model.raw;
  return {
    load: async () => ({
      modelTopology: raw['modelTopology'] as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: source.weights.specs,
      weightData: source.weights.data,
      format: raw['format'] as string | undefined,
      generatedBy: raw['generatedBy'] as string | undefined,
      convertedBy: raw['convertedBy'] as string | null | undefined,
      signature: raw['signature'] as object | undefined,
      userDefinedMetadata: raw['userDefinedMetadata'] as Record<string, object> | undefined,
      modelInitializer: raw['modelInitializer'] as object | undefined,
    }),
  };
}
