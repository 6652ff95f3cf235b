// The model's image input as the contract describes it: one float32 tensor of 32×32 RGB images, NCHW or NHWC
// (the layout from the model's metadata, else from where its 3 channels sit). Data that does not fit is refused
// here, before anything runs.
import type { Dim, Graph } from '../ir/graph.ts';
import { importModel } from '../onnx/import.ts';
import { IMAGE_CHANNELS, IMAGE_SIZE, METADATA_KEYS, type InputLayout } from '@onnx-edge/core';
import { QuantizeError } from './errors.ts';

export interface ImageInput {
  name: string;
  layout: InputLayout;
  /** [channels, height, width] or [height, width, channels], as the layout says. */
  dims: number[];
}

const fits = (dim: Dim | undefined, size: number) => dim === size || typeof dim === 'string';

export function imageInputOf(graph: Graph, metadata: Readonly<Record<string, string>>): ImageInput {
  const describe = () => graph.inputs.map((v) => `'${v.name}' ${v.dtype} [${(v.shape ?? []).join(',')}]`).join(', ');
  const refuse = () => new QuantizeError(`the images (${IMAGE_SIZE}×${IMAGE_SIZE} RGB, the contract's input) do not fit the model's input ${describe()}: it must take one float32 [N,${IMAGE_CHANNELS},${IMAGE_SIZE},${IMAGE_SIZE}] (NCHW) or [N,${IMAGE_SIZE},${IMAGE_SIZE},${IMAGE_CHANNELS}] (NHWC) tensor`);
  if (graph.inputs.length !== 1) throw refuse();
  const input = graph.inputs[0]!;
  const shape = input.shape ?? [];
  if (input.dtype !== 'float32' || shape.length !== 4) throw refuse();
  const declared = metadata[METADATA_KEYS.inputLayout];
  const layout: InputLayout = declared === 'NHWC' || declared === 'NCHW' ? declared : shape[3] === IMAGE_CHANNELS && shape[1] !== IMAGE_CHANNELS ? 'NHWC' : 'NCHW';
  const [c, h, w] = layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]];
  if (!fits(c, IMAGE_CHANNELS) || !fits(h, IMAGE_SIZE) || !fits(w, IMAGE_SIZE)) throw refuse();
  return {
    name: input.name,
    layout,
    dims: layout === 'NCHW' ? [IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE] : [IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS],
  };
}

/** The image input of a model file, read through the importer (for callers holding bytes, not a graph). */
export function imageInputOfModel(bytes: Uint8Array): ImageInput {
  const { graph, metadata } = importModel(bytes);
  return imageInputOf(graph, Object.fromEntries(metadata));
}
