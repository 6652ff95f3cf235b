// A model as the HTTP layer sees it: its contract and labels, its signature (inputs, outputs, batching), how
// /classify feeds it an image (or why it cannot), and a batcher to run it. Built from a repository entry by
// loading worker threads; tests build one around any ModelRunner.
import { availableParallelism } from 'node:os';
import type { EpChoice, InputLayout, ModelContract } from '@onnx-edge/core';
import { RepositoryError, type RepositoryModel } from '../repository/reader.ts';
import { DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS } from '../repository/writer.ts';
import type { TensorSpec } from '../tensors/index.ts';
import { Batcher, type BatchObserver } from './batcher.ts';
import { imageFeed, type ImageFeed } from './image-feed.ts';
import { modelSignature, type ModelSignature } from './model-check.ts';
import { batchRunner, type ModelItem, type ModelOutputs, type ModelRunner } from './model-runner.ts';
import { WorkerRunner } from './worker-runner.ts';

export interface ServedModel {
  name: string;
  version: number;
  labels: string[];
  inputLayout: InputLayout;
  /** What the model takes and gives (its metadata, labels.txt's labels). */
  contract: ModelContract;
  modelPath: string;
  /** sha256 of the model file (hex). */
  sha256: string;
  /** Inputs and outputs as served (KServe v2 model metadata); the batch first, as -1, when the model batches. */
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Triton's max_batch_size: the largest batch, 0 when each request runs alone. */
  maxBatchSize: number;
  /** How /classify feeds the model an image, or why it cannot. */
  imageFeed: ImageFeed | { refused: string };
  executionProvider: string;
  executionProviderReason: string;
  batcher: Batcher<ModelItem, ModelOutputs>;
  close(): Promise<void>;
}

export interface BatchingSettings {
  /** Overrides config.pbtxt's max_batch_size (for a model that batches). */
  maxBatch?: number;
  /** Overrides config.pbtxt's max_queue_delay_microseconds. */
  maxQueueDelayMs?: number;
  maxQueue: number;
  /** Overrides config.pbtxt's instance_group count: inference threads for the model. */
  instances?: number;
}

/** Whether two items may share a batch: always, unless an input takes any size (then only of equal shapes). */
function batchKey(signature: ModelSignature): ((item: ModelItem) => string) | undefined {
  const variable = signature.inputs.some((input) => input.shape.slice(signature.maxBatchSize > 0 ? 1 : 0).some((d) => d < 0));
  return variable ? (item) => item.map((t) => t.shape.join('x')).join('|') : undefined;
}

export function batcherOptions(entry: RepositoryModel, settings: BatchingSettings, signature: ModelSignature) {
  const configDelayMs = entry.config?.maxQueueDelayMicroseconds !== undefined ? entry.config.maxQueueDelayMicroseconds / 1000 : undefined;
  const keyOf = batchKey(signature);
  return {
    maxBatch: Math.max(1, signature.maxBatchSize),
    maxDelayMs: settings.maxQueueDelayMs ?? configDelayMs ?? DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS / 1000,
    maxQueue: settings.maxQueue,
    ...(keyOf ? { keyOf } : {}),
  };
}

/** Wraps runners for one repository entry; used by loadServedModel and by tests with their own runner. */
export function servedModelFrom(
  entry: RepositoryModel,
  session: { signature: ModelSignature; executionProvider: string; reason: string },
  runners: ModelRunner[],
  settings: BatchingSettings,
  observer: BatchObserver,
  close: () => Promise<void>,
): ServedModel {
  const { signature } = session;
  const inputNames = signature.inputs.map((i) => i.name);
  const batched = signature.maxBatchSize > 0;
  return {
    name: entry.name,
    version: entry.version,
    labels: entry.labels,
    inputLayout: entry.inputLayout,
    contract: entry.contract,
    modelPath: entry.modelPath,
    sha256: entry.sha256,
    inputs: signature.inputs,
    outputs: signature.outputs,
    maxBatchSize: signature.maxBatchSize,
    imageFeed: imageFeed(entry.contract, signature),
    executionProvider: session.executionProvider,
    executionProviderReason: session.reason,
    batcher: new Batcher(runners.map((run) => batchRunner(run, inputNames, batched)), batcherOptions(entry, settings, signature), observer),
    close,
  };
}

/**
 * Starts the model's inference threads (config.pbtxt's instance count) and its batcher. The first thread's
 * session is checked against the repository (model-check.ts) before the others start: a model that
 * disagrees is a RepositoryError naming each field, and costs one thread, not sixty-four.
 */
export async function loadServedModel(entry: RepositoryModel, ep: EpChoice, settings: BatchingSettings, observer: BatchObserver): Promise<ServedModel> {
  const instances = settings.instances ?? entry.config?.instanceCount ?? 1;
  // Split the cores between instances so that parallel batches do not oversubscribe the CPU.
  const intraOpThreads = Math.max(1, Math.floor(availableParallelism() / instances));
  const start = () => WorkerRunner.start({ modelPath: entry.modelPath, ep, intraOpThreads });
  const first = await start();
  const workers = [first];
  let signature: ModelSignature;
  try {
    const checked = modelSignature(entry, first.info, settings.maxBatch);
    if (checked.problems.length > 0) throw new RepositoryError(checked.problems.join('; '));
    signature = checked.signature;
    workers.push(...(await Promise.all(Array.from({ length: instances - 1 }, start))));
  } catch (err) {
    await Promise.all(workers.map((w) => w.close()));
    throw err;
  }
  // One batch per worker at a time: the next batch is formed from everything queued when the run ends.
  // Handing a worker a second batch while one runs (tried) kept it from ever idling, but that batch left
  // early and small, and the alternation cost more: ResNet18 at concurrency 64 reached 77-80 % of raw
  // onnxruntime that way against 82-83 % this way (bench/NOTES.md, S7).
  const runners: ModelRunner[] = workers.map((w): ModelRunner => (inputs) => w.run(inputs));
  return servedModelFrom(
    entry,
    { signature, executionProvider: first.info.executionProvider, reason: first.info.reason },
    runners,
    settings,
    observer,
    async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  );
}
