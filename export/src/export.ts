// exportModel: tfjs LayersModel → front end → passes → ONNX bytes, with a report of what was produced.
import type * as tf from '@tensorflow/tfjs';
import pkg from '../package.json' with { type: 'json' };
import { CIFAR10_LABELS, METADATA_KEYS, type ParityReport } from '@onnx-edge/core';
import { ModelWalker } from './frontend/walk.ts';
import { sizeOf } from './ir/tensor.ts';
import { modelSha256 } from './model-hash.ts';
import { serializeModel } from './onnx/serialize.ts';
import { DEFAULT_OPSET, irVersionForOpset } from './onnx/versions.ts';
import { runPipeline, type PassReport } from './passes/index.ts';
import { valuesWithoutShape } from './passes/shape-inference.ts';

export interface ExportOptions {
  /** ONNX opset, 13..21 (default 17). */
  opset?: number;
  /** Layout of image inputs in the exported graph (default 'nchw'). */
  inputLayout?: 'nchw' | 'nhwc';
  /** Class names; default CIFAR-10's when the model has 10 outputs. */
  labels?: string[];
  /** Name of the data the model was trained on ('cifar10', 'synthetic', ...). */
  dataset?: string;
  /** Parity report of an earlier verification, written into the metadata. */
  parity?: ParityReport;
}

export interface ExportReport {
  opset: number;
  irVersion: number;
  opCounts: Record<string, number>;
  parameters: number;
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape: (number | string)[] }[];
  sourceModelSha256: string;
  /** Values whose shape could not be inferred (their value_info has no shape); empty for a complete graph. */
  unshapedValues: string[];
  passes: PassReport[];
  timings: { frontendMs: number; passesMs: number; serializeMs: number; totalMs: number };
}

export interface ExportResult {
  bytes: Uint8Array;
  report: ExportReport;
}

export const PRODUCER_VERSION: string = pkg.version;

export function exportModel(model: tf.LayersModel, options: ExportOptions = {}): ExportResult {
  const opset = options.opset ?? DEFAULT_OPSET;
  const irVersion = irVersionForOpset(opset);
  const inputLayout = options.inputLayout ?? 'nchw';
  const start = performance.now();

  const graph = new ModelWalker(model, { opset, inputLayout }).run();
  const frontendDone = performance.now();
  const passes = runPipeline(graph);
  const passesDone = performance.now();

  const classes = graph.outputs[0]?.shape?.at(-1);
  if (options.labels && typeof classes === 'number' && options.labels.length !== classes) {
    throw new RangeError(`${options.labels.length} labels given, but the model's output '${graph.outputs[0]!.name}' has ${classes} classes`);
  }
  const labels = options.labels ?? (classes === CIFAR10_LABELS.length ? [...CIFAR10_LABELS] : undefined);
  const sha256 = modelSha256(model);
  const metadata: [string, string][] = [];
  if (labels) metadata.push([METADATA_KEYS.labels, JSON.stringify(labels)]);
  metadata.push(
    [METADATA_KEYS.inputLayout, inputLayout === 'nchw' ? 'NCHW' : 'NHWC'],
    [METADATA_KEYS.inputScale, String(1 / 255)],
    [METADATA_KEYS.inputColor, 'RGB'],
    [METADATA_KEYS.sourceModelSha256, sha256],
    [METADATA_KEYS.producerVersion, PRODUCER_VERSION],
  );
  if (options.dataset) metadata.push([METADATA_KEYS.dataset, options.dataset]);
  if (options.parity) metadata.push([METADATA_KEYS.parity, JSON.stringify(options.parity)]);
  const bytes = serializeModel(graph, { opset, producerVersion: PRODUCER_VERSION, metadata });
  const end = performance.now();

  const describe = (v: { name: string; shape?: (number | string)[] }) => ({ name: v.name, shape: v.shape ?? [] });
  return {
    bytes,
    report: {
      opset,
      irVersion,
      opCounts: graph.countOps(),
      parameters: graph.constants.reduce((n, c) => n + (c.constant!.dtype === 'float32' ? sizeOf(c.constant!.shape) : 0), 0),
      inputs: graph.inputs.map(describe),
      outputs: graph.outputs.map(describe),
      sourceModelSha256: sha256,
      unshapedValues: valuesWithoutShape(graph).map((v) => v.name),
      passes,
      timings: { frontendMs: frontendDone - start, passesMs: passesDone - frontendDone, serializeMs: end - passesDone, totalMs: end - start },
    },
  };
}
