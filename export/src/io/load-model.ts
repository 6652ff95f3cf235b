// Loads a tfjs LayersModel saved in the tf.io format (model.json + binary weight shards) from disk: the
// weights by the shared weight reader (quantized ones decoded exactly as tfjs does), the model by tfjs
// through our own IOHandler (tfjs-node's file:// handler is not available). Every failure names the file.
import * as tf from '@tensorflow/tfjs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ModelFileError } from './model-file-error.ts';
import { parseWeightsManifest, readWeights } from './weights.ts';

export const MODEL_JSON = 'model.json';

export { ModelFileError } from './model-file-error.ts';

async function readModelJson(path: string): Promise<{ modelTopology: unknown; weightsManifest: unknown; raw: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(`${path} is not valid JSON (${(err as Error).message}); re-save the model with model.save()`);
  }
  const json = raw as Record<string, unknown>;
  if (typeof json !== 'object' || json === null || typeof json['modelTopology'] !== 'object' || json['modelTopology'] === null) {
    throw new ModelFileError(`${path} has no modelTopology: it is not a tfjs layers model.json`);
  }
  return { modelTopology: json['modelTopology'], weightsManifest: json['weightsManifest'], raw: json };
}

/** Loads model.json and the weight files it lists (paths inside model.json's folder, read by the weight reader). */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const path = resolve(modelJsonPath);
  const { modelTopology, weightsManifest, raw } = await readModelJson(path);
  const { weights } = await readWeights(parseWeightsManifest(weightsManifest, path), dirname(path), path);
  // tfjs gets the decoded values with plain specs: it never sees the quantized encoding.
  const weightSpecs: tf.io.WeightsManifestEntry[] = weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, ...(w.group ? { group: w.group as tf.io.WeightGroup } : {}) }));
  const weightData = new Uint8Array(weights.reduce((n, w) => n + w.values.byteLength, 0));
  let offset = 0;
  for (const w of weights) {
    weightData.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), offset);
    offset += w.values.byteLength;
  }
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs,
      weightData: weightData.buffer,
      format: raw['format'] as string | undefined,
      generatedBy: raw['generatedBy'] as string | undefined,
      convertedBy: raw['convertedBy'] as string | null | undefined,
    }),
  };
  try {
    return await tf.loadLayersModel(handler);
  } catch (err) {
    // tfjs explains unknown classes over several lines; the first one names the problem.
    throw new ModelFileError(`${path} could not be built as a tfjs layers model: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * The model.json to load for a path: the file itself, `<dir>/model.json`, or a training run folder's
 * `<dir>/tfjs/model.json`.
 */
export async function resolveModelJson(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ModelFileError(`${path} does not exist`);
  if (info.isFile()) return path;
  for (const candidate of [join(path, MODEL_JSON), join(path, 'tfjs', MODEL_JSON)]) {
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  throw new ModelFileError(`${path} holds neither ${MODEL_JSON} nor tfjs/${MODEL_JSON}`);
}

export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return loadLayersModelFromFile(await resolveModelJson(dir));
}
