// What the server serves of a model — its inputs and outputs (names, datatypes, shapes) and whether it
// batches — from its ONNX file (the loaded session's inputs and outputs) and what the repository says of it
// (config.pbtxt's max_batch_size, inputs and outputs; the image size of the contract in its metadata), each
// checked against the other. A model the server could only answer with errors is refused at load, with the
// field that is wrong, instead of being served and failing every request: a config input the model does not
// have, dims of another rank, a data_type the model does not take, ten classes and five labels.
//
// Batching follows Triton: with config.pbtxt, max_batch_size > 0 makes the first dimension of every input and
// output the batch (its dims leave it out) and 0 means the model runs requests as they come, dims in full;
// without one, a model whose every input and output starts with a variable dimension batches.
import { basename } from 'node:path';
import { inputDims, PROBABILITIES_NAME, type ModelContract } from '@onnx-edge/core';
import type { TensorConfig } from '../repository/config-pbtxt.ts';
import type { RepositoryModel } from '../repository/reader.ts';
import { DEFAULT_MAX_BATCH_SIZE } from '../repository/writer.ts';
import { DATATYPE_LIST, datatypeOfOrt, shapeText, tritonTypeOf, type Datatype, type TensorSpec } from '../tensors/index.ts';
import type { TensorInfo } from './worker-protocol.ts';

/** The model as served: what KServe v2's model metadata lists, and Triton's max_batch_size. */
export interface ModelSignature {
  /** Shapes with -1 where any size goes; the batch first (as -1) when the model batches. */
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** The largest batch; 0 when the model does not batch (each request runs alone, shapes in full). */
  maxBatchSize: number;
}

/** The input dims the contract gives (batch left out): channels always, height and width where fixed (else -1). */
export function contractInputDims(contract: ModelContract): number[] | undefined {
  const { input } = contract;
  if (input.kind !== 'image') return undefined;
  return inputDims(input, { width: input.width ?? -1, height: input.height ?? -1 });
}

/** Dimensions that agree where both are known (-1 is symbolic or variable). */
const agree = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d < 0 || b[i]! < 0 || d === b[i]);
/** Each dimension from whichever of the two fixes it. */
const merge = (a: readonly number[], b: readonly number[]) => a.map((d, i) => (d < 0 ? b[i]! : d));

type Kind = 'input' | 'output';

interface Context {
  file: string;
  batched: boolean;
  problems: string[];
}

/** One input or output as served: its datatype, and its shape with what config.pbtxt (or the contract) fixes. */
function servedTensor(ctx: Context, kind: Kind, info: TensorInfo, declared: { config?: TensorConfig; index: number; contractDims?: number[] }): TensorSpec | undefined {
  const { file, batched, problems } = ctx;
  const datatype: Datatype | undefined = datatypeOfOrt(info.type);
  if (!datatype) {
    problems.push(`${file}'s ${kind} '${info.name}' is ${info.type}; the server takes and gives ${DATATYPE_LIST} tensors`);
    return undefined;
  }
  let shape = info.shape;
  const config = declared.config;
  if (config) {
    const where = `config.pbtxt ${kind}[${declared.index}]`;
    if (config.dataType !== tritonTypeOf(datatype)) problems.push(`${where}.data_type is ${config.dataType}; ${file}'s ${kind} '${info.name}' is ${tritonTypeOf(datatype)}`);
    // reshape, where given, is the shape the model has (dims are what clients send).
    const [field, dims] = config.reshape ? ['reshape.shape', config.reshape] : ['dims', config.dims];
    const full = batched ? [-1, ...dims] : dims;
    if ((config.reshape || dims.length > 0) && !agree(full, shape)) {
      problems.push(`${where}.${field} [${dims.join(',')}] do not match ${file}'s ${kind} '${info.name}' ${shapeText(shape)}${batched ? ' (dims leave the batch out)' : ''}`);
    } else if (dims.length > 0) {
      shape = merge(shape, full);
    }
  }
  const contractDims = declared.contractDims;
  if (contractDims && !config?.dims.length && !config?.reshape) {
    if (!agree(shape.slice(1), contractDims)) {
      problems.push(`the contract in ${file}'s metadata gives the input as [N,${contractDims.map((d) => (d < 0 ? '?' : d)).join(',')}], but ${file}'s input '${info.name}' is ${shapeText(shape)}`);
    } else {
      shape = [shape[0]!, ...merge(shape.slice(1), contractDims)];
    }
  }
  if (batched && shape.length === 0) problems.push(`${file}'s ${kind} '${info.name}' is a scalar, so the model cannot batch; set max_batch_size: 0 in config.pbtxt`);
  return { name: info.name, datatype, shape: batched ? [-1, ...shape.slice(1)] : shape };
}

