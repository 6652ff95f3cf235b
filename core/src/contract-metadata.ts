// The contract in ONNX metadata_props: one writer (contract → key/value entries) and one reader (entries →
// contract, every field validated). Each field is a plain string, readable in Netron or onnx's Python API:
// numbers and lists as text ("0,1", "0.485,0.456,0.406"), labels as a JSON array. A file exported before the
// contract was recorded has no input_kind entry; it reads as the seed contract, with the labels, layout, scale
// and dataset it does carry. The value parsers are exported for the command line, whose flags take the same
// text as the metadata holds.
import {
  CIFAR10_LABELS, channelsOf, COLOR_ORDERS, INPUT_KINDS, INPUT_LAYOUTS, OUTPUT_KINDS, SEED_CONTRACT, SEED_IMAGE_INPUT,
  type ColorOrder, type ImageInput, type ModelContract, type ModelOutput, type OutputKind,
} from './contract.ts';

/** Keys of ONNX `metadata_props` written by the exporter (what each holds: METADATA_ENTRY_DOCS). */
export const METADATA_KEYS = {
  inputKind: 'onnx_edge.input_kind',
  inputHeight: 'onnx_edge.input_height',
  inputWidth: 'onnx_edge.input_width',
  inputChannels: 'onnx_edge.input_channels',
  inputColor: 'onnx_edge.input_color',
  inputLayout: 'onnx_edge.input_layout',
  inputRange: 'onnx_edge.input_range',
  inputMean: 'onnx_edge.input_mean',
  inputStd: 'onnx_edge.input_std',
  inputScale: 'onnx_edge.input_scale',
  outputKind: 'onnx_edge.output_kind',
  outputRange: 'onnx_edge.output_range',
  outputLayout: 'onnx_edge.output_layout',
  labels: 'onnx_edge.labels',
  dataset: 'onnx_edge.dataset',
  sourceModelSha256: 'onnx_edge.source_model_sha256',
  producerVersion: 'onnx_edge.producer_version',
  parity: 'onnx_edge.parity',
  quantization: 'onnx_edge.quantization',
} as const;

/** What each entry holds, for people and tools reading a file (docs/CONTRACT.md is generated from this). */
export const METADATA_ENTRY_DOCS: Record<keyof typeof METADATA_KEYS, { values: string; meaning: string }> = {
  inputKind: { values: '`image` | `tensor`', meaning: 'What the input is. Its presence marks a file that records the contract; a file without it reads as the seed contract.' },
  inputHeight: { values: 'pixels, e.g. `64`', meaning: 'Height of the image the model takes; absent (with the width) when it takes any size.' },
  inputWidth: { values: 'pixels, e.g. `64`', meaning: 'Width of the image the model takes; absent (with the height) when it takes any size.' },
  inputChannels: { values: '`1` | `3` | `4`', meaning: 'Channels of the image input; agrees with the colour order.' },
  inputColor: { values: '`GRAY` | `RGB` | `BGR` | `RGBA` | `BGRA`', meaning: 'The channels in order. GRAY is the BT.601 luma (0.299 R + 0.587 G + 0.114 B); alpha comes last.' },
  inputLayout: { values: '`NCHW` | `NHWC`', meaning: 'Layout of the image input tensor.' },
  inputRange: { values: '`lo,hi`, e.g. `0,1`, `-1,1`, `0,255`', meaning: 'The values pixels 0..255 are mapped onto, linearly: `lo + p/255·(hi − lo)`.' },
  inputMean: { values: 'one number, or one per channel', meaning: 'Subtracted after the range (default 0).' },
  inputStd: { values: 'one number above 0, or one per channel', meaning: 'Divided by after the mean (default 1).' },
  inputScale: { values: 'a number, e.g. `0.00392156862745098`', meaning: 'Files exported before the contract: pixels 0..255 multiplied by it. Read, no longer written.' },
  outputKind: { values: '`probabilities` | `logits` | `image` | `tensor`', meaning: 'What the output holds: class probabilities, class scores that take a softmax, an image, or anything else.' },
  outputRange: { values: '`lo,hi`', meaning: 'Image outputs only: the values that map back onto pixels 0..255.' },
  outputLayout: { values: '`NCHW` | `NHWC`', meaning: 'Image outputs only: the layout of the output tensor.' },
  labels: { values: 'JSON array of strings', meaning: 'Class names in index order, for class scores; absent means class indexes.' },
  dataset: { values: 'a name, e.g. `cifar10`, `synthetic`', meaning: 'What the model was trained on; the web demo shows it and offers examples of it.' },
  sourceModelSha256: { values: 'hex', meaning: 'SHA-256 of the tfjs model the file was compiled from (topology and weights).' },
  producerVersion: { values: 'a version', meaning: 'The onnx-edge version that wrote the file.' },
  parity: { values: 'JSON `{maxAbsDiff, maxRelDiff, top1Agreement, count}`', meaning: 'The verification against tfjs, when the export was verified.' },
  quantization: {
    values: 'JSON `{precision, floatModelSha256, keptFloat, weights, activations, method?, biasCorrection?, calibrationCount?, calibrationSha256?, calibrationData?, verification?}`',
    meaning: "How 'onnx-edge quantize' made the file (int8 or fp16) from the float one with that SHA-256: the calibration method, image count and SHA-256 of the images' pixels, and the comparison with the float model when verified.",
  },
};

