// Image bytes -> model input, as the model's contract says. Untrusted input: before anything is decoded,
// each image's type is checked against its bytes and its size read from its own header (@onnx-edge/core's
// readImageHeader: PNG's IHDR, JPEG's frame header, WebP's VP8/VP8L/VP8X) against the side and pixel limits,
// and a request's images together against its budget (count and total pixels); sharp then fails on decoder
// errors instead of guessing, and decoding stops when the client has gone. An image of another size than the
// model's is resized by area averaging, like the web demo (enlarging replicates pixels, see area-resize.ts);
// one at the model's size, or any image for a model that takes any size, is used pixel for pixel, so its
// numbers equal what tfjs computes on the same pixels. Then @onnx-edge/core's imageToInput: channels (grey,
// BGR, alpha), value range, mean/std, layout.
import sharp from 'sharp';
import { setImmediate } from 'node:timers/promises';
import { AreaResizer, channelsOf, imageToInput, type ImageInput, type PixelSize, readImageHeader } from '@onnx-edge/core';
import { isAnimated } from './animation.ts';
import { decodePlainPng } from './plain-png.ts';
import { clientClosed, HttpError, payloadTooLarge, unprocessable, unsupportedMediaType } from './errors.ts';

// The images are tiny: libvips' own threads per image would only contend with onnxruntime for the cores.
// Concurrency comes from decoding several requests at once on libuv's pool instead.
sharp.concurrency(1);

/** About 1.5 ms of resizing between two turns of the event loop (a 12 MP photo takes ~55 ms in all). */
const RESIZE_SLICE_BYTES = 1 << 20;

export const IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/**
 * The longest side accepted, for every format. Decoding time grows with rows as well as pixels: a
 * 1×10,000,000 PNG is within any pixel limit, deflates to 10 KB and takes seconds of a decoder thread.
 * JPEG allows sides of 65,535 and PNG of 2³¹ - 1; a WebP canvas (VP8X) may claim 16,777,216.
 */
export const MAX_IMAGE_SIDE = 16_384;

export interface ImageSize {
  width: number;
  height: number;
}

export interface DecodeLimits {
  /** Refuse images with more pixels than this (width × height), before decoding. */
  maxInputPixels: number;
}

export interface RequestBudget {
  /** Most images in one request. */
  maxImages: number;
  /** Most pixels of all a request's images together. */
  maxRequestPixels: number;
}

export function imageTypeOf(contentType: string | undefined): ImageType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type in IMAGE_TYPES) return type as ImageType;
  throw unsupportedMediaType(`content type '${type || '(none)'}' is not accepted: send image/png, image/jpeg or image/webp, or multipart/form-data with a field 'image'`);
}

/**
 * The image's size from its header, once its bytes are found to be the declared type and a still image
 * within the side and pixel limits; a 413 or 422 naming what is wrong otherwise. Nothing is decoded.
 */
export function inspectImage(bytes: Uint8Array, declared: ImageType, limits: DecodeLimits): ImageSize {
  if (bytes.length === 0) throw unprocessable('the image is empty');
  const header = readImageHeader(bytes);
  if (header?.format !== IMAGE_TYPES[declared]) {
    throw unprocessable(`the body was sent as ${declared} but ${header ? `is image/${header.format}` : 'is not a PNG, JPEG or WebP image'}`);
  }
  if (isAnimated(bytes, declared)) throw unprocessable('the image is animated (several frames); send one still frame');
  const { width, height } = header;
  if (width === undefined || height === undefined || width === 0 || height === 0) {
    throw unprocessable(`the image could not be decoded: its ${header.format.toUpperCase()} header does not state its size (damaged or truncated)`);
  }
  const size = { width, height };
  if (Math.max(size.width, size.height) > MAX_IMAGE_SIDE) {
    throw payloadTooLarge(`the image is ${size.width}x${size.height}; sides longer than ${MAX_IMAGE_SIDE} pixels are not accepted: scale it down`);
  }
  if (size.width * size.height > limits.maxInputPixels) {
    throw payloadTooLarge(`the image is ${size.width}x${size.height}, more than ${limits.maxInputPixels} pixels; scale it down`);
  }
  return size;
}