/** Whether the model batches, and up to how many rows: config.pbtxt, --max-batch, or its own shapes. */
function batching(entry: RepositoryModel, model: { inputs: TensorInfo[]; outputs: TensorInfo[] }, maxBatch: number | undefined): number {
  const config = entry.config;
  const batched = config ? config.maxBatchSize > 0 : [...model.inputs, ...model.outputs].every((t) => (t.shape[0] ?? 0) < 0);
  if (!batched) return 0;
  return maxBatch ?? (config && config.maxBatchSize > 0 ? config.maxBatchSize : DEFAULT_MAX_BATCH_SIZE);
}

function configProblems(ctx: Context, kind: Kind, declared: TensorConfig[], tensors: TensorInfo[]): string[] {
  const names = tensors.map((t) => t.name).join(', ') || 'none';
  return declared.flatMap((d, i) => (tensors.some((t) => t.name === d.name) ? [] : [`config.pbtxt ${kind}[${i}].name '${d.name}' is not ${kind === 'input' ? 'an input' : 'an output'} of ${ctx.file} (${names})`]));
}

/**
 * The model's signature as served, and every disagreement between the repository and model.onnx, each
 * naming its field (empty when they agree). `maxBatch` is --max-batch, which overrides config.pbtxt's.
 */
export function modelSignature(entry: RepositoryModel, model: { inputs: TensorInfo[]; outputs: TensorInfo[] }, maxBatch?: number): { signature: ModelSignature; problems: string[] } {
  const maxBatchSize = batching(entry, model, maxBatch);
  const ctx: Context = { file: basename(entry.modelPath), batched: maxBatchSize > 0, problems: [] };
  const config = entry.config;
  ctx.problems.push(...configProblems(ctx, 'input', config?.inputs ?? [], model.inputs), ...configProblems(ctx, 'output', config?.outputs ?? [], model.outputs));
  // The contract describes the model's one image input.
  const contractDims = model.inputs.length === 1 ? contractInputDims(entry.contract) : undefined;
  const tensors = (kind: Kind, infos: TensorInfo[], configured: TensorConfig[] = []) => infos.map((info) => {
    const index = configured.findIndex((c) => c.name === info.name);
    return servedTensor(ctx, kind, info, { ...(index >= 0 ? { config: configured[index]!, index } : { index }), ...(kind === 'input' && contractDims ? { contractDims } : {}) });
  });
  const inputs = tensors('input', model.inputs, config?.inputs);
  const outputs = tensors('output', model.outputs, config?.outputs);
  for (const info of model.inputs) {
    const batch = info.shape[0] ?? -1;
    if (maxBatchSize > 0 && batch > 0 && maxBatchSize > batch) ctx.problems.push(`${ctx.file}'s input '${info.name}' has a fixed batch of ${batch}; set config.pbtxt max_batch_size (or --max-batch) to ${batch}`);
  }
  // The labels name the classes of the output /classify ranks.
  const ranked = model.outputs.find((o) => o.name === PROBABILITIES_NAME) ?? model.outputs[0];
  const classes = ranked?.shape.at(-1);
  if (ranked && classes !== undefined && classes > 0 && entry.labels.length > 0 && entry.labels.length !== classes) {
    ctx.problems.push(`${entry.labelsSource} has ${entry.labels.length} labels; output '${ranked.name}' has ${classes} classes`);
  }
  const known = <T>(list: (T | undefined)[]) => list.filter((t): t is T => t !== undefined);
  return { signature: { inputs: known(inputs), outputs: known(outputs), maxBatchSize }, problems: ctx.problems };
}