/** A model file whose contract entries are missing or malformed; the message names the entry and the fix. */
export class ContractError extends Error {
  override name = 'ContractError';
}

/** Longest side a contract may declare: far above any image model, low enough to refuse nonsense. */
const MAX_SIDE = 65_536;

// Value parsers: text → value, or a RangeError saying what was expected (callers name the field).

function numbers(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  if (parts.some((part) => part === '') || values.some((v) => !Number.isFinite(v))) throw new RangeError(`expected comma-separated numbers, got "${text}"`);
  return values;
}

/** "lo,hi" with lo < hi, e.g. "0,1", "-1,1", "0,255". */
export function parseRange(text: string): [number, number] {
  const values = numbers(text);
  if (values.length !== 2 || values[0]! >= values[1]!) throw new RangeError(`expected "lo,hi" with lo < hi (e.g. 0,1 or -1,1 or 0,255), got "${text}"`);
  return [values[0]!, values[1]!];
}

/** One number, or one per channel: "0.5" or "0.485,0.456,0.406". */
export function parseNumberList(text: string, positive = false): number[] {
  const values = numbers(text);
  if (positive && values.some((v) => v <= 0)) throw new RangeError(`expected numbers above 0, got "${text}"`);
  return values;
}

/** A colour order by name (any case) or by channel count: 1 → GRAY, 3 → RGB, 4 → RGBA. */
export function parseColor(text: string): ColorOrder {
  const byCount: Record<string, ColorOrder> = { 1: 'GRAY', 3: 'RGB', 4: 'RGBA' };
  const color = byCount[text] ?? text.toUpperCase();
  if (!(COLOR_ORDERS as readonly string[]).includes(color)) throw new RangeError(`expected 1, 3, 4 or one of ${COLOR_ORDERS.join(', ')} (any case), got "${text}"`);
  return color as ColorOrder;
}

/** A JSON array of strings. */
export function parseLabels(text: string): string[] {
  let labels: unknown;
  try {
    labels = JSON.parse(text);
  } catch {
    throw new RangeError('expected a JSON array of class names, got text that is not JSON');
  }
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => typeof l === 'string')) throw new RangeError('expected a non-empty JSON array of class names');
  return labels;
}

function parseChoice<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) throw new RangeError(`expected one of ${choices.join(', ')}, got "${text}"`);
    return text as T;
  };
}

function parseSide(text: string): number {
  const side = Number(text);
  if (!/^\d+$/.test(text) || side < 1 || side > MAX_SIDE) throw new RangeError(`expected a whole number of pixels from 1 to ${MAX_SIDE}, got "${text}"`);
  return side;
}

/** Checks that a mean or std list fits the channel count (one value for all, or one each). */
export function checkPerChannel(values: readonly number[], channels: number, what: string): void {
  if (values.length !== 1 && values.length !== channels) throw new RangeError(`${what} has ${values.length} values; give one, or one per channel (${channels})`);
}

// The writer.

const formatNumbers = (values: readonly number[]) => values.map(String).join(',');

/** The contract's metadata_props entries, in a fixed order (exports are byte-for-byte deterministic). */
export function contractToMetadata(contract: ModelContract): [string, string][] {
  const entries: [string, string][] = [[METADATA_KEYS.inputKind, contract.input.kind]];
  const { input, output } = contract;
  if (input.kind === 'image') {
    if (input.height !== undefined) entries.push([METADATA_KEYS.inputHeight, String(input.height)]);
    if (input.width !== undefined) entries.push([METADATA_KEYS.inputWidth, String(input.width)]);
    entries.push(
      [METADATA_KEYS.inputChannels, String(channelsOf(input.color))],
      [METADATA_KEYS.inputColor, input.color],
      [METADATA_KEYS.inputLayout, input.layout],
      [METADATA_KEYS.inputRange, formatNumbers(input.range)],
      [METADATA_KEYS.inputMean, formatNumbers(input.mean)],
      [METADATA_KEYS.inputStd, formatNumbers(input.std)],
    );
  }
  entries.push([METADATA_KEYS.outputKind, output.kind]);
  if (output.range) entries.push([METADATA_KEYS.outputRange, formatNumbers(output.range)]);
  if (output.layout) entries.push([METADATA_KEYS.outputLayout, output.layout]);
  if (output.labels) entries.push([METADATA_KEYS.labels, JSON.stringify(output.labels)]);
  if (contract.dataset !== undefined) entries.push([METADATA_KEYS.dataset, contract.dataset]);
  return entries;
}

// The reader.

type Metadata = Readonly<Record<string, string | undefined>>;

/** Reads one entry through its parser; a bad value is a ContractError naming the entry. */
function field<T>(metadata: Metadata, key: string, parse: (text: string) => T): T | undefined {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    throw new ContractError(`metadata entry ${key}: ${(error as Error).message}; re-export the model with 'onnx-edge export' to rewrite its contract`);
  }
}

