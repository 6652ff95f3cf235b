// The models the server offers (GET /models) and their bytes (GET /models/{m}/model.onnx). Both are kept in
// the Cache API (model bytes under a version-qualified key) and used when the server cannot be reached, so
// a reload works offline.

export interface ModelEntry {
  name: string;
  version: string;
  labels?: string[];
  inputLayout?: string;
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
  return list.map((entry) => ({ ...entry, version: String(entry.version ?? '') }));
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
export async function loadModelBytes(entry: ModelEntry, onProgress: (fraction: number | undefined) => void): Promise<ModelBytes> {
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

async function download(entry: ModelEntry, onProgress: (fraction: number | undefined) => void): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetch(entry.onnx);
  } catch (error) {
    throw new ModelError(`Could not download model “${entry.name}” from ${entry.onnx}: ${(error as Error).message}. Check the connection to the server and retry.`);
  }
  if (!response.ok) {
    throw new ModelError(`Could not download model “${entry.name}”: the server answered ${entry.onnx} with HTTP ${response.status}. Retry, or pick another model.`);
  }
  return readWithProgress(response, entry, onProgress);
}

async function readWithProgress(response: Response, entry: ModelEntry, onProgress: (fraction: number | undefined) => void): Promise<Uint8Array<ArrayBuffer>> {
  // With a content-encoding the length counts compressed bytes, not the ones the stream yields.
  const encoded = response.headers.has('content-encoding');
  const total = encoded ? undefined : Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(total ? received / total : undefined);
    }
  } catch (error) {
    throw new ModelError(`The download of model “${entry.name}” broke off after ${received} bytes (${(error as Error).message}). Retry.`);
  }
  if (total !== undefined && received !== total) {
    throw new ModelError(`The download of model “${entry.name}” is incomplete (${received} of ${total} bytes). Retry.`);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Frees the space of older versions of the same model once a new one arrives. */
async function dropOtherVersions(cache: Cache | undefined, entry: ModelEntry): Promise<void> {
  if (!cache) return;
  const prefix = new URL(entry.onnx, location.href).href + '?';
  for (const request of await cache.keys()) {
    if (request.url.startsWith(prefix)) await cache.delete(request);
  }
}
