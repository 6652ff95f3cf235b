// The images the export is verified on, never ones the network trained on: the validation records given
// with --val-data, the official test_batch.bin, freshly generated synthetic images (another seed), or the
// tail of the loaded training records — which trainModel holds out for validation (its last 10%) when a
// folder has no test file. Written as a small file of CIFAR-10 records so the verifier reads them like any set.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_BYTES, loadCifar, OFFICIAL_FOLDER, RECORD_BYTES, syntheticCifar, type CifarDataset } from '@onnx-edge/train';
import { displayPath } from './display-path.ts';

export const HELD_OUT_FILE = 'verify-held-out.bin';
/** A seed no training run uses for its synthetic set (runs draw theirs from the training seed). */
const VERIFY_SYNTHETIC_SEED = 2_147_483_646;

export interface HeldOutImages {
  /** What the verifier reads: a folder or a .bin file of CIFAR-10 records. */
  path: string;
  count: number;
  description: string;
}

function officialTestFile(source: string): string | undefined {
  return [join(source, 'test_batch.bin'), join(source, OFFICIAL_FOLDER, 'test_batch.bin')].find((f) => existsSync(f));
}

function writeRecords(path: string, dataset: CifarDataset, first: number, count: number): void {
  const bytes = new Uint8Array(count * RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    bytes[i * RECORD_BYTES] = dataset.labels[first + i]!;
    bytes.set(dataset.images.subarray((first + i) * IMAGE_BYTES, (first + i + 1) * IMAGE_BYTES), i * RECORD_BYTES + 1);
  }
  writeFileSync(path, bytes);
}

export async function heldOutImages(options: { runDir: string; data: string; valData?: string; limit?: number; count: number }): Promise<HeldOutImages> {
  const { runDir, data, valData, count } = options;
  if (valData) {
    const available = Math.min(count, (await loadCifar(valData, { limit: count })).count);
    return { path: valData, count: available, description: `${available} validation images from ${displayPath(valData)}` };
  }
  const target = join(runDir, HELD_OUT_FILE);
  if (data === 'synthetic') {
    writeRecords(target, syntheticCifar({ count, seed: VERIFY_SYNTHETIC_SEED }), 0, count);
    return { path: target, count, description: `${count} freshly generated synthetic images (not trained on)` };
  }
  const testFile = officialTestFile(data);
  if (testFile) {
    const available = Math.min(count, (await loadCifar(testFile, { limit: count })).count);
    return { path: testFile, count: available, description: `${available} test images from ${displayPath(testFile)}` };
  }
  const loaded = await loadCifar(data, { limit: options.limit });
  const tail = Math.max(1, Math.min(count, Math.floor(loaded.count / 10)));
  writeRecords(target, loaded, loaded.count - tail, tail);
  return { path: target, count: tail, description: `the last ${tail} images of ${displayPath(data)}'s loaded records (held out from training)` };
}
