// How much training the pipeline does by default: the tutorial's full recipe where a CUDA GPU makes it cheap,
// a short run on a CPU. The CPU figures come from measuring Inception10 on the wasm backend (one thread under
// Node): 4 epochs on 10,000 images with validation on 1,000 took 7 minutes of CPU time on this project's
// 2-core reference machine (train, validation and export; about 10 minutes of wall time with a browser and
// the server starting beside it). The short run uses batches of 32, not the tutorial's 128: with the same
// images and time it takes four times as many Adam steps. Measured on 10,000 images, one epoch, precise
// BatchNorm on (the training default): 49.6% at batch 32 against 44.6% at batch 128, at the same images/s.
import type { BackendSelection } from '@onnx-edge/train';

export const GPU_RECIPE = { epochs: 5 } as const;
export const CPU_SHORT = { epochs: 4, limit: 10_000, valLimit: 1_000, batchSize: 32 } as const;

export interface TrainingSize {
  profile: 'gpu-full' | 'cpu-short' | 'custom';
  epochs: number;
  /** Training records to use; undefined = all. */
  limit?: number;
  /** Validation records to use; undefined = all. */
  valLimit?: number;
  /** Batch size; undefined = the tutorial's for the network (128 for Inception10, 32 for the ResNets). */
  batchSize?: number;
  /** One line: what was chosen and why. */
  explanation: string;
  /** One line: how to ask for more (empty when the run is already the full recipe). */
  more: string;
}

export interface AskedSize {
  epochs?: number;
  /** A number, or 'all' for every record. */
  limit?: number | 'all';
  valLimit?: number;
  batchSize?: number;
}

/** tfjs-node-gpu is the only backend that trains on CUDA; it is what `tensorflow` means when its CPU twin was not needed. */
export function hasCudaTraining(backend: BackendSelection): boolean {
  return backend.name === 'tensorflow' && !backend.skipped.some((s) => s.name === 'tensorflow-gpu');
}

function describeLimit(limit: number | undefined): string {
  return limit === undefined ? 'all training images' : `the first ${limit.toLocaleString('en-US')} training images`;
}

export function sizeTraining(backend: BackendSelection, asked: AskedSize): TrainingSize {
  const gpu = hasCudaTraining(backend);
  const base = gpu ? { epochs: GPU_RECIPE.epochs, limit: undefined, valLimit: undefined, batchSize: undefined } : { ...CPU_SHORT };
  const epochs = asked.epochs ?? base.epochs;
  const limit = asked.limit === 'all' ? undefined : (asked.limit ?? base.limit);
  const valLimit = asked.valLimit ?? base.valLimit;
  const batchSize = asked.batchSize ?? base.batchSize;
  const custom = asked.epochs !== undefined || asked.limit !== undefined || asked.valLimit !== undefined;
  const what = `${epochs} epoch${epochs === 1 ? '' : 's'} on ${describeLimit(limit)}${batchSize ? ` in batches of ${batchSize}` : ''}`;
  if (custom) {
    return { profile: 'custom', epochs, limit, valLimit, batchSize, explanation: `${what} (as asked on the command line)`, more: 'a larger --epochs continues this run; --limit all trains on every image' };
  }
  if (gpu) {
    return { profile: 'gpu-full', epochs, limit, valLimit, batchSize, explanation: `${what}: the tutorial's full recipe, because a CUDA GPU trains (tfjs-node-gpu)`, more: '' };
  }
  return {
    profile: 'cpu-short',
    epochs,
    limit,
    valLimit,
    batchSize,
    explanation: `${what}: a short CPU default (about 10 minutes on 2 cores), because no CUDA GPU trains here (${backend.name})`,
    more: "--epochs 5 --limit all --batch-size 128 is the tutorial's full recipe (hours on a CPU); --model resnet18 trains the other network",
  };
}
