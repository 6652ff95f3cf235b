// buildNetwork: the one entry point that names the seed networks and their variants.
import * as tf from '@tensorflow/tfjs';
import { NETWORK_NAMES, VARIANTS, type NetworkName, type Variant } from '@onnx-edge/core';
import { SeedSequence } from './blocks.ts';
import { buildInception10 } from './inception.ts';
import { buildResNet } from './resnet.ts';


export interface BuildOptions {
  variant?: Variant;
  numClasses?: number;
  /** Base seed of every weight initialiser; omitted → a random one (Keras' behaviour). */
  seed?: number;
}

/** Side, channels of the input image; the input layer is named 'input', NHWC as tfjs expects. */
export const INPUT_SHAPE = [32, 32, 3] as const;

const RESNET_BLOCKS: Record<'resnet18' | 'resnet34', readonly number[]> = {
  resnet18: [2, 2, 2, 2],
  resnet34: [3, 4, 6, 3],
};

/** Builds a seed network as a functional tf.LayersModel: input 'input' [N,32,32,3] → output 'probabilities' [N,classes]. */
export function buildNetwork(name: NetworkName, options: BuildOptions = {}): tf.LayersModel {
  const variant = options.variant ?? 'seed';
  const numClasses = options.numClasses ?? 10;
  if (!NETWORK_NAMES.includes(name)) throw new Error(`unknown network '${name}': use one of ${NETWORK_NAMES.join(', ')}`);
  if (!VARIANTS.includes(variant)) throw new Error(`unknown variant '${variant}': use one of ${VARIANTS.join(', ')}`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses must be an integer ≥ 2, got ${numClasses}`);
  const seeds = new SeedSequence(options.seed ?? Math.floor(Math.random() * 2 ** 31));

  const input = tf.input({ name: 'input', shape: [...INPUT_SHAPE] });
  const output =
    name === 'inception10'
      ? buildInception10(input, { numClasses, numBlocks: 2, initChannels: 16 }, seeds)
      : buildResNet(input, { blocks: RESNET_BLOCKS[name], numClasses, initialFilters: 64, variant }, seeds);
  return tf.model({ name: variant === 'seed' ? name : `${name}_${variant}`, inputs: input, outputs: output });
}
