// POST /classify: image bytes in, top-k classes out. Decoding runs concurrently (sharp works off the event
// loop) before the images join the batching queue, so decoding never sits on the inference path.
import { performance } from 'node:perf_hooks';
import { Hono, type Context } from 'hono';
import { topK } from '@onnx-edge/core';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';
import { decodeImage, imageTypeOf, type ImageType } from '../decode.ts';
import { readBody } from '../body.ts';
import { badRequest } from '../errors.ts';
import type { ServedModel } from '../inference/served-model.ts';

export const MAX_TOP = 10;
export const DEFAULT_TOP = 5;

interface Upload {
  bytes: Uint8Array;
  type: ImageType;
  filename?: string;
}

function parseTop(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TOP;
  const top = Number(raw);
  if (!/^\d+$/.test(raw) || top < 1 || top > MAX_TOP) throw badRequest(`top must be an integer from 1 to ${MAX_TOP}, got '${raw}'`);
  return top;
}

async function readUploads(c: Context<AppEnv>, maxBodyBytes: number): Promise<Upload[]> {
  const contentType = c.req.header('content-type') ?? '';
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    const body = await readBody(c, maxBodyBytes);
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw badRequest('the multipart body is malformed');
    }
    const files = form.getAll('image');
    if (files.length === 0) throw badRequest("the multipart body has no field 'image'; send each image as a file in a field named 'image'");
    return Promise.all(files.map(async (file) => {
      if (typeof file === 'string') throw badRequest("field 'image' must be a file, not text");
      return { bytes: new Uint8Array(await file.arrayBuffer()), type: imageTypeOf(file.type), filename: file.name };
    }));
  }
  const type = imageTypeOf(contentType);
  return [{ bytes: await readBody(c, maxBodyBytes), type }];
}

async function decodeUpload(deps: AppDeps, model: ServedModel, upload: Upload) {
  const decodeStart = performance.now();
  const input = await decodeImage(upload.bytes, upload.type, { maxInputPixels: deps.limits.maxInputPixels }, model.inputLayout);
  const decodeSeconds = (performance.now() - decodeStart) / 1000;
  deps.metrics.decodeSeconds.observe(decodeSeconds);
  return { input, decodeSeconds };
}

const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;

export function classifyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/classify', async function classify(c) {
    const started = performance.now();
    const top = parseTop(c.req.query('top'));
    const model = findModel(deps, c.req.query('model'));
    // Announced inputs tell the batcher that waiting for them is worth it (see batcher.ts): one as soon as
    // the request arrives, while its body is still being read, then as many as it turned out to hold.
    const releaseArriving = model.batcher.arriving();
    let uploads: Upload[];
    let release: () => void;
    try {
      uploads = await readUploads(c, deps.limits.maxBodyBytes);
      release = model.batcher.announce(uploads.length);
    } finally {
      releaseArriving();
    }
    let decoded: Awaited<ReturnType<typeof decodeUpload>>[];
    let pending: ReturnType<typeof model.batcher.submit>;
    try {
      decoded = await Promise.all(uploads.map((u) => decodeUpload(deps, model, u)));
      pending = model.batcher.submit(decoded.map((d) => d.input));
    } finally {
      release();
    }
    const results = await Promise.all(pending);
    const total = ms((performance.now() - started) / 1000);
    const answers = results.map((r, i) => ({
      ...(uploads.length > 1 && uploads[i]!.filename ? { filename: uploads[i]!.filename } : {}),
      predictions: topK(r.outputs[model.classificationOutput]!, top, model.labels),
      timing_ms: { decode: ms(decoded[i]!.decodeSeconds), queue: ms(r.queueSeconds), inference: ms(r.inferenceSeconds), total },
      batch_size: r.batchSize,
    }));
    if (answers.length === 1) return c.json({ model: model.name, ...answers[0]! });
    return c.json({ model: model.name, results: answers });
  });
  return app;
}
