// Real images for calibration and verification, read through the model's contract: CIFAR-10 in the official
// binary format (a folder of *.bin, one .bin file, or cifar-10-binary.tar.gz, read by @onnx-edge/train) or a
// folder of PNG/JPEG/WebP images decoded by sharp and area-resized to the contract's 32×32 as the server does.
// Images in a folder named after one of the model's labels are labelled with it (an ImageFolder layout).
// Pixels come out one batch at a time as RGB bytes; toModelInput turns them into the model's input.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { loadCifar } from '@onnx-edge/train';
import sharp from 'sharp';
import { CIFAR10_LABELS, IMAGE_CHANNELS, IMAGE_SIZE, pixelsToInput, resizeToNetwork, type InputLayout } from '@onnx-edge/core';
import { QuantizeError } from './errors.ts';

const IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export interface ImageSet {
  count: number;
  /** For messages: how many images, of what, from where. */
  description: string;
  /** Class index of every image when the data is labelled with the model's classes. */
  labels: Int32Array | undefined;
  /** Images [start, start + n) as IMAGE_SIZE×IMAGE_SIZE RGB bytes, pixel-interleaved, row-major. */
  pixels(start: number, n: number): Promise<Uint8Array>;
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
    async pixels(start, n) {
      // The records are planar (R plane, G plane, B plane); the contract takes interleaved RGB.
      const out = new Uint8Array(n * IMAGE_BYTES);
      const plane = IMAGE_SIZE * IMAGE_SIZE;
      for (let i = 0; i < n; i++) {
        const record = dataset.images.subarray((start + i) * IMAGE_BYTES, (start + i + 1) * IMAGE_BYTES);
        for (let p = 0; p < plane; p++) for (let c = 0; c < IMAGE_CHANNELS; c++) out[i * IMAGE_BYTES + p * IMAGE_CHANNELS + c] = record[c * plane + p]!;
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

async function decodeFile(path: string): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(path, { failOn: 'error' }).autoOrient().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return info.width === IMAGE_SIZE && info.height === IMAGE_SIZE ? data : resizeToNetwork(data, info.width, info.height, 3);
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
    async pixels(start, n) {
      const out = new Uint8Array(n * IMAGE_BYTES);
      for (let i = 0; i < n; i++) out.set(await decodeFile(files[start + i]!), i * IMAGE_BYTES);
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

/** RGB bytes of n images → float32 model input in the model's layout, scaled as the contract says (1/255). */
export function toModelInput(pixels: Uint8Array, n: number, layout: InputLayout): Float32Array {
  const out = new Float32Array(n * IMAGE_BYTES);
  for (let i = 0; i < n; i++) pixelsToInput(pixels.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), 3, layout, out, i * IMAGE_BYTES);
  return out;
}
