// Image bytes -> model input. Untrusted input: sharp refuses images above a pixel budget before decoding
// them and fails on decoder errors instead of guessing. Any size is resized to 32×32 by area averaging, like
// the web demo; a 32×32 image is used as is (no resampling), so its numbers equal what tfjs computes on the
// same pixels.
import sharp from 'sharp';
import { setImmediate } from 'node:timers/promises';
import { AreaResizer, IMAGE_SIZE, imageToInput, type InputLayout, SEED_IMAGE_INPUT } from '@onnx-edge/core';
import { isAnimated } from './animation.ts';
import { MAX_IMAGE_SIDE, pngSides } from './image-sides.ts';
import { decodePlainPng } from './plain-png.ts';
import { HttpError, payloadTooLarge, unprocessable, unsupportedMediaType } from './errors.ts';

// The images are tiny: libvips' own threads per image would only contend with onnxruntime for the cores.
// Concurrency comes from decoding several requests at once on libuv's pool instead.
sharp.concurrency(1);

/** What /classify feeds the model today: the seed contract's 32×32 RGB. */
const NETWORK_SIZE = { width: IMAGE_SIZE, height: IMAGE_SIZE };

/** About 1.5 ms of resizing between two turns of the event loop (a 12 MP photo takes ~55 ms in all). */
const RESIZE_SLICE_BYTES = 1 << 20;

export const IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

export interface DecodeLimits {
  /** Refuse images with more pixels than this (width × height), before decoding. */
  maxInputPixels: number;
}

export function imageTypeOf(contentType: string | undefined): ImageType {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type in IMAGE_TYPES) return type as ImageType;
  throw unsupportedMediaType(`content type '${type || '(none)'}' is not accepted: send image/png, image/jpeg or image/webp, or multipart/form-data with a field 'image'`);
}

/** The format the leading bytes announce (the signatures of PNG, JPEG and WebP), if any of the three. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

/**
 * The image's RGB bytes at IMAGE_SIZE×IMAGE_SIZE: decoded by sharp (oriented, sRGB, alpha dropped), and any
 * other size resized by the area average the web demo uses too (@onnx-edge/core's AreaResizer), so that both
 * see the same pixels. The resize runs in slices of rows between which other requests get the event loop.
 */
export async function sharpRgbPixels(bytes: Uint8Array, limits: DecodeLimits): Promise<Uint8Array> {
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const };
  const decoded = await sharp(bytes, options).autoOrient().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width, height, channels } = decoded.info;
  if (width === IMAGE_SIZE && height === IMAGE_SIZE) return decoded.data;
  if (channels !== 3) throw new Error(`sharp decoded ${channels} channels where RGB was asked`);
  const resizer = new AreaResizer(width, height, 3, { ...NETWORK_SIZE, channels: 3 });
  const rowsPerSlice = Math.max(1, Math.floor(RESIZE_SLICE_BYTES / (width * 3)));
  for (let row = 0; row < height; row += rowsPerSlice) {
    if (row > 0) await setImmediate();
    resizer.addRows(decoded.data.subarray(row * width * 3, Math.min(height, row + rowsPerSlice) * width * 3));
  }
  return resizer.finish();
}

/** Decodes one image into a float32 input of IMAGE_SIZE×IMAGE_SIZE×3 in the model's layout. */
export async function decodeImage(bytes: Uint8Array, declared: ImageType, limits: DecodeLimits, layout: InputLayout): Promise<Float32Array> {
  if (bytes.length === 0) throw unprocessable('the image is empty');
  const actual = sniffImageType(bytes);
  if (actual !== declared) {
    throw unprocessable(`the body was sent as ${declared} but ${actual ? `is ${actual}` : 'is not a PNG, JPEG or WebP image'}`);
  }
  if (isAnimated(bytes, declared)) throw unprocessable('the image is animated (several frames); send one still frame');
  const sides = declared === 'image/png' ? pngSides(bytes) : undefined;
  if (sides && Math.max(sides.width, sides.height) > MAX_IMAGE_SIDE) {
    throw payloadTooLarge(`the image is ${sides.width}x${sides.height}; sides longer than ${MAX_IMAGE_SIDE} pixels are not accepted (the model sees ${IMAGE_SIZE}x${IMAGE_SIZE})`);
  }
  // A plain PNG at the model's size skips sharp (plain-png.ts says why and which images qualify).
  const plain = sides && sides.width === IMAGE_SIZE && sides.height === IMAGE_SIZE && IMAGE_SIZE * IMAGE_SIZE <= limits.maxInputPixels
    ? decodePlainPng(bytes, IMAGE_SIZE, IMAGE_SIZE)
    : undefined;
  const input = { ...SEED_IMAGE_INPUT, layout };
  if (plain) return imageToInput(plain, 3, NETWORK_SIZE, input);
  let pixels: Uint8Array;
  try {
    pixels = await sharpRgbPixels(bytes, limits);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof Error && /pixel limit/i.test(err.message)) {
      throw payloadTooLarge(`the image has more than ${limits.maxInputPixels} pixels; scale it down (the model sees ${IMAGE_SIZE}x${IMAGE_SIZE})`);
    }
    throw unprocessable('the image could not be decoded: it is damaged, truncated or not a supported image');
  }
  if (pixels.length !== IMAGE_SIZE * IMAGE_SIZE * 3) throw unprocessable(`the image decoded to ${pixels.length} bytes, not ${IMAGE_SIZE}x${IMAGE_SIZE} RGB`);
  return imageToInput(pixels, 3, NETWORK_SIZE, input);
}
