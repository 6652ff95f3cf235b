// The model's contract: what a consumer needs to turn an image (or a tensor) into the model's input and its
// output into an answer. The compiler writes it into the ONNX file's metadata (contract-metadata.ts), the
// server and the browser demo read it from there. Browser-safe: no Node imports. One module so server and
// browser cannot drift.

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

export const INPUT_LAYOUTS = ['NCHW', 'NHWC'] as const;
export type InputLayout = (typeof INPUT_LAYOUTS)[number];

/**
 * The channels an image input takes, in order: GRAY is one channel (BT.601 luma of the RGB pixels), RGB and
 * BGR three, RGBA and BGRA four (alpha last).
 */
export const COLOR_ORDERS = ['GRAY', 'RGB', 'BGR', 'RGBA', 'BGRA'] as const;
export type ColorOrder = (typeof COLOR_ORDERS)[number];

export const INPUT_KINDS = ['image', 'tensor'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** probabilities/logits: one score per class (logits get a softmax); image: pixels out; tensor: anything else. */
export const OUTPUT_KINDS = ['probabilities', 'logits', 'image', 'tensor'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** How many channels an image of this colour order has. */
export function channelsOf(color: ColorOrder): 1 | 3 | 4 {
  return color === 'GRAY' ? 1 : color.length === 4 ? 4 : 3;
}

/**
 * An image input. A pixel p (0..255) of channel c becomes `(lo + p/255·(hi − lo) − mean[c]) / std[c]`:
 * first mapped onto `range` = [lo, hi], then normalised (mean 0 and std 1 leave it as is; one value applies
 * to every channel). Torchvision's convention is range [0, 1] with its mean/std; Caffe's is range [0, 255],
 * BGR, with a mean per channel.
 */
export interface ImageInput {
  kind: 'image';
  /** Pixel height and width the model takes; undefined where it takes any (a fully convolutional model). */
  height?: number;
  width?: number;
  color: ColorOrder;
  layout: InputLayout;
  range: readonly [number, number];
  mean: readonly number[];
  std: readonly number[];
}

/** Any other input: the caller builds the tensor (KServe v2). */
export interface TensorInput {
  kind: 'tensor';
}

export interface ModelOutput {
  kind: OutputKind;
  /** Class names in index order, for probabilities/logits; undefined = class indexes. */
  labels?: readonly string[];
  /** For an image output: the value range that maps back onto 0..255 pixels, and its layout. */
  range?: readonly [number, number];
  layout?: InputLayout;
}

export interface ModelContract {
  input: ImageInput | TensorInput;
  output: ModelOutput;
  /** What the model was trained on: 'cifar10', 'synthetic' or any name its exporter gave. */
  dataset?: string;
}

/** The seed networks' input: 32×32 RGB, pixels ÷ 255, NCHW. */
export const SEED_IMAGE_INPUT: ImageInput = {
  kind: 'image', height: IMAGE_SIZE, width: IMAGE_SIZE, color: 'RGB', layout: 'NCHW', range: [0, 1], mean: [0], std: [1],
};

/** What a file exported before the contract was recorded means: the seed networks' CIFAR-10 classifier. */
export const SEED_CONTRACT: ModelContract = {
  input: SEED_IMAGE_INPUT,
  output: { kind: 'probabilities', labels: CIFAR10_LABELS },
};

/** Whether a model with this contract is an image classifier (what /classify and the web demo take). */
export function isImageClassifier(contract: ModelContract): contract is ModelContract & { input: ImageInput } {
  return contract.input.kind === 'image' && (contract.output.kind === 'probabilities' || contract.output.kind === 'logits');
}

const COLOR_WORDS: Record<ColorOrder, string> = { GRAY: 'grayscale', RGB: 'RGB', BGR: 'BGR', RGBA: 'RGBA', BGRA: 'BGRA' };

const formatList = (values: readonly number[]) => values.map((v) => String(+v.toPrecision(6))).join(', ');

/** e.g. "64×64 grayscale, values in [−1, 1], NHWC" or "any size RGB, values in [0, 1], mean 0.485, … NCHW". */
export function describeInput(input: ImageInput | TensorInput): string {
  if (input.kind === 'tensor') return 'a tensor (not an image)';
  const size = input.height !== undefined && input.width !== undefined ? `${input.width}×${input.height}` : 'any size';
  const normalised = input.mean.some((m) => m !== 0) || input.std.some((s) => s !== 1)
    ? `, then − mean [${formatList(input.mean)}] ÷ std [${formatList(input.std)}]`
    : '';
  return `${size} ${COLOR_WORDS[input.color]}, values in [${formatList(input.range)}]${normalised}, ${input.layout}`;
}

/** e.g. "7 classes: angry, disgust, fear, …" or "class scores (logits), 1000 classes". */
export function describeOutput(output: ModelOutput, shown = 5): string {
  if (output.kind === 'image' || output.kind === 'tensor') return output.kind === 'image' ? 'an image' : 'a tensor';
  const kind = output.kind === 'logits' ? ' (logits)' : '';
  if (!output.labels) return `class indexes${kind}`;
  const names = output.labels.slice(0, shown).join(', ') + (output.labels.length > shown ? ', …' : '');
  return `${output.labels.length} classes${kind}: ${names}`;
}

/** Human names of the datasets the project trains on; other names are shown as they are. */
const DATASET_NAMES: Record<string, string> = {
  cifar10: 'CIFAR-10 (real photos, 32×32)',
  synthetic: 'synthetic shapes (generated drawings, not photos: it does not know real objects)',
};

export function describeDataset(dataset: string | undefined): string {
  if (dataset === undefined) return 'not recorded in the model';
  return DATASET_NAMES[dataset] ?? dataset;
}

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

/** How one output of the export compared with tfjs (or with the Keras formula where tfjs is wrong). */
export interface OutputParity {
  name: string;
  maxAbsDiff: number;
  maxRelDiff: number;
  /**
   * The element closest to (or furthest past) the tolerance, |Δ| / (atol + rtol·|ref|) — above 1 fails —
   * and where it is: the verification size, the input's number within it and the element's index.
   */
  worst: { ratio: number; size: number; sample: number; index: number[]; reference: number; actual: number };
  /** Only for outputs shaped like class scores ([N, classes]). */
  top1Agreement?: number;
}

/** A layer whose tfjs result is not the Keras definition; verification checks it against the formula. */
export interface TfjsDeviation {
  layer: string;
  className: string;
  problem: string;
  /** max |Δ| between tfjs' own outputs and the formula's, when tfjs runs the model at all. */
  tfjsMaxAbsDiff?: number;
}

export interface ParityReport {
  /** Over every output. */
  maxAbsDiff: number;
  maxRelDiff: number;
  /** Over the outputs shaped like class scores; absent when there are none. */
  top1Agreement?: number;
  /** Inputs compared, over all sizes. */
  count: number;
  atol?: number;
  rtol?: number;
  /** The input shapes verified (tfjs layout, batch first), one list of inputs per size. */
  sizes?: number[][][];
  outputs?: OutputParity[];
  tfjsDeviations?: TfjsDeviation[];
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
