// The weights of a graph model: the shard files its manifest lists, read from the model.json's folder and
// decoded exactly as tfjs decodes them (tf.io.decodeWeights: float32, int32, bool; float16, uint8 and uint16
// quantization), so the exporter and the tfjs reference see the same numbers. One function, readWeights,
// so the project's shared weight reader can take its place without touching the front end.
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ModelFileError } from '../io/load-model.ts';
import type { ConstTensor } from '../ir/tensor.ts';
import type { WeightsGroup } from './model-json.ts';

export interface GraphWeights {
  /** Decoded weights by manifest name, in tfjs dtypes (float32, int32, bool). */
  tensors: Map<string, ConstTensor>;
  /** The manifest entries and the concatenated shard bytes, for loading the same model in tfjs. */
  specs: tf.io.WeightsManifestEntry[];
  data: ArrayBuffer;
}

async function readShard(modelJson: string, file: string): Promise<Uint8Array> {
  const folder = dirname(modelJson);
  const path = resolve(folder, file);
  const inside = relative(folder, path);
  if (isAbsolute(file) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new ModelFileError(`weights path '${file}' in ${modelJson} leaves the model's folder`);
  }
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelFileError(code === 'ENOENT'
      ? `weights file '${file}' listed in ${modelJson} is missing`
      : `cannot read weights file '${file}' listed in ${modelJson}: ${code ?? (err as Error).message}`);
  }
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the manifest says the shards hold: quantized weights take their quantized size. */
function manifestBytes(modelJson: string, specs: readonly tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((n, spec) => {
    const stored = spec.quantization?.dtype ?? spec.dtype;
    const bytes = BYTES[stored];
    if (bytes === undefined) throw new ModelFileError(`weight '${spec.name}' in ${modelJson} is stored as ${stored}, which the exporter does not read`);
    return n + spec.shape.reduce((a, b) => a * b, 1) * bytes;
  }, 0);
}

function toConstTensor(name: string, tensor: tf.Tensor): ConstTensor {
  const shape = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32': return { dtype: 'float32', shape, data: Float32Array.from(tensor.dataSync() as Float32Array) };
    case 'int32': return { dtype: 'int32', shape, data: Int32Array.from(tensor.dataSync() as Int32Array) };
    case 'bool': return { dtype: 'bool', shape, data: Uint8Array.from(tensor.dataSync() as Uint8Array) };
    default: throw new ModelFileError(`weight '${name}' has dtype ${tensor.dtype}, which the exporter does not read (float32, int32, bool)`);
  }
}

/** Reads the shards the manifest lists (in order) and decodes them. */
export async function readWeights(modelJson: string, manifest: WeightsGroup[]): Promise<GraphWeights> {
  const chunks: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths) chunks.push(await readShard(modelJson, file));
  }
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) { data.set(chunk, offset); offset += chunk.length; }
  await tf.ready();
  return decodeWeights(modelJson, manifest, data);
}

/** Decodes the concatenated shard bytes of a manifest; `modelJson` names the model in messages. */
export function decodeWeights(modelJson: string, manifest: WeightsGroup[], data: Uint8Array): GraphWeights {
  const total = data.length;
  const specs = manifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[];
  const expected = manifestBytes(modelJson, specs);
  if (total !== expected) {
    throw new ModelFileError(`weight files listed in ${modelJson} hold ${total} bytes but its weightsManifest needs ${expected}: a shard is truncated or from another model`);
  }
  let decoded: tf.NamedTensorMap;
  try {
    decoded = tf.io.decodeWeights(data.slice().buffer, specs);
  } catch (err) {
    throw new ModelFileError(`weights of ${modelJson} cannot be decoded: ${(err as Error).message.split('\n')[0]}`);
  }
  const tensors = new Map<string, ConstTensor>();
  try {
    for (const spec of specs) tensors.set(spec.name, toConstTensor(spec.name, decoded[spec.name]!));
  } finally {
    tf.dispose(Object.values(decoded));
  }
  return { tensors, specs, data: data.slice().buffer };
}
