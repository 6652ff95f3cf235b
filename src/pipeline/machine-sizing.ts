// How much training the pipeline does by default: the tutorial's full recipe where a CUDA GPU makes it cheap,
// one epoch of every training image on a CPU. Measured for Inception10 with the onnxruntime training kernels
// (README, Results): one epoch of CIFAR-10's 49,000 training images in batches of 64 reached 61.9% on its
// 10,000 test images (precise BatchNorm on, the training default); the tutorial's batch of 128 gives 59.2%
// after its first epoch, and the old CPU default (4 epochs on 10,000 images in batches of 32) 49.1%. Its
// time: 9.7 ms of CPU per image at batch 64 (8.3 at 128) at load 12, where the wasm kernels' 13.5 ms read
// 9.2 on the idle machine — about 180 images/s there, 4½ minutes for the epoch, and validation on the 10,000
// test images, export and verification well inside 10 minutes.
import type { BackendSelection } from '@onnx-edge/train';

export const GPU_RECIPE = { epochs: 5 } as const;
/** Every training image once (limit and valLimit undefined: all), in batches of 64. */
export const CPU_DEFAULT = { epochs: 1, limit: undefined, valLimit: undefined, batchSize: 64 } as const;

export interface TrainingSize {
  profile: 'gpu-full' | 'cpu-default' | 'custom';
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
  const base = gpu ? { epochs: GPU_RECIPE.epochs, limit: undefined, valLimit: undefined, batchSize: undefined } : { ...CPU_DEFAULT };
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
    profile: 'cpu-default',
    epochs,
    limit,
    valLimit,
    batchSize,
    explanation: `${what}: the CPU default (about 6 minutes on 2 idle cores; on CIFAR-10, ≥ 60% on its 10,000 test images), because no CUDA GPU trains here (${backend.name})`,
    more: "--epochs 5 --batch-size 128 is the tutorial's full recipe (5 times this run's images); --model resnet18 trains the other network",
  };
}
