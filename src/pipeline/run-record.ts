// The pipeline's memory: a run folder named after what decides its training (so two different requests never
// resume each other's checkpoint), and pipeline.json inside it, written only once the whole chain
// (train → export → verify) succeeded. A second run with the same request finds it and trains nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ParityReport } from '@onnx-edge/core';
import { writeFileAtomic } from '@onnx-edge/core/node';

export const RECORD_FILE = 'pipeline.json';

/** Everything that decides what the run trains and how it is checked. */
export interface RunRequest {
  model: string;
  variant: string;
  data: string;
  valData: string | null;
  limit: number | null;
  valLimit: number | null;
  batchSize: number | null;
  epochs: number;
}

export interface RunOutcome {
  dataset: 'cifar10' | 'synthetic';
  dataDescription: string;
  backend: string;
  /** What computed the convolutions and matrix products (records written before the kernel choice lack it). */
  kernels?: string;
  epochsTrained: number;
  trainImages: number;
  bestEpoch: number;
  valAccuracy: number;
  validationSource: string;
  imagesPerSecond: number;
  parity: ParityReport;
  paritySource: string;
  onnxBytes: number;
  opset: number;
  parameters: number;
  labels: string[];
  inputName: string;
  outputNames: string[];
  finishedAt: string;
}

export interface RunRecord {
  request: RunRequest;
  outcome: RunOutcome;
}

/**
 * runs/<model>-<variant>-<dataset>-<hash>: the hash covers the request except the epoch count, so asking
 * for more epochs continues the same run (training resumes from its checkpoint) instead of starting over.
 */
export function runFolderName(request: RunRequest, dataset: string): string {
  const { epochs: _epochs, ...identity } = request;
  const hash = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 8);
  return `${request.model}-${request.variant}-${dataset}-${hash}`;
}

export function readRecord(runDir: string): RunRecord | undefined {
  const path = join(runDir, RECORD_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
  } catch {
    // A damaged record only costs a re-export: the training checkpoint is still there.
    return undefined;
  }
}

/** The finished run this request can reuse as it is, if any. */
export function reusableRecord(runDir: string, request: RunRequest, onnxPath: string): RunRecord | undefined {
  const record = readRecord(runDir);
  if (!record || !existsSync(onnxPath)) return undefined;
  return JSON.stringify(record.request) === JSON.stringify(request) ? record : undefined;
}

export async function writeRecord(runDir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(runDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

export function forgetRecord(runDir: string): void {
  rmSync(join(runDir, RECORD_FILE), { force: true });
}
