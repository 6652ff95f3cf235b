// The models the server offers (GET /models) and their bytes (GET /models/{m}/model.onnx). Both are kept in
// the Cache API (model bytes under a version-qualified key) and used when the server cannot be reached, so
// a reload works offline.
import type { ModelContract } from '@onnx-edge/core';
import { readWithProgress, type Progress } from './download.ts';

export interface ModelEntry {
  name: string;
  version: string;
  labels?: string[];
  /** The model's contract as the server read it (absent from older servers): for the selector, before a download. */
  contract?: ModelContract;
  /** SHA-256 of the model file (lets a quantized model find its float original). */
  sha256?: string;
  onnx: string;
}

/** A failed model list or model download, worded for the page. */
export class ModelError extends Error {
  override name = 'ModelError';
}

const CACHE_NAME = 'onnx-edge-models-v1';
const LIST_URL = 'models';

function openCache(): Promise<Cache | undefined> {
  // The Cache API exists only in secure contexts (https, localhost); elsewhere the demo just downloads.
  if (typeof caches === 'undefined') return Promise.resolve(undefined);
  return caches.open(CACHE_NAME).catch(() => undefined);
}

function isModelEntry(value: unknown): value is ModelEntry {
  const entry = value as ModelEntry;
  return typeof entry === 'object' && entry !== null && typeof entry.name === 'string' && typeof entry.onnx === 'string';
}

const isNumbers = (value: unknown) => Array.isArray(value) && value.every((v) => typeof v === 'number');

/**
 * Whether a listed contract has the shape the selector describes. Only for showing: what the page runs is the
 * contract read (and validated) from the model's own bytes.
 */
function isListedContract(value: unknown): value is ModelContract {
  const contract = value as ModelContract | undefined;
  const input = contract?.input;
  const output = contract?.output;
  if (typeof output?.kind !== 'string' || (output.labels !== undefined && !(Array.isArray(output.labels) && output.labels.every((l) => typeof l === 'string')))) return false;
  if (input?.kind === 'tensor') return true;
  return input?.kind === 'image' && typeof input.color === 'string' && typeof input.layout === 'string'
    && isNumbers(input.range) && isNumbers(input.mean) && isNumbers(input.std);
}

export async function listModels(): Promise<ModelEntry[]> {
  const cache = await openCache();
  let response: Response | undefined;
  try {
    response = await fetch(LIST_URL, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new ModelError(`the server answered GET /models with HTTP ${response.status}`);
    await cache?.put(LIST_URL, response.clone());
  } catch (error) {
    response = await cache?.match(LIST_URL);
    if (!response) throw new ModelError(`Could not list the server's models (${(error as Error).message}). Check that onnx-edge serve is running, then reload.`);
  }
  const list: unknown = await response.json();
  if (!Array.isArray(list) || !list.every(isModelEntry)) throw new ModelError('GET /models did not return a list of models');
  if (list.length === 0) throw new ModelError('The server has no models. Start onnx-edge serve with a model repository or a model file.');
  return list.map((entry) => {
    const { contract, ...rest } = entry;
    return { ...rest, version: String(entry.version ?? ''), ...(isListedContract(contract) ? { contract } : {}) };
  });
}

function cacheKey(entry: ModelEntry): string {
  return new URL(`${entry.onnx}?version=${encodeURIComponent(entry.version)}`, location.href).href;
}

export interface ModelBytes {
  bytes: Uint8Array<ArrayBuffer>;
  fromCache: boolean;
}

/**
 * The model's ONNX bytes: downloaded when the server answers (a model file can change under the same name
 * and version, so the network wins), from the cache when it does not (offline reload).
 */
export async function loadModelBytes(entry: ModelEntry, onProgress: (progress: Progress) => void): Promise<ModelBytes> {
  const cache = await openCache();
  const key = cacheKey(entry);
  try {
    const bytes = await download(entry, onProgress);
    await dropOtherVersions(cache, entry);
    await cache?.put(key, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
    return { bytes, fromCache: false };
  } catch (error) {
    const cached = await cache?.match(key);
    if (cached) return { bytes: new Uint8Array(await cached.arrayBuffer()), fromCache: true };
    throw error;
  }
}

async function download(entry: ModelEntry, onProgress: (progress: Progress) => void): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetch(entry.onnx);
  } catch (error) {
    throw new ModelError(`Could not download model “${entry.name}” from ${entry.onnx}: ${(error as Error).message}. Check the connection to the server and retry.`);
  }
  if (!response.ok) {
    throw new ModelError(`Could not download model “${entry.name}”: the server answered ${entry.onnx} with HTTP ${response.status}. Retry, or pick another model.`);
  }
  try {
    return await readWithProgress(response, onProgress);
  } catch (error) {
    throw new ModelError(`The download of model “${entry.name}” broke off (${(error as Error).message}). Retry.`);
  }
}

/** Frees the space of older versions of the same model once a new one arrives. */
async function dropOtherVersions(cache: Cache | undefined, entry: ModelEntry): Promise<void> {
  if (!cache) return;
  const prefix = new URL(entry.onnx, location.href).href + '?';
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix)) await cache.delete(request);
  }
}
