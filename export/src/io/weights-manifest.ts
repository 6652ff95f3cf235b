// The weightsManifest of a tfjs model.json (layers and graph models alike), checked at the boundary: groups
// of shard paths and weight entries, each entry's dtype and quantization one that tfjs writes, so that the
// bytes every group needs are known before any shard is opened.
import { ModelFileError, quoted } from './model-file-error.ts';

export const WEIGHT_DTYPES = ['float32', 'int32', 'bool'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];

export const QUANTIZATION_DTYPES = ['uint8', 'uint16', 'float16'] as const;
export type QuantizationDtype = (typeof QUANTIZATION_DTYPES)[number];

/** Bytes per stored value, by dtype as stored (the quantized dtype when there is one). */
const STORED_BYTES: Record<WeightDtype | QuantizationDtype, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** How a weight was quantized by tfjs-converter: affine `q·scale + min` for uint8/uint16, or IEEE half floats. */
export type Quantization =
  | { dtype: 'uint8' | 'uint16'; scale: number; min: number }
  | { dtype: 'float16' };

export interface WeightEntry {
  name: string;
  shape: number[];
  /** The dtype of the decoded weight. */
  dtype: WeightDtype;
  quantization?: Quantization;
  /** tfjs' weight group ('model', 'optimizer'), when the manifest gives one. */
  group?: string;
}

export interface WeightsGroup {
  /** Shard paths, relative to model.json's folder, whose concatenated bytes hold the group's weights. */
  paths: string[];
  weights: WeightEntry[];
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes of one weight as stored in the shards. */
export function storedByteLength(entry: WeightEntry): number {
  return elementCount(entry.shape) * STORED_BYTES[entry.quantization?.dtype ?? entry.dtype];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseQuantization(raw: unknown, dtype: WeightDtype, what: string): Quantization {
  if (!isRecord(raw)) throw new ModelFileError(`${what} has a malformed quantization (expected {dtype, scale, min})`);
  const qdtype = raw['dtype'];
  if (!QUANTIZATION_DTYPES.includes(qdtype as QuantizationDtype)) {
    throw new ModelFileError(`${what} has unknown quantization ${quoted(qdtype)} — supported: ${QUANTIZATION_DTYPES.join(', ')}`);
  }
  // tfjs-converter records the dtype the weight had before quantizing; the entry's dtype must be that one.
  const original = raw['original_dtype'];
  if (original !== undefined && original !== dtype) {
    throw new ModelFileError(`${what} has dtype '${dtype}' but its quantization says the original dtype was ${quoted(original)}`);
  }
  if (dtype === 'bool') throw new ModelFileError(`${what} is a bool weight with ${qdtype} quantization, which tfjs does not define`);
  if (qdtype === 'float16') {
    if (dtype !== 'float32') throw new ModelFileError(`${what} has float16 quantization on a ${dtype} weight; float16 holds float32 weights only`);
    return { dtype: 'float16' };
  }
  const { scale, min } = raw;
  if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
    throw new ModelFileError(`${what} has ${qdtype} quantization without finite numbers 'scale' and 'min'`);
  }
  return { dtype: qdtype as 'uint8' | 'uint16', scale, min };
}

function parseEntry(raw: unknown, source: string): WeightEntry {
  if (!isRecord(raw) || typeof raw['name'] !== 'string' || raw['name'] === '') {
    throw new ModelFileError(`${source} has a weight entry without a name (expected {name, shape, dtype})`);
  }
  const what = `weight ${quoted(raw['name'])} in ${source}`;
  const shape = raw['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFileError(`${what} has a malformed shape (expected a list of non-negative integers)`);
  }
  const dtype = raw['dtype'];
  if (!WEIGHT_DTYPES.includes(dtype as WeightDtype)) {
    throw new ModelFileError(`${what} has unknown dtype ${quoted(dtype)} — supported: ${WEIGHT_DTYPES.join(', ')}`);
  }
  const entry: WeightEntry = { name: raw['name'], shape: shape as number[], dtype: dtype as WeightDtype };
  if (raw['quantization'] !== undefined && raw['quantization'] !== null) entry.quantization = parseQuantization(raw['quantization'], entry.dtype, what);
  if (typeof raw['group'] === 'string') entry.group = raw['group'];
  if (!Number.isSafeInteger(storedByteLength(entry))) throw new ModelFileError(`${what} has a shape too large to exist: [${shape.join(', ')}]`);
  return entry;
}

/**
 * The weightsManifest of the model.json at `source` (a missing manifest is a model without weights).
 * Every group, entry, dtype and quantization is checked; weight names are unique.
 */
export function parseWeightsManifest(raw: unknown, source: string): WeightsGroup[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ModelFileError(`${source} has a malformed weightsManifest (expected [{paths, weights}])`);
  const names = new Set<string>();
  return raw.map((group: unknown, g) => {
    if (!isRecord(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) {
      throw new ModelFileError(`${source} has a malformed weightsManifest group ${g + 1} (expected {paths, weights})`);
    }
    const paths = group['paths'];
    if (!paths.every((p): p is string => typeof p === 'string')) throw new ModelFileError(`${source} has a weightsManifest path that is not a string`);
    const weights = group['weights'].map((w) => parseEntry(w, source));
    for (const w of weights) {
      if (names.has(w.name)) throw new ModelFileError(`weight ${quoted(w.name)} appears twice in the weightsManifest of ${source}`);
      names.add(w.name);
    }
    return { paths, weights };
  });
}
