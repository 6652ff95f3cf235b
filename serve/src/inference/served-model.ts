// A model as the HTTP layer sees it: its contract (names, dims, labels) plus a batcher to run it. Built from
// a repository entry by loading worker threads; tests build one around any BatchRunner.
import { availableParallelism } from 'node:os';
import { inputDims, PROBABILITIES_NAME, type EpChoice, type InputLayout, type ModelContract } from '@onnx-edge/core';
import { RepositoryError, type RepositoryModel } from '../repository/reader.ts';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS } from '../repository/writer.ts';
import { Batcher, type BatchObserver, type BatchRunner } from './batcher.ts';
import { modelProblems } from './model-check.ts';
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
  inputName: string;
  outputNames: string[];
  /** The output /classify ranks: `probabilities` when the model has it. */
  classificationOutput: string;
  /** Input dims without the batch dimension. */
  inputDims: number[];
  executionProvider: string;
  executionProviderReason: string;
  batcher: Batcher;
  close(): Promise<void>;
}

export interface BatchingSettings {
  /** Overrides config.pbtxt's max_batch_size. */
  maxBatch?: number;
  /** Overrides config.pbtxt's max_queue_delay_microseconds. */
  maxQueueDelayMs?: number;
  maxQueue: number;
  /** Overrides config.pbtxt's instance_group count: inference threads for the model. */
  instances?: number;
}

/** Input dims without config.pbtxt: an image input's from its contract; empty (unknown) otherwise. */
export function contractInputDims(contract: ModelContract): number[] {
  const { input } = contract;
  if (input.kind !== 'image' || input.height === undefined || input.width === undefined) return [];
  return inputDims(input, { width: input.width, height: input.height });
}

/** The largest batch: --max-batch, else config.pbtxt's max_batch_size, else the default. */
function maxBatchOf(entry: RepositoryModel, settings: BatchingSettings): number {
  const configBatch = entry.config && entry.config.maxBatchSize > 0 ? entry.config.maxBatchSize : undefined;
  return settings.maxBatch ?? configBatch ?? DEFAULT_MAX_BATCH_SIZE;
}

export function batcherOptions(entry: RepositoryModel, settings: BatchingSettings, itemSize: number) {
  const configDelayMs = entry.config?.maxQueueDelayMicroseconds !== undefined ? entry.config.maxQueueDelayMicroseconds / 1000 : undefined;
  return {
    maxBatch: maxBatchOf(entry, settings),
    maxDelayMs: settings.maxQueueDelayMs ?? configDelayMs ?? DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS / 1000,
    maxQueue: settings.maxQueue,
    itemSize,
  };
}

/** Wraps runners for one repository entry; used by loadServedModel and by tests with their own runner. */
export function servedModelFrom(
  entry: RepositoryModel,
  session: { inputName: string; outputNames: string[]; inputDims: number[]; executionProvider: string; reason: string },
  runners: BatchRunner[],
  settings: BatchingSettings,
  observer: BatchObserver,
  close: () => Promise<void>,
): ServedModel {
  const { inputDims } = session;
  const itemSize = inputDims.reduce((a, b) => a * b, 1);
  return {
    name: entry.name,
    version: entry.version,
    labels: entry.labels,
    inputLayout: entry.inputLayout,
    contract: entry.contract,
    modelPath: entry.modelPath,
    sha256: entry.sha256,
    inputName: session.inputName,
    outputNames: session.outputNames,
    classificationOutput: session.outputNames.includes(PROBABILITIES_NAME) ? PROBABILITIES_NAME : session.outputNames[0]!,
    inputDims,
    executionProvider: session.executionProvider,
    executionProviderReason: session.reason,
    batcher: new Batcher(runners, batcherOptions(entry, settings, itemSize), observer),
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
  // config.pbtxt first, then the contract in the model's metadata, then the model's own fixed dims.
  const declared = entry.config?.inputs[0]?.dims.length ? entry.config.inputs[0].dims : contractInputDims(entry.contract);
  const inputDims = declared.length > 0 ? declared : (first.info.inputs[0]?.shape.slice(1) ?? []);
  try {
    const problems = modelProblems(entry, first.info, { inputDims, maxBatch: maxBatchOf(entry, settings) });
    if (problems.length > 0) throw new RepositoryError(problems.join('; '));
    workers.push(...(await Promise.all(Array.from({ length: instances - 1 }, start))));
  } catch (err) {
    await Promise.all(workers.map((w) => w.close()));
    throw err;
  }
  const inputName = first.info.inputs[0]!.name;
  const outputNames = first.info.outputs.map((o) => o.name);
  // One batch per worker at a time: the next batch is formed from everything queued when the run ends.
  // Handing a worker a second batch while one runs (tried) kept it from ever idling, but that batch left
  // early and small, and the alternation cost more: ResNet18 at concurrency 64 reached 77-80 % of raw
  // onnxruntime that way against 82-83 % this way (bench/NOTES.md, S7).
  const runners: BatchRunner[] = workers.map((w): BatchRunner => (input, batch) => w.run(inputName, input, [batch, ...inputDims]));
  return servedModelFrom(
    entry,
    { inputName, outputNames, inputDims, executionProvider: first.info.executionProvider, reason: first.info.reason },
    runners,
    settings,
    observer,
    async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  );
}
