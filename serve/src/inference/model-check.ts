// What a repository says about a model — config.pbtxt's inputs, outputs and batch size, the labels — checked
// against what its ONNX file declares (the loaded session's inputs and outputs), so that a model the server
// could only answer with errors is refused at load, with the field that is wrong, instead of being served
// and failing every request: a config input name the model does not have, dims of another rank, an output
// that is not float32, ten classes and five labels.
import { basename } from 'node:path';
import { PROBABILITIES_NAME } from '@onnx-edge/core';
import type { RepositoryModel } from '../repository/reader.ts';
import type { TensorInfo } from './worker-protocol.ts';

/** How the server will feed the model. */
export interface Feeding {
  /** Input dims without the batch: config.pbtxt's, else the contract's, else the model's own. */
  inputDims: number[];
  maxBatch: number;
}

const shapeText = (shape: number[]) => `[${shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`;
const names = (list: TensorInfo[]) => list.map((t) => t.name).join(', ') || 'none';
/** Dimensions that agree where both are known (-1 is symbolic or variable). */
const agree = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d < 0 || b[i]! < 0 || d === b[i]);

function inputProblems(entry: RepositoryModel, file: string, inputs: TensorInfo[], feeding: Feeding): string[] {
  const problems: string[] = [];
  const configured = entry.config?.inputs ?? [];
  if (inputs.length !== 1) problems.push(`${file} takes ${inputs.length} inputs (${names(inputs)}); the server feeds one image tensor`);
  if (configured.length > 1) problems.push(`config.pbtxt declares ${configured.length} inputs; the server feeds one`);
  const input = inputs[0];
  const declared = configured[0];
  if (!input) return problems;
  if (input.type !== 'float32') problems.push(`${file}'s input '${input.name}' is ${input.type}; the server feeds float32`);
  if (declared && declared.name !== input.name) problems.push(`config.pbtxt input[0].name '${declared.name}' is not an input of ${file}, which takes '${input.name}'`);
  if (declared && declared.dataType !== 'TYPE_FP32') problems.push(`config.pbtxt input[0].data_type is ${declared.dataType}; the server feeds TYPE_FP32`);
  const dims = feeding.inputDims;
  if (dims.length === 0 || dims.some((d) => d < 1)) {
    problems.push(`${file}'s input '${input.name}' is ${shapeText(input.shape)}, whose size is not fixed; give its dims in config.pbtxt`);
  } else if (input.shape.length > 0 && !agree(input.shape.slice(1), dims)) {
    problems.push(declared?.dims.length
      ? `config.pbtxt input[0].dims [${dims.join(',')}] do not match ${file}'s input '${input.name}' ${shapeText(input.shape)} (dims leave the batch out)`
      : `the contract in ${file}'s metadata gives the input as [N,${dims.join(',')}], but ${file}'s input '${input.name}' is ${shapeText(input.shape)}`);
  }
  const batch = input.shape[0] ?? -1;
  if (batch > 0 && feeding.maxBatch > batch) problems.push(`${file}'s input '${input.name}' has a fixed batch of ${batch}; set config.pbtxt max_batch_size (or --max-batch) to ${batch}`);
  return problems;
}

function outputProblems(entry: RepositoryModel, file: string, outputs: TensorInfo[]): string[] {
  const problems = outputs.filter((o) => o.type !== 'float32').map((o) => `${file}'s output '${o.name}' is ${o.type}; only float32 outputs are served`);
  entry.config?.outputs.forEach((declared, i) => {
    const output = outputs.find((o) => o.name === declared.name);
    if (!output) {
      problems.push(`config.pbtxt output[${i}].name '${declared.name}' is not an output of ${file} (${names(outputs)})`);
      return;
    }
    if (declared.dataType !== 'TYPE_FP32') problems.push(`config.pbtxt output[${i}].data_type is ${declared.dataType}; outputs are served as TYPE_FP32`);
    if (declared.dims.length > 0 && output.shape.length > 0 && !agree(output.shape.slice(1), declared.dims)) {
      problems.push(`config.pbtxt output[${i}].dims [${declared.dims.join(',')}] do not match ${file}'s output '${output.name}' ${shapeText(output.shape)} (dims leave the batch out)`);
    }
  });
  // The labels name the classes of the output /classify ranks.
  const ranked = outputs.find((o) => o.name === PROBABILITIES_NAME) ?? outputs[0];
  const classes = ranked?.shape.at(-1);
  if (ranked && classes !== undefined && classes > 0 && entry.labels.length > 0 && entry.labels.length !== classes) {
    problems.push(`${entry.labelsSource} has ${entry.labels.length} labels; output '${ranked.name}' has ${classes} classes`);
  }
  return problems;
}

/** Every disagreement between the repository and model.onnx, each naming its field; empty when they agree. */
export function modelProblems(entry: RepositoryModel, model: { inputs: TensorInfo[]; outputs: TensorInfo[] }, feeding: Feeding): string[] {
  const file = basename(entry.modelPath);
  return [...inputProblems(entry, file, model.inputs, feeding), ...outputProblems(entry, file, model.outputs)];
}
