// Real CIFAR-10 images for end-to-end tests, read from ../shared/data/cifar10-sample (beside the repository,
// never inside it): skipped with a message when absent, a failure under CI=true.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import sharp from 'sharp';
import { requireSharedData } from '@onnx-edge/core/testing';

const RECORD = 1 + 3072;

export interface CifarImage {
  label: number;
  /** The record's 3072 pixel bytes: R plane, G plane, B plane (which is NCHW order already). */
  planes: Uint8Array;
}

/** The first `count` records of the sample, or null after skipping the test when the data is absent. */
export async function cifarSample(t: TestContext, count: number): Promise<CifarImage[] | null> {
  const dir = requireSharedData(t, 'cifar10-sample');
  if (!dir) return null;
  const file = join(dir, 'sample_batch_000.bin');
  const handle = await open(file, 'r');
  try {
    const bytes = new Uint8Array(count * RECORD);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    if (bytesRead !== bytes.length) throw new Error(`${file} holds fewer than ${count} records`);
    return Array.from({ length: count }, (_, i) => ({ label: bytes[i * RECORD]!, planes: bytes.slice(i * RECORD + 1, (i + 1) * RECORD) }));
  } finally {
    await handle.close();
  }
}

/** Interleaved RGB (HWC) bytes of a record. */
export function interleaved(image: CifarImage): Uint8Array {
  const out = new Uint8Array(3072);
  for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = image.planes[c * 1024 + p]!;
  return out;
}

export function pngOf(image: CifarImage): Promise<Buffer> {
  return sharp(interleaved(image), { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
}

/** Model input of a record: NCHW float32 ÷255, computed here independently of the server's decoder. */
export function nchwOf(image: CifarImage): Float32Array {
  return Float32Array.from(image.planes, (v) => v / 255);
}
