// Loads a tfjs LayersModel saved in the tf.io format (model.json + binary weight shards) from disk with
// our own IOHandler (tfjs-node's file:// handler is not available). Every failure names the file.
import * as tf from '@tensorflow/tfjs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export const MODEL_JSON = 'model.json';

/** A model file that cannot be used: corrupt JSON, missing or short weights. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

async function readModelJson(path: string): Promise<{ modelTopology: unknown; weightsManifest: WeightsGroup[]; raw: Record<string, unknown> }> {
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
  const manifest = json['weightsManifest'] ?? [];
  const valid = Array.isArray(manifest) && manifest.every((g: WeightsGroup) => Array.isArray(g?.paths) && Array.isArray(g?.weights));
  if (!valid) throw new ModelFileError(`${path} has a malformed weightsManifest (expected [{paths, weights}])`);
  return { modelTopology: json['modelTopology'], weightsManifest: manifest as WeightsGroup[], raw: json };
}

/** Loads model.json and the weight files it lists (paths relative to model.json's folder). */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tf.LayersModel> {
  const path = resolve(modelJsonPath);
  const { modelTopology, weightsManifest, raw } = await readModelJson(path);
  const folder = dirname(path);
  const chunks: Uint8Array[] = [];
  for (const group of weightsManifest) {
    for (const file of group.paths) {
      try {
        chunks.push(await readFile(join(folder, file)));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new ModelFileError(code === 'ENOENT'
          ? `weights file '${file}' listed in ${path} is missing`
          : `cannot read weights file '${file}' listed in ${path}: ${code ?? (err as Error).message}`);
      }
    }
  }
  const weightSpecs = weightsManifest.flatMap((g) => g.weights);
  const expected = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[w.dtype] ?? 4), 0);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (weightSpecs.some((w) => w.quantization)) throw new ModelFileError(`${path} has quantized weights, which the exporter does not read`);
  if (total !== expected) {
    throw new ModelFileError(`weight files listed in ${path} hold ${total} bytes but its weightsManifest needs ${expected}: a shard is truncated or from another model`);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) { weightData.set(chunk, offset); offset += chunk.length; }
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs,
      weightData: weightData.buffer,
      format: raw['format'] as string | undefined,
      generatedBy: raw['generatedBy'] as string | undefined,
      convertedBy: raw['convertedBy'] as string | null | undefined,
      // Where a model declares its contract (labels, input range, …): see export/src/contract.ts.
      userDefinedMetadata: raw['userDefinedMetadata'] as tf.io.ModelArtifacts['userDefinedMetadata'],
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
