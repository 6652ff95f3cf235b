import type { BackendChoice, KernelChoice, NetworkName, Variant } from '@onnx-edge/core';
// What a training run is asked to do, and the tutorial's defaults for what is left out.

export interface TrainOptions {
  model: NetworkName;
  variant?: Variant;
  /** A folder or file of CIFAR-10 records, 'synthetic', or 'auto' (the default data folder, else synthetic). */
  data: string;
  /** Validation records; default: the folder's test_batch.bin, else a held-out 10% of the training records. */
  valData?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Use only the first N training records. */
  limit?: number;
  /** Use only the first N validation records. */
  valLimit?: number;
  seed?: number;
  /** The run folder; resumed when it holds a checkpoint. */
  outDir: string;
  backend?: BackendChoice;
  /** Who computes the convolutions and matrix products on the wasm backend (default 'auto': onnxruntime if it starts). */
  kernels?: KernelChoice;
  /** Ignore a checkpoint in the run folder and start over. */
  fresh?: boolean;
  /**
   * Threads that compute gradients, data-parallel (wasm and cpu backends, which use one core each). Default 1:
   * BatchNorm statistics over the whole batch, exactly as Keras computes them, and weights that do not depend
   * on the machine's core count. Part of the recipe: the same seed and worker count give the same weights.
   */
  workers?: number;
  /**
   * Training images on which every BatchNorm's moving mean/variance is re-estimated after each epoch ("precise
   * BatchNorm", precise-bn.ts); default DEFAULT_PRECISE_BN_IMAGES. 0 keeps Keras' moving averages, as the tutorial does.
   */
  preciseBnImages?: number;
}

/** The tutorial's recipe: Adam 1e-3, 5 epochs, batch 128 for Inception10 and 32 for the ResNets. */
export const DEFAULT_EPOCHS = 5;
export const DEFAULT_LEARNING_RATE = 1e-3;

export function defaultBatchSize(model: NetworkName): number {
  return model === 'inception10' ? 128 : 32;
}

/** The settings that define a run's trajectory; a resumed run must keep them. */
export interface RunRecipe {
  model: NetworkName;
  variant: Variant;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Gradient threads: each batch is split into this many shards (BatchNorm statistics are per shard). */
  workers: number;
}

export function recipeOf(options: TrainOptions, randomSeed: () => number): RunRecipe {
  return {
    workers: options.workers ?? 1,
    model: options.model,
    variant: options.variant ?? 'seed',
    batchSize: options.batchSize ?? defaultBatchSize(options.model),
    learningRate: options.learningRate ?? DEFAULT_LEARNING_RATE,
    seed: options.seed ?? randomSeed(),
  };
}
