// Building blocks shared by the seed networks. Every layer gets a readable, path-like name
// ('stage2/block1/shortcut/conv') and every random initialiser an explicit seed, so that a network built
// twice with the same seed has the same weights.
import * as tf from '@tensorflow/tfjs';

/** Hands out one distinct seed per initialiser, in build order, from a base seed. */
export class SeedSequence {
  private next: number;
  constructor(base: number) {
    this.next = base;
  }
  /** Glorot-uniform, Keras' default kernel initialiser, with the next seed. */
  glorotUniform(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.next++ });
  }
}

export interface ConvSpec {
  filters: number;
  kernel: number;
  stride: number;
  useBias: boolean;
}

/** Conv2D with padding 'same' (the only padding the seed networks use). */
export function conv(x: tf.SymbolicTensor, name: string, spec: ConvSpec, seeds: SeedSequence): tf.SymbolicTensor {
  return tf.layers
    .conv2d({
      name,
      filters: spec.filters,
      kernelSize: spec.kernel,
      strides: spec.stride,
      padding: 'same',
      useBias: spec.useBias,
      kernelInitializer: seeds.glorotUniform(),
    })
    .apply(x) as tf.SymbolicTensor;
}

/** BatchNormalization with Keras' defaults (momentum 0.99, epsilon 1e-3), trained normally. */
export function batchNorm(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.batchNormalization({ name }).apply(x) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ name, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
}

/**
 * The tutorial's ConvBNAct: Conv2D (with bias) → BatchNormalization → ReLU. Layers are named
 * `<scope>/conv<tag>`, `<scope>/bn<tag>`, `<scope>/relu<tag>` (tag e.g. '5x5', or '' for the stem).
 *
 * The tutorial runs the BatchNormalization with training=False even while training (its quirk); we train
 * it normally: batch statistics while training, moving averages at inference.
 */
export function convBNAct(
  x: tf.SymbolicTensor,
  scope: string,
  tag: string,
  spec: { filters: number; kernel: number; stride: number },
  seeds: SeedSequence,
): tf.SymbolicTensor {
  const y = conv(x, `${scope}/conv${tag}`, { ...spec, useBias: true }, seeds);
  return relu(batchNorm(y, `${scope}/bn${tag}`), `${scope}/relu${tag}`);
}

/** The classifier head: Dense logits (linear) then a softmax layer named 'probabilities'. */
export function classifierHead(
  features: tf.SymbolicTensor,
  numClasses: number,
  seeds: SeedSequence,
  kernelRegularizer?: ReturnType<typeof tf.regularizers.l2>,
): tf.SymbolicTensor {
  const logits = tf.layers
    .dense({ name: 'logits', units: numClasses, kernelInitializer: seeds.glorotUniform(), kernelRegularizer })
    .apply(features) as tf.SymbolicTensor;
  return tf.layers.activation({ name: 'probabilities', activation: 'softmax' }).apply(logits) as tf.SymbolicTensor;
}
