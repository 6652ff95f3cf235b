// Runs inside the web demo's page, bundled and injected by `bench browser`: tfjs on its WebAssembly backend
// with the seed network the demo's ONNX file was exported from (same builder, same seed, so the same
// weights), timed as the demo times onnxruntime-web: one image (batch 1) per call, from input to the
// probabilities read back. It is the page's tfjs peer, measured between the demo's own runs.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { buildNetwork } from '@onnx-edge/train/networks';
import type { NetworkName } from '@onnx-edge/core';

export interface TfjsPeerInfo {
  backend: string;
  threads: number;
  /** Building the network and the first call (kernel set-up), ms. */
  setupMs: number;
}

export interface TfjsPeer {
  load(network: NetworkName, seed: number, wasmBase: string): Promise<TfjsPeerInfo>;
  /** Times `runs` calls on one 32×32 RGB image (interleaved bytes, 0–255); returns each call's ms and the probabilities. */
  run(rgb: number[], runs: number): Promise<{ ms: number[]; probabilities: number[] }>;
}

let model: tf.LayersModel | undefined;

async function predict(input: tf.Tensor): Promise<Float32Array> {
  const output = model!.predict(input) as tf.Tensor;
  try {
    return (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
}

const peer: TfjsPeer = {
  async load(network, seed, wasmBase) {
    const started = performance.now();
    setWasmPaths(wasmBase);
    // tfjs' threaded build starts its workers from a blob: script, which the demo's Content-Security-Policy
    // refuses (script-src 'self'): the peer runs single-threaded SIMD, as tfjs-wasm does under Node.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start its wasm backend in this page');
    await tf.ready();
    model?.dispose();
    model = buildNetwork(network, { seed });
    const warmup = tf.zeros([1, 32, 32, 3]);
    await predict(warmup);
    warmup.dispose();
    return { backend: tf.getBackend(), threads: getThreadsCount(), setupMs: performance.now() - started };
  },
  async run(rgb, runs) {
    if (!model) throw new Error('load() first');
    const input = tf.tidy(() => tf.tensor(rgb, [1, 32, 32, 3], 'float32').div(255));
    try {
      const ms: number[] = [];
      let probabilities: ArrayLike<number> = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        probabilities = await predict(input);
        ms.push(performance.now() - started);
      }
      return { ms, probabilities: Array.from(probabilities) };
    } finally {
      input.dispose();
    }
  },
};

(globalThis as { onnxEdgeTfjsPeer?: TfjsPeer }).onnxEdgeTfjsPeer = peer;