function required<T>(metadata: Metadata, key: string, parse: (text: string) => T): T {
  const value = field(metadata, key, parse);
  if (value === undefined) throw new ContractError(`metadata entry ${key} is missing although ${METADATA_KEYS.inputKind} is set; re-export the model with 'onnx-edge export'`);
  return value;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new ContractError(`${message}; re-export the model with 'onnx-edge export' to rewrite its contract`);
}

function readImageInput(metadata: Metadata): ImageInput {
  const color = required(metadata, METADATA_KEYS.inputColor, parseColor);
  const channels = required(metadata, METADATA_KEYS.inputChannels, parseChoice(['1', '3', '4']));
  check(Number(channels) === channelsOf(color), `metadata entries ${METADATA_KEYS.inputChannels} (${channels}) and ${METADATA_KEYS.inputColor} (${color}) disagree`);
  const height = field(metadata, METADATA_KEYS.inputHeight, parseSide);
  const width = field(metadata, METADATA_KEYS.inputWidth, parseSide);
  check((height === undefined) === (width === undefined), `metadata gives only one of ${METADATA_KEYS.inputHeight} and ${METADATA_KEYS.inputWidth}`);
  const mean = field(metadata, METADATA_KEYS.inputMean, (text) => parseNumberList(text)) ?? [0];
  const std = field(metadata, METADATA_KEYS.inputStd, (text) => parseNumberList(text, true)) ?? [1];
  for (const [key, values] of [[METADATA_KEYS.inputMean, mean], [METADATA_KEYS.inputStd, std]] as const) {
    check(values.length === 1 || values.length === channelsOf(color), `metadata entry ${key} has ${values.length} values for ${channels} channels; it takes one, or one per channel`);
  }
  return {
    kind: 'image',
    ...(height !== undefined && width !== undefined ? { height, width } : {}),
    color,
    layout: required(metadata, METADATA_KEYS.inputLayout, parseChoice(INPUT_LAYOUTS)),
    range: required(metadata, METADATA_KEYS.inputRange, parseRange),
    mean,
    std,
  };
}

function readOutput(metadata: Metadata): ModelOutput {
  const kind: OutputKind = required(metadata, METADATA_KEYS.outputKind, parseChoice(OUTPUT_KINDS));
  const labels = field(metadata, METADATA_KEYS.labels, parseLabels);
  check(!labels || kind === 'probabilities' || kind === 'logits', `metadata has ${METADATA_KEYS.labels} for an output of kind '${kind}'; only class scores have labels`);
  if (kind === 'image') {
    return { kind, range: required(metadata, METADATA_KEYS.outputRange, parseRange), layout: required(metadata, METADATA_KEYS.outputLayout, parseChoice(INPUT_LAYOUTS)) };
  }
  for (const key of [METADATA_KEYS.outputRange, METADATA_KEYS.outputLayout]) {
    check(metadata[key] === undefined, `metadata has ${key} for an output of kind '${kind}'; only an image output has one`);
  }
  return { kind, ...(labels ? { labels } : {}) };
}

/** A file from before the contract: the seed contract, with the entries such files carried. */
function readSeedContract(metadata: Metadata): ModelContract {
  const scale = field(metadata, METADATA_KEYS.inputScale, (text) => parseNumberList(text, true)[0]!);
  const input: ImageInput = {
    ...SEED_IMAGE_INPUT,
    layout: field(metadata, METADATA_KEYS.inputLayout, parseChoice(INPUT_LAYOUTS)) ?? SEED_IMAGE_INPUT.layout,
    color: field(metadata, METADATA_KEYS.inputColor, parseColor) ?? SEED_IMAGE_INPUT.color,
    ...(scale !== undefined ? { range: [0, 255 * scale] as const } : {}),
  };
  check(channelsOf(input.color) === 3, `metadata entry ${METADATA_KEYS.inputColor} is ${input.color}, but a file without ${METADATA_KEYS.inputKind} takes 3-channel images`);
  const labels = field(metadata, METADATA_KEYS.labels, parseLabels) ?? CIFAR10_LABELS;
  const dataset = metadata[METADATA_KEYS.dataset];
  return { input, output: { ...SEED_CONTRACT.output, labels }, ...(dataset !== undefined ? { dataset } : {}) };
}

/**
 * The model's contract from its metadata_props (readOnnxMetadata). Throws ContractError when an entry is
 * malformed or entries disagree; a file without the input_kind entry reads as the seed contract.
 */
export function contractFromMetadata(metadata: Metadata): ModelContract {
  const kind = field(metadata, METADATA_KEYS.inputKind, parseChoice(INPUT_KINDS));
  if (kind === undefined) return readSeedContract(metadata);
  const dataset = metadata[METADATA_KEYS.dataset];
  return {
    input: kind === 'image' ? readImageInput(metadata) : { kind: 'tensor' },
    output: readOutput(metadata),
    ...(dataset !== undefined && dataset !== '' ? { dataset } : {}),
  };
}
