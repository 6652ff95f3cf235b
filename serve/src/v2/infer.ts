// A parsed v2 request run on its model: each row of the batch becomes one input of the batcher (or, for a
// model that does not batch, the request's tensors as they are), and the answers' rows are stacked back into
// the outputs of the request.
import type { ServedModel } from '../inference/served-model.ts';
import type { ModelItem } from '../inference/model-runner.ts';
import { splitRows, stackRows, type Tensor } from '../tensors/index.ts';

export async function inferTensors(model: ServedModel, inputs: Tensor[], batch: number): Promise<Record<string, Tensor>> {
  if (model.maxBatchSize === 0) {
    const [result] = await Promise.all(model.batcher.submit([inputs]));
    return result!.output;
  }
  const rows = inputs.map(splitRows);
  const items: ModelItem[] = Array.from({ length: batch }, (_, i) => rows.map((r) => r[i]!));
  const results = await Promise.all(model.batcher.submit(items));
  return Object.fromEntries(model.outputs.map(({ name }) => [name, stackRows(results.map((r) => r.output[name]!))]));
}
