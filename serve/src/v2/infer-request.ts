// A KServe v2 inference request, from bytes to the model's input tensors, checked as Triton checks it: every
// input of the model present once, by name; its datatype the model's; its shape the model's where the model
// fixes a dimension (the first one being the batch when the model batches); its data as many elements as the
// shape holds — in the JSON (json-data.ts), or as binary data after the JSON (Triton's binary tensor
// extension: the JSON's length in the Inference-Header-Content-Length header, each binary input's byte count
// in its parameters.binary_data_size, the bytes little-endian, row-major, in the JSON's order of the inputs),
// whose byte count must be the shape's elements × the datatype's size. Every refusal is a 400 naming the
// input and the field. Pure and synchronous: it runs in the parse worker (parse-worker.ts), off the event loop.
import { badRequest, type HttpError } from '../errors.ts';
import { allocate, bytesPerElement, elementCount, fromBytes, shapeFits, shapeText, type Tensor, type TensorSpec } from '../tensors/index.ts';
import { countElements, fillElements } from './json-data.ts';
import { MAX_JSON_KEYS, parseBoundedJson } from './json-structure.ts';

/** What a request is checked against: the model's inputs and outputs. */
export interface InferSpec {
  modelName: string;
  inputs: TensorSpec[];
  outputNames: string[];
  /** Whether the model batches: the first dimension of every input is then the batch (1 or more rows). */
  batched: boolean;
  /** Most numbers a JSON body may carry (more than the model's queue could ever hold is refused unread). */
  maxValues: number;
  /** The JSON's length, when binary tensor data follows it (the Inference-Header-Content-Length header). */
  headerLength?: number;
}

export interface RequestedOutput {
  name: string;
  /** Answered as binary data (parameters.binary_data, else the request's binary_data_output). */
  binary: boolean;
}

export interface InferRequest {
  id?: string;
  /** The model's inputs, in the model's order. */
  inputs: Tensor[];
  /** Rows of the batch (1 for a model that does not batch). */
  batch: number;
  /** The outputs to answer, in the order asked (every output of the model when none was named). */
  outputs: RequestedOutput[];
}

/** An HttpError as the worker sends it back (classes do not cross threads). */
export interface InferError {
  status: HttpError['status'];
  code: HttpError['code'];
  message: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object's `parameters`, checked to be an object when present. */
function parametersOf(owner: Json, where: string): Json {
  const { parameters } = owner;
  if (parameters === undefined) return {};
  if (!isObject(parameters)) throw badRequest(`${where}parameters must be an object`);
  return parameters;
}

function booleanParameter(parameters: Json, name: string, where: string): boolean | undefined {
  const value = parameters[name];
  if (value !== undefined && typeof value !== 'boolean') throw badRequest(`${where}parameters.${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

const describe = (spec: TensorSpec) => `${spec.name} (${spec.datatype} ${shapeText(spec.shape)})`;

/** An input's declared shape checked against the model's; its element count. */
function checkShape(input: Json, spec: TensorSpec, modelName: string, batched: boolean): number[] {
  const shape = input.shape;
  const where = `input '${spec.name}'`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw badRequest(`${where}: "shape" must be an array of non-negative integers`);
  if (!shapeFits(shape, spec.shape) || shape.some((d) => d < 1)) {
    const batch = batched ? '; its first dimension is the batch, 1 or more' : '';
    throw badRequest(`${where}: shape [${shape.join(',')}] does not match model '${modelName}', which takes ${shapeText(spec.shape)}${batch} ('?' is any size from 1)`);
  }
  return shape;
}

/** Reads `"inputs"` against the model: each one's spec, shape and where its data is. */
function readInputs(body: Json, spec: InferSpec): { input: Json; spec: TensorSpec; shape: number[]; binarySize?: number }[] {
  const { inputs } = body;
  if (!Array.isArray(inputs) || inputs.length === 0) throw badRequest(`"inputs" must be a non-empty array of tensors; model '${spec.modelName}' takes ${spec.inputs.map(describe).join(', ')}`);
  const seen = new Set<string>();
  const read = inputs.map((input: unknown) => {
    if (!isObject(input)) throw badRequest('each input must be an object {name, shape, datatype, data or parameters.binary_data_size}');
    const inputSpec = spec.inputs.find((s) => s.name === input.name);
    if (!inputSpec) throw badRequest(`unknown input '${String(input.name)}'; model '${spec.modelName}' takes ${spec.inputs.map((s) => `'${s.name}'`).join(', ')}`);
    if (seen.has(inputSpec.name)) throw badRequest(`input '${inputSpec.name}' is given twice`);
    seen.add(inputSpec.name);
    const where = `input '${inputSpec.name}': `;
    if (typeof input.datatype !== 'string') throw badRequest(`${where}"datatype" must be a string such as "${inputSpec.datatype}"`);
    if (input.datatype !== inputSpec.datatype) throw badRequest(`${where}datatype ${input.datatype} does not match model '${spec.modelName}', which takes ${inputSpec.datatype}`);
    const shape = checkShape(input, inputSpec, spec.modelName, spec.batched);
    const binarySize = parametersOf(input, where).binary_data_size;
    if (binarySize === undefined) {
      if (input.data === undefined) throw badRequest(`${where}"data" is missing (or give parameters.binary_data_size and send the data as binary after the JSON)`);
      return { input, spec: inputSpec, shape };
    }
    if (!Number.isSafeInteger(binarySize) || (binarySize as number) < 0) throw badRequest(`${where}parameters.binary_data_size must be a byte count, got ${JSON.stringify(binarySize)}`);
    if (input.data !== undefined) throw badRequest(`${where}has both "data" and parameters.binary_data_size; send its data one way`);
    if (spec.headerLength === undefined) throw badRequest(`${where}parameters.binary_data_size needs the Inference-Header-Content-Length header giving the JSON's length`);
    const expected = elementCount(shape) * bytesPerElement(inputSpec.datatype);
    if (binarySize !== expected) {
      throw badRequest(`${where}parameters.binary_data_size is ${binarySize}, but shape [${shape.join(',')}] of ${inputSpec.datatype} takes ${expected} bytes (${bytesPerElement(inputSpec.datatype)} per element)`);
    }
    return { input, spec: inputSpec, shape, binarySize: binarySize as number };
  });
  const missing = spec.inputs.filter((s) => !seen.has(s.name));
  if (missing.length > 0) throw badRequest(`model '${spec.modelName}' takes ${spec.inputs.length} inputs; missing: ${missing.map(describe).join(', ')}`);
  return read;
}

