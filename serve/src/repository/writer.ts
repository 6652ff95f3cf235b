// Writes one model into a model repository in Triton's layout:
//   <repo>/<name>/config.pbtxt, <repo>/<name>/labels.txt (class scores only), <repo>/<name>/1/model.onnx
// config.pbtxt describes the model's own inputs and outputs, read from the ONNX file (onnx-signature.ts): their
// data types, and dims with -1 where a size is not fixed. A model whose every input and output starts with a
// variable dimension batches along it (max_batch_size > 0, dims leaving it out); any other model gets
// max_batch_size 0 and its dims in full, as Triton has it. Every file is written to a temporary name and
// renamed, so a server reading the repository never sees a half-written model; config.pbtxt goes last because
// its presence is what marks the folder as complete.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PROBABILITIES_NAME } from '@onnx-edge/core';
import { writeFileAtomic } from '@onnx-edge/core/node';
import { formatConfigPbtxt, type ModelConfig, type TensorConfig, type TritonDataType } from './config-pbtxt.ts';
import { onnxSignature, type OnnxTensor } from './onnx-signature.ts';

/** Model names become folder names and URL segments: keep them to a safe alphabet. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const DEFAULT_MAX_BATCH_SIZE = 64;
export const DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS = 2000;
export const LABELS_FILE = 'labels.txt';

export interface WriteModelOptions {
  repo: string;
  name: string;
  onnxBytes: Uint8Array;
  /** Class names of the output ranked (`probabilities`, else the first), written to labels.txt; none for other models. */
  labels?: readonly string[];
  /** The largest batch of a model that batches (default 64). */
  maxBatchSize?: number;
}

export interface WrittenModel {
  dir: string;
  modelPath: string;
  configPath: string;
  /** Undefined when the model has no labels. */
  labelsPath?: string;
}

/** Whether the model batches along its first dimension: every input and output starts with a variable one. */
const batches = (tensors: OnnxTensor[]) => tensors.length > 0 && tensors.every((t) => t.shape.length > 0 && t.shape[0]! < 0);

function tensorConfig(tensor: OnnxTensor, batched: boolean, labelFilename?: string): TensorConfig {
  const dims = batched ? tensor.shape.slice(1) : tensor.shape;
  return {
    name: tensor.name,
    dataType: tensor.tritonType as TritonDataType,
    // Triton takes no empty dims: a scalar (per batch row) is dims [1], reshaped to no dimensions.
    ...(dims.length > 0 ? { dims } : { dims: [1], reshape: [] }),
    ...(labelFilename ? { labelFilename } : {}),
  };
}

/** config.pbtxt of a model, from the ONNX file's own inputs and outputs. */
export function modelConfigFor(options: Omit<WriteModelOptions, 'repo'>): ModelConfig {
  const { inputs, outputs } = onnxSignature(options.onnxBytes);
  const batched = batches([...inputs, ...outputs]);
  const maxBatch = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatchSize must be a positive integer, got ${maxBatch}`);
  // The classification output (Triton's label_filename) is `probabilities` when present, else the first.
  const labelled = options.labels?.length ? (outputs.find((o) => o.name === PROBABILITIES_NAME) ?? outputs[0])?.name : undefined;
  return {
    name: options.name,
    platform: 'onnxruntime_onnx',
    maxBatchSize: batched ? maxBatch : 0,
    inputs: inputs.map((t) => tensorConfig(t, batched)),
    outputs: outputs.map((t) => tensorConfig(t, batched, t.name === labelled ? LABELS_FILE : undefined)),
    ...(batched ? { maxQueueDelayMicroseconds: DEFAULT_MAX_QUEUE_DELAY_MICROSECONDS } : {}),
    instanceCount: 1,
  };
}

export async function writeModelToRepository(options: WriteModelOptions): Promise<WrittenModel> {
  if (!MODEL_NAME_PATTERN.test(options.name)) {
    throw new Error(`model name '${options.name}' is not usable as a folder name: use letters, digits, '_', '-', '.' (max 128)`);
  }
  const labels = options.labels ?? [];
  const labelsWithNewline = labels.find((l) => /[\r\n]/.test(l));
  if (labelsWithNewline !== undefined) throw new Error(`label ${JSON.stringify(labelsWithNewline)} contains a line break; labels.txt is one label per line`);
  const config = formatConfigPbtxt(modelConfigFor(options));

  const dir = join(options.repo, options.name);
  const versionDir = join(dir, '1');
  await mkdir(versionDir, { recursive: true });
  const written: WrittenModel = {
    dir,
    modelPath: join(versionDir, 'model.onnx'),
    configPath: join(dir, 'config.pbtxt'),
    ...(labels.length > 0 ? { labelsPath: join(dir, LABELS_FILE) } : {}),
  };
  await writeFileAtomic(written.modelPath, options.onnxBytes);
  // A labels.txt left from an earlier model of that name would name the classes of this one.
  if (written.labelsPath) await writeFileAtomic(written.labelsPath, labels.join('\n') + '\n');
  else await rm(join(dir, LABELS_FILE), { force: true });
  await writeFileAtomic(written.configPath, config);
  return written;
}
