// The model's image input as its contract describes it (size, colour order, value range, mean/std, layout:
// @onnx-edge/core's contract, read from the file's metadata), checked against the graph's input before
// anything runs; and the batches of model input made from real images through that contract, as the server
// and the web demo make theirs (area resize, then imageToInput).
import {
  channelsOf, contractFromMetadata, describeInput, imageToInput, inputDims, inputSize, type ImageInput, type PixelSize,
} from '@onnx-edge/core';
import type { Dim, Graph } from '../ir/graph.ts';
import { importModel } from '../onnx/import.ts';
import { QuantizeError } from './errors.ts';
import type { ImageSet } from './images.ts';

export interface ModelImageInput {
  /** The graph input's name. */
  name: string;
  image: ImageInput;
  /** The output's class names, when it has them. */
  labels: readonly string[] | undefined;
}

const fits = (dim: Dim | undefined, size: number | undefined) => typeof dim === 'string' || size === undefined || dim === size;

export function imageInputOf(graph: Graph, metadata: Readonly<Record<string, string>>): ModelImageInput {
  const contract = contractFromMetadata(metadata);
  const describe = () => graph.inputs.map((v) => `'${v.name}' ${v.dtype} [${(v.shape ?? []).join(',')}]`).join(', ');
  if (contract.input.kind !== 'image') throw new QuantizeError(`the model's contract says its input is ${describeInput(contract.input)}: calibration and verification feed it images; give it an image contract when exporting (--input-kind image)`);
  const image = contract.input;
  const refuse = () => new QuantizeError(`images do not fit the model's input ${describe()}: its contract says ${describeInput(image)}`);
  if (graph.inputs.length !== 1) throw refuse();
  const input = graph.inputs[0]!;
  const shape = input.shape ?? [];
  if (input.dtype !== 'float32' || shape.length !== 4) throw refuse();
  const [c, h, w] = image.layout === 'NCHW' ? [shape[1], shape[2], shape[3]] : [shape[3], shape[1], shape[2]];
  if (!fits(c, channelsOf(image.color)) || !fits(h, image.height) || !fits(w, image.width)) throw refuse();
  return { name: input.name, image, labels: contract.output.labels };
}

/** The image input of a model file, read through the importer (for callers holding bytes, not a graph). */
export function imageInputOfModel(bytes: Uint8Array): ModelImageInput {
  const { graph, metadata } = importModel(bytes);
  return imageInputOf(graph, Object.fromEntries(metadata));
}

export interface ModelBatch {
  start: number;
  n: number;
  /** The images' RGB bytes at the model's size (what calibration hashes). */
  pixels: Uint8Array;
  data: Float32Array;
  dims: number[];
}

/** The images in batches of model input: at the model's size (a model of any size: the first image's). */
export async function* modelBatches(input: ModelImageInput, images: ImageSet, batchSize: number): AsyncGenerator<ModelBatch> {
  const size: PixelSize = inputSize(input.image, await images.firstSize());
  const item = inputDims(input.image, size);
  const perImage = item.reduce((a, b) => a * b, 1);
  const rgbBytes = size.width * size.height * 3;
  for (let start = 0; start < images.count; start += batchSize) {
    const n = Math.min(batchSize, images.count - start);
    const pixels = await images.pixels(start, n, size);
    const data = new Float32Array(n * perImage);
    for (let i = 0; i < n; i++) imageToInput(pixels.subarray(i * rgbBytes, (i + 1) * rgbBytes), 3, size, input.image, data, i * perImage);
    yield { start, n, pixels, data, dims: [n, ...item] };
  }
}
