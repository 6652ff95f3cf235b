// loadCifar: reads a CIFAR-10 dataset in the official binary format from a folder of *.bin record files
// (data_batch_1..5.bin + test_batch.bin, or any *.bin such as sample_batch_000.bin), a single .bin file, or
// the official cifar-10-binary.tar.gz. A folder holding the official layout is split into train files
// (data_batch_*) and the test file (test_batch); any other *.bin file belongs to every split.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { checkFileSize, copyRecords, CifarFormatError, emptyDataset, RECORD_BYTES, type CifarDataset } from './format.ts';
import { forEachTarFile } from './tar.ts';

export type CifarSplit = 'train' | 'test' | 'all';

export interface LoadCifarOptions {
  /** Read at most this many records (from the first files, in order). */
  limit?: number;
  /** Which files of the official layout: data_batch_* ('train'), test_batch ('test') or both ('all', default). */
  files?: CifarSplit;
}

/** The folder name inside the official archive. */
export const OFFICIAL_FOLDER = 'cifar-10-batches-bin';

const TRAIN_FILE = /^data_batch_(\d+)\.bin$/;
const TEST_FILE = 'test_batch.bin';

function belongsToSplit(name: string, split: CifarSplit): boolean {
  if (split === 'all') return true;
  if (TRAIN_FILE.test(name)) return split === 'train';
  if (name === TEST_FILE) return split === 'test';
  return true;
}

/** Official order: data_batch_1..5, then test_batch, then any other file by name. */
function compareFiles(a: string, b: string): number {
  const rank = (name: string): [number, number, string] => {
    const train = TRAIN_FILE.exec(name);
    if (train) return [0, Number(train[1]), name];
    return name === TEST_FILE ? [1, 0, name] : [2, 0, name];
  };
  const [ra, rb] = [rank(a), rank(b)];
  return ra[0] - rb[0] || ra[1] - rb[1] || ra[2].localeCompare(rb[2]);
}

interface SourceFile {
  /** Name shown in messages and in `dataset.files`. */
  name: string;
  records: number;
  /** Returns the first `records` records' bytes. */
  read(records: number): Promise<Uint8Array>;
}

export async function loadCifar(source: string, options: LoadCifarOptions = {}): Promise<CifarDataset> {
  const split = options.files ?? 'all';
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit !== Number.POSITIVE_INFINITY && !(Number.isInteger(limit) && limit >= 1)) {
    throw new RangeError(`loadCifar: limit must be a positive integer, got ${options.limit}`);
  }
  const info = await stat(source).catch(() => {
    throw new CifarFormatError(`CIFAR-10 source ${source} does not exist; run 'onnx-edge data download' or pass a folder of CIFAR-10 *.bin files`);
  });
  let files: SourceFile[];
  if (info.isDirectory()) files = await folderFiles(source, split);
  else if (/\.(tar\.gz|tgz)$/.test(source)) files = await archiveFiles(source, split);
  else files = [diskFile(source, basename(source), checkFileSize(source, info.size))];
  return assemble(files, limit);
}

async function assemble(files: SourceFile[], limit: number): Promise<CifarDataset> {
  const total = Math.min(limit, files.reduce((sum, f) => sum + f.records, 0));
  const dataset = emptyDataset(total, [...CIFAR10_LABELS]);
  let at = 0;
  for (const file of files) {
    if (at === total) break;
    const records = Math.min(file.records, total - at);
    copyRecords(file.name, await file.read(records), records, dataset, at, CIFAR10_LABELS.length);
    dataset.files.push({ name: file.name, records });
    at += records;
  }
  return dataset;
}

function diskFile(path: string, name: string, records: number): SourceFile {
  return {
    name,
    records,
    async read(count) {
      if (count === records) return readFile(path);
      const handle = await open(path, 'r');
      try {
        const bytes = new Uint8Array(count * RECORD_BYTES);
        await handle.read(bytes, 0, bytes.byteLength, 0);
        return bytes;
      } finally {
        await handle.close();
      }
    },
  };
}

async function folderFiles(dir: string, split: CifarSplit): Promise<SourceFile[]> {
  let names = (await readdir(dir)).filter((n) => n.endsWith('.bin'));
  if (names.length === 0 && (await stat(join(dir, OFFICIAL_FOLDER)).catch(() => null))?.isDirectory()) {
    return folderFiles(join(dir, OFFICIAL_FOLDER), split);
  }
  if (names.length === 0) {
    throw new CifarFormatError(`${dir} holds no *.bin record files (expected data_batch_1..5.bin and test_batch.bin, or other CIFAR-10 *.bin files)`);
  }
  names = names.filter((n) => belongsToSplit(n, split)).sort(compareFiles);
  if (names.length === 0) throw new CifarFormatError(`${dir} has no ${split} files (${split === 'train' ? 'data_batch_*.bin' : TEST_FILE})`);
  return Promise.all(
    names.map(async (name) => {
      const path = join(dir, name);
      return diskFile(path, path, checkFileSize(path, (await stat(path)).size));
    }),
  );
}

/** Reads the selected *.bin members of a .tar.gz into memory (the archive is compressed: no random access). */
async function archiveFiles(archive: string, split: CifarSplit): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  await forEachTarFile(archive, async (entry) => {
    const name = basename(entry.path);
    if (!name.endsWith('.bin') || !belongsToSplit(name, split)) return;
    const label = `${archive}:${entry.path}`;
    const records = checkFileSize(label, entry.size);
    const bytes = new Uint8Array(entry.size);
    let at = 0;
    for await (const chunk of entry.stream) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
    files.push({ name: label, records, read: async (count) => bytes.subarray(0, count * RECORD_BYTES) });
  });
  if (files.length === 0) throw new CifarFormatError(`${archive} holds no ${split === 'all' ? '' : `${split} `}*.bin record files`);
  return files.sort((a, b) => compareFiles(basename(a.name), basename(b.name)));
}
