// How /classify feeds an image to a model, from the model's contract and signature: the contract's image
// input (colour, value range, mean/std, layout), the size the image is brought to (the model's, or the
// image's own for a model that takes any size), the shape of one input item, and the output ranked (with a
// softmax where it holds logits). A model /classify cannot take gets the reason instead, for a 422 that
// points at its v2 route.
import { describeInput, describeOutput, inputDims, isImageClassifier, PROBABILITIES_NAME, type ImageInput, type ModelContract, type PixelSize } from '@onnx-edge/core';
import type { ModelSignature } from './model-check.ts';

export interface ImageFeed {
  input: ImageInput;
  datatype: 'FP32' | 'FP16';
  /** The pixel size the model takes; undefined when it takes any (the image's own is kept). */
  size?: PixelSize;
  /** Whether an item keeps a leading dimension of 1 (a model that does not batch takes [1, …]). */
  leadingOne: boolean;
  /** The output whose rows are ranked, and whether they are logits (softmax first). */
  output: string;
  logits: boolean;
}

/** The shape of one item for an image of `size`. */
export function itemShape(feed: ImageFeed, size: PixelSize): number[] {
  const dims = inputDims(feed.input, size);
  return feed.leadingOne ? [1, ...dims] : dims;
}

const isFloat = (datatype: string) => datatype === 'FP32' || datatype === 'FP16' || datatype === 'FP64';

export function imageFeed(contract: ModelContract, signature: ModelSignature): ImageFeed | { refused: string } {
  if (!isImageClassifier(contract)) {
    return { refused: `is not an image classifier (its contract says: input ${describeInput(contract.input)}; output ${describeOutput(contract.output)})` };
  }
  const [input, ...others] = signature.inputs;
  if (!input || others.length > 0) return { refused: `takes ${signature.inputs.length} inputs, not one image` };
  if (input.datatype !== 'FP32' && input.datatype !== 'FP16') return { refused: `takes ${input.datatype} input '${input.name}', not an image of floats` };
  const batched = signature.maxBatchSize > 0;
  if (input.shape.length !== 4 || (!batched && input.shape[0] !== 1)) {
    return { refused: `takes input '${input.name}' of shape [${input.shape.join(',')}], not one image [N,C,H,W] or [N,H,W,C]` };
  }
  const ranked = signature.outputs.find((o) => o.name === PROBABILITIES_NAME) ?? signature.outputs[0];
  if (!ranked || !isFloat(ranked.datatype)) return { refused: 'gives no float class scores to rank' };
  const [height, width] = contract.input.layout === 'NCHW' ? input.shape.slice(2) : input.shape.slice(1, 3);
  const size = contract.input.height !== undefined && contract.input.width !== undefined
    ? { width: contract.input.width, height: contract.input.height }
    : height! > 0 && width! > 0 ? { width: width!, height: height! } : undefined;
  return { input: contract.input, datatype: input.datatype, ...(size ? { size } : {}), leadingOne: !batched, output: ranked.name, logits: contract.output.kind === 'logits' };
}
