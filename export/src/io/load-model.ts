// Loads a tfjs LayersModel saved in the tf.io format (model.json + binary weight shards) from disk: the
// model.json read with bounded work, its topology checked so tfjs cannot spin on it, its weights read by the
// shared weight reader (quantized ones decoded exactly as tfjs does), then tfjs builds the model from them
// through an IOHandler (tfjs-node's file:// handler is not available). Every failure names the file.
import * as tf from '@tensorflow/tfjs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkLayersTopology } from './layers-topology.ts';
import { firstLine, ModelFileError, quoted } from './model-file-error.ts';
import { readModelJson, type ModelJson } from './model-json.ts';
import { elementCount } from './weights-manifest.ts';
import { nonFiniteWeights, parseWeightsManifest, readWeights, type NamedWeight } from './weights.ts';

export { ModelFileError } from './model-file-error.ts';

export const MODEL_JSON = 'model.json';

export interface LoadedLayersModel {
  model: tf.LayersModel;
  /** The real paths of every file read: model.json and its weight shards. */
  files: string[];
  /** One-line warnings about the model (weights holding NaN or ±Inf). */
  warnings: string[];
}

/** One line naming the weights that hold NaN or ±Inf, or nothing. */
function nonFiniteWarning(weights: readonly NamedWeight[], path: string): string[] {
  const found = nonFiniteWeights(weights);
  if (found.length === 0) return [];
  const counts = (w: (typeof found)[number]) =>
    [[w.nan, 'NaN'], [w.posInf, '+Inf'], [w.negInf, '-Inf']].filter(([n]) => n).map(([n, what]) => `${n} ${what}`).join(', ');
  const listed = found.slice(0, 3).map((w) => `${quoted(w.name, 80)} (${counts(w)})`).join(', ');
  const more = found.length > 3 ? ` and ${found.length - 3} more` : '';
  return [`warning: ${found.length === 1 ? 'weight' : `${found.length} weights`} of ${path} hold NaN or infinite values: ${listed}${more}; the exported model computes with them as they are`];
}

type AddWeight = (this: tf.layers.Layer, name: string, shape: number[], ...rest: unknown[]) => unknown;
const layerPrototype = tf.layers.Layer.prototype as unknown as { addWeight: AddWeight };
let buildQueue: Promise<unknown> = Promise.resolve();

/**
 * Builds the model with tfjs while no layer may create more weight values than the manifest holds: tfjs
 * allocates every weight (zeros) while it builds the layers and compares shapes with the manifest only
 * afterwards, so a Dense of 200,000 units would take gigabytes before "Shape mismatch". The check sits in
 * tfjs' one place that creates layer weights, for the duration of this build; builds run one at a time.
 */
function buildWithinBudget(handler: tf.io.IOHandler, budget: number, path: string): Promise<tf.LayersModel> {
  const build = async () => {
    const addWeight = layerPrototype.addWeight;
    let used = 0;
    layerPrototype.addWeight = function (this: tf.layers.Layer, name, shape, ...rest) {
      used += elementCount(shape);
      if (used > budget) {
        throw new ModelFileError(`layer ${quoted(this.name)} of ${path} would create weight ${quoted(name)} of shape [${shape.join(', ')}], beyond the ${budget.toLocaleString('en-US')} weight values its weightsManifest holds: the topology and the weights do not match`);
      }
      return addWeight.call(this, name, shape, ...rest);
    };
    try {
      return await tf.loadLayersModel(handler);
    } finally {
      layerPrototype.addWeight = addWeight;
    }
  };
  const result = buildQueue.then(build, build);
  buildQueue = result.catch(() => undefined);
  return result;
}

async function buildLayersModel(json: ModelJson, weights: NamedWeight[]): Promise<tf.LayersModel> {
  // tfjs gets the decoded values with plain specs: it never sees the quantized encoding.
  const weightSpecs: tf.io.WeightsManifestEntry[] = weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, ...(w.group ? { group: w.group as tf.io.WeightGroup } : {}) }));
  const weightData = new Uint8Array(weights.reduce((n, w) => n + w.values.byteLength, 0));
  let offset = 0;
  for (const w of weights) {
    weightData.set(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength), offset);
    offset += w.values.byteLength;
  }
  const budget = weights.filter((w) => w.group !== 'optimizer').reduce((n, w) => n + elementCount(w.shape), 0);
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs,
      weightData: weightData.buffer,
      format: json.raw['format'] as string | undefined,
      generatedBy: json.raw['generatedBy'] as string | undefined,
      convertedBy: json.raw['convertedBy'] as string | null | undefined,
      // Where a model declares its contract (labels, input range, …): see export/src/contract.ts.
      userDefinedMetadata: json.raw['userDefinedMetadata'] as tf.io.ModelArtifacts['userDefinedMetadata'],
    }),
  };
  try {
    return await buildWithinBudget(handler, budget, json.path);
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    // tfjs explains unknown classes over several lines, and quotes whole configs: the first line, clipped.
    throw new ModelFileError(`${json.path} could not be built as a tfjs layers model: ${firstLine(err)}`);
  }
}

/** Loads model.json and the weight files it lists (paths inside model.json's folder), with what was read. */
export async function readLayersModel(modelJsonPath: string): Promise<LoadedLayersModel> {
  const path = resolve(modelJsonPath);
  const json = await readModelJson(path);
  if (json.format === 'graph-model') {
    throw new ModelFileError(`${path} is a tfjs graph model (format 'graph-model'); export reads tfjs layers models (format 'layers-model')`);
  }
  checkLayersTopology(json.modelTopology, path);
  const manifest = parseWeightsManifest(json.weightsManifest, path);
  const { weights, files } = await readWeights(manifest, dirname(path), path);
  const model = await buildLayersModel(json, weights);
  return { model, files: [await realpath(path), ...files], warnings: nonFiniteWarning(weights, path) };
}

/** Loads model.json and the weight files it lists (paths relative to model.json's folder). */
export async function loadLayersModelFromFile(modelJsonPath: string): Promise<tf.LayersModel> {
  return (await readLayersModel(modelJsonPath)).model;
}

/**
 * The model.json to load for a path: the file itself, `<dir>/model.json`, or a training run folder's
 * `<dir>/tfjs/model.json`.
 */
export async function resolveModelJson(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new ModelFileError(`${path} does not exist`);
  if (info.isFile()) return path;
  if (!info.isDirectory()) throw new ModelFileError(`${path} is neither a regular file nor a folder`);
  for (const candidate of [join(path, MODEL_JSON), join(path, 'tfjs', MODEL_JSON)]) {
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  throw new ModelFileError(`${path} holds neither ${MODEL_JSON} nor tfjs/${MODEL_JSON}`);
}

export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  return loadLayersModelFromFile(await resolveModelJson(dir));
}
