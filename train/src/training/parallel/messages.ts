// What the training thread and a replica worker say to each other (structured-clone messages).
import type { RunRecipe } from '../options.ts';

export interface ReplicaSetup {
  recipe: RunRecipe;
  /** The training thread's backend, 'wasm' or 'cpu'. */
  backend: 'wasm' | 'cpu';
  /** The training thread's kernels on wasm; a replica that cannot start onnxruntime fails rather than drift. */
  kernels: 'ort' | 'wasm';
  /** Training threads in all (onnxruntime gets the cores ÷ this many threads). */
  replicas: number;
}

/** One shard of a batch, with the weights to compute its gradient at (all trainable variables, flat). */
export interface ShardRequest {
  weights: Float32Array;
  pixels: Float32Array;
  labels: Int32Array;
}

/** Gradients of the shard's mean objective (all trainable variables, flat, in model order). */
export interface ShardResult {
  gradients: Float32Array;
  loss: number;
  accuracy: number;
}

export type ReplicaMessage = { type: 'ready' } | { type: 'result'; result: ShardResult } | { type: 'error'; message: string };
