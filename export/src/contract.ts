// The contract an export records (see @onnx-edge/core's contract): what the caller declares wins (flags of
// `onnx-edge export`, then the tfjs model's userDefinedMetadata), then what the compiled graph shows (an input
// [N,C,H,W] or [N,H,W,C] with 1, 3 or 4 channels is an image of that size; a class-score output ending in
// Softmax holds probabilities, one ending in a linear layer logits), then the seed networks' conventions
// (pixels ÷ 255, CIFAR-10's labels for a 32×32 RGB ten-class model).
import {
  CIFAR10_LABELS, channelsOf, checkPerChannel, IMAGE_SIZE, parseColor, parseLabels, parseNumberList, parseRange, PROBABILITIES_NAME,
  type ColorOrder, type ImageInput, type InputKind, type InputLayout, type ModelContract, type ModelOutput, type OutputKind,
} from '@onnx-edge/core';
import type { Graph, Value } from './ir/graph.ts';

/** What a caller declares about the model; every field optional. */
export interface ContractHints {
  inputKind?: InputKind;
  color?: ColorOrder;
  range?: [number, number];
  mean?: number[];
  std?: number[];
  outputKind?: OutputKind;
  labels?: string[];
  dataset?: string;
}

/** A declaration that contradicts the model or is malformed; one line naming the field and the fix. */
export class ContractHintError extends Error {
  override name = 'ContractHintError';
}

const OUTPUT_KIND_WORDS: readonly OutputKind[] = ['probabilities', 'logits', 'image', 'tensor'];
const INPUT_KIND_WORDS: readonly InputKind[] = ['image', 'tensor'];

/** A userDefinedMetadata value as the text the command line would take: [0, 1] → "0,1", 3 → "3". */
function asText(value: unknown, key: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'number'))) return String(value);
  throw new ContractHintError(`userDefinedMetadata.${key} must be a number, a list of numbers or a string, got ${JSON.stringify(value)}`);
}

function word<T extends string>(words: readonly T[], text: string, key: string): T {
  if (!(words as readonly string[]).includes(text)) throw new ContractHintError(`userDefinedMetadata.${key} must be one of ${words.join(', ')}, got "${text}"`);
  return text as T;
}

/**
 * The hints a tfjs model carries in its userDefinedMetadata (model.json), under the command line's names:
 * labels, inputRange, mean, std, channels, kind (the output's), inputKind, dataset. Other keys (tfjs-converter's
 * `signature`, a user's own) are not ours and are ignored.
 */
export function hintsFromUserMetadata(metadata: unknown): ContractHints {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return {};
  const given = metadata as Record<string, unknown>;
  const parse = <T>(key: string, parser: (text: string) => T): T | undefined => {
    if (given[key] === undefined) return undefined;
    try {
      return parser(asText(given[key], key));
    } catch (error) {
      if (error instanceof ContractHintError) throw error;
      throw new ContractHintError(`userDefinedMetadata.${key}: ${(error as Error).message}`);
    }
  };
  const hints: ContractHints = {
    range: parse('inputRange', parseRange),
    mean: parse('mean', (text) => parseNumberList(text)),
    std: parse('std', (text) => parseNumberList(text, true)),
    color: parse('channels', parseColor),
    outputKind: parse('kind', (text) => word(OUTPUT_KIND_WORDS, text, 'kind')),
    inputKind: parse('inputKind', (text) => word(INPUT_KIND_WORDS, text, 'inputKind')),
    dataset: parse('dataset', (text) => text),
  };
  if (given['labels'] !== undefined) {
    try {
      hints.labels = parseLabels(JSON.stringify(given['labels']));
    } catch (error) {
      throw new ContractHintError(`userDefinedMetadata.labels: ${(error as Error).message}`);
    }
  }
  return Object.fromEntries(Object.entries(hints).filter(([, v]) => v !== undefined)) as ContractHints;
}

const staticDim = (dim: number | string | undefined): number | undefined => (typeof dim === 'number' && dim > 0 ? dim : undefined);

/** The image the graph's input takes, when it is one: rank 4 float32 with 1, 3 or 4 channels. */
function imageShape(input: Value, layout: InputLayout): { channels: number; height?: number; width?: number } | undefined {
  const shape = input.shape;
  if (input.dtype !== 'float32' || shape?.length !== 4) return undefined;
  const [height, width, channels] = layout === 'NCHW' ? [shape[2], shape[3], shape[1]] : [shape[1], shape[2], shape[3]];
  if (channels !== 1 && channels !== 3 && channels !== 4) return undefined;
  const [h, w] = [staticDim(height), staticDim(width)];
  return { channels, ...(h !== undefined && w !== undefined ? { height: h, width: w } : {}) };
}

function describeShape(value: Value): string {
  return `'${value.name}' [${(value.shape ?? ['?']).join(',')}]`;
}

