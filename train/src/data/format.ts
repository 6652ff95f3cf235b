// The CIFAR-10 binary format: records of 1 label byte + 3072 pixel bytes (1024 R, 1024 G, 1024 B; each
// plane 32×32 row-major). A dataset keeps those bytes as they are (planar, uint8) and converts to float
// only one batch at a time.

export const IMAGE_SIDE = 32;
export const IMAGE_CHANNELS = 3;
export const PLANE_BYTES = IMAGE_SIDE * IMAGE_SIDE;
export const IMAGE_BYTES = PLANE_BYTES * IMAGE_CHANNELS;
export const RECORD_BYTES = 1 + IMAGE_BYTES;


export interface CifarFileInfo {
  name: string;
  records: number;
}

export interface CifarDataset {
  /** count × 3072 bytes, each image in the official planar layout (R plane, G plane, B plane). */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  classNames: string[];
  /** Where the records came from, in order (records actually read, so a `limit` shows here). */
  files: CifarFileInfo[];
}

/** Bad dataset content; the message names the file and, where it applies, the record. */
export class CifarFormatError extends Error {
  override name = 'CifarFormatError';
}

/** Refuses a file whose size is not a whole number of records. */
export function checkFileSize(file: string, bytes: number): number {
  if (bytes === 0) throw new CifarFormatError(`${file}: the file is empty`);
  const whole = Math.floor(bytes / RECORD_BYTES);
  const rest = bytes % RECORD_BYTES;
  if (rest !== 0) {
    throw new CifarFormatError(
      `${file}: size ${bytes} bytes is not a multiple of the ${RECORD_BYTES}-byte CIFAR-10 record ` +
        `(record ${whole} is truncated: ${rest} of ${RECORD_BYTES} bytes); the file is damaged or not CIFAR-10 binary`,
    );
  }
  return whole;
}

/**
 * Copies the first `records` records of a file's bytes into the dataset at record `at`, checking labels.
 */
export function copyRecords(file: string, chunk: Uint8Array, records: number, into: CifarDataset, at: number, numClasses: number): void {
  for (let r = 0; r < records; r++) {
    const offset = r * RECORD_BYTES;
    const label = chunk[offset]!;
    if (label >= numClasses) {
      throw new CifarFormatError(`${file}: record ${r} has label ${label}, outside 0–${numClasses - 1}`);
    }
    into.labels[at + r] = label;
    into.images.set(chunk.subarray(offset + 1, offset + RECORD_BYTES), (at + r) * IMAGE_BYTES);
  }
}

export function emptyDataset(count: number, classNames: string[]): CifarDataset {
  return { images: new Uint8Array(count * IMAGE_BYTES), labels: new Uint8Array(count), count, classNames, files: [] };
}

/** Records per class, indexed by label. */
export function classCounts(dataset: CifarDataset): number[] {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (let i = 0; i < dataset.count; i++) counts[dataset.labels[i]!]!++;
  return counts;
}
