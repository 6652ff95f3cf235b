// ResNet of the tutorial (see seed-networks.md). Variant 'seed' reproduces the tutorial's behaviour: every
// stage, the first included, starts with a stride-2 block with a projection shortcut (its condition is
// always true), so 32×32 shrinks to 2×2, then AveragePooling2D(2) → 1×1. Variant 'standard' is the usual
// CIFAR ResNet: the first stage keeps stride 1 and the identity shortcut (32→32→16→8→4), and the final
// pooling averages the whole 4×4 map, so both variants end in the same 512→classes head.
import * as tf from '@tensorflow/tfjs';
import { batchNorm, classifierHead, conv, relu, type SeedSequence } from './blocks.ts';

export type ResNetVariant = 'seed' | 'standard';

export interface ResNetOptions {
  blocks: readonly number[];
  numClasses: number;
  initialFilters: number;
  variant: ResNetVariant;
}

/** Keras' `regularizers.l2()` default factor, which the tutorial's Dense uses. */
const DENSE_L2 = 0.01;

/** Main path conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus identity or 1×1-projection shortcut, then ReLU. */
function resBlock(
  x: tf.SymbolicTensor,
  scope: string,
  filters: number,
  stride: number,
  projection: boolean,
  seeds: SeedSequence,
): tf.SymbolicTensor {
  let y = conv(x, `${scope}/conv1`, { filters, kernel: 3, stride, useBias: false }, seeds);
  y = relu(batchNorm(y, `${scope}/bn1`), `${scope}/relu1`);
  y = conv(y, `${scope}/conv2`, { filters, kernel: 3, stride: 1, useBias: false }, seeds);
  y = batchNorm(y, `${scope}/bn2`);
  let shortcut = x;
  if (projection) {
    shortcut = conv(x, `${scope}/shortcut/conv`, { filters, kernel: 1, stride, useBias: false }, seeds);
    shortcut = batchNorm(shortcut, `${scope}/shortcut/bn`);
  }
  const sum = tf.layers.add({ name: `${scope}/add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return relu(sum, `${scope}/relu`);
}

export function buildResNet(input: tf.SymbolicTensor, options: ResNetOptions, seeds: SeedSequence): tf.SymbolicTensor {
  let x = conv(input, 'stem/conv', { filters: options.initialFilters, kernel: 3, stride: 1, useBias: false }, seeds);
  x = relu(batchNorm(x, 'stem/bn'), 'stem/relu');
  let size = input.shape[1] as number;
  options.blocks.forEach((count, stageIndex) => {
    const filters = options.initialFilters * 2 ** stageIndex;
    const downsample = options.variant === 'seed' || stageIndex > 0;
    for (let b = 0; b < count; b++) {
      const first = b === 0 && downsample;
      x = resBlock(x, `stage${stageIndex + 1}/block${b + 1}`, filters, first ? 2 : 1, first, seeds);
      if (first) size = Math.ceil(size / 2);
    }
  });
  const pool = options.variant === 'seed' ? 2 : size;
  x = tf.layers.averagePooling2d({ name: 'pool', poolSize: pool, strides: pool }).apply(x) as tf.SymbolicTensor;
  // The tutorial applies Dense to the [N,1,1,512] map directly; flattening gives the same numbers as [N,512].
  const features = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  return classifierHead(features, options.numClasses, seeds, tf.regularizers.l2({ l2: DENSE_L2 }));
}
