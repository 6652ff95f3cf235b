// The weight reader both front ends share: a checked weightsManifest and the folder of its model.json in,
// named tensors out. Every shard path is resolved inside the folder, every shard is a regular file, and each
// group's shards together must hold exactly the bytes its entries need — all checked before a byte is read
// or a buffer allocated.
import { readWhole, openRegularFile, resolveInside, type RegularFile } from './model-files.ts';
import { ModelFileError, quoted } from './model-file-error.ts';
import { decodeWeight, type WeightValues } from './weights-decode.ts';
import { storedByteLength, type WeightDtype, type WeightEntry, type WeightsGroup } from './weights-manifest.ts';

export { parseWeightsManifest, type WeightEntry, type WeightsGroup, type WeightDtype, type Quantization } from './weights-manifest.ts';
export { decodeWeight, type WeightValues } from './weights-decode.ts';

/** One weight, decoded: float32 → Float32Array, int32 → Int32Array, bool → Uint8Array (0 or 1). */
export interface NamedWeight {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  values: WeightValues;
  /** tfjs' weight group ('model', 'optimizer'), when the manifest gives one. */
  group?: string;
}

export interface ReadWeights {
  /** In manifest order. */
  weights: NamedWeight[];
  /** The real paths of the shards read. */
  files: string[];
}

/** Decodes one group's concatenated bytes (exactly the bytes its entries need) into its weights. */
export function decodeGroup(entries: readonly WeightEntry[], bytes: Uint8Array): NamedWeight[] {
  let offset = 0;
  return entries.map((entry) => {
    const length = storedByteLength(entry);
    const values = decodeWeight(entry, bytes.subarray(offset, offset + length));
    offset += length;
    return { name: entry.name, shape: [...entry.shape], dtype: entry.dtype, values, ...(entry.group ? { group: entry.group } : {}) };
  });
}

async function openShards(group: WeightsGroup, folder: string, source: string): Promise<RegularFile[]> {
  const opened: RegularFile[] = [];
  try {
    for (const path of group.paths) {
      const what = `weights file ${quoted(path)} listed in ${source}`;
      opened.push(await openRegularFile(await resolveInside(folder, path, what), what));
    }
    return opened;
  } catch (err) {
    await Promise.all(opened.map((f) => f.handle.close()));
    throw err;
  }
}

/**
 * Reads and decodes the weights of `manifest` (from the model.json at `source`), whose shard paths are
 * relative to `folder`. Throws ModelFileError naming the file for a path outside the folder, a missing shard
 * or one that is not a regular file, and a group whose shards hold more or fewer bytes than it needs.
 */
export async function readWeights(manifest: readonly WeightsGroup[], folder: string, source: string): Promise<ReadWeights> {
  const weights: NamedWeight[] = [];
  const files: string[] = [];
  for (const [index, group] of manifest.entries()) {
    const needed = group.weights.reduce((n, w) => n + storedByteLength(w), 0);
    const shards = await openShards(group, folder, source);
    const held = shards.reduce((n, f) => n + f.size, 0);
    if (held !== needed) {
      await Promise.all(shards.map((f) => f.handle.close()));
      const named = group.paths.length === 1 ? `weights file ${quoted(group.paths[0])}` : `the ${group.paths.length} weights files of group ${index + 1} (${group.paths.map((p) => quoted(p, 60)).join(', ')})`;
      throw new ModelFileError(`${named} listed in ${source} ${group.paths.length === 1 ? 'holds' : 'hold'} ${held} bytes but its weightsManifest needs ${needed}: a shard is ${held < needed ? 'truncated' : 'too long'} or from another model`);
    }
    const bytes = new Uint8Array(needed);
    let offset = 0;
    for (const [i, shard] of shards.entries()) {
      try {
        await readWhole(shard, bytes, offset, `weights file ${quoted(group.paths[i])} listed in ${source}`);
      } catch (err) {
        await Promise.all(shards.slice(i + 1).map((f) => f.handle.close()));
        throw err;
      }
      offset += shard.size;
      files.push(shard.path);
    }
    weights.push(...decodeGroup(group.weights, bytes));
  }
  return { weights, files };
}

export interface NonFiniteWeight {
  name: string;
  nan: number;
  posInf: number;
  negInf: number;
}

/** The float weights holding NaN or ±Inf, with how many of each. */
export function nonFiniteWeights(weights: readonly NamedWeight[]): NonFiniteWeight[] {
  const found: NonFiniteWeight[] = [];
  for (const w of weights) {
    if (w.dtype !== 'float32') continue;
    let nan = 0, posInf = 0, negInf = 0;
    for (const v of w.values) {
      if (Number.isFinite(v)) continue;
      if (Number.isNaN(v)) nan++;
      else if (v > 0) posInf++;
      else negInf++;
    }
    if (nan + posInf + negInf > 0) found.push({ name: w.name, nan, posInf, negInf });
  }
  return found;
}
