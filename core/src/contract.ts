// The model's contract, shared by the compiler (which writes it into ONNX metadata), the server and the
// browser demo (which read it). Browser-safe: no Node imports. One module so server and browser cannot drift.

/** CIFAR-10 class names in label-index order (the official batches.meta.txt order). */
export const CIFAR10_LABELS = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

/** Side of the square input image the seed networks take. */
export const IMAGE_SIZE = 32;
export const IMAGE_CHANNELS = 3;

/** Tensor names of exported classifiers. */
export const INPUT_NAME = 'input';
export const PROBABILITIES_NAME = 'probabilities';

/** Keys of ONNX `metadata_props` written by the exporter. */
export const METADATA_KEYS = {
  labels: 'onnx_edge.labels', // JSON array of class names
  inputLayout: 'onnx_edge.input_layout', // 'NCHW' | 'NHWC'
  inputScale: 'onnx_edge.input_scale', // multiply 0..255 pixels by this (1/255)
  inputColor: 'onnx_edge.input_color', // 'RGB'
  sourceModelSha256: 'onnx_edge.source_model_sha256',
  producerVersion: 'onnx_edge.producer_version',
  parity: 'onnx_edge.parity', // JSON ParityReport, when the export was verified
  dataset: 'onnx_edge.dataset', // e.g. 'cifar10' or 'synthetic'
  quantization: 'onnx_edge.quantization', // JSON: precision, method, calibration count and hash (quantized models)
} as const;

export type InputLayout = 'NCHW' | 'NHWC';

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

export interface ParityReport {
  maxAbsDiff: number;
  maxRelDiff: number;
  top1Agreement: number;
  count: number;
}

/**
 * Packs interleaved 8-bit pixels (RGB or RGBA, row-major, `width*height*channels` bytes) of one
 * IMAGE_SIZE×IMAGE_SIZE image into float32 model input, scaled by 1/255, in the given layout. Alpha is
 * ignored. Callers resize to IMAGE_SIZE first; a 32×32 image is used as is (no resampling).
 */
export function pixelsToInput(
  pixels: ArrayLike<number>,
  channels: 3 | 4,
  layout: InputLayout = 'NCHW',
  out: Float32Array = new Float32Array(IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS),
  offset = 0,
): Float32Array {
  const plane = IMAGE_SIZE * IMAGE_SIZE;
  if (pixels.length !== plane * channels) {
    throw new RangeError(`expected ${plane * channels} bytes for a ${IMAGE_SIZE}x${IMAGE_SIZE} image with ${channels} channels, got ${pixels.length}`);
  }
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < IMAGE_CHANNELS; c++) {
      const value = pixels[p * channels + c]! / 255;
      out[offset + (layout === 'NCHW' ? c * plane + p : p * IMAGE_CHANNELS + c)] = value;
    }
  }
  return out;
}

/** Stable softmax over one row, for models whose output is logits. */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** The k most probable classes of one row, highest first; ties keep the lower index first. */
export function topK(probabilities: ArrayLike<number>, k: number, labels: readonly string[]): Prediction[] {
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return order.slice(0, Math.max(0, Math.min(k, order.length))).map((index) => ({
    label: labels[index] ?? String(index),
    index,
    probability: probabilities[index]!,
  }));
}

/** Reads labels from ONNX metadata (a JSON array), falling back to CIFAR-10's when absent or malformed. */
export function labelsFromMetadata(metadata: Record<string, string | undefined>): string[] {
  const raw = metadata[METADATA_KEYS.labels];
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every((l) => typeof l === 'string')) return parsed;
    } catch {
      // Malformed metadata is not fatal for inference: the index order is still the contract.
    }
  }
  return [...CIFAR10_LABELS];
}