/** The tensors of the inputs read, their data from the JSON or from the binary part, in the model's order. */
function inputTensors(read: ReturnType<typeof readInputs>, binary: Uint8Array, spec: InferSpec): Tensor[] {
  const declared = read.reduce((sum, r) => sum + (r.binarySize ?? 0), 0);
  if (declared !== binary.length) {
    throw badRequest(`${binary.length} bytes of binary data follow the JSON (Inference-Header-Content-Length ${spec.headerLength ?? 'absent'}), but the inputs' parameters.binary_data_size add up to ${declared}`);
  }
  let offset = 0;
  const tensors = new Map<string, Tensor>();
  for (const { input, spec: inputSpec, shape, binarySize } of read) {
    const { datatype } = inputSpec;
    const elements = elementCount(shape);
    if (binarySize !== undefined) {
      tensors.set(inputSpec.name, { datatype, shape, data: fromBytes(datatype, binary.subarray(offset, offset + binarySize)) });
      offset += binarySize;
      continue;
    }
    const given = countElements(input.data, datatype);
    if (given !== elements) throw badRequest(`input '${inputSpec.name}': data has ${given} values; shape [${shape.join(',')}] needs ${elements}`);
    const data = allocate(datatype, elements);
    fillElements(input.data, datatype, data);
    tensors.set(inputSpec.name, { datatype, shape, data });
  }
  return spec.inputs.map((s) => tensors.get(s.name)!);
}

function requestedOutputs(body: Json, spec: InferSpec, binaryOutput: boolean): RequestedOutput[] {
  const { outputs } = body;
  if (outputs === undefined) return spec.outputNames.map((name) => ({ name, binary: binaryOutput }));
  if (!Array.isArray(outputs)) throw badRequest('"outputs" must be an array of {name, parameters?}');
  const seen = new Set<string>();
  return outputs.map((output: unknown) => {
    if (!isObject(output) || typeof output.name !== 'string') throw badRequest('"outputs" must be an array of {name, parameters?}');
    const { name } = output;
    if (!spec.outputNames.includes(name)) throw badRequest(`unknown output '${name}'; model '${spec.modelName}' has ${spec.outputNames.join(', ')}`);
    if (seen.has(name)) throw badRequest(`output '${name}' is asked for twice`);
    seen.add(name);
    const where = `output '${name}': `;
    return { name, binary: booleanParameter(parametersOf(output, where), 'binary_data', where) ?? binaryOutput };
  });
}

/** The request in `bytes`, checked against `spec`; HttpError (400, or 413 for too many numbers) otherwise. */
export function parseInferRequest(bytes: Uint8Array, spec: InferSpec): InferRequest {
  const headerLength = spec.headerLength ?? bytes.length;
  if (headerLength > bytes.length) throw badRequest(`Inference-Header-Content-Length is ${headerLength}, but the body has only ${bytes.length} bytes`);
  // Numbers outside the tensor data (shapes, parameters) count too: a few more than the data may hold.
  const body = parseBoundedJson(bytes.subarray(0, headerLength), spec.maxValues + MAX_JSON_KEYS);
  if (!isObject(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  const binaryOutput = booleanParameter(parametersOf(body, ''), 'binary_data_output', '') ?? false;
  const read = readInputs(body, spec);
  const outputs = requestedOutputs(body, spec, binaryOutput);
  const inputs = inputTensors(read, bytes.subarray(headerLength), spec);
  const batch = spec.batched ? inputs[0]!.shape[0]! : 1;
  const other = spec.batched ? inputs.find((t) => t.shape[0] !== batch) : undefined;
  if (other) throw badRequest(`the inputs disagree on the batch size: ${spec.inputs.map((s, i) => `'${s.name}' has ${inputs[i]!.shape[0]}`).join(', ')} rows`);
  return { ...(typeof body.id === 'string' ? { id: body.id } : {}), inputs, batch, outputs };
}
