// quantizeModel: a float ONNX file → int8 (static, calibrated, QDQ) or fp16, through the compiler's IR: the
// importer reads the file, the passes of this folder rewrite the graph, the one serializer writes it. The file
// keeps its metadata contract (labels, input layout and scale, …) and records how it was quantized under
// METADATA_KEYS.quantization; the parity report of the float export is dropped (it described another file).
import { createHash } from 'node:crypto';
import { METADATA_KEYS } from '@onnx-edge/core';
import { PRODUCER_VERSION } from '../export.ts';
import type { Graph, Node } from '../ir/graph.ts';
import { importModel } from '../onnx/import.ts';
import { serializeModel } from '../onnx/serialize.ts';
import { MAX_OPSET } from '../onnx/versions.ts';
import * as shapeInference from '../passes/shape-inference.ts';
import { calibrate } from './calibrate.ts';
import { convertToFp16 } from './convert-fp16.ts';
import { QuantizeError } from './errors.ts';
import { openImages } from './images.ts';
import { activationParamsFor, insertQdq } from './insert-qdq.ts';
import { planInt8, QUANTIZED_OPS, tensorsToCalibrate, WEIGHTED_OPS, type KeepFloat } from './int8-plan.ts';
import { imageInputOf } from './model-input.ts';
import type { CalibrationMethod } from './ranges.ts';

export const DEFAULT_CALIBRATION_COUNT = 1000;
/** Per-channel DequantizeLinear (the `axis` attribute) exists from opset 13. */
const MIN_QUANTIZE_OPSET = 13;

