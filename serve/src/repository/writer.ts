// Writes one model into a model repository in Triton's layout:
//   <repo>/<name>/config.pbtxt, <repo>/<name>/labels.txt, <repo>/<name>/1/model.onnx
// Every file is written to a temporary name and renamed, so a server reading the repository never sees a
// half-written model; config.pbtxt goes last because its presence is what marks the folder as complete.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { IMAGE_CHANNELS, IMAGE_SIZE, PROBABILITIES_NAME } from '@onnx-edge/core';
import { writeFileAtomic } from '@onnx-edge/core/node';
import { formatConfigPbtxt, type ModelConfig } from './config-pbtxt.ts';

/** Model names become folder names and URL segments: keep them to a safe alphabet. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const DEFAULT_MAX_BATCH_SIZE = 64;
export const DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS = 2000;

export interface WriteModelOptions {
  repo: string;
  name: string;
  onnxBytes: Uint8Array;
  labels: readonly string[];
  inputName: string;
  outputNames: readonly string[];
  maxBatchSize?: number;
  /** Input dims without the batch dimension; default [3, 32, 32] (NCHW). */
  dims?: readonly number[];
}

export interface WrittenModel {
  dir: string;
  modelPath: string;
  configPath: string;
  labelsPath: string;
}

export function modelConfigFor(options: Omit<WriteModelOptions, 'repo' | 'onnxBytes'>): ModelConfig {
  const classes = options.labels.length;
  // The classification output (Triton's label_filename) is `probabilities` when present, else the first.
  const labelled = options.outputNames.includes(PROBABILITIES_NAME) ? PROBABILITIES_NAME : options.outputNames[0];
  return {
    name: options.name,
    platform: 'onnxruntime_onnx',
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    inputs: [{ name: options.inputName, dataType: 'TYPE_FP32', dims: [...(options.dims ?? [IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE])] }],
    outputs: options.outputNames.map((name) => ({
      name,
      dataType: 'TYPE_FP32',
      dims: [classes],
      ...(name === labelled ? { labelFilename: 'labels.txt' } : {}),
    })),
    maxQueueDelayMicroseconds: DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS,
    instanceCount: 1,
  };
}

export async function writeModelToRepository(options: WriteModelOptions): Promise<WrittenModel> {
  if (!MODEL_NAME_PATTERN.test(options.name)) {
    throw new Error(`model name '${options.name}' is not usable as a folder name: use letters, digits, '_', '-', '.' (max 128)`);
  }
  if (options.labels.length === 0) throw new Error('a model needs at least one label');
  if (options.outputNames.length === 0) throw new Error('a model needs at least one output name');
  const maxBatch = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatchSize must be a positive integer, got ${maxBatch}`);
  const labelsWithNewline = options.labels.find((l) => /[\r\n]/.test(l));
  if (labelsWithNewline !== undefined) throw new Error(`label ${JSON.stringify(labelsWithNewline)} contains a line break; labels.txt is one label per line`);

  const dir = join(options.repo, options.name);
  const versionDir = join(dir, '1');
  await mkdir(versionDir, { recursive: true });
  const written: WrittenModel = {
    dir,
    modelPath: join(versionDir, 'model.onnx'),
    configPath: join(dir, 'config.pbtxt'),
    labelsPath: join(dir, 'labels.txt'),
  };
  await writeFileAtomic(written.modelPath, options.onnxBytes);
  await writeFileAtomic(written.labelsPath, options.labels.join('\n') + '\n');
  await writeFileAtomic(written.configPath, formatConfigPbtxt(modelConfigFor({ ...options, maxBatchSize: maxBatch })));
  return written;
}
