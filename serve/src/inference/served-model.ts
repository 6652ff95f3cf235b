// A model as the HTTP layer sees it: its contract (names, dims, labels) plus a batcher to run it. Built from
// a repository entry by loading worker threads; tests build one around any BatchRunner.
import { availableParallelism } from 'node:os';
import { INPUT_NAME, inputDims, PROBABILITIES_NAME, type EpChoice, type InputLayout, type ModelContract } from '@onnx-edge/core';
import type { RepositoryModel } from '../repository/reader.ts';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS } from '../repository/writer.ts';
import { Batcher, type BatchObserver, type BatchRunner } from './batcher.ts';
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

export function batcherOptions(entry: RepositoryModel, settings: BatchingSettings, itemSize: number) {
  const configDelayMs = entry.config?.maxQueueDelayMicroseconds !== undefined ? entry.config.maxQueueDelayMicroseconds / 1000 : undefined;
  const configBatch = entry.config && entry.config.maxBatchSize > 0 ? entry.config.maxBatchSize : undefined;
  return {
    maxBatch: settings.maxBatch ?? configBatch ?? DEFAULT_MAX_BATCH_SIZE,
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

/** Starts the model's inference threads (config.pbtxt's instance count) and its batcher. */
export async function loadServedModel(entry: RepositoryModel, ep: EpChoice, settings: BatchingSettings, observer: BatchObserver): Promise<ServedModel> {
  const instances = settings.instances ?? entry.config?.instanceCount ?? 1;
  // Split the cores between instances so that parallel batches do not oversubscribe the CPU.
  const intraOpThreads = Math.max(1, Math.floor(availableParallelism() / instances));
  const workers = await Promise.all(Array.from({ length: instances }, () => WorkerRunner.start({ modelPath: entry.modelPath, ep, intraOpThreads })));
  const info = workers[0]!.info;
  const inputName = entry.config?.inputs[0]?.name ?? (info.inputNames.includes(INPUT_NAME) ? INPUT_NAME : info.inputNames[0]!);
  const modelDims = info.inputShape.slice(1);
  // config.pbtxt first, then the contract in the model's metadata, then the model's own fixed dims.
  const declared = entry.config?.inputs[0]?.dims.length ? entry.config.inputs[0].dims : contractInputDims(entry.contract);
  const inputDims = declared.length > 0 ? declared : modelDims;
  if (inputDims.length === 0 || inputDims.some((d) => d < 1)) {
    await Promise.all(workers.map((w) => w.close()));
    throw new Error(`model '${entry.name}' takes input [N,${modelDims.join(',')}] whose size is not fixed; give its dims in config.pbtxt`);
  }
  if (modelDims.length > 0 && modelDims.some((d, i) => d > 0 && d !== inputDims[i])) {
    await Promise.all(workers.map((w) => w.close()));
    throw new Error(`model '${entry.name}' takes input [N,${modelDims.join(',')}] but is configured for [N,${inputDims.join(',')}]; fix config.pbtxt`);
  }
  // One batch per worker at a time: the next batch is formed from everything queued when the run ends.
  // Handing a worker a second batch while one runs (tried) kept it from ever idling, but that batch left
  // early and small, and the alternation cost more: ResNet18 at concurrency 64 reached 77-80 % of raw
  // onnxruntime that way against 82-83 % this way (bench/NOTES.md, S7).
  const runners: BatchRunner[] = workers.map((w): BatchRunner => (input, batch) => w.run(inputName, input, [batch, ...inputDims]));
  return servedModelFrom(
    entry,
    { inputName, outputNames: info.outputNames, inputDims, executionProvider: info.executionProvider, reason: info.reason },
    runners,
    settings,
    observer,
    async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  );
}