export interface Int8Options {
  precision: 'int8';
  /** CIFAR-10 binary data or a folder of images. */
  calibration: string;
  calibrationCount?: number;
  method?: CalibrationMethod;
  /** One weight scale per output channel (default) or per tensor. */
  perChannel?: boolean;
  keepFloat?: KeepFloat;
  /** Take the weights' mean rounding error out of the biases (default true; bias-correction.ts). */
  biasCorrection?: boolean;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Fp16Options {
  precision: 'fp16';
  /** Keep the first/last Conv, Gemm or MatMul in float32 too (the first reads the raw pixels). */
  keepFloat?: KeepFloat;
}

export type QuantizeOptions = Int8Options | Fp16Options;
export type Precision = QuantizeOptions['precision'];

/** What the metadata records (JSON under METADATA_KEYS.quantization). */
export interface QuantizationRecord {
  precision: Precision;
  /** SHA-256 of the float ONNX file this one was made from. */
  floatModelSha256: string;
  /** Nodes left in float32 (kept first/last layers; fp16's block list). */
  keptFloat: string[];
  weights: string;
  activations: string;
  method?: CalibrationMethod;
  biasCorrection?: boolean;
  calibrationCount?: number;
  calibrationSha256?: string;
  calibrationData?: string;
}

export interface QuantizeResult {
  graph: Graph;
  record: QuantizationRecord;
  /** Warnings for the user, one line each (values clamped to float16's range). */
  warnings: string[];
  /** Serializes the graph, with a verification report in the record when given. */
  serialize(extra?: Record<string, unknown>): Uint8Array;
}

function refuseUnfit(graph: Graph, opset: number, floatBytes: Uint8Array): void {
  const quantizedOp = graph.nodes.find((n) => (QUANTIZED_OPS as readonly string[]).includes(n.opType));
  if (quantizedOp) throw new QuantizeError(`the model is already quantized (node '${quantizedOp.name}' is a ${quantizedOp.opType}); quantize its float original instead`);
  const half = [...graph.constants, ...graph.inputs, ...graph.nodes.flatMap((n) => n.outputs)].find((v) => v.dtype === 'float16');
  if (half) throw new QuantizeError(`the model is already in float16 (tensor '${half.name}'); quantize its float32 original instead`);
  if (!graph.nodes.some((n) => (WEIGHTED_OPS as readonly string[]).includes(n.opType))) {
    throw new QuantizeError(`the model (${floatBytes.length.toLocaleString('en-US')} bytes, ${graph.nodes.length} nodes) has no Conv, Gemm or MatMul: nothing that quantization speeds up or shrinks`);
  }
  if (opset < MIN_QUANTIZE_OPSET || opset > MAX_OPSET) throw new QuantizeError(`the model uses opset ${opset}; quantization writes opsets ${MIN_QUANTIZE_OPSET}..${MAX_OPSET} (re-export with --opset ${MIN_QUANTIZE_OPSET} or later)`);
}

/** The first and/or last Conv, Gemm or MatMul, as asked. */
function firstAndLast(graph: Graph, keep: KeepFloat | undefined): Set<Node> {
  const weighted = graph.nodes.filter((n) => (WEIGHTED_OPS as readonly string[]).includes(n.opType));
  return new Set([...(keep?.first ? weighted.slice(0, 1) : []), ...(keep?.last ? weighted.slice(-1) : [])]);
}

export async function quantizeModel(floatBytes: Uint8Array, options: QuantizeOptions): Promise<QuantizeResult> {
  const { graph, opset, metadata } = importModel(floatBytes);
  refuseUnfit(graph, opset, floatBytes);
  const floatModelSha256 = createHash('sha256').update(floatBytes).digest('hex');
  let record: QuantizationRecord;
  const warnings: string[] = [];
  if (options.precision === 'int8') {
    const metadataObject = Object.fromEntries(metadata);
    const input = imageInputOf(graph, metadataObject);
    const plan = planInt8(graph, options.keepFloat ?? { first: false, last: false });
    if (plan.weighted.length === 0) {
      throw new QuantizeError(`none of the model's Conv/Gemm/MatMul nodes can be quantized (constant float32 weights needed${plan.keptFloat.length > 0 ? `; kept float: ${plan.keptFloat.join(', ')}` : ''})`);
    }
    const images = await openImages(options.calibration, { limit: options.calibrationCount ?? DEFAULT_CALIBRATION_COUNT, labels: input.labels ?? [] });
    const method = options.method ?? 'minmax';
    const observed = tensorsToCalibrate(plan);
    const biasCorrection = options.biasCorrection ?? true;
    // A Gemm whose bias is scaled (beta ≠ 1) has no plain bias to correct.
    const corrected = biasCorrection ? plan.weighted.filter((w) => w.inputChannelAxis !== undefined && (w.node.attr('beta')?.value ?? 1) === 1) : [];
    const channelMeans = corrected.map((w) => ({ name: w.input.name, axis: w.inputChannelAxis! }));
    const calibration = await calibrate(floatBytes, observed.map((v) => v.name), input, images, { method, channelMeans, batchSize: options.batchSize, onProgress: options.onProgress });
    const ranges = new Map(observed.map((v) => [v, calibration.ranges.get(v.name)!]));
    const perChannel = options.perChannel ?? true;
    const inputMeans = new Map(corrected.map((w) => [w.node, calibration.means.get(w.input.name)!]));
    insertQdq(graph, plan, activationParamsFor(plan, ranges), { perChannel, inputMeans });
    record = {
      precision: 'int8',
      floatModelSha256,
      keptFloat: plan.keptFloat,
      weights: `int8 symmetric, per ${perChannel ? 'output channel' : 'tensor'}`,
      activations: 'uint8 asymmetric (scale and zero point from calibration)',
      method,
      biasCorrection,
      calibrationCount: calibration.count,
      calibrationSha256: calibration.sha256,
      calibrationData: images.description,
    };
  } else {
    const fp16 = convertToFp16(graph, firstAndLast(graph, options.keepFloat));
    warnings.push(...fp16.warnings);
    record = { precision: 'fp16', floatModelSha256, keptFloat: fp16.keptFloat32, weights: 'float16', activations: 'float16; graph inputs and outputs float32' };
  }
  shapeInference.run(graph);
  const kept = metadata.filter(([key]) => key !== METADATA_KEYS.parity && key !== METADATA_KEYS.quantization && key !== METADATA_KEYS.producerVersion);
  return {
    graph,
    record,
    warnings,
    serialize: (extra = {}) => serializeModel(graph, {
      opset,
      producerVersion: PRODUCER_VERSION,
      metadata: [...kept, [METADATA_KEYS.producerVersion, PRODUCER_VERSION], [METADATA_KEYS.quantization, JSON.stringify({ ...record, ...extra })]],
    }),
  };
}
