// Reading a tfjs model.json with bounded work: a regular file (a FIFO is refused, not waited on), a size cap
// checked before reading and a nesting cap checked before parsing — V8 parses deep arrays iteratively, so
// 200 MB of '[' grows to gigabytes instead of failing. Then the format: layers model or graph model.
import { firstLine, ModelFileError } from './model-file-error.ts';
import { readRegularFile } from './model-files.ts';

/** Real topologies are well under 1 MiB (the largest of the corpus: 0.6 MB); weights live in the shards. */
export const MODEL_JSON_MAX_BYTES = 32 * 1024 * 1024;
/** Real topologies nest 10 deep (nested sub-models add ~4 levels each). */
export const MODEL_JSON_MAX_DEPTH = 100;

export type ModelFormat = 'layers-model' | 'graph-model';

export interface ModelJson {
  path: string;
  format: ModelFormat;
  modelTopology: Record<string, unknown>;
  /** The weightsManifest as written, unchecked (see parseWeightsManifest). */
  weightsManifest: unknown;
  /** Every top-level field, for what the front ends pass on (format, generatedBy, signature, …). */
  raw: Record<string, unknown>;
}

/** The deepest nesting of arrays and objects in JSON text, stopping as soon as it passes `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The format of a parsed model.json: its `format` field, else the shape of its topology. */
export function modelFormat(json: Record<string, unknown>): ModelFormat {
  const topology = json['modelTopology'];
  if (json['format'] === 'graph-model' || (isRecord(topology) && Array.isArray(topology['node']))) return 'graph-model';
  return 'layers-model';
}

/** Reads and parses the model.json at `path` (a tfjs layers or graph model). */
export async function readModelJson(path: string): Promise<ModelJson> {
  const bytes = await readRegularFile(path, path, MODEL_JSON_MAX_BYTES, 'model topologies are far smaller; weights belong in the shards');
  const text = new TextDecoder().decode(bytes);
  if (jsonDepth(text, MODEL_JSON_MAX_DEPTH) > MODEL_JSON_MAX_DEPTH) {
    throw new ModelFileError(`${path} nests arrays and objects more than ${MODEL_JSON_MAX_DEPTH} deep, which no model topology does`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ModelFileError(`${path} is not valid JSON (${firstLine(err, 160)}); re-save the model with model.save()`);
  }
  if (!isRecord(raw) || !isRecord(raw['modelTopology'])) {
    throw new ModelFileError(`${path} has no modelTopology object: it is not a tfjs model.json`);
  }
  return { path, format: modelFormat(raw), modelTopology: raw['modelTopology'], weightsManifest: raw['weightsManifest'], raw };
}
