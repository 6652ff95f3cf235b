// Real CIFAR-10 test images as PNG files, straight from the official binary records (1 label byte, then the
// R, G and B planes, 32×32 row-major): the bytes a person would drop into the demo.
import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { CIFAR10_LABELS, IMAGE_SIZE } from '@onnx-edge/core';

const PLANE = IMAGE_SIZE * IMAGE_SIZE;
const RECORD_BYTES = 1 + 3 * PLANE;

export interface CifarPng {
  /** e.g. "cifar-000012-dog.png" */
  name: string;
  label: string;
  png: Buffer;
  /** The RGB pixels, interleaved, row-major. */
  interleaved: Buffer;
}

/** A PNG of interleaved RGB pixels with an alpha channel that sweeps from transparent (left) to opaque (right). */
function pngWithAlphaSweep(rgb: Buffer, width: number, height: number): Promise<Buffer> {
  const rgba = Buffer.alloc(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgb.copy(rgba, p * 4, p * 3, p * 3 + 3);
    rgba[p * 4 + 3] = Math.round(((p % width) / (width - 1)) * 255);
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
}

/**
 * The same image with the alpha sweep, RGB kept as is: tells a decoder that keeps the colour of transparent
 * pixels from one that premultiplies them away.
 */
export function withAlphaSweep(image: CifarPng): Promise<Buffer> {
  return pngWithAlphaSweep(image.interleaved, IMAGE_SIZE, IMAGE_SIZE);
}

/**
 * The image stretched to width×height (sharp's default filter) with the same alpha sweep: a picture of
 * another size, translucent on the left, that page and server must both bring back to 32×32 alike.
 */
export async function resizedWithAlphaSweep(image: CifarPng, width: number, height: number): Promise<Buffer> {
  const rgb = await sharp(image.interleaved, { raw: { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3 } }).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  return pngWithAlphaSweep(rgb, width, height);
}

/** Reads `count` consecutive records starting at `first` from one sample batch file and encodes each as PNG. */
export async function cifarPngs(batchFile: string, first: number, count: number): Promise<CifarPng[]> {
  const file = await open(batchFile, 'r');
  try {
    const records = Buffer.alloc(count * RECORD_BYTES);
    const { bytesRead } = await file.read(records, 0, records.length, first * RECORD_BYTES);
    if (bytesRead !== records.length) throw new Error(`${batchFile} holds fewer than ${first + count} CIFAR-10 records`);
    const pngs: CifarPng[] = [];
    for (let i = 0; i < count; i++) {
      const record = records.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES);
      const label = CIFAR10_LABELS[record[0]!] ?? String(record[0]);
      const interleaved = Buffer.alloc(3 * PLANE);
      for (let p = 0; p < PLANE; p++) {
        for (let c = 0; c < 3; c++) interleaved[p * 3 + c] = record[1 + c * PLANE + p]!;
      }
      const png = await sharp(interleaved, { raw: { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3 } }).png().toBuffer();
      pngs.push({ name: `cifar-${String(first + i).padStart(6, '0')}-${label}.png`, label, png, interleaved });
    }
    return pngs;
  } finally {
    await file.close();
  }
}
