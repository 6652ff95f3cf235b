// Example images for the demo, written into the build (never committed): a few real CIFAR-10 test images,
// one per class, from a CIFAR-10 copy on this machine when there is one, and one drawing per class of the
// synthetic shapes the pipeline trains on without real data. The page shows the set whose name matches the
// dataset in a model's contract, so a user sees what the model was trained on and can try it in one click.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  defaultDataDir, IMAGE_SIDE, loadCifar, OFFICIAL_FOLDER, PLANE_BYTES, SYNTHETIC_CLASS_NAMES, syntheticCifar, type CifarDataset,
} from '@onnx-edge/train/data';
import { CIFAR10_LABELS } from '@onnx-edge/core';

/** examples/index.json: example sets by dataset name (a contract's `dataset`). */
export interface ExampleIndex {
  [dataset: string]: { title: string; images: { file: string; label: string }[] };
}

export interface Examples {
  index: ExampleIndex;
  /** Files under examples/, by path relative to it. */
  files: Map<string, Buffer>;
  /** What was found, for the build log. */
  notes: string[];
}

/** Not a seed any training run uses for its synthetic set: these drawings were never trained on. */
const SYNTHETIC_EXAMPLE_SEED = 424_242;
/** Test records read to find one image of each class (the first ten hold seven classes; 100 hold all). */
const CIFAR_RECORDS_SCANNED = 200;

/** A CIFAR-10 copy: $CIFAR10_DIR, the sample beside the repository, or the download cache. */
function cifarSource(repoRoot: string): string | undefined {
  const candidates = [
    process.env.CIFAR10_DIR,
    join(repoRoot, '..', 'shared', 'data', 'cifar10-sample'),
    join(defaultDataDir(), OFFICIAL_FOLDER),
  ];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(dir));
}

/** One record (planar RGB) as a PNG. */
function png(dataset: CifarDataset, record: number): Promise<Buffer> {
  const planar = dataset.images.subarray(record * 3 * PLANE_BYTES, (record + 1) * 3 * PLANE_BYTES);
  const interleaved = Buffer.alloc(3 * PLANE_BYTES);
  for (let p = 0; p < PLANE_BYTES; p++) {
    for (let c = 0; c < 3; c++) interleaved[p * 3 + c] = planar[c * PLANE_BYTES + p]!;
  }
  return sharp(interleaved, { raw: { width: IMAGE_SIDE, height: IMAGE_SIDE, channels: 3 } }).png().toBuffer();
}

/** The first record of each class, in class order. */
async function onePerClass(dataset: CifarDataset, folder: string, names: readonly string[], files: Map<string, Buffer>) {
  const images: { file: string; label: string }[] = [];
  for (let label = 0; label < names.length; label++) {
    const record = dataset.labels.findIndex((l) => l === label);
    if (record < 0) continue;
    const file = `${folder}/${String(record).padStart(4, '0')}-${names[label]}.png`;
    files.set(file, await png(dataset, record));
    images.push({ file, label: names[label]! });
  }
  return images;
}

export async function buildExamples(repoRoot: string): Promise<Examples> {
  const files = new Map<string, Buffer>();
  const index: ExampleIndex = {};
  const notes: string[] = [];
  const source = cifarSource(repoRoot);
  if (source) {
    const test = await loadCifar(source, { files: 'test', limit: CIFAR_RECORDS_SCANNED });
    index['cifar10'] = { title: 'CIFAR-10 test images', images: await onePerClass(test, 'cifar10', CIFAR10_LABELS, files) };
    notes.push(`${index['cifar10'].images.length} CIFAR-10 test images from ${source}`);
  } else {
    notes.push('no CIFAR-10 examples: set CIFAR10_DIR, or run onnx-edge data download, then build again');
  }
  const synthetic = syntheticCifar({ count: SYNTHETIC_CLASS_NAMES.length, seed: SYNTHETIC_EXAMPLE_SEED });
  index['synthetic'] = { title: 'synthetic shapes (drawings the pipeline trains on without CIFAR-10)', images: await onePerClass(synthetic, 'synthetic', SYNTHETIC_CLASS_NAMES, files) };
  notes.push(`${index['synthetic'].images.length} synthetic shapes`);
  return { index, files, notes };
}
