// A KServe v2 inference request body, from bytes to one Float32Array: the JSON's structure checked by a
// byte scan before it is parsed (nesting, keys and numbers counted and bounded, so a body of 16 million '[',
// a million keys or eight million numbers is refused in milliseconds instead of building that many
// objects), then parsed, validated against
// the model, and its tensor data written straight into a Float32Array of the size the shape announces,
// each value checked to fit float32. Pure and synchronous: it runs in the parse worker (parse-worker.ts),
// off the server's event loop.
import { badRequest, HttpError, payloadTooLarge, unprocessable } from '../errors.ts';

/** What a request is checked against: the model's input and outputs. */
export interface InferSpec {
  modelName: string;
  inputName: string;
  /** Input dims without the batch dimension. */
  inputDims: number[];
  outputNames: string[];
  /** Most values a request may carry: what the model's queue holds (more could never be served). */
  maxValues: number;
}

export interface InferRequest {
  id?: string;
  /** Items of the batch, back to back: batch × (product of inputDims) values. */
  data: Float32Array;
  batch: number;
  /** Outputs asked for; undefined = all. */
  outputs?: string[];
}

/** Deeper than any request needs: {inputs:[{data:…}]} is three levels, a 4-D tensor nested by its shape four more. */
export const MAX_JSON_DEPTH = 32;
/** Object keys in one body: a request has about ten (inputs, name, shape, datatype, data, id, parameters…). */
export const MAX_JSON_KEYS = 1000;

const QUOTE = 0x22;
const MINUS = 0x2d;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
/** What may follow a number's first character: digits, '.', 'e', 'E', '+', '-'. */
const continuesNumber = (b: number) => isDigit(b) || b === 0x2e || b === 0x65 || b === 0x45 || b === 0x2b || b === MINUS;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * Bounds the body's nesting, keys and numbers by scanning its bytes (strings skipped, escapes honoured)
 * before JSON.parse sees it. Every key is followed by a colon outside a string, so colons count keys; a
 * number starts with a digit or '-' outside a string.
 */
export function checkJsonStructure(bytes: Uint8Array, maxValues: number): void {
  let depth = 0;
  let keys = 0;
  let numbers = 0;
  let inString = false;
  let inNumber = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inNumber) {
      if (continuesNumber(b)) continue;
      inNumber = false;
    }
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (OPEN.has(b)) {
      if (++depth > MAX_JSON_DEPTH) throw badRequest(`the JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} deep; send the tensor data flat or nested by its shape`);
    } else if (CLOSE.has(b)) {
      depth--;
    } else if (b === COLON && ++keys > MAX_JSON_KEYS) {
      throw badRequest(`the JSON body has more than ${MAX_JSON_KEYS} object keys; an inference request needs about ten`);
    } else if (isDigit(b) || b === MINUS) {
      inNumber = true;
      if (++numbers > maxValues) throw payloadTooLarge(`the JSON body holds more than ${maxValues} numbers, more inputs than the model's queue can ever hold; split the request`);
    }
  }
}

/** float32's largest finite value; larger finite doubles round to Infinity in a Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** How many numbers the nested arrays of `data` hold; a 400 naming the first element that is not a number. */
function countNumbers(data: unknown, counted = 0): number {
  if (Array.isArray(data)) {
    for (const d of data) counted = countNumbers(d, counted);
    return counted;
  }
  if (typeof data !== 'number') throw badRequest(`tensor data must hold numbers (flat or nested arrays); element ${counted} is ${data === null ? 'null' : typeof data}`);
  return counted + 1;
}

/** Writes the nested number arrays of `data` (counted already) into `out` from `at`; returns the next position. */
function fill(data: unknown, out: Float32Array, at: number): number {
  if (Array.isArray(data)) {
    for (const d of data) at = fill(d, out, at);
    return at;
  }
  const value = Math.fround(data as number);
  if (!Number.isFinite(value)) {
    throw badRequest(Number.isFinite(data as number)
      ? `tensor data element ${at} is ${data}, outside float32's range (±${FLOAT32_MAX}); FP32 data must be finite float32 values`
      : `tensor data element ${at} is infinite (a number such as 1e999 overflows); FP32 data must be finite float32 values`);
  }
  out[at] = value;
  return at + 1;
}

function parseJson(bytes: Uint8Array, maxValues: number): unknown {
  checkJsonStructure(bytes, maxValues);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}

/** The request in `bytes`, checked against `spec`; HttpError (400/422) naming what is wrong otherwise. */
export function parseInferRequest(bytes: Uint8Array, spec: InferSpec): InferRequest {
  // Numbers outside the tensor data (shape, parameters) count too: a few more than the data may hold.
  const body = parseJson(bytes, spec.maxValues + MAX_JSON_KEYS);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object with "inputs"');
  const { id, inputs, outputs } = body as Record<string, unknown>;
  if (!Array.isArray(inputs) || inputs.length !== 1) throw badRequest(`"inputs" must be an array with one tensor named '${spec.inputName}'`);
  const input = inputs[0] as Record<string, unknown> | null;
  if (typeof input !== 'object' || input === null) throw badRequest('each input must be an object {name, shape, datatype, data}');
  if (input.name !== spec.inputName) throw badRequest(`unknown input '${String(input.name)}'; model '${spec.modelName}' takes '${spec.inputName}'`);
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw badRequest('"shape" must be an array of non-negative integers');
  if (typeof input.datatype !== 'string') throw badRequest('"datatype" must be a string such as "FP32"');
  if (input.data === undefined) throw badRequest('"data" is missing');
  let wanted: string[] | undefined;
  if (outputs !== undefined) {
    if (!Array.isArray(outputs) || !outputs.every((o) => typeof o?.name === 'string')) throw badRequest('"outputs" must be an array of {name}');
    wanted = outputs.map((o: { name: string }) => o.name);
    const unknown = wanted.find((n) => !spec.outputNames.includes(n));
    if (unknown !== undefined) throw badRequest(`unknown output '${unknown}'; model '${spec.modelName}' has ${spec.outputNames.join(', ')}`);
  }
  const expected = `[N,${spec.inputDims.join(',')}]`;
  if (input.datatype !== 'FP32') throw unprocessable(`datatype ${input.datatype} is not accepted; send FP32 with shape ${expected}`);
  const [batch, ...dims] = shape as number[];
  if (batch === undefined || batch < 1 || dims.length !== spec.inputDims.length || dims.some((d, i) => d !== spec.inputDims[i])) {
    throw unprocessable(`shape [${shape.join(',')}] does not match the model's input ${expected} with N >= 1`);
  }
  const itemSize = spec.inputDims.reduce((a, b) => a * b, 1);
  const values = batch * itemSize;
  const given = countNumbers(input.data);
  if (given !== values) throw unprocessable(`data has ${given} values; shape [${shape.join(',')}] needs ${values}`);
  const data = new Float32Array(values);
  fill(input.data, data, 0);
  return { ...(typeof id === 'string' ? { id } : {}), data, batch, ...(wanted ? { outputs: wanted } : {}) };
}

/** An HttpError as the worker sends it back (classes do not cross threads). */
export interface InferError {
  status: HttpError['status'];
  code: HttpError['code'];
  message: string;
}
