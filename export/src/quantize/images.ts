// Real images for calibration and verification: CIFAR-10 in the official binary format (a folder of *.bin, one
// .bin file, or cifar-10-binary.tar.gz, read by @onnx-edge/train) or a folder of PNG/JPEG/WebP images decoded
// by sharp. Pixels come out one batch at a time as RGB bytes at the size asked for, area-resized as the server
// does where an image has another size; model-input.ts turns them into the model's input through its contract.
// Images in a folder named after one of the model's labels are labelled with it (an ImageFolder layout).
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { loadCifar } from '@onnx-edge/train';
import sharp from 'sharp';
import { CIFAR10_LABELS, resizeByArea, type PixelSize } from '@onnx-edge/core';
import { QuantizeError } from './errors.ts';

/** CIFAR-10 records: 32×32 RGB, planar. */
const CIFAR_SIZE: PixelSize = { width: 32, height: 32 };
const CIFAR_PLANE = 32 * 32;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export interface ImageSet {
  count: number;
  /** For messages: how many images, of what, from where. */
  description: string;
  /** Class index of every image when the data is labelled with the model's classes. */
  labels: Int32Array | undefined;
  /** The first image's size: what a model taking any size gets every image at (a batch has one size). */
  firstSize(): Promise<PixelSize>;
  /** Images [start, start + n) as RGB bytes at `size`, pixel-interleaved, row-major. */
  pixels(start: number, n: number, size: PixelSize): Promise<Uint8Array>;
}

const sameSize = (a: PixelSize, b: PixelSize) => a.width === b.width && a.height === b.height;

/** RGB bytes of one image at `size`: as they are, or area-resized. */
function atSize(rgb: Uint8Array, own: PixelSize, size: PixelSize): Uint8Array {
  return sameSize(own, size) ? rgb : resizeByArea(rgb, own.width, own.height, 3, { ...size, channels: 3 });
}

function isCifarSource(path: string, entries: string[] | undefined): boolean {
  if (!entries) return /\.(bin|tar\.gz|tgz)$/.test(path);
  return entries.some((e) => e.endsWith('.bin') || e === 'cifar-10-batches-bin');
}

async function cifarImages(source: string, limit: number, modelLabels: readonly string[]): Promise<ImageSet> {
  const dataset = await loadCifar(source, { limit });
  const labelled = modelLabels.length === CIFAR10_LABELS.length && modelLabels.every((l, i) => l === CIFAR10_LABELS[i]);
  return {
    count: dataset.count,
    description: `${dataset.count.toLocaleString('en-US')} CIFAR-10 images from ${source}`,
    labels: labelled ? Int32Array.from(dataset.labels) : undefined,
    firstSize: async () => CIFAR_SIZE,
    async pixels(start, n, size) {
      // The records are planar (R plane, G plane, B plane); images are interleaved RGB.
      const each = size.width * size.height * 3;
      const out = new Uint8Array(n * each);
      const rgb = new Uint8Array(CIFAR_PLANE * 3);
      for (let i = 0; i < n; i++) {
        const record = dataset.images.subarray((start + i) * CIFAR_PLANE * 3, (start + i + 1) * CIFAR_PLANE * 3);
        for (let p = 0; p < CIFAR_PLANE; p++) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = record[c * CIFAR_PLANE + p]!;
        out.set(atSize(rgb, CIFAR_SIZE, size), i * each);
      }
      return out;
    },
  };
}

async function listImages(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listImages(path)));
    else if (IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) found.push(path);
  }
  return found;
}

async function decodeFile(path: string): Promise<{ rgb: Uint8Array; size: PixelSize }> {
  try {
    const { data, info } = await sharp(path, { failOn: 'error' }).autoOrient().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { rgb: data, size: { width: info.width, height: info.height } };
  } catch (err) {
    throw new QuantizeError(`cannot decode image ${path}: ${(err as Error).message}`);
  }
}

async function folderImages(dir: string, limit: number, modelLabels: readonly string[]): Promise<ImageSet> {
  const files = (await listImages(dir)).slice(0, limit);
  const classOf = (file: string) => modelLabels.indexOf(basename(dirname(file)));
  const labelled = files.length > 0 && files.every((f) => classOf(f) >= 0);
  return {
    count: files.length,
    description: `${files.length.toLocaleString('en-US')} images from ${dir}${labelled ? ' (labelled by folder)' : ''}`,
    labels: labelled ? Int32Array.from(files, classOf) : undefined,
    firstSize: async () => (await decodeFile(files[0]!)).size,
    async pixels(start, n, size) {
      const each = size.width * size.height * 3;
      const out = new Uint8Array(n * each);
      for (let i = 0; i < n; i++) {
        const image = await decodeFile(files[start + i]!);
        out.set(atSize(image.rgb, image.size, size), i * each);
      }
      return out;
    },
  };
}

/** The first `limit` images of `source` (all when undefined); throws QuantizeError when there are none. */
export async function openImages(source: string, options: { limit?: number; labels: readonly string[] }): Promise<ImageSet> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new QuantizeError(`image source ${source} does not exist: give a CIFAR-10 folder or .bin file, or a folder of PNG/JPEG/WebP images`);
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  const entries = info.isDirectory() ? await readdir(source) : undefined;
  const images = isCifarSource(source, entries) ? await cifarImages(source, limit, options.labels) : await folderImages(source, limit, options.labels);
  if (images.count === 0) throw new QuantizeError(`${source} holds no images (CIFAR-10 *.bin records or PNG/JPEG/WebP files)`);
  return images;
}
