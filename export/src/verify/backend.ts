// tfjs backend for verification in Node: wasm (fast, exact float32), else tfjs' cpu backend.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export async function useVerificationBackend(): Promise<string> {
  if (tf.getBackend() !== 'wasm') {
    const ok = await tf.setBackend('wasm').catch(() => false);
    if (!ok) await tf.setBackend('cpu');
  }
  await tf.ready();
  return tf.getBackend();
}
