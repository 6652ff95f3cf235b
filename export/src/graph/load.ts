// Loads a graph model from disk: model.json (validated as a graph model) and its weights, plus a fingerprint
// of both for the ONNX metadata. `tfjsHandler` hands the same bytes to tf.loadGraphModel for verification.
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelFileError } from '../io/load-model.ts';
import { isGraphModelJson, parseGraphModelJson, type GraphModelJson } from './model-json.ts';
import { decodeWeights, readWeights, type GraphWeights } from './weights.ts';

export interface GraphModelSource {
  model: GraphModelJson;
  weights: GraphWeights;
  /** SHA-256 of model.json's bytes and the weight bytes. */
  sha256: string;
}

/** Reads and parses a model.json; undefined when it is not JSON of an object (the caller names the problem). */
export async function readJsonFile(path: string): Promise<{ text: string; json: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(`${path} is not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ModelFileError(`${path} does not hold a JSON object`);
  return { text, json: json as Record<string, unknown> };
}

export async function loadGraphModelSource(modelJsonPath: string): Promise<GraphModelSource> {
  const path = resolve(modelJsonPath);
  const { text, json } = await readJsonFile(path);
  const model = parseGraphModel(path, json);
  const weights = await readWeights(path, model.weightsManifest);
  return { model, weights, sha256: fingerprint(text, weights) };
}

/** A graph model held in memory: model.json's object and its concatenated weight bytes. */
export function graphModelSourceFromArtifacts(name: string, json: Record<string, unknown>, weightData: Uint8Array): GraphModelSource {
  const model = parseGraphModel(name, json);
  const weights = decodeWeights(name, model.weightsManifest, weightData);
  return { model, weights, sha256: fingerprint(JSON.stringify(json), weights) };
}

function parseGraphModel(path: string, json: Record<string, unknown>): GraphModelJson {
  if (!isGraphModelJson(json)) throw new ModelFileError(`${path} is not a tfjs graph model (no format "graph-model" and no modelTopology.node)`);
  return parseGraphModelJson(path, json);
}

function fingerprint(text: string, weights: GraphWeights): string {
  return createHash('sha256').update(text).update(new Uint8Array(weights.data)).digest('hex');
}

/** An in-memory IOHandler giving tf.loadGraphModel exactly what the exporter read. */
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
