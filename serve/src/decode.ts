// Image bytes -> model input. Untrusted input: sharp refuses images above a pixel budget before decoding
// them and fails on decoder errors instead of guessing. Any size is resized to 32×32; a 32×32 image is used
// as is (no resampling), so its numbers equal what tfjs computes on the same pixels.
import sharp from 'sharp';
import { IMAGE_SIZE, pixelsToInput, type InputLayout } from '@onnx-edge/export/contract';
import { HttpError, payloadTooLarge, unprocessable, unsupportedMediaType } from './errors.ts';

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

/** Decodes one image into a float32 input of IMAGE_SIZE×IMAGE_SIZE×3 in the model's layout. */
export async function decodeImage(bytes: Uint8Array, declared: ImageType, limits: DecodeLimits, layout: InputLayout): Promise<Float32Array> {
  if (bytes.length === 0) throw unprocessable('the image is empty');
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const };
  let pixels: Buffer;
  try {
    const meta = await sharp(bytes, options).metadata();
    if (meta.format !== IMAGE_TYPES[declared]) {
      throw unprocessable(`the body was sent as ${declared} but is ${meta.format ? `a ${meta.format} image` : 'not an image'}`);
    }
    let pipeline = sharp(bytes, options).autoOrient().removeAlpha().toColourspace('srgb');
    const width = meta.autoOrient?.width ?? meta.width;
    const height = meta.autoOrient?.height ?? meta.height;
    if (width !== IMAGE_SIZE || height !== IMAGE_SIZE) pipeline = pipeline.resize(IMAGE_SIZE, IMAGE_SIZE, { fit: 'fill' });
    const out = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 3 || out.info.width !== IMAGE_SIZE || out.info.height !== IMAGE_SIZE) {
      throw unprocessable(`the image decoded to ${out.info.width}x${out.info.height}x${out.info.channels}, not ${IMAGE_SIZE}x${IMAGE_SIZE}x3`);
    }
    pixels = out.data;
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (err instanceof Error && /pixel limit/i.test(err.message)) {
      throw payloadTooLarge(`the image has more than ${limits.maxInputPixels} pixels; scale it down (the model sees ${IMAGE_SIZE}x${IMAGE_SIZE})`);
    }
    throw unprocessable('the image could not be decoded: it is damaged, truncated or not a supported image');
  }
  return pixelsToInput(pixels, 3, layout);
}