/** A request's images against its budget, from their headers (inspectImage), before any is decoded. */
export function checkRequestBudget(sizes: ImageSize[], budget: RequestBudget): void {
  if (sizes.length > budget.maxImages) {
    throw payloadTooLarge(`the request holds ${sizes.length} images; at most ${budget.maxImages} are accepted in one request (--max-images): split it`);
  }
  const pixels = sizes.reduce((sum, s) => sum + s.width * s.height, 0);
  if (pixels > budget.maxRequestPixels) {
    throw payloadTooLarge(`the request's images hold ${pixels} pixels together; at most ${budget.maxRequestPixels} are decoded for one request (--max-request-pixels): send fewer or smaller images`);
  }
}

/**
 * The image's pixels at `target` (its own size when undefined), RGB or, with `alpha`, RGBA (255 where the
 * image has none): decoded by sharp (oriented, sRGB), and any other size resized by the area average the web
 * demo uses too (@onnx-edge/core's AreaResizer), so that both see the same pixels. The resize runs in slices
 * of rows between which other requests get the event loop.
 */
export async function sharpPixels(bytes: Uint8Array, limits: DecodeLimits, alpha: boolean, target?: PixelSize, signal?: AbortSignal): Promise<{ pixels: Uint8Array; size: PixelSize }> {
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const };
  const image = sharp(bytes, options).autoOrient();
  const decoded = await (alpha ? image.ensureAlpha() : image.removeAlpha()).toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width, height, channels } = decoded.info;
  if (channels !== (alpha ? 4 : 3)) throw new Error(`sharp decoded ${channels} channels where ${alpha ? 'RGBA' : 'RGB'} was asked`);
  if (!target || (width === target.width && height === target.height)) return { pixels: decoded.data, size: { width, height } };
  const resizer = new AreaResizer(width, height, channels, { ...target, channels });
  const rowsPerSlice = Math.max(1, Math.floor(RESIZE_SLICE_BYTES / (width * channels)));
  for (let row = 0; row < height; row += rowsPerSlice) {
    if (row > 0) await setImmediate();
    if (signal?.aborted) throw clientClosed();
    resizer.addRows(decoded.data.subarray(row * width * channels, Math.min(height, row + rowsPerSlice) * width * channels));
  }
  return { pixels: resizer.finish(), size: target };
}

/**
 * Decodes one image into the model's input for one image, as `input` (the contract's image input) says, at
 * `modelSize` (else the contract's size; else, for a model that takes any size, the image's own): float32
 * values, and the size they are for.
 * inspectImage first. With `signal`, nothing more is decoded once it aborts (the client has gone): 499.
 */
export async function decodeImage(bytes: Uint8Array, declared: ImageType, limits: DecodeLimits, input: ImageInput, modelSize?: PixelSize, signal?: AbortSignal): Promise<{ data: Float32Array; size: PixelSize }> {
  const header = inspectImage(bytes, declared, limits);
  if (signal?.aborted) throw clientClosed();
  // The model's size, or none: then the image keeps its own, as decoded (EXIF orientation may turn it).
  const fixed = modelSize ?? (input.height !== undefined && input.width !== undefined ? { width: input.width, height: input.height } : undefined);
  const alpha = channelsOf(input.color) === 4;
  // A plain PNG at the model's size (or any PNG, for a model of any size) skips sharp (plain-png.ts says why and which images qualify).
  const plainSize = fixed ?? header;
  const plain = declared === 'image/png' && !alpha && header.width === plainSize.width && header.height === plainSize.height ? decodePlainPng(bytes, plainSize.width, plainSize.height) : undefined;
  if (plain) return { data: imageToInput(plain, 3, plainSize, input), size: plainSize };
  let decoded: { pixels: Uint8Array; size: PixelSize };
  try {
    decoded = await sharpPixels(bytes, limits, alpha, fixed, signal);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof Error && /pixel limit/i.test(err.message)) throw payloadTooLarge(`the image has more than ${limits.maxInputPixels} pixels; scale it down`);
    throw unprocessable('the image could not be decoded: it is damaged, truncated or not a supported image');
  }
  return { data: imageToInput(decoded.pixels, alpha ? 4 : 3, decoded.size, input), size: decoded.size };
}
