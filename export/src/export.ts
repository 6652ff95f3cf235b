// exportModel: tfjs LayersModel → front end → passes → ONNX bytes, with a report of what was produced.
import type * as tf from '@tensorflow/tfjs';
import pkg from '../package.json' with { type: 'json' };
import { contractToMetadata, METADATA_KEYS, type ModelContract, type ParityReport } from '@onnx-edge/core';
import { buildContract, hintsFromUserMetadata, type ContractHints } from './contract.ts';
import { layerHandlers } from './frontend/handlers/index.ts';
import { ModelWalker } from './frontend/walk.ts';
import type { Graph } from './ir/graph.ts';
import { sizeOf } from './ir/tensor.ts';
import { modelSha256 } from './model-hash.ts';
import { serializeModel } from './onnx/serialize.ts';
import { DEFAULT_OPSET, irVersionForOpset } from './onnx/versions.ts';
import { runPipeline, type PassReport } from './passes/index.ts';
import { valuesWithoutShape } from './passes/shape-inference.ts';
import type { PluginSet } from './plugins/load.ts';

export interface ExportOptions {
  /** ONNX opset, 13..21 (default 17). */
  opset?: number;
  /** Layout of image inputs in the exported graph (default 'nchw'). */
  inputLayout?: 'nchw' | 'nhwc';
  /**
   * What the caller declares about the model's contract (labels, input range, channels, output kind, dataset…);
   * it wins over the model's userDefinedMetadata, which wins over what the graph shows (see contract.ts).
   */
  contract?: ContractHints;
  /** Parity report of an earlier verification, written into the metadata. */
  parity?: ParityReport;
  /** Custom layer classes: their lowerings extend the handler table for this export (loadPlugins). */
  plugins?: PluginSet;
}

export interface ExportReport {
  opset: number;
  irVersion: number;
  opCounts: Record<string, number>;
  parameters: number;
  inputs: { name: string; shape: (number | string)[] }[];
  outputs: { name: string; shape: (number | string)[] }[];
  sourceModelSha256: string;
  /** The contract written into the metadata. */
  contract: ModelContract;
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
  irVersionForOpset(opset);
  const inputLayout = options.inputLayout ?? 'nchw';
  const start = performance.now();
  const handlers = options.plugins ? { ...layerHandlers, ...options.plugins.handlers } : layerHandlers;
  const graph = new ModelWalker(model, { opset, inputLayout, handlers }).run();
  return finishExport(graph, { ...options, opset, inputLayout }, { sourceModelSha256: modelSha256(model), userDefinedMetadata: model.getUserDefinedMetadata(), start });
}

/** What a front end knows of the model it compiled, for the metadata and the report. */
export interface SourceFacts {
  sourceModelSha256: string;
  /** The model.json's userDefinedMetadata, where contract hints may be written. */
  userDefinedMetadata: unknown;
  /** When the front end started, for the report's timings. */
  start: number;
}

/** What every front end's export writes: the settings, and a parity report of either kind as metadata. */
export type FinishOptions = Omit<ExportOptions, 'parity'> & { opset: number; inputLayout: 'nchw' | 'nhwc'; parity?: object };

/** The rest of an export once a front end has built the graph: passes, contract, serialisation, report. */
export function finishExport(graph: Graph, options: FinishOptions, source: SourceFacts): ExportResult {
  const { opset, inputLayout } = options;
  const irVersion = irVersionForOpset(opset);
  const frontendDone = performance.now();
  const passes = runPipeline(graph);
  const passesDone = performance.now();

  const declared = Object.fromEntries(Object.entries(options.contract ?? {}).filter(([, v]) => v !== undefined));
  const hints = { ...hintsFromUserMetadata(source.userDefinedMetadata), ...declared };
  const contract = buildContract(graph, inputLayout === 'nchw' ? 'NCHW' : 'NHWC', hints);
  const sha256 = source.sourceModelSha256;
  const metadata: [string, string][] = [
    ...contractToMetadata(contract),
    [METADATA_KEYS.sourceModelSha256, sha256],
    [METADATA_KEYS.producerVersion, PRODUCER_VERSION],
  ];
  if (options.parity) metadata.push([METADATA_KEYS.parity, JSON.stringify(options.parity)]);
  const bytes = serializeModel(graph, { opset, producerVersion: PRODUCER_VERSION, metadata });
  const end = performance.now();

  const describe = (v: { name: string; shape?: (number | string)[] }) => ({ name: v.name, shape: v.shape ?? [] });
  const start = source.start;
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
      contract,
      unshapedValues: valuesWithoutShape(graph).map((v) => v.name),
      passes,
      timings: { frontendMs: frontendDone - start, passesMs: passesDone - frontendDone, serializeMs: end - passesDone, totalMs: end - start },
    },
  };
}
