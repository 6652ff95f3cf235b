// POST /classify: image bytes in, top-k classes out, for any image classifier: each image brought to the
// model's input as its contract says (image-feed.ts, decode.ts), the ranked output through a softmax where it
// holds logits, the classes named by the model's labels (by index where it has none). A model that is not an
// image classifier is answered 422 naming its v2 route. Every image of the request is checked from its header
// first — type, sides, pixels, and the request's image count and pixel total against its budget — so that
// nothing is decoded for a request that will be refused. Decoding runs off the event loop (sharp), one image
// of a request after another, stopping when the client goes, before the images join the batching queue, so
// decoding never sits on the inference path.
import { performance } from 'node:perf_hooks';
import { Hono, type Context } from 'hono';
import { softmax, toFloat16Bits, topK } from '@onnx-edge/core';
import { findModel, type AppDeps, type AppEnv } from '../context.ts';
import { checkRequestBudget, decodeImage, imageTypeOf, inspectImage, type ImageSize, type ImageType } from '../decode.ts';
import { readBody, requestSignal } from '../body.ts';
import { multipartBoundary, parseMultipart } from '../multipart.ts';
import { PixelGate } from '../pixel-gate.ts';
import { badRequest, unprocessable } from '../errors.ts';
import { itemShape, type ImageFeed } from '../inference/image-feed.ts';
import type { ServedModel } from '../inference/served-model.ts';
import { floatValues, type Tensor } from '../tensors/index.ts';

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

/** Parts a multipart body may have besides its images (other form fields, which are ignored). */
const OTHER_PARTS = 16;

async function readUploads(c: Context<AppEnv>, limits: AppDeps['limits']): Promise<Upload[]> {
  const contentType = c.req.header('content-type') ?? '';
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    const boundary = multipartBoundary(contentType);
    const bytes = await readBody(c, limits.maxBodyBytes);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts = parseMultipart(body, boundary, limits.maxImages + OTHER_PARTS, `a request carries at most ${limits.maxImages} images (--max-images)`);
    const files = parts.filter((p) => p.name === 'image');
    if (files.length === 0) throw badRequest("the multipart body has no field 'image'; send each image as a file in a field named 'image'");
    return files.map((file) => {
      if (file.filename === undefined) throw badRequest("field 'image' must be a file, not text");
      return { bytes: file.data, type: imageTypeOf(file.type), filename: file.filename };
    });
  }
  const type = imageTypeOf(contentType);
  return [{ bytes: await readBody(c, limits.maxBodyBytes), type }];
}

/** The model's input tensor for one image: float32, or float16 for a model that takes it. */
function imageTensor(feed: ImageFeed, decoded: { data: Float32Array; size: { width: number; height: number } }): Tensor {
  const shape = itemShape(feed, decoded.size);
  return feed.datatype === 'FP16' ? { datatype: 'FP16', shape, data: Uint16Array.from(decoded.data, toFloat16Bits) } : { datatype: 'FP32', shape, data: decoded.data };
}

async function decodeUpload(deps: AppDeps, gate: PixelGate, feed: ImageFeed, upload: Upload, size: ImageSize, signal: AbortSignal) {
  const release = await gate.acquire(size.width * size.height, signal);
  const decodeStart = performance.now();
  let input: Tensor;
  try {
    input = imageTensor(feed, await decodeImage(upload.bytes, upload.type, { maxInputPixels: deps.limits.maxInputPixels }, feed.input, feed.size, signal));
  } finally {
    release();
  }
  const decodeSeconds = (performance.now() - decodeStart) / 1000;
  deps.metrics.decodeSeconds.observe(decodeSeconds);
  return { input, decodeSeconds };
}

/** The image feed of the model, or a 422 naming the v2 route that takes its tensors. */
function feedOf(model: ServedModel): ImageFeed {
  if ('refused' in model.imageFeed) {
    throw unprocessable(`model '${model.name}' ${model.imageFeed.refused}, so /classify cannot answer for it; send its tensors to POST /v2/models/${model.name}/infer`);
  }
  return model.imageFeed;
}

/** The top classes of one image's scores, a softmax first where the model gives logits. */
function predictions(feed: ImageFeed, model: ServedModel, output: Tensor, top: number) {
  const scores = floatValues(output);
  return topK(feed.logits ? softmax(scores) : scores, top, model.labels);
}

const ms = (seconds: number) => Math.round(seconds * 1e6) / 1e3;

export function classifyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // Pixels decoded at once by this server: one request's budget (pixel-gate.ts says why).
  const gate = new PixelGate(deps.limits.maxRequestPixels);
  app.post('/classify', async function classify(c) {
    const started = performance.now();
    const top = parseTop(c.req.query('top'));
    const model = findModel(deps, c.req.query('model'));
    const feed = feedOf(model);
    // Announced inputs tell the batcher that waiting for them is worth it (see batcher.ts): one as soon as
    // the request arrives, while its body is still being read, then as many as it turned out to hold.
    const releaseArriving = model.batcher.arriving();
    let uploads: Upload[];
    let sizes: ImageSize[];
    let release: () => void;
    try {
      uploads = await readUploads(c, deps.limits);
      sizes = uploads.map((u) => inspectImage(u.bytes, u.type, deps.limits));
      checkRequestBudget(sizes, deps.limits);
      release = model.batcher.announce(uploads.length);
    } finally {
      releaseArriving();
    }
    let decoded: Awaited<ReturnType<typeof decodeUpload>>[];
    let pending: ReturnType<typeof model.batcher.submit>;
    try {
      const signal = requestSignal(c);
      decoded = [];
      for (const [i, upload] of uploads.entries()) decoded.push(await decodeUpload(deps, gate, feed, upload, sizes[i]!, signal));
      pending = model.batcher.submit(decoded.map((d) => [d.input]));
    } finally {
      release();
    }
    const results = await Promise.all(pending);
    const total = ms((performance.now() - started) / 1000);
    const answers = results.map((r, i) => ({
      ...(uploads.length > 1 && uploads[i]!.filename ? { filename: uploads[i]!.filename } : {}),
      predictions: predictions(feed, model, r.output[feed.output]!, top),
      timing_ms: { decode: ms(decoded[i]!.decodeSeconds), queue: ms(r.queueSeconds), inference: ms(r.inferenceSeconds), total },
      batch_size: r.batchSize,
    }));
    if (answers.length === 1) return c.json({ model: model.name, ...answers[0]! });
    return c.json({ model: model.name, results: answers });
  });
  return app;
}
