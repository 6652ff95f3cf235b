// Shared test helpers: an app around a deterministic in-process runner (for HTTP-layer tests that do not
// need onnxruntime), PNG builders, and a silent logger.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CIFAR10_LABELS, SEED_CONTRACT, softmax } from '@onnx-edge/core';
import { createApp } from '../src/app.ts';
import type { AppDeps } from '../src/context.ts';
import type { BatchRunner } from '../src/inference/batcher.ts';
import { servedModelFrom, type BatchingSettings } from '../src/inference/served-model.ts';
import { Lifecycle } from '../src/lifecycle.ts';
import { createLogger } from '../src/logging.ts';
import { createMetrics } from '../src/metrics.ts';

export const ITEM_SIZE = 3 * 32 * 32;

/**
 * The toy model's rule: class scores are 10·(the first 10 input values), through softmax. With NCHW input
 * the first 10 values are the red channel of the first 10 pixels of the top row, so a test can predict
 * the answer from the pixels it wrote.
 */
export function toyProbabilities(item: Float32Array): Float32Array {
  return softmax(Array.from(item.subarray(0, 10), (v) => v * 10));
}

export const toyRunner: BatchRunner = async (input, batch) => {
  const out = new Float32Array(batch * 10);
  for (let i = 0; i < batch; i++) out.set(toyProbabilities(input.subarray(i * ITEM_SIZE, (i + 1) * ITEM_SIZE)), i * 10);
  return { outputs: { probabilities: out }, seconds: 0.001 };
};

export interface ToyAppOptions {
  runner?: BatchRunner;
  batching?: Partial<BatchingSettings>;
  limits?: Partial<AppDeps['limits']>;
  cors?: string[];
  webRoot?: string;
  modelBytes?: Uint8Array;
}

/** An app serving one toy model 'toy' (version 3); returns a cleanup function for the temp model file. */
export async function toyApp(options: ToyAppOptions = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-toy-'));
  const modelPath = join(dir, 'model.onnx');
  const bytes = options.modelBytes ?? new Uint8Array([8, 8]);
  await writeFile(modelPath, bytes);
  const metrics = createMetrics();
  const model = servedModelFrom(
    { name: 'toy', version: 3, modelPath, labels: [...CIFAR10_LABELS], inputLayout: 'NCHW', contract: SEED_CONTRACT, sha256: createHash('sha256').update(bytes).digest('hex') },
    { inputName: 'input', outputNames: ['probabilities'], inputDims: [3, 32, 32], executionProvider: 'cpu', reason: 'test runner' },
    [options.runner ?? toyRunner],
    { maxQueue: 64, maxQueueDelayMs: 1, ...options.batching },
    {
      onBatch: (size) => metrics.batchSize.observe({ model: 'toy' }, size),
      onQueueWait: (s) => metrics.queueSeconds.observe({ model: 'toy' }, s),
    },
    async () => {},
  );
  const lifecycle = new Lifecycle();
  lifecycle.ready = true;
  const deps: AppDeps = {
    models: [model],
    metrics,
    logger: createLogger('silent'),
    limits: { maxBodyBytes: 1024 * 1024, maxInputPixels: 1_000_000, ...options.limits },
    ...(options.cors ? { cors: options.cors } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    lifecycle,
  };
  return {
    app: createApp(deps),
    model,
    metrics,
    setReady: (value: boolean) => (lifecycle.ready = value),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A width×height RGB image whose pixel p has colour fill(p) (r, g, b), encoded as `format`. */
export async function makeImage(width: number, height: number, fill: (p: number) => [number, number, number], format: 'png' | 'jpeg' | 'webp' = 'png'): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let p = 0; p < width * height; p++) raw.set(fill(p), p * 3);
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return (format === 'png' ? img.png() : format === 'jpeg' ? img.jpeg({ quality: 95 }) : img.webp({ lossless: true })).toBuffer();
}

/** Pixels for the toy model: red of pixel p < 10 is (p·25 + seed) mod 256, so the answer depends on seed. */
export function toyFill(seed: number): (p: number) => [number, number, number] {
  return (p) => [p < 10 ? (p * 25 + seed * 37) % 256 : 0, (p * 7) % 256, (p * 13) % 256];
}

/** What the toy model answers for toyFill(seed) on a 32×32 image. */
export function expectedToy(seed: number): Float32Array {
  const item = new Float32Array(ITEM_SIZE);
  for (let p = 0; p < 10; p++) item[p] = ((p * 25 + seed * 37) % 256) / 255;
  return toyProbabilities(item);
}

/** A response body as loosely-typed JSON: tests assert on its shape field by field. */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
