// Trainable variables ⇄ one flat Float32Array, in the model's variable order (the same in every replica,
// since each builds the same network).
import * as tf from '@tensorflow/tfjs';

export function flatten(tensors: tf.Tensor[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, at);
    at += t.size;
  }
  return out;
}

export function assignFlat(variables: tf.Variable[], flat: Float32Array): void {
  let at = 0;
  for (const v of variables) {
    tf.tidy(() => v.assign(tf.tensor(flat.subarray(at, at + v.size), v.shape)));
    at += v.size;
  }
}

/** Views of `flat` shaped like each variable (tensors the caller disposes). */
export function unflatten(variables: tf.Variable[], flat: Float32Array): tf.Tensor[] {
  let at = 0;
  return variables.map((v) => {
    const t = tf.tensor(flat.subarray(at, at + v.size), v.shape);
    at += v.size;
    return t;
  });
}
