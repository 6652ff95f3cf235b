// Inception10 of the tutorial (see seed-networks.md): stem ConvBNAct(16) → num_blocks × [InceptionBlk(c, 2),
// InceptionBlk(c, 1)] with c doubling per block (16, 32) → global average pooling → Dense + softmax.
// The tutorial has no quirk in this network beyond ConvBNAct's BatchNorm, so variants 'seed' and
// 'standard' build the same architecture.
import * as tf from '@tensorflow/tfjs';
import { classifierHead, convBNAct, type SeedSequence } from './blocks.ts';

export interface InceptionOptions {
  numClasses: number;
  numBlocks: number;
  initChannels: number;
}

/** Four branches on the same input, concatenated on the channel axis (4·ch output channels). */
function inceptionBlock(x: tf.SymbolicTensor, scope: string, ch: number, stride: number, seeds: SeedSequence): tf.SymbolicTensor {
  const b1 = convBNAct(x, `${scope}/branch1`, '1x1', { filters: ch, kernel: 1, stride }, seeds);

  const b2a = convBNAct(x, `${scope}/branch2`, '1x1', { filters: ch, kernel: 1, stride }, seeds);
  const b2 = convBNAct(b2a, `${scope}/branch2`, '3x3', { filters: ch, kernel: 3, stride: 1 }, seeds);

  const b3a = convBNAct(x, `${scope}/branch3`, '1x1', { filters: ch, kernel: 1, stride }, seeds);
  const b3 = convBNAct(b3a, `${scope}/branch3`, '5x5', { filters: ch, kernel: 5, stride: 1 }, seeds);

  const pooled = tf.layers
    .maxPooling2d({ name: `${scope}/branch4/maxpool3x3`, poolSize: 3, strides: 1, padding: 'same' })
    .apply(x) as tf.SymbolicTensor;
  const b4 = convBNAct(pooled, `${scope}/branch4`, '1x1', { filters: ch, kernel: 1, stride }, seeds);

  return tf.layers.concatenate({ name: `${scope}/concat`, axis: -1 }).apply([b1, b2, b3, b4]) as tf.SymbolicTensor;
}

export function buildInception10(input: tf.SymbolicTensor, options: InceptionOptions, seeds: SeedSequence): tf.SymbolicTensor {
  let x = convBNAct(input, 'stem', '', { filters: options.initChannels, kernel: 3, stride: 1 }, seeds);
  let ch = options.initChannels;
  for (let block = 1; block <= options.numBlocks; block++) {
    x = inceptionBlock(x, `block${block}/inception_a`, ch, 2, seeds);
    x = inceptionBlock(x, `block${block}/inception_b`, ch, 1, seeds);
    ch *= 2;
  }
  const features = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
  return classifierHead(features, options.numClasses, seeds);
}
