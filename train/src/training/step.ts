// One optimisation step and one evaluation pass, as Keras' model.fit does them: sparse categorical
// cross-entropy on the softmax output (probabilities clipped to [1e-7, 1-1e-7] like Keras), plus the layers'
// regularisation losses (ResNet's L2 on the Dense kernel), and sparse categorical accuracy.
import * as tf from '@tensorflow/tfjs';
import { batches } from '../data/batches.ts';
import type { CifarDataset } from '../data/format.ts';

const KERAS_EPSILON = 1e-7;

export function sparseCategoricalCrossentropy(labels: tf.Tensor1D, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(probabilities, KERAS_EPSILON, 1 - KERAS_EPSILON);
    const picked = tf.sum(tf.mul(tf.oneHot(labels, probabilities.shape[1]!), tf.log(clipped)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}

export function sparseCategoricalAccuracy(labels: tf.Tensor1D, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(probabilities, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar);
}

export interface BatchResult {
  loss: number;
  accuracy: number;
}

/** The variables Adam updates, in the model's (stable) order, which the optimizer state relies on. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * The training objective of one batch (cross-entropy + regularisation), BatchNorm in training mode (it
 * updates its moving statistics). Call inside tf.variableGrads / optimizer.minimize; the batch accuracy is
 * handed to `onAccuracy` as a kept tensor the caller disposes.
 */
export function batchObjective(model: tf.LayersModel, xs: tf.Tensor4D, ys: tf.Tensor1D, onAccuracy: (accuracy: tf.Scalar) => void): tf.Scalar {
  const probabilities = model.apply(xs, { training: true }) as tf.Tensor;
  onAccuracy(tf.keep(sparseCategoricalAccuracy(ys, probabilities)));
  const regularisation = model.calculateLosses();
  const crossEntropy = sparseCategoricalCrossentropy(ys, probabilities);
  return regularisation.length > 0 ? (tf.addN([crossEntropy, ...regularisation]) as tf.Scalar) : crossEntropy;
}

/** A scalar's value, read asynchronously: WebGPU in Node has no synchronous readback (dataSync). */
async function readScalar(scalar: tf.Tensor): Promise<number> {
  return (await scalar.data())[0]!;
}

/** One step of Adam on one batch. */
export async function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer, variables: tf.Variable[], xs: tf.Tensor4D, ys: tf.Tensor1D): Promise<BatchResult> {
  let accuracy: tf.Scalar | undefined;
  const loss = optimizer.minimize(() => batchObjective(model, xs, ys, (a) => (accuracy = a)), true, variables)!;
  try {
    return { loss: await readScalar(loss), accuracy: await readScalar(accuracy!) };
  } finally {
    tf.dispose([loss, accuracy!]);
  }
}

const EVALUATION_BATCH = 256;

/** Loss and accuracy over a whole dataset in inference mode (BatchNorm on moving averages), like model.evaluate. */
export async function evaluate(model: tf.LayersModel, dataset: CifarDataset, yieldToEventLoop: () => Promise<void>): Promise<BatchResult> {
  let lossSum = 0;
  let correct = 0;
  for (const { xs, ys } of batches(dataset, { batchSize: EVALUATION_BATCH })) {
    const [lossTensor, accuracyTensor] = tf.tidy(() => {
      const probabilities = model.predict(xs) as tf.Tensor;
      const regularisation = model.calculateLosses();
      const crossEntropy = sparseCategoricalCrossentropy(ys, probabilities);
      const total = regularisation.length > 0 ? tf.addN([crossEntropy, ...regularisation]) : crossEntropy;
      return [total, sparseCategoricalAccuracy(ys, probabilities)];
    });
    const loss = await readScalar(lossTensor);
    const accuracy = await readScalar(accuracyTensor);
    lossSum += loss * xs.shape[0];
    correct += accuracy * xs.shape[0];
    tf.dispose([xs, ys, lossTensor, accuracyTensor]);
    await yieldToEventLoop();
  }
  return { loss: lossSum / dataset.count, accuracy: correct / dataset.count };
}