function imageInput(graph: Graph, layout: InputLayout, hints: ContractHints): ImageInput | undefined {
  const input = graph.inputs[0]!;
  const shape = graph.inputs.length === 1 ? imageShape(input, layout) : undefined;
  const imageOptions = Boolean(hints.color || hints.range || hints.mean || hints.std);
  if (hints.inputKind === 'tensor') {
    if (imageOptions) throw new ContractHintError('the input is declared a tensor, but image options (channels, input range, mean, std) were given too; drop them or declare --input-kind image');
    return undefined;
  }
  if (!shape) {
    if (hints.inputKind === 'image' || imageOptions) {
      throw new ContractHintError(`an image input is declared, but the model's input ${describeShape(input)} is not one image in ${layout} with 1, 3 or 4 channels; declare it a tensor (--input-kind tensor) or drop the image options`);
    }
    return undefined;
  }
  const color = hints.color ?? (shape.channels === 1 ? 'GRAY' : shape.channels === 3 ? 'RGB' : 'RGBA');
  if (channelsOf(color) !== shape.channels) {
    throw new ContractHintError(`the channels declared (${color}, ${channelsOf(color)}) do not match the model's input ${describeShape(input)} with ${shape.channels}; give --channels ${shape.channels}`);
  }
  const mean = hints.mean ?? [0];
  const std = hints.std ?? [1];
  for (const [what, values] of [['mean', mean], ['std', std]] as const) {
    try {
      checkPerChannel(values, shape.channels, what);
    } catch (error) {
      throw new ContractHintError(`${(error as Error).message}: the model's input has ${shape.channels}`);
    }
  }
  return { kind: 'image', ...(shape.height !== undefined ? { height: shape.height, width: shape.width } : {}), color, layout, range: hints.range ?? [0, 1], mean, std };
}

/** The output a classifier's answer is read from: `probabilities` where the model has it, else the first. */
export function scoredOutput(graph: Graph): Value {
  return graph.outputs.find((v) => v.name === PROBABILITIES_NAME) ?? graph.outputs[0]!;
}

/** Ops whose output, at the end of a classifier, holds unnormalised scores. */
const LINEAR_OPS = new Set(['Gemm', 'MatMul', 'Add']);

/** The layout of an image output: tfjs' NHWC, which the graph's outputs keep, or NCHW. */
function imageOutputLayout(output: Value): InputLayout | undefined {
  return (['NHWC', 'NCHW'] as const).find((layout) => imageShape(output, layout));
}

function derivedOutputKind(output: Value, input: ImageInput | undefined): OutputKind {
  const shape = output.shape ?? [];
  if (shape.length === 2 && staticDim(shape[1]) !== undefined) {
    if (output.producer?.opType === 'Softmax') return 'probabilities';
    if (LINEAR_OPS.has(output.producer?.opType ?? '')) return 'logits';
  }
  if (input && imageOutputLayout(output)) return 'image';
  return 'tensor';
}

function modelOutput(graph: Graph, input: ImageInput | undefined, hints: ContractHints): ModelOutput {
  const output = scoredOutput(graph);
  const kind = hints.outputKind ?? derivedOutputKind(output, input);
  const scores = kind === 'probabilities' || kind === 'logits';
  const classes = staticDim(output.shape?.at(-1));
  if (hints.labels && !scores) throw new ContractHintError(`labels were given, but the output ${describeShape(output)} is of kind '${kind}'; only class scores take labels (--kind probabilities or logits)`);
  if (hints.labels && classes !== undefined && hints.labels.length !== classes) {
    throw new ContractHintError(`${hints.labels.length} labels given, but the model's output ${describeShape(output)} has ${classes} classes`);
  }
  if (kind === 'image') {
    const layout = imageOutputLayout(output);
    if (!layout) throw new ContractHintError(`an image output is declared, but the model's output ${describeShape(output)} is not an image with 1, 3 or 4 channels; declare --kind tensor`);
    return { kind, range: input?.range ?? [0, 1], layout };
  }
  const isSeedShaped = input?.height === IMAGE_SIZE && input.width === IMAGE_SIZE && input.color === 'RGB' && classes === CIFAR10_LABELS.length;
  const labels = hints.labels ?? (scores && isSeedShaped ? [...CIFAR10_LABELS] : undefined);
  return { kind, ...(labels ? { labels } : {}) };
}

/** The contract of a compiled graph whose image input is laid out `layout`, given what the caller declared. */
export function buildContract(graph: Graph, layout: InputLayout, hints: ContractHints): ModelContract {
  const input = imageInput(graph, layout, hints);
  return {
    input: input ?? { kind: 'tensor' },
    output: modelOutput(graph, input, hints),
    ...(hints.dataset !== undefined ? { dataset: hints.dataset } : {}),
  };
}
