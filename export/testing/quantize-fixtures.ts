// Test support for the quantizer: a small classifier holding every op class the int8 plan treats (Conv+BN+ReLU,
// MaxPool, Concat, Add, GlobalAveragePool, Dense+softmax) on the contract's 32×32 RGB input, exported by the
// real exporter; and what onnxruntime turns a file into (the op counts of its optimised graph), which is how
// the tests see whether the QDQ groups were fused into integer kernels.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnx } from '@onnx-edge/proto';
import { exportModel } from '../src/export.ts';

/** Seeded Glorot initialisers, one seed per layer, so that the model is the same on every run. */
let nextSeed = 1;
const kernelInitializer = () => tf.initializers.glorotUniform({ seed: nextSeed++ });

function convBnRelu(x: tf.SymbolicTensor, filters: number, kernelSize: number, strides = 1): tf.SymbolicTensor {
  const conv = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', kernelInitializer: kernelInitializer() }).apply(x) as tf.SymbolicTensor;
  // A short momentum: moving statistics that follow a brief training (Keras' 0.99 lags for hundreds of steps).
  const bn = tf.layers.batchNormalization({ momentum: 0.5 }).apply(conv) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu' }).apply(bn) as tf.SymbolicTensor;
}

/** Stem conv, an inception-like block (Concat with a MaxPool branch), a residual Add, GAP, Dense softmax. */
export function smallClassifier(seed = 1): tf.LayersModel {
  nextSeed = seed * 100;
  const input = tf.input({ shape: [32, 32, 3] });
  const stem = convBnRelu(input, 8, 3, 2);
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(stem) as tf.SymbolicTensor;
  const branches = [convBnRelu(stem, 8, 1), convBnRelu(convBnRelu(stem, 8, 1), 8, 3), convBnRelu(pooled, 8, 1)];
  const block = tf.layers.concatenate({}).apply(branches) as tf.SymbolicTensor;
  const shortcut = tf.layers.conv2d({ filters: 24, kernelSize: 1, useBias: false, kernelInitializer: kernelInitializer() }).apply(block) as tf.SymbolicTensor;
  const main = tf.layers.conv2d({ filters: 24, kernelSize: 3, padding: 'same', kernelInitializer: kernelInitializer() }).apply(block) as tf.SymbolicTensor;
  const sum = tf.layers.add({}).apply([main, shortcut]) as tf.SymbolicTensor;
  const relu = tf.layers.activation({ activation: 'relu' }).apply(sum) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(relu) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: kernelInitializer() }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** The small classifier as exported, untrained (its seeded initial weights). */
export function smallClassifierOnnx(seed = 1): Uint8Array {
  const model = smallClassifier(seed);
  try {
    return exportModel(model, { contract: { dataset: 'cifar10' } }).bytes;
  } finally {
    model.dispose();
  }
}

/**
 * The small classifier trained for two passes over `images` (NHWC, [0,1]) so that its predictions spread over the
 * classes (an untrained one answers one class for everything, which any quantization agrees with), exported.
 */
export async function trainedSmallClassifierOnnx(images: Float32Array, labels: Uint8Array, seed = 1): Promise<Uint8Array> {
  const model = smallClassifier(seed);
  try {
    model.compile({ optimizer: tf.train.adam(3e-3), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.tensor4d(images, [labels.length, 32, 32, 3]);
    const y = tf.tensor1d(Float32Array.from(labels));
    await model.fit(x, y, { batchSize: 32, epochs: 2, shuffle: false, verbose: 0 });
    tf.dispose([x, y]);
    return exportModel(model, { contract: { dataset: 'cifar10' } }).bytes;
  } finally {
    model.dispose();
  }
}

/** Op counts of the graph onnxruntime runs after its optimisations (any domain), e.g. QLinearConv. */
export async function ortOptimizedOps(bytes: Uint8Array): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'ort-optimized-'));
  try {
    const path = join(dir, 'optimized.onnx');
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', optimizedModelFilePath: path, logSeverityLevel: 3 });
    await session.release();
    const counts: Record<string, number> = {};
    for (const node of onnx.ModelProto.decode(await readFile(path)).graph?.node ?? []) counts[node.opType!] = (counts[node.opType!] ?? 0) + 1;
    return counts;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
