// How much training the pipeline does by default: the tutorial's full recipe where a CUDA GPU makes it cheap,
// a short run on a CPU. The CPU figures come from measuring Inception10 on the wasm backend (one thread under
// Node): about 100 training images/s on one free core of this project's 2-core reference machine, so
// 4 epochs × 10,000 images plus validation and export take about 10 minutes there.
import type { BackendSelection } from '@onnx-edge/train';

export const GPU_RECIPE = { epochs: 5 } as const;
export const CPU_SHORT = { epochs: 4, limit: 10_000, valLimit: 1_000 } as const;

export interface TrainingSize {
  profile: 'gpu-full' | 'cpu-short' | 'custom';
  epochs: number;
  /** Training records to use; undefined = all. */
  limit?: number;
  /** Validation records to use; undefined = all. */
  valLimit?: number;
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
  const base = gpu ? { epochs: GPU_RECIPE.epochs, limit: undefined, valLimit: undefined } : { ...CPU_SHORT };
  const epochs = asked.epochs ?? base.epochs;
  const limit = asked.limit === 'all' ? undefined : (asked.limit ?? base.limit);
  const valLimit = asked.valLimit ?? base.valLimit;
  const custom = asked.epochs !== undefined || asked.limit !== undefined || asked.valLimit !== undefined;
  const what = `${epochs} epoch${epochs === 1 ? '' : 's'} on ${describeLimit(limit)}`;
  if (custom) {
    return { profile: 'custom', epochs, limit, valLimit, explanation: `${what} (as asked on the command line)`, more: 'a larger --epochs continues this run; --limit all trains on every image' };
  }
  if (gpu) {
    return { profile: 'gpu-full', epochs, limit, valLimit, explanation: `${what}: the tutorial's full recipe, because a CUDA GPU trains (tfjs-node-gpu)`, more: '' };
  }
  return {
    profile: 'cpu-short',
    epochs,
    limit,
    valLimit,
    explanation: `${what}: a short CPU default (about 10 minutes on 2 cores), because no CUDA GPU trains here (${backend.name})`,
    more: "--epochs 5 --limit all is the tutorial's full recipe (hours on a CPU); --model resnet18 trains the other network",
  };
}
