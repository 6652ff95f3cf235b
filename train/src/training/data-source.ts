// Training and validation records for a run, by the rules: --val-data when given; else the official
// test_batch.bin when the training folder has the official layout; else a held-out 10% of the training records.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { emptyDataset, IMAGE_BYTES, type CifarDataset } from '../data/format.ts';
import { defaultDataDir } from '../data/download.ts';
import { loadCifar, OFFICIAL_FOLDER } from '../data/reader.ts';
import { syntheticCifar } from '../data/synthetic.ts';

export interface RunData {
  train: CifarDataset;
  validation: CifarDataset;
  /** Human-readable origins, e.g. "../shared/data/cifar10-train (49000 records)". */
  trainSource: string;
  validationSource: string;
}

/** Records the synthetic set has when --limit does not say. */
const SYNTHETIC_DEFAULT_COUNT = 5000;
const HOLD_OUT_FRACTION = 0.1;

function hasOfficialTestFile(dir: string): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  return existsSync(join(dir, 'test_batch.bin')) || existsSync(join(dir, OFFICIAL_FOLDER, 'test_batch.bin'));
}

function slice(dataset: CifarDataset, start: number, count: number): CifarDataset {
  const part = emptyDataset(count, dataset.classNames);
  part.images.set(dataset.images.subarray(start * IMAGE_BYTES, (start + count) * IMAGE_BYTES));
  part.labels.set(dataset.labels.subarray(start, start + count));
  part.files = dataset.files;
  return part;
}

function describe(source: string, dataset: CifarDataset): string {
  return `${source} (${dataset.count} records)`;
}

/** 'auto': $CIFAR10_DIR, else the download cache of `onnx-edge data download`, else the synthetic set. */
function resolveAuto(log: (line: string) => void): string {
  if (process.env.CIFAR10_DIR) {
    log(`data: --data auto → ${process.env.CIFAR10_DIR} (CIFAR10_DIR)`);
    return process.env.CIFAR10_DIR;
  }
  const cached = join(defaultDataDir(), OFFICIAL_FOLDER);
  if (existsSync(cached)) {
    log(`data: --data auto → ${cached} (the download cache)`);
    return cached;
  }
  log(`data: --data auto → synthetic images: no CIFAR10_DIR and nothing in ${cached}; run 'onnx-edge data download' for the real set`);
  return 'synthetic';
}

/** The records `--data` names. */
async function loadTraining(data: string, limit: number | undefined, seed: number, log: (line: string) => void): Promise<{ dataset: CifarDataset; source: string; officialTest: boolean }> {
  const source = data === 'auto' ? resolveAuto(log) : data;
  if (source === 'synthetic') {
    const dataset = syntheticCifar({ count: limit ?? SYNTHETIC_DEFAULT_COUNT, seed });
    return { dataset, source: 'synthetic', officialTest: false };
  }
  const officialTest = hasOfficialTestFile(source);
  const dataset = await loadCifar(source, { limit, files: officialTest ? 'train' : 'all' });
  return { dataset, source, officialTest };
}

export async function loadRunData(
  options: { data: string; valData?: string; limit?: number; valLimit?: number; seed: number },
  log: (line: string) => void,
): Promise<RunData> {
  const training = await loadTraining(options.data, options.limit, options.seed, log);
  if (options.valData) {
    const validation = await loadCifar(options.valData, { limit: options.valLimit, files: hasOfficialTestFile(options.valData) ? 'test' : 'all' });
    return { train: training.dataset, validation, trainSource: describe(training.source, training.dataset), validationSource: describe(options.valData, validation) };
  }
  if (training.officialTest) {
    const validation = await loadCifar(training.source, { limit: options.valLimit, files: 'test' });
    return { train: training.dataset, validation, trainSource: describe(training.source, training.dataset), validationSource: describe(`${training.source} test_batch.bin`, validation) };
  }
  const all = training.dataset;
  const held = Math.max(1, Math.round(all.count * HOLD_OUT_FRACTION));
  if (all.count - held < 1) throw new Error(`${training.source} has only ${all.count} record(s): too few to hold out validation records; pass --val-data`);
  const validationCount = Math.min(held, options.valLimit ?? held);
  log(`data: no --val-data and no test_batch.bin: validating on the last ${held} of ${all.count} training records (held out, not trained on)`);
  const train = slice(all, 0, all.count - held);
  const validation = slice(all, all.count - held, validationCount);
  return {
    train,
    validation,
    trainSource: describe(`${training.source} (first 90%)`, train),
    validationSource: describe(`${training.source} (last 10%, held out)`, validation),
  };
}
