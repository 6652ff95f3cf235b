// One run of a model (an inference worker thread, or a test's function), and a batch of items made into one
// run: each input's rows stacked along the batch dimension, the outputs split back into one row per item.
// A model that does not batch (config.pbtxt max_batch_size 0) runs each item alone, its tensors as given.
import { splitRows, stackRows, type NamedTensor, type Tensor } from '../tensors/index.ts';
import type { BatchRunner } from './batcher.ts';

export interface ModelRunResult {
  outputs: Record<string, Tensor>;
  /** Seconds inside onnxruntime run(). */
  seconds: number;
  /** Seconds the run waited for an earlier one to finish. */
  waitedSeconds?: number;
}

/** Runs the model once. The inputs' buffers may be moved to another thread: the caller gives them up. */
export type ModelRunner = (inputs: NamedTensor[]) => Promise<ModelRunResult>;

/** One input of the batcher: a tensor per model input (without the batch dimension when the model batches). */
export type ModelItem = Tensor[];
/** What one item gets back: each output (its row, when the model batches), by name. */
export type ModelOutputs = Record<string, Tensor>;

/** A tensor whose data owns its whole buffer, so that moving it to a thread takes nothing else along. */
function owned(tensor: Tensor): Tensor {
  const { data } = tensor;
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? tensor : { ...tensor, data: data.slice() };
}

export function batchRunner(run: ModelRunner, inputNames: readonly string[], batched: boolean): BatchRunner<ModelItem, ModelOutputs> {
  return async (items) => {
    if (!batched) {
      const result = await run(items[0]!.map((tensor, k) => ({ name: inputNames[k]!, ...owned(tensor) })));
      return { ...result, outputs: [result.outputs] };
    }
    const inputs = inputNames.map((name, k) => ({ name, ...owned(stackRows(items.map((item) => item[k]!))) }));
    const result = await run(inputs);
    const rows = Object.entries(result.outputs).map(([name, tensor]) => {
      if (tensor.shape[0] !== items.length) {
        throw new Error(`output '${name}' has shape [${tensor.shape.join(',')}] for a batch of ${items.length}: the model does not batch along its first dimension; set max_batch_size: 0 in its config.pbtxt`);
      }
      return [name, splitRows(tensor)] as const;
    });
    const outputs = items.map((_, i) => Object.fromEntries(rows.map(([name, split]) => [name, split[i]!])));
    return { outputs, seconds: result.seconds, ...(result.waitedSeconds !== undefined ? { waitedSeconds: result.waitedSeconds } : {}) };
  };
}
