// The JSON of a v2 inference request is bounded before it is parsed: a byte scan counts nesting, keys and
// numbers (strings skipped, escapes honoured), so a body of 16 million '[', a million keys or eight million
// numbers is refused in milliseconds instead of building that many objects. Then JSON.parse.
import { badRequest, payloadTooLarge } from '../errors.ts';

/** Deeper than any request needs: {inputs:[{data:…}]} is three levels, a 4-D tensor nested by its shape four more. */
export const MAX_JSON_DEPTH = 32;
/** Object keys in one body: a request has about ten per tensor (name, shape, datatype, data, parameters…). */
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
 * Bounds the body's nesting, keys and numbers by scanning its bytes before JSON.parse sees it. Every key is
 * followed by a colon outside a string, so colons count keys; a number starts with a digit or '-' outside a string.
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
      throw badRequest(`the JSON body has more than ${MAX_JSON_KEYS} object keys; an inference request needs about ten per tensor`);
    } else if (isDigit(b) || b === MINUS) {
      inNumber = true;
      if (++numbers > maxValues) throw payloadTooLarge(`the JSON body holds more than ${maxValues} numbers, more inputs than the model's queue can ever hold; split the request`);
    }
  }
}

/** The JSON value of `bytes`, once its structure is within bounds; a 400 when it is not JSON. */
export function parseBoundedJson(bytes: Uint8Array, maxValues: number): unknown {
  checkJsonStructure(bytes, maxValues);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
}
